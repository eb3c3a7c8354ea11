"""Who may print a person's convocation: the organisers of the booking's edition, and the advisers of
a partner the person confirmed a referral to (not revoked). Anyone else gets None (the view's 404)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select

from fair import clock
from fair.access import as_id, organisations_of
from fair.accounts.models import OrganisationKind
from fair.candidates.models import Referral, ReferralStatus
from fair.extensions import db
from fair.fairs.models import Edition
from fair.fairs.rules import editions_run_by
from fair.jobdating.models import Booking, BookingStatus


def followed_candidates(user_id: int) -> Select:
    """The ids of the people who confirmed a referral to one of this adviser's partners."""
    return select(Referral.candidate_id).where(
        Referral.partner_id.in_(organisations_of(user_id, OrganisationKind.partner)),
        Referral.status == ReferralStatus.confirmed, Referral.revoked_at.is_(None))


def printable_booking(booking_id: Any, user_id: int) -> Booking | None:
    """An active booking this person may print the letter of, else None."""
    wanted = as_id(booking_id)
    if wanted is None:
        return None
    return db.session.execute(select(Booking).where(
        Booking.id == wanted, Booking.status == BookingStatus.active,
        or_(Booking.edition_id.in_(editions_run_by(user_id)), Booking.candidate_id.in_(followed_candidates(user_id)))
    )).scalars().first()


def printable_bookings(edition_id: Any, user_id: int) -> tuple[Edition | None, list[Booking]]:
    """The edition's active bookings this person may print: all of them for its organisers, those of
    the people their association follows for an adviser; (None, []) when there is none."""
    wanted = as_id(edition_id)
    edition = db.session.get(Edition, wanted) if wanted is not None else None
    if edition is None:
        return None, []
    query = select(Booking).where(Booking.edition_id == edition.id, Booking.status == BookingStatus.active)
    organises = db.session.execute(select(Edition.id).where(Edition.id == edition.id,
                                                            Edition.id.in_(editions_run_by(user_id)))).first()
    if not organises:
        query = query.where(Booking.candidate_id.in_(followed_candidates(user_id)))
    bookings = list(db.session.execute(query.order_by(Booking.starts_at, Booking.id)).scalars())
    return (edition if bookings else None), bookings


def letter_editions(user_id: int) -> list[tuple[Edition, int]]:
    """(edition, number of letters) where this adviser's association has people with an upcoming booking."""
    rows = db.session.execute(
        select(Edition, Booking.id).join(Booking, Booking.edition_id == Edition.id)
        .where(Booking.status == BookingStatus.active, Booking.starts_at > clock.now(),
               Booking.candidate_id.in_(followed_candidates(user_id)))
        .order_by(Edition.starts_at, Edition.id)
    ).all()
    counts: dict[int, list] = {}
    for edition, _booking_id in rows:
        counts.setdefault(edition.id, [edition, 0])[1] += 1
    return [(edition, n) for edition, n in counts.values()]
