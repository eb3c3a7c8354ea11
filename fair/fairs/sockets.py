"""Socket.IO for a bulk invitation's progress: room `bulk:<id>`.

Joining it is an event of its own, authorised each time: only organisers of that bulk invitation's
edition may follow it. The sending job emits through the Redis message queue
(`fair.sockets.emit_from_worker`), never by importing the web server.
"""
from __future__ import annotations

import logging

from flask_login import current_user
from flask_socketio import SocketIO, join_room

from fair.extensions import socketio
from fair.fairs.bulk import bulk_for_organiser, bulk_room, bulk_state
from fair.sockets import handle

log = logging.getLogger("fair.fairs")


def register(server: SocketIO = socketio) -> None:
    """Attach the handlers to the server that `init_app` just built (each app builds its own)."""
    handle(server, "follow_bulk", _follow_bulk, max_bytes=200, per_minute=60)


def _follow_bulk(data):
    """Join `bulk:<id>` if the user organises that edition; answer the current state (not a replay)."""
    try:
        bulk_id = int((data or {}).get("id"))
    except (TypeError, ValueError):
        return {"ok": False}
    bulk = bulk_for_organiser(bulk_id, current_user.id)
    if bulk is None:
        return {"ok": False}
    join_room(bulk_room(bulk.id))
    return {"ok": True, "state": bulk_state(bulk)}
