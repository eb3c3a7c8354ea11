"""Job-dating jobs (queue `default`): the calendars of a booking, and the expiry of a waitlist offer
(scheduled with RQ's `enqueue_at`).

Each job receives an id and reloads the state: the calendar job makes the entries match the booking
as it is when it runs (so a late or repeated job sends nothing more), and the expiry job does
nothing unless the offer is still unanswered and past its time.
"""
from __future__ import annotations

import logging

from fair.extensions import db
from workers.app import job_app

log = logging.getLogger("workers.jobdating")


def expire_waitlist_offer(entry_id: int) -> bool:
    """Give the held slot to the next person of the waitlist, if the offer went unanswered."""
    from fair.jobdating.services import expire_offer

    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        expired = expire_offer(db.session, entry_id)
        db.session.commit()
        if expired:
            log.info("waitlist offer %s expired: passed on", entry_id)
        return expired


def sync_booking_calendar(booking_id: int) -> list[str]:
    """Bring the candidate's and the recruiter's calendar entries in line with the booking as it is now."""
    from fair.jobdating.services import sync_calendar

    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        done = sync_calendar(db.session, booking_id)
        db.session.commit()
        log.info("booking %s: calendars %s", booking_id, ", ".join(done) or "already in line")
        return done
