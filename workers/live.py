"""Live-fair jobs (queue `default`): the end of a called candidate's turn, scheduled with RQ's
`enqueue_at` for the moment it lapses; and, once a day, the purge of the chat of fairs that ended
more than `LIVE_CHAT_RETENTION_DAYS` ago.

The job receives the entry's id and reloads it: it does nothing if the candidate accepted, left or
was already skipped (the booth's next change skips a lapsed turn too). Otherwise it skips them,
tells them and the booth's followers through the Socket.IO message queue.
"""
from __future__ import annotations

import datetime as dt
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


PURGE_JOB = "workers.live.purge_chat"
PURGE_EVERY = dt.timedelta(days=1)
_PURGE_FLAG = "fair:live:chat-purge-scheduled"


def ensure_chat_purge() -> None:
    """Keep one purge scheduled a day ahead (the flag expires when it is due); called at worker start."""
    from fair.tasks import get_queue

    queue = get_queue("default")
    seconds = int(PURGE_EVERY.total_seconds())
    if queue.connection.set(_PURGE_FLAG, "1", nx=True, ex=seconds):
        queue.enqueue_in(PURGE_EVERY, PURGE_JOB, result_ttl=seconds, failure_ttl=7 * 86400)


def purge_chat() -> dict[str, int]:
    """Delete the chat of fairs ended more than LIVE_CHAT_RETENTION_DAYS ago (0: keep it), then
    schedule the next purge."""
    from fair.db import utcnow
    from fair.live.chat import purge_ended
    from fair.redis_conn import get_redis

    app = job_app()
    with app.app_context():
        days = app.config["LIVE_CHAT_RETENTION_DAYS"]
        counts = {}
        try:
            if days > 0:
                counts = purge_ended(db.session, utcnow(), days)
                db.session.commit()
                log.info("chat of fairs ended over %d days ago deleted: %s", days, counts)
        finally:
            db.session.remove()
        get_redis().delete(_PURGE_FLAG)
        ensure_chat_purge()
        return counts
