"""Calendar files (RFC 5545) for invitations, updates, cancellations (iTIP, RFC 5546) and feeds.

Pure and typed: no Flask, no database, so it is tested alone and any domain can use it.

Choices that matter to mail clients:

* DTSTART/DTEND are written in UTC. icalendar writes time zones as VTIMEZONE blocks made of
  RDATE lists, which Outlook is reported to mishandle; a UTC instant is read the same way by
  every client. The fair's own wall-clock time goes in the human text instead, built by the
  caller with `fair.timezones.local_time_text` / `local_span_text` (in the recipient's language).
* One booking or registration keeps one UID for its whole life; every change is sent as a new
  REQUEST with a higher SEQUENCE, and a cancellation is a CANCEL with the same UID and a higher
  SEQUENCE still. Clients replace the old copy only when both hold.
* The VCALENDAR UID (RFC 7986) that icalendar would draw at random is derived from the event UID,
  so the same event always gives the same bytes for the same DTSTAMP.
* Text is cleaned to what a TEXT value may hold (no control characters other than tab and new
  line; CR LF and CR become LF); escaping of commas, semicolons, backslashes and new lines is
  left to icalendar, and `tests/calendar/test_ics.py` proves it survives a round trip through
  icalendar and through Mozilla's ical.js.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration

from fair.timezones import checked_zone

PRODID = "-//fair//Online recruitment fairs//FR"
#: How often a subscribed client should fetch the feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
FEED_REFRESH = timedelta(hours=1)

ROLES = frozenset({"CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"})
PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"})

# Characters a TEXT value may not hold (RFC 5545 3.3.11: CONTROL except HTAB), once CR LF and
# lone CR are turned into LF. Parameter values (CN) may hold no new line and no DQUOTE either.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PARAM_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\"]")


def _unprintable(character: str) -> bool:
    return character < " " or character == "\x7f"


def clean_text(value: str) -> str:
    """The text as a calendar stores it: new lines as LF, other control characters dropped.

    What `request_ics` writes and a client reads back is exactly `clean_text(value)`.
    """
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_name(value: str) -> str:
    """A display name as a CN parameter can carry it: one line, straight quotes made typographic,
    backslashes made slashes (parameter values have no escaping, yet readers disagree about them).
    """
    value = value.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    value = value.replace('"', "\u201d").replace("\\", "/")
    return _PARAM_FORBIDDEN.sub("", value).strip()


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""
    role: str = "REQ-PARTICIPANT"
    partstat: str = "NEEDS-ACTION"
    rsvp: bool = True

    def __post_init__(self) -> None:
        if "@" not in self.email or any(c.isspace() or _unprintable(c) or c in '"<>' for c in self.email):
            raise ValueError(f"not an email address: {self.email!r}")
        if self.role not in ROLES:
            raise ValueError(f"ROLE must be one of {sorted(ROLES)}, not {self.role!r}")
        if self.partstat not in PARTSTATS:
            raise ValueError(f"PARTSTAT must be one of {sorted(PARTSTATS)}, not {self.partstat!r}")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str                  # stable per booking / webinar registration, e.g. "booking-42@<host>"
    sequence: int             # 0 when created, +1 on every change (time, place, cancel)
    starts_at: datetime       # aware; written in UTC as DTSTART
    ends_at: datetime         # aware; DTEND in UTC
    timezone: str             # IANA zone of the fair: local wall-clock time is written in the text
    summary: str
    description: str
    location: str
    organiser: Attendee
    attendees: tuple[Attendee, ...]
    url: str | None = None
    alarm_minutes: int | None = 15
    stamp: datetime | None = None   # DTSTAMP (now when None)

    def __post_init__(self) -> None:
        if not self.uid or self.uid != self.uid.strip() or any(_unprintable(c) for c in self.uid):
            raise ValueError(f"UID must be a non-empty single line without surrounding spaces: {self.uid!r}")
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int) or self.sequence < 0:
            raise ValueError(f"SEQUENCE must be an integer ≥ 0, not {self.sequence!r}")
        for label, moment in (("starts_at", self.starts_at), ("ends_at", self.ends_at), ("stamp", self.stamp)):
            if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
                raise ValueError(f"{label} must be an aware datetime, not naive {moment!r}")
        if _utc(self.ends_at) <= _utc(self.starts_at):
            raise ValueError("ends_at must be after starts_at (to the second)")
        checked_zone(self.timezone)
        if self.alarm_minutes is not None and (isinstance(self.alarm_minutes, bool) or self.alarm_minutes < 0):
            raise ValueError(f"alarm_minutes must be ≥ 0 or None, not {self.alarm_minutes!r}")
        if self.url is not None and (not self.url or any(c.isspace() for c in self.url)):
            raise ValueError(f"URL must hold no spaces: {self.url!r}")


def request_ics(event: CalendarEvent) -> bytes:
    """METHOD:REQUEST, for a new event and for every change of it (with a higher SEQUENCE).

    A REQUEST invites someone (RFC 5546 3.2.2: one ATTENDEE or more); use `feed_ics` to publish.
    """
    if not event.attendees:
        raise ValueError("a REQUEST needs at least one attendee (RFC 5546 3.2.2)")
    return _calendar("REQUEST", [_vevent(event, status="CONFIRMED", with_attendees=True, rsvp=True)],
                     uid=_calendar_uid("event", event.uid)).to_ical()


def cancel_ics(event: CalendarEvent) -> bytes:
    """METHOD:CANCEL with STATUS:CANCELLED and the same UID.

    The caller passes the SEQUENCE higher than the last REQUEST sent (so never 0): a client keeps
    an event whose cancellation does not outrank it. No VALARM (RFC 5546 3.2.5), no RSVP asked.
    """
    if event.sequence < 1:
        raise ValueError("a CANCEL must carry a SEQUENCE higher than the REQUEST it cancels (≥ 1)")
    return _calendar("CANCEL", [_vevent(event, status="CANCELLED", with_attendees=True, rsvp=False)],
                     uid=_calendar_uid("event", event.uid)).to_ical()


def feed_ics(events: Iterable[CalendarEvent], name: str, *, uid: str | None = None) -> bytes:
    """METHOD:PUBLISH subscription feed named `name` (X-WR-CALNAME and NAME).

    Events are written in start order. PUBLISH carries no ATTENDEE (RFC 5546 3.2.1); the feed
    is read by its owner only. `uid` names the feed for clients (say, one per subscription token);
    without it, it is derived from `name`.
    """
    ordered = sorted(events, key=lambda e: (_utc(e.starts_at), e.uid))
    name = clean_name(name) or "fair"
    calendar = _calendar(
        "PUBLISH",
        [_vevent(e, status="CONFIRMED", with_attendees=False, rsvp=False) for e in ordered],
        uid=uid or _calendar_uid("feed", name),
    )
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    return calendar.to_ical()


# --- building blocks ----------------------------------------------------------------------------

def _calendar(method: str, events: list[Event], *, uid: str) -> Calendar:
    return Calendar.new(method=method, prodid=PRODID, uid=uid, subcomponents=events)


def _vevent(event: CalendarEvent, *, status: str, with_attendees: bool, rsvp: bool) -> Event:
    vevent = Event.new(
        uid=event.uid,
        sequence=event.sequence,
        stamp=_utc(event.stamp or datetime.now(timezone.utc)),
        start=_utc(event.starts_at),
        end=_utc(event.ends_at),
        summary=clean_text(event.summary),
        description=clean_text(event.description),
        location=clean_text(event.location),
        organizer=_address(event.organiser, organiser=True),
        attendees=[_address(a, rsvp=rsvp) for a in event.attendees] if with_attendees else None,
        url=event.url,
    )
    vevent.add("status", status)
    if event.alarm_minutes is not None and status != "CANCELLED":
        alarm = Alarm.new(description=clean_text(event.summary) or "Reminder")
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(minutes=-event.alarm_minutes))
        vevent.add_component(alarm)
    return vevent


def _address(person: Attendee, *, organiser: bool = False, rsvp: bool = True) -> vCalAddress:
    name = clean_name(person.name) or None
    if organiser:
        return vCalAddress.new(person.email, cn=name)
    return vCalAddress.new(person.email, cn=name, role=person.role, partstat=person.partstat,
                           rsvp=person.rsvp and rsvp)


def _utc(moment: datetime) -> datetime:
    """The instant in UTC, to the second (iCalendar has no fractions of a second)."""
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def _calendar_uid(kind: str, key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"fair:calendar:{kind}:{key}"))
