"""Bookings and waitlist places, looked up for the candidate who holds them, the booth's company, or the
advisers of the structures that follow the candidate."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fair.access import as_id, organisations_of
from fair.accounts.models import OrganisationKind, User
from fair.candidates.access import followed_by
from fair.companies.models import Booth
from fair.extensions import db
from fair.jobdating.models import Booking, WaitlistEntry


def candidate_booking(booking_id: Any, user_id: int) -> Booking | None:
    """The booking if this person is its candidate; anyone else's is None."""
    wanted = as_id(booking_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Booking).where(Booking.id == wanted, Booking.candidate_id == user_id)
    ).scalars().first()


def recruiter_booking(booking_id: Any, user_id: int) -> Booking | None:
    """The booking if this person is a member of the company whose booth it is at; else None."""
    wanted = as_id(booking_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Booking).join(Booth, Booth.id == Booking.booth_id)
        .where(Booking.id == wanted, Booth.company_id.in_(organisations_of(user_id, OrganisationKind.company)))
    ).scalars().first()


def candidate_waitlist_entry(entry_id: Any, user_id: int) -> WaitlistEntry | None:
    """The waitlist place if this person is its candidate; anyone else's is None."""
    wanted = as_id(entry_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(WaitlistEntry).where(WaitlistEntry.id == wanted, WaitlistEntry.candidate_id == user_id)
    ).scalars().first()


def followed_booking(booking_id: Any, adviser_id: int) -> Booking | None:
    """The booking if its candidate is followed by one of the adviser's structures
    (fair.candidates.access.followed_by); another structure's people's bookings are None."""
    wanted = as_id(booking_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Booking).where(Booking.id == wanted, Booking.candidate_id.in_(followed_by(adviser_id)))
    ).scalars().first()


def followed_person(candidate_id: Any, adviser_id: int) -> User | None:
    """The person if one of the adviser's structures follows them; anyone else is None."""
    wanted = as_id(candidate_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(User).where(User.id == wanted, User.id.in_(followed_by(adviser_id)))
    ).scalars().first()
