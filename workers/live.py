"""Live-fair jobs (queue `default`): the end of a called candidate's turn, scheduled with RQ's
`enqueue_at` for the moment it lapses.

The job receives the entry's id and reloads it: it does nothing if the candidate accepted, left or
was already skipped (the booth's next change skips a lapsed turn too). Otherwise it skips them,
tells them and the booth's followers through the Socket.IO message queue.
"""
from __future__ import annotations

import logging

from fair.extensions import db
from workers.app import job_app

log = logging.getLogger("workers.live")


def expire_turn(entry_id: int) -> bool:
    """Skip the called candidate whose turn ran out without an answer."""
    from fair.db import utcnow
    from fair.live import events, services

    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        now = utcnow()
        entry = services.expire_turn(db.session, entry_id, now)
        db.session.commit()
        if entry is None:
            return False
        emit = events.worker_emit(app.config["REDIS_URL"])
        events.turn_skipped(entry, emit)
        events.booth_changed(db.session, entry.booth_id, now, emit)
        log.info("queue entry %s: turn lapsed, skipped", entry_id)
        return True
