"""Bookings and their self-service links for the self-service tests."""
from __future__ import annotations

import datetime as dt

FAIR_DAY = dt.date(2030, 3, 12)
EARLY = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


def book(session, slot, candidate):
    """A booking through the service, committed, as the person's own request would."""
    from fair import clock
    from fair.jobdating.services import book as book_slot

    with clock.frozen_at(EARLY):
        booking = book_slot(session, slot_id=slot.id, candidate_id=candidate.id)
        session.commit()
    return booking


def link_of(session, booking) -> str:
    """A fresh self-service link's path (`/r/<token>`), as an SMS or a letter carries it."""
    from fair import clock
    from fair.selfservice.links import booking_link

    with clock.frozen_at(EARLY):
        url = booking_link(session, booking)
        session.commit()
    return url.removeprefix("http://fair.test")
