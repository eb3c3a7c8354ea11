"""Socket.IO events of the webinars domain: the live Q&A (each event authorised on its own).

- `webinar_follow {"webinar"}`: registered people (seat or waitlist), hosts and organisers join the
  room `webinar:<id>`; the ack carries the current questions, most voted first, so a client that
  reconnects gets the state rather than a replay.
- `question_ask {"webinar", "text"}`, `question_vote {"question", "up"}` (one vote per person and
  question; `up: false` takes it back), `question_hide` / `question_answered {"question"}` (hosts and
  organisers only). Events to the room: `question_new`, `question_votes`, `question_hidden`,
  `question_answered`. Someone who may not follow, or a question of another webinar, gets
  `not_found`. Text is plain text (clients show it with textContent) and at most 500 characters.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import SocketIO, join_room

from fair.extensions import db
from fair.sockets import Refused, broadcast, handle
from fair.webinars import services
from fair.webinars.models import Webinar, WebinarQuestion


def webinar_room(webinar_id: int) -> str:
    return f"webinar:{webinar_id}"


def _id(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Refused(_("This request is not valid."), code="invalid")
    return value


def _not_found() -> Refused:
    return Refused(_("This webinar does not exist or is not open to you."), code="not_found")


def _followed_webinar(webinar_id: int) -> Webinar:
    webinar = db.session.get(Webinar, webinar_id)
    if webinar is None or not services.can_follow(db.session, webinar, current_user.id):
        raise _not_found()
    return webinar


def _question(data: dict[str, Any], *, moderate: bool) -> tuple[WebinarQuestion, Webinar]:
    question = db.session.get(WebinarQuestion, _id(data, "question"))
    if question is None or question.hidden:
        raise _not_found()
    webinar = db.session.get(Webinar, question.webinar_id)
    allowed = (services.is_host(db.session, webinar, current_user.id) if moderate
               else services.can_follow(db.session, webinar, current_user.id))
    if not allowed:
        raise _not_found()
    return question, webinar


def follow(data: dict[str, Any]) -> dict[str, Any]:
    webinar = _followed_webinar(_id(data, "webinar"))
    join_room(webinar_room(webinar.id))
    return {"ok": True, "questions": services.questions(db.session, webinar.id, current_user.id),
            "moderator": services.is_host(db.session, webinar, current_user.id)}


def ask(data: dict[str, Any]) -> dict[str, Any]:
    webinar = _followed_webinar(_id(data, "webinar"))
    try:
        question = services.ask(db.session, webinar, current_user.id, data.get("text"))
    except services.WebinarError as error:
        raise Refused(str(error.message), code=error.code) from error
    db.session.commit()
    payload = services.question_json(question, 0)
    broadcast("question_new", {"webinar": webinar.id, **payload}, webinar_room(webinar.id))
    return {"ok": True, "question": payload}


def vote(data: dict[str, Any]) -> dict[str, Any]:
    question, webinar = _question(data, moderate=False)
    up = data.get("up", True)
    if not isinstance(up, bool):
        raise Refused(_("This request is not valid."), code="invalid")
    votes = services.vote(db.session, question, current_user.id, up=up)
    db.session.commit()
    broadcast("question_votes", {"webinar": webinar.id, "id": question.id, "votes": votes}, webinar_room(webinar.id))
    return {"ok": True, "id": question.id, "votes": votes, "voted": up}


def hide(data: dict[str, Any]) -> dict[str, Any]:
    question, webinar = _question(data, moderate=True)
    question.hidden = True
    db.session.commit()
    broadcast("question_hidden", {"webinar": webinar.id, "id": question.id}, webinar_room(webinar.id))
    return {"ok": True, "id": question.id}


def answered(data: dict[str, Any]) -> dict[str, Any]:
    question, webinar = _question(data, moderate=True)
    flag = data.get("answered", True)
    if not isinstance(flag, bool):
        raise Refused(_("This request is not valid."), code="invalid")
    question.answered = flag
    db.session.commit()
    broadcast("question_answered", {"webinar": webinar.id, "id": question.id, "answered": flag},
              webinar_room(webinar.id))
    return {"ok": True, "id": question.id, "answered": flag}


def register(server: SocketIO) -> None:
    """Attach this domain's handlers to the server that `init_app` just built."""
    handle(server, "webinar_follow", follow, max_bytes=200, per_minute=60)
    handle(server, "question_ask", ask, max_bytes=6500, per_minute=6)
    handle(server, "question_vote", vote, max_bytes=200, per_minute=120)
    handle(server, "question_hide", hide, max_bytes=200, per_minute=120, bucket="question_moderate")
    handle(server, "question_answered", answered, max_bytes=200, per_minute=120, bucket="question_moderate")
