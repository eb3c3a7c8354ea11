"""Interview slots and bookings for seeded editions (health checks and surveys)."""
from __future__ import annotations

import datetime as dt

FAIR_DAY = dt.date(2030, 3, 12)


def open_slots(factory, booth, recruiter, count: int) -> list:
    """`count` slots of 20 minutes from 10:00 (Paris) on the fair's day."""
    end = (dt.datetime(2000, 1, 1, 10, 0) + dt.timedelta(minutes=20 * count)).strftime("%H:%M")
    availability = factory.slot_range(booth, recruiter, FAIR_DAY, "10:00", end, slot_minutes=20)
    return list(availability.slots)


def book(session, slot, candidate) -> None:
    from fair.jobdating.models import Booking

    session.add(Booking(slot_id=slot.id, booth_id=slot.booth_id, edition_id=slot.edition_id,
                        candidate_id=candidate.id, starts_at=slot.starts_at, ends_at=slot.ends_at))
    session.commit()
