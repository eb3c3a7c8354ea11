"""Socket.IO events of the live fair: presence, walk-in queues, announcements, dashboard.

Thin handlers: each parses its data, finds the object only if this user may act on it (others'
objects answer `not_found`), calls a service, commits, then broadcasts what changed
(`fair.live.events`). Following a page answers the current state, never a replay.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import SocketIO, join_room

from fair.companies.access import recruiter_booth
from fair.companies.models import Booth
from fair.db import utcnow
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.live import chat_sockets, events, presence, services
from fair.live.services import QueueRefused
from fair.sockets import Refused, handle, on_disconnect

log = logging.getLogger("fair.live")


def _not_found() -> dict[str, Any]:
    return {"ok": False, "code": "not_found", "error": _("This page does not exist or is not available to you.")}


def _refused(refusal: QueueRefused) -> Refused:
    return Refused(str(refusal.message), code=refusal.code)


def register(server: SocketIO) -> None:
    """Attach this domain's handlers to the server that `init_app` just built."""
    handle(server, "live_follow_edition", follow_edition, max_bytes=200, per_minute=60)
    handle(server, "live_follow_booth", follow_booth, max_bytes=200, per_minute=60)
    handle(server, "queue_join", queue_join, max_bytes=200, per_minute=20)
    handle(server, "queue_leave", queue_leave, max_bytes=200, per_minute=20)
    handle(server, "queue_accept", queue_accept, max_bytes=200, per_minute=20)
    handle(server, "staff_follow_booth", staff_follow_booth, max_bytes=200, per_minute=60)
    handle(server, "staff_available", staff_available, max_bytes=200, per_minute=30)
    handle(server, "staff_queue_open", staff_queue_open, max_bytes=200, per_minute=30)
    handle(server, "queue_call_next", queue_call_next, max_bytes=200, per_minute=60)
    handle(server, "queue_done", queue_done, max_bytes=200, per_minute=60)
    handle(server, "live_announce", live_announce, max_bytes=4000, per_minute=10)
    handle(server, "dashboard_follow", dashboard_follow, max_bytes=200, per_minute=60)
    on_disconnect(socket_closed)
    chat_sockets.register(server)


def follow_edition(data: dict[str, Any]) -> dict[str, Any]:
    edition = services.followable_edition(db.session, data.get("edition"))
    if edition is None:
        return _not_found()
    join_room(events.edition_room(edition.id))
    presence.follow_edition(edition.id, request.sid, current_user.id)
    return {"ok": True, "state": services.edition_state(db.session, edition, utcnow())}


def follow_booth(data: dict[str, Any]) -> dict[str, Any]:
    booth = services.followable_booth(db.session, data.get("booth"))
    if booth is None:
        return _not_found()
    join_room(events.booth_room(booth.id))
    presence.follow_edition(booth.edition_id, request.sid, current_user.id)
    return {"ok": True, "state": services.booth_state(db.session, booth, current_user.id, utcnow())}


def queue_join(data: dict[str, Any]) -> dict[str, Any]:
    booth = services.followable_booth(db.session, data.get("booth"))
    if booth is None:
        return _not_found()
    now = utcnow()
    try:
        services.join(db.session, booth, current_user, now)
    except QueueRefused as refusal:
        raise _refused(refusal) from None
    db.session.commit()
    changed = events.booth_changed(db.session, booth.id, now)
    # the place comes from the change just committed: no second reading of the queue
    position, wait = changed["positions"][current_user.id]
    mine = {"position": position, "wait_min": wait, "status": "waiting", "turn_expires_at": None, "room": None}
    return {"ok": True, "position": position, "wait_min": wait, "me": mine}


def queue_leave(data: dict[str, Any]) -> dict[str, Any]:
    booth = services.followable_booth(db.session, data.get("booth"))
    if booth is None:
        return _not_found()
    now = utcnow()
    try:
        services.leave(db.session, booth.id, current_user.id, now)
    except QueueRefused as refusal:
        raise _refused(refusal) from None
    db.session.commit()
    events.booth_changed(db.session, booth.id, now)
    return {"ok": True}


def queue_accept(data: dict[str, Any]) -> dict[str, Any]:
    booth = services.followable_booth(db.session, data.get("booth"))
    if booth is None:
        return _not_found()
    now = utcnow()
    try:
        entry = services.accept(db.session, booth.id, current_user.id, now)
    except QueueRefused as refusal:
        raise _refused(refusal) from None
    db.session.commit()
    events.call_opened(entry)
    events.booth_changed(db.session, booth.id, now)
    return {"ok": True, "room": entry.room_path}


def staff_follow_booth(data: dict[str, Any]) -> dict[str, Any]:
    booth = recruiter_booth(data.get("booth"), current_user.id)
    if booth is None:
        return _not_found()
    join_room(events.staff_room(booth.id))
    presence.follow_room(events.staff_room(booth.id), request.sid)
    return {"ok": True, "state": services.staff_state(db.session, booth, current_user.id, utcnow(), request.sid)}


def staff_available(data: dict[str, Any]) -> dict[str, Any]:
    booth = recruiter_booth(data.get("booth"), current_user.id)
    if booth is None:
        return _not_found()
    available = data.get("available")
    if not isinstance(available, bool):
        raise Refused(_("This request is not valid."), code="invalid")
    now = utcnow()
    services.set_available(db.session, booth, current_user.id, request.sid, available, now)
    db.session.commit()
    events.booth_changed(db.session, booth.id, now)
    return {"ok": True, "available": available}


def staff_queue_open(data: dict[str, Any]) -> dict[str, Any]:
    booth = recruiter_booth(data.get("booth"), current_user.id)
    if booth is None:
        return _not_found()
    wanted = data.get("open")
    if not isinstance(wanted, bool):
        raise Refused(_("This request is not valid."), code="invalid")
    now = utcnow()
    services.set_queue_open(db.session, booth, wanted)
    db.session.commit()
    events.booth_changed(db.session, booth.id, now)
    return {"ok": True, "open": wanted}


def queue_call_next(data: dict[str, Any]) -> dict[str, Any]:
    booth = recruiter_booth(data.get("booth"), current_user.id)
    if booth is None:
        return _not_found()
    now = utcnow()
    entry, skipped = services.call_next(db.session, booth, current_user.id, now)
    db.session.commit()
    for lapsed in skipped:
        events.turn_skipped(lapsed)
    if entry is None:
        if skipped:
            events.booth_changed(db.session, booth.id, now)
        return {"ok": False, "code": "empty", "error": _("Nobody is waiting at this booth.")}
    seconds = current_app.config["LIVE_TURN_SECONDS"]
    events.turn_given(entry, seconds)
    events.booth_changed(db.session, booth.id, now)
    label = services.candidate_label(entry, bool(booth.edition.anonymised_applications))
    return {"ok": True, "entry": {"entry": entry.id, "label": label, "status": entry.status.value,
                                  "turn_expires_at": services._iso(entry.turn_expires_at), "seconds": seconds}}


def queue_done(data: dict[str, Any]) -> dict[str, Any]:
    entry = services.entry_for_staff(db.session, data.get("entry"), current_user.id)
    if entry is None:
        return _not_found()
    now = utcnow()
    try:
        services.finish(db.session, entry, now)
    except QueueRefused as refusal:
        raise _refused(refusal) from None
    db.session.commit()
    events.call_ended(entry)
    events.booth_changed(db.session, entry.booth_id, now)
    return {"ok": True}


def live_announce(data: dict[str, Any]) -> dict[str, Any]:
    edition = organiser_edition(data.get("edition"), current_user.id)
    if edition is None:
        return _not_found()
    try:
        item = services.announce(db.session, edition, data.get("booth"), current_user.id, data.get("text"), utcnow())
    except QueueRefused as refusal:
        if refusal.code == "not_found":
            db.session.rollback()
            return _not_found()
        raise _refused(refusal) from None
    db.session.commit()
    events.announced(item)
    return {"ok": True, "announcement": services.announcement_data(item)}


def dashboard_follow(data: dict[str, Any]) -> dict[str, Any]:
    edition = organiser_edition(data.get("edition"), current_user.id)
    if edition is None:
        return _not_found()
    join_room(events.dashboard_room(edition.id))
    presence.follow_room(events.dashboard_room(edition.id), request.sid)
    return {"ok": True, "state": services.dashboard_state(db.session, edition, utcnow())}


def socket_closed(user_id: int, sid: str) -> None:
    """A closed socket no longer counts as a connected person, nor as an available recruiter."""
    now = utcnow()
    for booth_id in presence.socket_booths(sid):
        booth = db.session.get(Booth, booth_id)
        if booth is not None:
            # under the booth's lock, so the people waiting are told when their estimated wait grows
            services.set_available(db.session, booth, user_id, sid, False, now)
            db.session.commit()
            events.booth_changed(db.session, booth_id, now)
    presence.drop_socket(sid, user_id)
