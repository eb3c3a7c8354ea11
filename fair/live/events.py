"""What is sent once a change of a booth is committed, from a socket handler, a request or a job.

Every change of a booth tells: its followers (`booth_presence`, at once), the fair page
(`edition_presence`, see below), its recruiters (`staff_queue`), each person waiting whose position
or estimated wait moved (`queue_position`), and the organisers' dashboard (`dashboard`). Messages
carry the booth's `seq`, so a page that already shows a newer state drops an older one arriving late.

The fair page shows every booth of the fair: sending it each change of each booth would cost every
follower of the fair one message per change (25 a second at a busy fair). Each web node instead
gathers the changes it made within a second and sends one `edition_presence`
`{"edition", "booths": [BoothPresence…]}` (the latest of each booth changed) per edition and second:
the first change starts a one-second timer, the changes meanwhile join its batch. With N nodes, a
fair page gets at most N batches a second. A job (no long-lived loop) sends its change as a batch of one.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from fair.companies.models import Booth
from fair.extensions import socketio
from fair.live import presence, services
from fair.live.models import LiveBooth, QueueEntry, QueueStatus
from fair.sockets import broadcast, broadcast_many, emit_from_worker, user_room

Emit = Callable[[str, dict[str, Any], str], None]


def booth_room(booth_id: int) -> str:
    return f"booth:{booth_id}"


def staff_room(booth_id: int) -> str:
    return f"booth:{booth_id}:staff"


def edition_room(edition_id: int) -> str:
    return f"edition:{edition_id}"


def dashboard_room(edition_id: int) -> str:
    return f"dashboard:{edition_id}"


def _default_emit(event: str, data: dict[str, Any], room: str) -> None:
    broadcast(event, data, room)


BATCH_SECONDS = 1.0
_batches: dict[int, dict[int, dict[str, Any]]] = {}  # edition id → booth id → latest presence (this node)
_batches_lock = threading.Lock()  # under gevent a gevent lock; the timers of the threading mode need it too


def batches_waiting() -> int:
    """Fair pages' batches of booth changes this node holds until their send."""
    return len(_batches)


def _send_batch_later(edition_id: int) -> None:
    socketio.sleep(BATCH_SECONDS)
    with _batches_lock:
        booths = _batches.pop(edition_id, {})
    if booths:
        rows = sorted(booths.values(), key=lambda r: r["booth"])
        broadcast("edition_presence", {"edition": edition_id, "booths": rows}, edition_room(edition_id))


def edition_presence(edition_id: int, public: dict[str, Any], emit: Emit | None = None) -> None:
    """Add a booth's presence to its edition's next batch (or, from a job, send it as a batch of one)."""
    if emit is not None:
        emit("edition_presence", {"edition": edition_id, "booths": [public]}, edition_room(edition_id))
        return
    with _batches_lock:
        batch = _batches.get(edition_id)
        first = batch is None
        if first:
            batch = _batches[edition_id] = {}
        known = batch.get(public["booth"])
        if known is None or known["seq"] <= public["seq"]:
            batch[public["booth"]] = public
    if first:
        socketio.start_background_task(_send_batch_later, edition_id)


def worker_emit(redis_url: str) -> Emit:
    """Emit from an RQ job, through the message queue the web nodes listen to."""
    return lambda event, data, room: emit_from_worker(redis_url, event, data, room)


def booth_changed(session: Session, booth_id: int, now: dt.datetime, emit: Emit | None = None) -> dict[str, Any]:
    """Tell everyone concerned about the booth as it is now committed; answers its presence, plus
    `positions` (candidate id → (position, minutes) of everyone waiting).

    After a change made under `services.lock_booth`, everything comes from what the transaction knew
    (no second reading of the database). The recruiters' queue and the dashboard are built only
    while someone follows them (`presence.followed`). From a web node, the messages of the change
    travel to the other nodes as one (`broadcast_many`)."""
    batch_emit = emit
    out: list[tuple[str, dict[str, Any], str]] = []
    booth = session.get(Booth, booth_id)
    staff, dashboard = staff_room(booth_id), dashboard_room(booth.edition_id)
    locked = services.changes_since_lock(session, booth_id)
    # Redis once: who follows the recruiters' queue and the dashboard, the available recruiters
    followed, connected, available = presence.followed([staff, dashboard], booth.edition_id,
                                                       None if locked and locked.recruiters is not None else booth_id)
    if locked is not None and locked.entries is not None:
        live, entries = locked.live, locked.entries
    else:  # told from elsewhere: read it as it is
        live = session.get(LiveBooth, booth_id, populate_existing=True)
        entries = services.open_entries(session, booth_id)
    recruiters = locked.recruiters if locked is not None and locked.recruiters is not None else available or 0
    before = locked.shown(recruiters) if locked is not None else {}
    row = services.presence_from(booth, live, entries, recruiters)
    public = {k: row[k] for k in ("booth", "recruiters", "waiting", "wait_min", "open", "seq")}
    out.append(("booth_presence", public, booth_room(booth_id)))
    if followed[staff]:
        out.append(("staff_queue", services.staff_state(session, booth, None, now, entries=entries, live=live,
                                                         recruiters=recruiters), staff))
    positions: dict[int, tuple[int, int]] = {}
    waiting = [entry.candidate_id for entry in entries if entry.status == QueueStatus.waiting]
    for position, candidate_id in enumerate(waiting, start=1):
        wait = services.estimated_wait(position, recruiters, live)
        positions[candidate_id] = (position, wait)
        if before.get(candidate_id) != (position, wait):
            out.append(("queue_position", {"booth": booth_id, "position": position, "wait_min": wait,
                                            "seq": row["seq"]}, user_room(candidate_id)))
    if followed[dashboard]:
        out.append(("dashboard", {"edition": booth.edition_id, "connected": connected,
                                  "booth": services.dashboard_row(booth, row, live, now)}, dashboard))
    if emit is None:
        broadcast_many(out)
    else:
        for event, data, room in out:
            emit(event, data, room)
    edition_presence(booth.edition_id, public, batch_emit)
    return dict(public, positions=positions)


def turn_given(entry: QueueEntry, seconds: int, emit: Emit | None = None) -> None:
    (emit or _default_emit)("queue_turn", {"booth": entry.booth_id, "expires_at": services._iso(entry.turn_expires_at),
                                           "seconds": seconds}, user_room(entry.candidate_id))


def turn_skipped(entry: QueueEntry, emit: Emit | None = None) -> None:
    (emit or _default_emit)("queue_skipped", {"booth": entry.booth_id}, user_room(entry.candidate_id))


def call_opened(entry: QueueEntry, emit: Emit | None = None) -> None:
    emit = emit or _default_emit
    data = {"booth": entry.booth_id, "room": entry.room_path, "entry": entry.id}
    emit("queue_call", data, user_room(entry.candidate_id))
    emit("queue_call", data, staff_room(entry.booth_id))


def call_ended(entry: QueueEntry, emit: Emit | None = None) -> None:
    (emit or _default_emit)("queue_done", {"booth": entry.booth_id, "entry": entry.id}, user_room(entry.candidate_id))


def announced(item: Any, emit: Emit | None = None) -> None:
    emit = emit or _default_emit
    data = services.announcement_data(item)
    if item.booth_id is None:
        emit("announcement", data, edition_room(item.edition_id))
    else:
        emit("announcement", data, booth_room(item.booth_id))
    emit("announcement", data, dashboard_room(item.edition_id))
