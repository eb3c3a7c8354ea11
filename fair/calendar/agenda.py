"""Calendar entries: what a user has in their calendar, kept in step with their mailbox.

Other domains (bookings, webinars…) call `schedule_entry`, `move_entry` and `cancel_entry`. Each
change writes, in the caller's transaction, the iTIP mail that updates the user's calendar
(REQUEST, REQUEST with a higher SEQUENCE, CANCEL) through the outbox, and re-plans the reminders.
The UID never changes for an entry, so a calendar updates the event in place instead of adding one.
Services never commit: the view or job that called them does.
"""
from __future__ import annotations

import datetime as dt
import logging
from email.utils import parseaddr
from urllib.parse import urlsplit

from babel.dates import format_date, format_time
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from fair.accounts.models import User
from fair.accounts.reach import SMS, Message, channels_of, reach
from fair.calendar import reminders, texting
from fair.calendar.ics import Attendee, CalendarEvent, cancel_ics, feed_ics, request_ics
from fair.calendar.models import CalendarEntry, EntryStatus
from fair.extensions import db
from fair.fairs.models import Edition
from fair.timezones import checked_zone, local_span_text

log = logging.getLogger("fair.calendar")

DEFAULT_TIMEZONE = "Europe/Paris"


class EntryError(ValueError):
    """A calendar entry that cannot exist as asked (times out of order, naive datetimes)."""


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise EntryError("calendar entry times must be timezone-aware")
    if ends_at <= starts_at:
        raise EntryError("a calendar entry must end after it starts")


def _uid_host() -> str:
    return urlsplit(current_app.config.get("BASE_URL") or "").hostname or "fair.localhost"


def entry_uid(kind: str, ref_id: int, user_id: int) -> str:
    """Stable per booking / registration and per person: a recruiter and a candidate hold two events."""
    return f"{kind}-{ref_id}-{user_id}@{_uid_host()}"


def schedule_entry(session: Session, *, user_id: int, edition_id: int, kind: str, ref_id: int,
                   starts_at: dt.datetime, ends_at: dt.datetime, summary: str, description: str,
                   location: str, join_url: str | None = None) -> CalendarEntry:
    """Put something in a user's calendar and mail them the invitation (METHOD:REQUEST).

    Scheduling again what the user already holds (say, a booking cancelled then re-made) reuses
    the entry, so its UID stays the same and its SEQUENCE grows.
    """
    _check_times(starts_at, ends_at)
    entry = session.execute(
        select(CalendarEntry).where(CalendarEntry.user_id == user_id, CalendarEntry.kind == kind,
                                    CalendarEntry.ref_id == ref_id)
    ).scalar_one_or_none()
    if entry is None:
        entry = CalendarEntry(uid=entry_uid(kind, ref_id, user_id), sequence=0, user_id=user_id,
                              edition_id=edition_id, kind=kind, ref_id=ref_id)
        session.add(entry)
    else:
        entry.sequence += 1
    entry.starts_at, entry.ends_at = starts_at, ends_at
    entry.summary, entry.description, entry.location = summary, description or "", location or ""
    entry.join_url = join_url
    entry.status = EntryStatus.active
    session.flush()
    _mail_change(session, entry, "REQUEST")
    _plan_reminders(session, entry)
    return entry


def move_entry(session: Session, entry: CalendarEntry, *, starts_at: dt.datetime, ends_at: dt.datetime,
               location: str | None = None) -> CalendarEntry:
    """New time (and perhaps place): an updated REQUEST with SEQUENCE+1; reminders follow the new time."""
    _check_times(starts_at, ends_at)
    if entry.status != EntryStatus.active:
        raise EntryError("a cancelled calendar entry cannot be moved")
    if entry.starts_at == starts_at and entry.ends_at == ends_at and (location is None or location == entry.location):
        return entry  # nothing changed: no mail, no new reminders
    entry.sequence += 1
    entry.starts_at, entry.ends_at = starts_at, ends_at
    if location is not None:
        entry.location = location
    session.flush()
    _mail_change(session, entry, "REQUEST")
    _plan_reminders(session, entry)
    return entry


def cancel_entry(session: Session, entry: CalendarEntry) -> CalendarEntry:
    """METHOD:CANCEL with the same UID and a higher SEQUENCE; pending reminders are withdrawn."""
    if entry.status == EntryStatus.cancelled:
        return entry
    entry.sequence += 1
    entry.status = EntryStatus.cancelled
    session.flush()
    _mail_change(session, entry, "CANCEL")
    _plan_reminders(session, entry)
    return entry


def active_entries(session: Session, user_id: int) -> list[CalendarEntry]:
    return list(session.execute(
        select(CalendarEntry).where(CalendarEntry.user_id == user_id, CalendarEntry.status == EntryStatus.active)
        .order_by(CalendarEntry.starts_at, CalendarEntry.id)
    ).scalars())


# ---------------------------------------------------------------- iCalendar


def _organiser(edition):
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return Attendee(email=address or "no-reply@fair.localhost", name=edition.organiser.name if edition else name,
                    role="CHAIR", partstat="ACCEPTED", rsvp=False)


def calendar_event(entry: CalendarEntry, *, with_attendee: bool = True):
    """The pure calendar module's view of an entry (DTSTART/DTEND in UTC, the fair's local time in the text)."""
    session = _session_of(entry)
    edition = session.get(Edition, entry.edition_id)
    user = session.get(User, entry.user_id)
    timezone = (edition.timezone if edition else None) or DEFAULT_TIMEZONE
    locale = (user.locale if user else None) or "fr"
    lines = [local_span_text(entry.starts_at, entry.ends_at, timezone, locale)]
    if entry.description:
        lines.append(entry.description)
    if entry.join_url:
        lines.append(entry.join_url)
    # The organiser is the no-reply address: an "accept" or "decline" from a calendar would go nowhere,
    # so the invitation asks for none (the booking is already confirmed; changes are made in the app).
    attendees = ((Attendee(email=user.email, name=user.full_name, partstat="ACCEPTED", rsvp=False),)
                 if with_attendee and user else ())
    return CalendarEvent(
        uid=entry.uid, sequence=entry.sequence, starts_at=entry.starts_at, ends_at=entry.ends_at,
        timezone=timezone, summary=entry.summary, description="\n\n".join(lines), location=entry.location,
        organiser=_organiser(edition), attendees=attendees, url=entry.join_url,
    )


def entry_ics(entry: CalendarEntry) -> bytes:
    """The entry's current state as a calendar file: a REQUEST while active, a CANCEL once cancelled."""
    event = calendar_event(entry)
    return cancel_ics(event) if entry.status == EntryStatus.cancelled else request_ics(event)


def user_feed_ics(session: Session, user, name: str, feed_uid: str) -> bytes:
    events = [calendar_event(e, with_attendee=False) for e in active_entries(session, user.id)]
    return feed_ics(events, name, uid=feed_uid)


def _session_of(entry: CalendarEntry) -> Session:
    return object_session(entry) or db.session


def _mail_change(session: Session, entry: CalendarEntry, method: str) -> None:
    """The invitation, update or cancellation: a calendar mail, and/or a text message to a person who
    chose SMS (fair.accounts.reach), when the entry's kind goes by SMS (`send_by_sms`)."""
    user = session.get(User, entry.user_id)
    edition = session.get(Edition, entry.edition_id)
    template = ("calendar_cancel" if method == "CANCEL"
                else "calendar_update" if entry.sequence else "calendar_request")
    mail = None
    if user.email:  # a phone-only account has no address: no invitation to build
        event = calendar_event(entry)
        ics = cancel_ics(event) if method == "CANCEL" else request_ics(event)
        mail = Message(template, mail_context(entry, edition, user), calendar=(method, ics))
    sms_template = ("appointment_cancelled" if method == "CANCEL"
                    else "appointment_moved" if entry.sequence else "appointment_booked")
    used = reach(
        session, user, key=f"entry-{entry.id}-seq-{entry.sequence}",
        mail=mail, sms=sms_message(session, entry, sms_template, user=user, edition=edition),
        edition_id=entry.edition_id, urgent_before=entry.starts_at,
    )
    log.info("calendar entry %s: %s sequence %s queued (%s)", entry.id, method, entry.sequence,
             ", ".join(sorted(used)) or "nobody to reach")


# ---------------------------------------------------------------- text messages

def sms_message(session: Session, entry: CalendarEntry, template: str, *, user=None,
                edition=None) -> Message | None:
    """The SMS form of a change or reminder of `entry` (`templates/sms/<template>.txt`), or None when
    its kind does not go by SMS, its person is not sent any, or they take no SMS now."""
    provider = texting.provider(entry.kind)
    if provider is None:
        return None
    user = user or session.get(User, entry.user_id)
    if SMS not in channels_of(session, user):
        return None
    details = provider(session, entry)
    if details is None:
        return None
    edition = edition or session.get(Edition, entry.edition_id)
    timezone = (edition.timezone if edition else None) or DEFAULT_TIMEZONE
    cancelled = entry.status == EntryStatus.cancelled

    def context() -> dict:
        values = {"when": sms_when(entry.starts_at, timezone, user.locale or "fr"), "what": entry.summary,
                  "link": None, **details()}
        if cancelled:
            values["link"] = None  # a cancelled appointment has nothing left to act on
        return values

    return Message(template, context)


def sms_when(moment: dt.datetime, zone: str, locale: str, *, day: bool = True) -> str:
    """A time short enough for a text message, in the fair's zone: "mar. 8 déc. 14:00", "Tue 8 Dec 2:00 PM"
    (without `day`: "14:00")."""
    local = moment.astimezone(checked_zone(zone))
    time = format_time(local, "short", locale=locale)
    return f"{format_date(local, 'EEE d MMM', locale=locale)} {time}" if day else time


def mail_context(entry: CalendarEntry, edition, user) -> dict:
    """What the calendar and reminder mails show: the entry, and its time in the fair's zone and the reader's words."""
    timezone = (edition.timezone if edition else None) or DEFAULT_TIMEZONE
    when = local_span_text(entry.starts_at, entry.ends_at, timezone, user.locale or "fr")
    return {"entry": entry, "edition": edition, "user": user, "timezone": timezone, "when": when}


def _plan_reminders(session: Session, entry: CalendarEntry) -> None:
    reminders.plan_reminders(session, entry)

