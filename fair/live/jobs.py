"""Live-fair jobs: the end of a called candidate's turn (a job at the moment it lapses), the text
message "your turn" to a called candidate who has left the site, and the daily purge of the chat of
fairs that ended more than `LIVE_CHAT_RETENTION_DAYS` ago (periodic:
workers/schedule.py).

The turn job receives the entry's id and reloads it: it does nothing if the candidate accepted, left
or was already skipped (the booth's next change skips a lapsed turn too). Otherwise it skips them and
tells them and the booth's followers through the Socket.IO message queue.
"""
from __future__ import annotations

import logging

from flask import current_app

from fair import sockets
from fair.accounts.models import User
from fair.accounts.reach import SMS, Message, reach
from fair.companies.models import Booth
from fair.db import db, utcnow
from fair.jobs import job
from fair.live import chat, events, services
from fair.live.models import QueueEntry, QueueStatus
from fair.mail.render import mail_url

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


@job(queue="default")
def text_turn(entry_id: int) -> bool:
    """Right after a candidate is called: "your turn" by SMS if they take SMS and no page of the site
    is open for them (an open page shows the turn live). One per turn: the key names the entry and
    the moment it was called."""
    entry = db.session.get(QueueEntry, entry_id)
    if entry is None or entry.status != QueueStatus.called or entry.turn_expires_at <= utcnow():
        return False
    if sockets.user_connected(entry.candidate_id) is not False:
        return False  # they see it on the page (or Redis cannot tell: no SMS on a guess)
    candidate = db.session.get(User, entry.candidate_id)
    booth = db.session.get(Booth, entry.booth_id)
    minutes = max(1, (current_app.config["LIVE_TURN_SECONDS"] + 59) // 60)
    used = reach(db.session, candidate, key=f"queue-turn-{entry.id}-{int(entry.called_at.timestamp())}",
                 sms=Message("queue_turn", {
                     "company": booth.company.name, "minutes": minutes,
                     "link": mail_url("public.booth", slug=booth.edition.slug, booth_id=booth.id)}),
                 edition_id=booth.edition_id, urgent_before=entry.turn_expires_at)
    db.session.commit()
    return SMS in used


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
