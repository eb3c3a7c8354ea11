"""The end of an unanswered turn through RQ: the job scheduled by "call next" runs in a real worker
(against the real Valkey) once the turn is over, skips the candidate and tells them and the booth
through the Socket.IO message queue."""
from __future__ import annotations

import json
import time

from fair.db import utcnow
from fair.live import services
from fair.live.models import QueueEntry, QueueStatus


def _published(pubsub) -> list[dict]:
    seen = []
    while (message := pubsub.get_message(timeout=1.0)) is not None:
        if message["type"] == "message":
            seen.append(json.loads(message["data"]))
    return seen


def test_the_worker_skips_a_lapsed_turn_and_tells_the_candidate(app, session, live_world):
    from rq import SimpleWorker

    from fair.redis_conn import get_redis

    w = live_world
    app.config["LIVE_TURN_SECONDS"] = 0  # the turn is over as soon as it is given
    for candidate in w.candidates[:2]:
        services.join(session, w.booth_a, candidate, utcnow())
    session.commit()
    entry, _ = services.call_next(session, w.booth_a, w.recruiter_a.id, utcnow())
    session.commit()
    # the job runs in this thread and ends its own app context: keep plain ids, not rows
    entry_id, first_id, booth_id = entry.id, w.candidates[0].id, w.booth_a.id

    pubsub = get_redis().pubsub()
    pubsub.subscribe("flask-socketio")
    try:
        time.sleep(1.5)  # the job is due a second after the end of the turn
        SimpleWorker(["default"], connection=get_redis()).work(burst=True, with_scheduler=True,
                                                               logging_level="WARNING")
        published = _published(pubsub)
    finally:
        pubsub.close()
    session.expire_all()
    assert session.get(QueueEntry, entry_id).status == QueueStatus.skipped
    events = {(m["event"], m["room"]) for m in published}
    assert ("queue_skipped", f"user:{first_id}") in events
    assert ("booth_presence", f"booth:{booth_id}") in events
    moved = [m["data"][0] for m in published if m["event"] == "queue_position"]
    assert moved == [] or moved[0]["position"] == 1  # the second person was already first of those waiting
    # run again: the entry is no longer called, nothing happens
    from fair.live.jobs import expire_turn

    assert expire_turn(entry_id) is False
