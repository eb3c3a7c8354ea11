"""Socket.IO events of the video domain (each one authorised on its own).

- `call_join {"room": token}`: the room's recruiter or candidate, while it is open; joins
  `call:<token>`; the ack gives the role, whether the other person is there and the ICE servers.
  Anyone else gets `not_found`; outside its window, `closed`. One socket per person: a second tab
  (or a reload whose old socket is not gone yet) replaces the first, which is told `call_replaced`.
- `call_signal {"room", "description"|"candidate"}`: relayed to the other participant's socket only.
  With `FORCE_TURN_RELAY`, the join's ack says `ice_transport_policy: "relay"` and any candidate
  that is not a relayed one (in an event or in the SDP) is dropped here too.
- `call_chat {"room", "text"}`: to both; not stored (the call is private and short).
- `call_leave {"room"}`; a disconnect counts as leaving. The other side hears `call_peer {"present"}`.
- Signals and chat check, each time, that the sender still belongs to the room (read from the
  database: `rooms.participants`) and reach only those who do. A booking moved to another
  recruiter or cancelled takes the old participant's sockets out at once; their page hears
  `call_moved {"room", "reason": "moved"|"cancelled"}`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import SocketIO, join_room, leave_room
from sqlalchemy import select

from fair.extensions import db, socketio
from fair.sockets import Refused, broadcast, handle, in_room, on_disconnect
from fair.video import presence, services
from fair.video import rooms as rooms_of_calls
from fair.video.models import CallMode, CallRoom

CHAT_MAX_CHARS = 1000


def register(server: SocketIO) -> None:
    """Attach this domain's handlers to the server that `init_app` just built."""
    handle(server, "call_join", _join, max_bytes=300, per_minute=60)
    # An SDP offer is a few kilobytes; a negotiation sends a dozen ICE candidates.
    handle(server, "call_signal", _signal, max_bytes=24_000, per_minute=900)
    handle(server, "call_chat", _chat, max_bytes=CHAT_MAX_CHARS * 6 + 200, per_minute=40)
    handle(server, "call_leave", _leave, max_bytes=300, per_minute=60)
    on_disconnect(_socket_gone)


def _not_found() -> Refused:
    return Refused(_("This page does not exist or is not available to you."), code="not_found")


def _token(data: dict[str, Any]) -> str:
    token = data.get("room")
    if not isinstance(token, str) or not token or len(token) > 64:
        raise _not_found()
    return token


def _my_room(data: dict[str, Any]) -> CallRoom:
    room = services.room_of(db.session, _token(data), current_user.id)
    if room is None:
        raise _not_found()
    return room


def _joined_token(data: dict[str, Any]) -> str:
    """The room this socket joined (signalling and chat need no database read)."""
    token = _token(data)
    if not in_room(f"call:{token}"):
        raise _not_found()
    return token


def _join(data: dict[str, Any]) -> dict[str, Any]:
    room = _my_room(data)
    try:
        services.check_open(db.session, room)
    except services.CallRefused as refused:
        raise Refused(str(refused.message), code=refused.code) from refused
    role = services.role_in(room, current_user.id)
    sid = request.sid
    for other_sid, user_id in presence.members(room.token).items():
        if user_id == current_user.id and other_sid != sid:
            presence.remove(room.token, other_sid)
            socketio.server.leave_room(other_sid, room.channel, namespace="/")
            broadcast("call_replaced", {"room": room.token}, other_sid)
    join_room(room.channel)
    presence.add(room.token, sid, current_user.id)
    peer_id = room.candidate_id if role == "recruiter" else room.recruiter_id
    peer_here = peer_id in presence.members(room.token).values()
    broadcast("call_peer", {"present": True}, room.channel, skip_sid=sid)
    return {"ok": True, "role": role, "polite": role == "candidate", "peer": peer_here,
            "ice_servers": services.ice_servers(current_app.config, current_user.id),
            "ice_transport_policy": services.ice_transport_policy(current_app.config),
            "mode": room.mode.value, "phone_requested": room.phone_requested_at is not None,
            "closes_at": room.closes_at.isoformat()}


def _members_now(token: str) -> set[int]:
    """The room's people as the database says now, if this socket's user is one of them. Not what
    was true at join: a booking moved to another recruiter's slot, or cancelled, takes the old
    participant out (and this socket out of the room) at once."""
    room = db.session.execute(select(CallRoom).where(CallRoom.token == token)).scalar_one_or_none()
    members = rooms_of_calls.participants(db.session, room) if room is not None else set()
    if current_user.id not in members:
        presence.remove(token, request.sid)
        leave_room(f"call:{token}")
        raise _not_found()
    return members


def _signal(data: dict[str, Any]) -> dict[str, Any]:
    token = _joined_token(data)
    members = _members_now(token)
    description, candidate = data.get("description"), data.get("candidate")
    if description is not None:
        if not (isinstance(description, dict) and description.get("type") in ("offer", "answer")
                and isinstance(description.get("sdp"), str)):
            raise Refused(_("This request is not valid."), code="invalid")
        sdp = description["sdp"]
        if services.relay_only(current_app.config):
            sdp = services.relayed_sdp(sdp)
        message = {"description": {"type": description["type"], "sdp": sdp}}
    elif isinstance(candidate, dict) and isinstance(candidate.get("candidate"), str):
        if services.relay_only(current_app.config) and not services.relayed_candidate(candidate["candidate"]):
            return {"ok": True, "delivered": 0}  # a host or server-reflexive address stays with its owner
        message = {"candidate": {k: candidate.get(k) for k in ("candidate", "sdpMid", "sdpMLineIndex",
                                                               "usernameFragment")}}
    else:
        raise Refused(_("This request is not valid."), code="invalid")
    delivered = 0
    for sid, user_id in presence.members(token).items():
        if user_id != current_user.id and user_id in members:
            broadcast("call_signal", message, sid)
            delivered += 1
    return {"ok": True, "delivered": delivered}


def _chat(data: dict[str, Any]) -> dict[str, Any]:
    token = _joined_token(data)
    text = data.get("text")
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise Refused(_("Write a message first."), code="invalid")
    if len(text) > CHAT_MAX_CHARS:
        raise Refused(_("This message is too long."), code="too_large")
    _members_now(token)
    room = services.room_of(db.session, token, current_user.id)
    if room is None:
        raise _not_found()
    role = services.role_in(room, current_user.id)
    name = services.candidate_label(db.session, room) if role == "candidate" else room.recruiter.full_name
    message = {"role": role, "name": name, "text": text,
               "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    broadcast("call_chat", message, room.channel)
    return {"ok": True}


def _leave(data: dict[str, Any]) -> dict[str, Any]:
    token = _token(data)
    if in_room(f"call:{token}"):
        _gone(token, request.sid, current_user.id)
        leave_room(f"call:{token}")
    return {"ok": True}


def _gone(token: str, sid: str, user_id: int) -> None:
    presence.remove(token, sid)
    if user_id not in presence.members(token).values():
        broadcast("call_peer", {"present": False}, f"call:{token}", skip_sid=sid)


def _socket_gone(user_id: int, sid: str) -> None:
    for token in presence.rooms_of(sid):
        _gone(token, sid, user_id)


def mode_changed(room: CallRoom) -> None:
    """After the commit of a switch (or a request) to phone: both pages update."""
    requested = room.phone_requested_at is not None and room.mode == CallMode.video
    by = "recruiter" if services.recruiter_waits(room) else "candidate"
    broadcast("call_mode", {"mode": room.mode.value, "requested": requested,
                            "requested_by": by if requested else None}, room.channel)
