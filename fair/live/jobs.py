"""Live-fair jobs: the end of a called candidate's turn (a job at the moment it lapses), and the
daily purge of the chat of fairs that ended more than `LIVE_CHAT_RETENTION_DAYS` ago (periodic:
workers/schedule.py).

The turn job receives the entry's id and reloads it: it does nothing if the candidate accepted, left
or was already skipped (the booth's next change skips a lapsed turn too). Otherwise it skips them and
tells them and the booth's followers through the Socket.IO message queue.
"""
from __future__ import annotations

import logging

from flask import current_app

from fair.db import db, utcnow
from fair.jobs import job
from fair.live import chat, events, services

log = logging.getLogger("fair.live")


@job(queue="default")
def expire_turn(entry_id: int) -> bool:
    """Skip the called candidate whose turn ran out without an answer."""
    now = utcnow()
    entry = services.expire_turn(db.session, entry_id, now)
    db.session.commit()
    if entry is None:
        return False
    emit = events.worker_emit(current_app.config["REDIS_URL"])
    events.turn_skipped(entry, emit)
    events.booth_changed(db.session, entry.booth_id, now, emit)
    log.info("queue entry %s: turn lapsed, skipped", entry_id)
    return True


@job(queue="default", request_context=False)
def purge_chat() -> dict[str, int]:
    """Delete the chat of fairs ended more than LIVE_CHAT_RETENTION_DAYS ago (0: keep it)."""
    days = current_app.config["LIVE_CHAT_RETENTION_DAYS"]
    if days <= 0:
        return {}
    counts = chat.purge_ended(db.session, utcnow(), days)
    db.session.commit()
    log.info("chat of fairs ended over %d days ago deleted: %s", days, counts)
    return counts
