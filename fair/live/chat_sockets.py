"""Socket.IO events of the booth chat (each one authorised on its own).

Public chat: `chat_send`, `chat_history`; moderation: `chat_hide`, `chat_mute`, `chat_unmute`,
`chat_mutes`; private chat: `private_send`, `private_history`, `private_threads`. Every message,
public or private, counts against one per-user rate (`bucket="chat"`). A person is named, both ways,
by their chat id on the booth (`chat.chat_id`), never by their user id.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import SocketIO

from fair.extensions import db
from fair.live import chat
from fair.sockets import Refused, broadcast, handle, in_room, user_room

# 1,000 characters of text (the chat's limit) fit even when every one is a 4-byte emoji.
CHAT_RATE = {"bucket": "chat", "per_minute": 20, "max_bytes": 4200}


def booth_room(booth_id: int) -> str:
    return f"booth:{booth_id}"


def _not_found() -> Refused:
    return Refused(_("This booth or message was not found."), code="not_found", status=404)


def _booth(data: dict[str, Any]) -> chat.Booth:
    booth = chat.booth_for_chat(db.session, data.get("booth"))
    if booth is None:
        raise _not_found()
    return booth


def _moderated_booth(data: dict[str, Any]) -> chat.Booth:
    booth = _booth(data)
    if not chat.can_moderate(db.session, booth, current_user.id):
        raise _not_found()
    return booth


def _before(data: dict[str, Any]) -> int | None:
    before = data.get("before")
    if before is None:
        return None
    if not isinstance(before, int) or isinstance(before, bool):
        raise Refused(_("Older messages could not be loaded."), code="invalid")
    return before


def _refusal_of(error: chat.ChatRefused) -> Refused:
    return Refused(error.message, code=error.code, status=404 if error.code == "not_found" else 400)


def chat_send(data: dict[str, Any]) -> dict[str, Any]:
    """A public message from someone following the booth page (they get it back with everyone)."""
    booth = _booth(data)
    if not in_room(booth_room(booth.id)):
        raise Refused(_("Open the booth's page to take part in its chat."), code="not_following")
    try:
        message = chat.post(db.session, booth, current_user._get_current_object(), data.get("text"))
    except chat.ChatRefused as error:
        raise _refusal_of(error) from None
    payload = chat.message_payload(db.session, message)
    db.session.commit()
    broadcast("chat_message", payload, booth_room(booth.id))
    return {"ok": True, "message": payload}


def chat_history(data: dict[str, Any]) -> dict[str, Any]:
    """Older messages (`before` an id) or the latest ones; the same list every reader gets."""
    booth = _booth(data)
    messages = chat.history(db.session, booth.id, current_user.id, before=_before(data))
    return {"ok": True, "messages": messages, "more": len(messages) == chat.PAGE}


def chat_hide(data: dict[str, Any]) -> dict[str, Any]:
    message = chat.message_for_moderator(db.session, data.get("message"), current_user.id)
    if message is None:
        raise _not_found()
    changed = chat.hide(message, current_user.id)
    booth_id = message.booth_id
    db.session.commit()
    if changed:
        broadcast("chat_hidden", {"id": message.id, "booth": booth_id}, booth_room(booth_id))
    return {"ok": True}


def chat_mute(data: dict[str, Any]) -> dict[str, Any]:
    booth = _moderated_booth(data)
    try:
        mute = chat.mute(db.session, booth, data.get("user"), current_user.id, data.get("minutes"))
    except chat.ChatRefused as error:
        raise _refusal_of(error) from None
    until = None if mute.until is None else mute.until.isoformat().replace("+00:00", "Z")
    user_id = mute.user_id
    db.session.commit()
    broadcast("chat_muted", {"booth": booth.id, "until": until}, user_room(user_id))
    return {"ok": True, "until": until}


def chat_unmute(data: dict[str, Any]) -> dict[str, Any]:
    booth = _moderated_booth(data)
    try:
        unmuted_id = chat.unmute(db.session, booth, data.get("user"))
    except chat.ChatRefused as error:
        raise _refusal_of(error) from None
    db.session.commit()
    if unmuted_id is not None:
        broadcast("chat_unmuted", {"booth": booth.id}, user_room(unmuted_id))
    return {"ok": True}


def chat_mutes(data: dict[str, Any]) -> dict[str, Any]:
    booth = _moderated_booth(data)
    return {"ok": True, "mutes": chat.mutes(db.session, booth)}


def _pair(data: dict[str, Any], key: str) -> chat.Pair:
    booth = _booth(data)
    pair = chat.pair_for(db.session, booth, current_user._get_current_object(), data.get(key))
    if pair is None:
        raise Refused(_("This person was not found."), code="not_found", status=404)
    return pair


def private_send(data: dict[str, Any]) -> dict[str, Any]:
    """A private message: each side gets it in their own room, named as they should see the other."""
    pair = _pair(data, "to")
    try:
        message = chat.send_private(db.session, pair, data.get("text"))
    except chat.ChatRefused as error:
        raise _refusal_of(error) from None
    for_recruiter = chat.private_payload(db.session, message, True)
    for_candidate = chat.private_payload(db.session, message, False)
    recruiter_id, candidate_id = pair.recruiter.id, pair.candidate.id
    db.session.commit()
    broadcast("private_message", for_recruiter, user_room(recruiter_id))
    broadcast("private_message", for_candidate, user_room(candidate_id))
    return {"ok": True, "message": for_recruiter if pair.sender_is_recruiter else for_candidate}


def private_history(data: dict[str, Any]) -> dict[str, Any]:
    pair = _pair(data, "with")
    messages = chat.private_history(db.session, pair, before=_before(data))
    return {"ok": True, "messages": messages, "more": len(messages) == chat.PAGE}


def private_threads(data: dict[str, Any]) -> dict[str, Any]:
    """My private conversations on this booth (the page lists them on arrival and on reconnection), and
    whether I moderate it and may write first (so that any page shows me the moderation tools)."""
    booth = _booth(data)
    return {"ok": True, "threads": chat.conversations(db.session, booth, current_user._get_current_object()),
            "moderator": chat.can_moderate(db.session, booth, current_user.id),
            "recruiter": chat.is_booth_recruiter(db.session, booth, current_user.id)}


def register(server: SocketIO) -> None:
    """Attach the chat handlers; called by fair.live.sockets.register."""
    handle(server, "chat_send", chat_send, **CHAT_RATE)
    handle(server, "private_send", private_send, **CHAT_RATE)
    handle(server, "chat_history", chat_history, max_bytes=200, per_minute=60)
    handle(server, "chat_hide", chat_hide, max_bytes=200, per_minute=60)
    handle(server, "chat_mute", chat_mute, max_bytes=200, per_minute=60)
    handle(server, "chat_unmute", chat_unmute, max_bytes=200, per_minute=60)
    handle(server, "chat_mutes", chat_mutes, max_bytes=200, per_minute=60)
    handle(server, "private_history", private_history, max_bytes=200, per_minute=60)
    handle(server, "private_threads", private_threads, max_bytes=200, per_minute=60)
