"""Helpers of the job-dating tests: open availability in the fair's wall-clock time, make candidates."""
from __future__ import annotations

import datetime as dt


def local(day: dt.date, hhmm: str, tz: str = "Europe/Paris") -> dt.datetime:
    from fair.timezones import local_to_utc

    hour, minute = map(int, hhmm.split(":"))
    return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), tz)


def open_range(session, booth, recruiter, day: dt.date, start: str, end: str, mode: str = "video",
               slot_minutes: int | None = None, buffer_minutes: int = 0, location: str = "https://visio.example.org/a"):
    from fair.jobdating.models import SlotMode
    from fair.jobdating.services import open_availability

    tz = booth.edition.timezone
    return open_availability(session, booth=booth, recruiter_id=recruiter.id, mode=SlotMode(mode),
                             starts_at=local(day, start, tz), ends_at=local(day, end, tz), slot_minutes=slot_minutes,
                             buffer_minutes=buffer_minutes, location=location)


def candidates(session, count: int, prefix: str = "burst") -> list:
    """Many candidates at once, sharing one password hash (hashing is slow on purpose)."""
    from tests.conftest import Factory

    return Factory(session).candidates(count, prefix)


def active_bookings(session, **where) -> list:
    from sqlalchemy import select

    from fair.jobdating.models import Booking, BookingStatus

    query = select(Booking).where(Booking.status == BookingStatus.active)
    for name, value in where.items():
        query = query.where(getattr(Booking, name) == value)
    session.expire_all()
    return list(session.execute(query).scalars())
