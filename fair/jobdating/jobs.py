"""Job-dating jobs: the calendars of a booking, and the expiry of a waitlist offer (a job at a time).

Each receives an id and reloads the state: the calendar job makes the entries match the booking as
it is when it runs (so a late or repeated job sends nothing more), and the expiry job does nothing
unless the offer is still unanswered and past its time.
"""
from __future__ import annotations

import logging

from fair.db import db
from fair.jobdating import services
from fair.jobs import job

log = logging.getLogger("fair.jobdating")


@job(queue="default")
def expire_waitlist_offer(entry_id: int) -> bool:
    """Give the held slot to the next person of the waitlist, if the offer went unanswered."""
    expired = services.expire_offer(db.session, entry_id)
    db.session.commit()
    if expired:
        log.info("waitlist offer %s expired: passed on", entry_id)
    return expired


@job(queue="default")
def sync_booking_calendar(booking_id: int) -> list[str]:
    """Bring the candidate's and the recruiter's calendar entries in line with the booking as it is now."""
    done = services.sync_calendar(db.session, booking_id)
    db.session.commit()
    log.info("booking %s: calendars %s", booking_id, ", ".join(done) or "already in line")
    return done
