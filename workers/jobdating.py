"""Job-dating jobs (queue `default`): the expiry of a waitlist offer, scheduled with RQ's `enqueue_at`.

The job receives the waitlist entry id, reloads it and does nothing unless the offer is still
unanswered and past its time: an accepted or withdrawn offer leaves it with nothing to do.
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
