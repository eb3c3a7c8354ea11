"""On-site check-in: each candidate's ticket for a hybrid edition, and marking people present at the door.

The ticket is a compact value signed with the instance's SECRET_KEY (itsdangerous, as the invitation and
referral links are): `[edition id, candidate id]` and an HMAC. It needs no row, so the page that shows
it, the mail that links to it and a printed convocation all carry the same code, which nobody can
forge or move to another person or edition. It proves who the holder is and nothing more: it opens no
page and acts only when an organiser of that edition scans it (`fair.links` tokens are for links that
act without signing in, spent once; a ticket is shown again and again).

Who is *registered* for an edition (the denominator of attendance): a candidate with an active
booking in it, an application (not withdrawn) to one of its offers, a webinar registration (not
cancelled) to one of its webinars, or a place in one of its queues. Any signed-in candidate may still
open the ticket page of a public hybrid edition: the venue welcomes walk-ins, who are counted apart.

`CheckIn` is unique per edition and candidate: a code scanned twice, or a scan sent again after a
network loss, counts once and answers when the person was first seen. `scanned_at` is the time the
organiser's phone saw the code, which may be earlier than the time the server hears of it.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fair.accounts.models import User
from fair.audit import record
from fair.candidates.models import Application, ApplicationStatus, CandidateProfile
from fair.checkin.models import CheckIn
from fair.clock import now
from fair.companies.models import Booth, Offer
from fair.db import begin_sqlite_write
from fair.fairs.models import Edition, EditionFormat
from fair.jobdating.models import Booking, BookingStatus
from fair.live.models import QueueEntry
from fair.timezones import utc_to_local
from fair.webinars.models import RegistrationStatus, Webinar, WebinarRegistration

log = logging.getLogger(__name__)

TICKET_SALT = "fair-checkin-ticket"
METHODS = ("scan", "search")
# A phone's clock may run a little fast; a scan time further ahead than this is the server's time instead.
CLOCK_SKEW = dt.timedelta(minutes=5)
# A scan kept offline longer than this is not believed: it is recorded at the time it arrives.
OFFLINE_LIMIT = dt.timedelta(days=2)
SEARCH_MIN_CHARS = 2
SEARCH_LIMIT = 20


class CheckInRefused(Exception):
    """A scan that marks nobody present, with the reason in words for the person at the door."""

    def __init__(self, code: str, message: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


FORGED = CheckInRefused("forged", _l("This code is not a ticket of this platform (or it was altered)."))
OTHER_EDITION = CheckInRefused("other_edition", _l("This ticket is for another fair."))
UNKNOWN_PERSON = CheckInRefused("unknown", _l("This ticket's holder no longer has an account."))


def is_hybrid(edition: Edition) -> bool:
    return edition.format is EditionFormat.hybrid


# ---------------------------------------------------------------- tickets

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TICKET_SALT)


def ticket_code(edition_id: int, candidate_id: int) -> str:
    """The signed value a ticket's QR code holds (about 35 characters: a small, easily read code)."""
    return _serializer().dumps([edition_id, candidate_id])


def read_code(code: str) -> tuple[int, int]:
    """(edition id, candidate id) of a genuine ticket; raises FORGED for anything else."""
    try:
        value = _serializer().loads((code or "").strip())
    except BadSignature:
        raise FORGED from None
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(part, int) and not isinstance(part, bool) for part in value)):
        raise FORGED
    return value[0], value[1]


def qr_svg(code: str) -> str:
    """The ticket's QR code as an SVG data URI, black on white with its quiet zone (read in poor light)."""
    return segno.make(code, error="m").svg_data_uri(scale=8, border=4, dark="#000", light="#fff")


def ticket_edition(session: Session, edition_id: int) -> Edition | None:
    """A public hybrid edition, the only kind that gives tickets; anything else is None (404)."""
    edition = session.get(Edition, edition_id)
    if edition is None or not edition.is_public or not is_hybrid(edition):
        return None
    return edition


# ---------------------------------------------------------------- who is registered

def registered_ids(edition_id: int) -> Select:
    """The ids of the candidates registered for an edition (see the module's docstring), as one query."""
    return union(
        select(Booking.candidate_id).where(Booking.edition_id == edition_id,
                                           Booking.status == BookingStatus.active),
        select(Application.candidate_id).join(Offer, Offer.id == Application.offer_id)
        .join(Booth, Booth.id == Offer.booth_id)
        .where(Booth.edition_id == edition_id, Application.status != ApplicationStatus.withdrawn),
        select(WebinarRegistration.user_id).join(Webinar, Webinar.id == WebinarRegistration.webinar_id)
        .where(Webinar.edition_id == edition_id, WebinarRegistration.status != RegistrationStatus.cancelled),
        select(QueueEntry.candidate_id).where(QueueEntry.edition_id == edition_id),
    )


def is_registered(session: Session, edition_id: int, user_id: int) -> bool:
    ids = registered_ids(edition_id).subquery()
    return session.execute(select(func.count()).select_from(ids).where(ids.c[0] == user_id)).scalar_one() > 0


def hybrid_editions_of(session: Session, user_id: int) -> list[Edition]:
    """The public hybrid editions not yet over for which this candidate is registered (their tickets)."""
    editions = session.execute(
        select(Edition).where(Edition.format == EditionFormat.hybrid, Edition.ends_at > now())
        .order_by(Edition.starts_at)
    ).scalars().all()
    return [e for e in editions if e.is_public and is_registered(session, e.id, user_id)]


# ---------------------------------------------------------------- marking present

@dataclass
class Arrival:
    """What the door's page shows after a scan or a click."""

    checkin: CheckIn
    person: User
    created: bool  # False: already checked in (the same code twice counts once)
    registered: bool
    profile: CandidateProfile | None


def check_in_code(session: Session, edition: Edition, code: str, *, by_id: int,
                  scanned_at: dt.datetime | None = None) -> Arrival:
    """Mark the holder of a scanned ticket present at `edition`; raises CheckInRefused."""
    edition_id, candidate_id = read_code(code)
    if edition_id != edition.id:
        raise OTHER_EDITION
    return check_in(session, edition, candidate_id, by_id=by_id, method="scan", scanned_at=scanned_at)


def check_in(session: Session, edition: Edition, candidate_id: int, *, by_id: int, method: str,
             scanned_at: dt.datetime | None = None) -> Arrival:
    """One CheckIn per edition and candidate, however often it is asked for (idempotent: a scan sent
    again after a network loss finds the row it made). The unique constraint has the last word when
    two phones scan the same person at once."""
    person = session.get(User, candidate_id)
    if person is None or person.erased_at is not None or not person.is_candidate:
        raise UNKNOWN_PERSON
    existing = _checkin_of(session, edition.id, candidate_id)
    if existing is None and begin_sqlite_write(session):
        existing = _checkin_of(session, edition.id, candidate_id)  # SQLite: now the one writer, look again
    created = False
    if existing is None:
        existing = CheckIn(edition_id=edition.id, candidate_id=candidate_id, checked_in_by_id=by_id,
                           method=method if method in METHODS else "scan",
                           scanned_at=_believable(scanned_at), created_at=now())
        try:
            with session.begin_nested():
                session.add(existing)
        except IntegrityError:
            existing = _checkin_of(session, edition.id, candidate_id)
            assert existing is not None
        else:
            created = True
            if method == "search":
                # A person let in without their code: who did it is kept, as for any staff action that matters.
                record(session, "checkin.manual", existing, label=person.full_name,
                       organisation_id=edition.organiser_id, details={"edition": edition.id})
            log.info("edition %s: candidate %s checked in (%s)", edition.id, candidate_id, method)
    profile = session.execute(select(CandidateProfile).where(CandidateProfile.user_id == candidate_id)
                              ).scalars().first()
    return Arrival(checkin=existing, person=person, created=created,
                   registered=is_registered(session, edition.id, candidate_id), profile=profile)


def _checkin_of(session: Session, edition_id: int, candidate_id: int) -> CheckIn | None:
    return session.execute(select(CheckIn).where(CheckIn.edition_id == edition_id,
                                                 CheckIn.candidate_id == candidate_id)).scalars().first()


def _believable(scanned_at: dt.datetime | None) -> dt.datetime:
    """The phone's scan time when it is plausible; else the server's."""
    moment = now()
    if scanned_at is None:
        return moment
    if scanned_at.tzinfo is None:
        scanned_at = scanned_at.replace(tzinfo=dt.timezone.utc)
    if scanned_at > moment + CLOCK_SKEW or scanned_at < moment - OFFLINE_LIMIT:
        return moment
    return min(scanned_at, moment)


def parse_scan_time(value: Any) -> dt.datetime | None:
    """The page's ISO 8601 time of a scan (`Date.toISOString()`), or None when it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------- the typed fallback

def search(session: Session, edition: Edition, query: str) -> list[tuple[User, CheckIn | None]]:
    """Registered candidates whose name or email contains `query` (at least 2 characters), with their
    check-in if any. Only registered people: the door's page is no directory of the instance's users."""
    words = (query or "").strip()
    if len(words) < SEARCH_MIN_CHARS:
        return []
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower() + "%"
    ids = registered_ids(edition.id).subquery()
    people = session.execute(
        select(User).where(User.id.in_(select(ids.c[0])),
                           or_(func.lower(User.full_name).like(pattern, escape="\\"),
                               func.lower(User.email).like(pattern, escape="\\")))
        .order_by(User.full_name, User.id).limit(SEARCH_LIMIT)
    ).scalars().all()
    found = {c.candidate_id: c for c in session.execute(
        select(CheckIn).where(CheckIn.edition_id == edition.id, CheckIn.candidate_id.in_([p.id for p in people]))
    ).scalars()}
    return [(person, found.get(person.id)) for person in people]


# ---------------------------------------------------------------- attendance, for the report

def present_count(session: Session, edition_id: int) -> int:
    return session.execute(select(func.count()).select_from(CheckIn).where(CheckIn.edition_id == edition_id)
                           ).scalar_one()


def attendance(session: Session, edition: Edition) -> dict[str, Any]:
    """Checked in / registered, walk-ins, and arrivals per hour of the fair's local time."""
    ids = registered_ids(edition.id).subquery()
    registered = session.execute(select(func.count()).select_from(ids)).scalar_one()
    scans = session.execute(select(CheckIn.candidate_id, CheckIn.scanned_at)
                            .where(CheckIn.edition_id == edition.id)).all()
    registered_present = session.execute(
        select(func.count()).select_from(CheckIn)
        .where(CheckIn.edition_id == edition.id, CheckIn.candidate_id.in_(select(ids.c[0])))
    ).scalar_one()
    hours: dict[int, int] = {}
    for _candidate, scanned_at in scans:
        local = utc_to_local(scanned_at, edition.timezone)
        assert local is not None
        hours[local.hour] = hours.get(local.hour, 0) + 1
    return {"checked_in": len(scans), "registered": registered, "registered_present": registered_present,
            "walk_ins": len(scans) - registered_present,
            "by_hour": [(f"{hour:02d}:00", hours[hour]) for hour in sorted(hours)]}
