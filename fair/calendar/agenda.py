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

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from fair.accounts.models import User
from fair.calendar import reminders
from fair.calendar.ics import Attendee, CalendarEvent, cancel_ics, feed_ics, request_ics
from fair.calendar.models import CalendarEntry, EntryStatus
from fair.extensions import db
from fair.fairs.models import Edition
from fair.mail.outbox import queue_mail
from fair.timezones import local_span_text

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
    user = session.get(User, entry.user_id)
    edition = session.get(Edition, entry.edition_id)
    event = calendar_event(entry)
    ics = cancel_ics(event) if method == "CANCEL" else request_ics(event)
    template = ("calendar_cancel" if method == "CANCEL"
                else "calendar_update" if entry.sequence else "calendar_request")
    queue_mail(
        session, to=user.email, template=template, locale=user.locale or "fr",
        context=mail_context(entry, edition, user),
        key=f"entry-{entry.id}-seq-{entry.sequence}", calendar=(method, ics), edition_id=entry.edition_id,
    )
    log.info("calendar entry %s: %s sequence %s queued", entry.id, method, entry.sequence)


def mail_context(entry: CalendarEntry, edition, user) -> dict:
    """What the calendar and reminder mails show: the entry, and its time in the fair's zone and the reader's words."""
    timezone = (edition.timezone if edition else None) or DEFAULT_TIMEZONE
    when = local_span_text(entry.starts_at, entry.ends_at, timezone, user.locale or "fr")
    return {"entry": entry, "edition": edition, "user": user, "timezone": timezone, "when": when}


def _plan_reminders(session: Session, entry: CalendarEntry) -> None:
    reminders.plan_reminders(session, entry)

