"""The Socket.IO edge every domain shares: who may connect, and what every event goes through.

- A connection is tied to the Flask login session: anonymous connections are refused, and a
  signed-in user joins their own room `user:<id>`. The `Origin` is checked by Engine.IO against
  `SOCKETIO_ALLOWED_ORIGINS` (unset: the page's own origin only).
- Every event is registered with `handle()`, which refuses it unless the user is still signed in
  (a changed password or a logout ends the session), the payload is a JSON object under the event's
  size limit, and the user is under the event's per-minute rate (counted in Redis, so it holds
  across web nodes; while Redis is down, the same budget per node, in memory). A refusal is an
  acknowledgement `{"ok": False, "error": <translated>, "code": …}`;
  the handler itself is never called.
- A person holds at most `SOCKETS_PER_USER` sockets (counted in Redis, or per node while it is
  down): the connection beyond is refused.
- A process takes in at most `SOCKET_CONNECTS_AT_ONCE` new sockets at once (`Admission`): after a
  process dies, its pages come back at the pace the others can serve them, the rest wait their turn
  or are answered 503 and try again after their backoff.
- Each connection's sid is kept in Redis under its user, so that logging out disconnects that user's
  sockets on whichever node holds them (python-socketio forwards the disconnect on the message queue).
- Each web node beats in Redis every `SOCKET_NODE_HEARTBEAT_SECONDS` and keeps the list of its
  sockets there. When a node stops beating (killed, machine lost), the next node to beat forgets
  that node's sockets as if each had closed: a recruiter whose desk was on it stops counting as
  available, a call peer as present. Their pages reconnect to another node and say so again.
- The user and the server-side session (fair/accounts/sessions.py) are read at connect; then each
  node reads those of all its sockets again every `0.8 × SOCKET_SESSION_CHECK_SECONDS`, a thousand per
  query (`watch_sockets`), and an event gets `current_user` from what its socket remembers, without a
  query. A logout, a password change, a disabled account or "end all sessions" refuses the socket's
  next event within `SOCKET_SESSION_CHECK_SECONDS` on every node, even while Redis is down; when Redis
  is up, `disconnect_user` closes the sockets at once. A socket the watch did not reach in time is
  read again by its next event, as a page is.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import logging
import math
import os
import secrets
import socket as _socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

import gevent.socket
import socketio as python_socketio
from flask import current_app, g, request
from flask import session as flask_session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError as ConnectionRefused
from flask_socketio import SocketIO, join_room
from gevent import pywsgi
from redis.exceptions import RedisError
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from wsproto.frame_protocol import FrameProtocol

from fair import clock
from fair.accounts import sessions
from fair.accounts.models import Membership, User, UserSession
from fair.accounts.services import EmailNotConfirmed
from fair.extensions import db, socketio
from fair.redis_conn import get_redis
from fair.security import hash_token

log = logging.getLogger("fair.sockets")

Handler = Callable[[dict[str, Any]], dict[str, Any] | None]
DisconnectHook = Callable[[int, str], None]

_disconnect_hooks: list[DisconnectHook] = []


class Refused(Exception):
    """Raised by a handler to answer `{"ok": False, "error": message, "code": code}` (and roll back)."""

    def __init__(self, message: str, code: str = "refused", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def refusal(message: str, code: str) -> dict[str, Any]:
    return {"ok": False, "error": message, "code": code}


def payload_bytes(data: dict[str, Any]) -> int:
    """Size as sent in UTF-8: an Arabic letter counts 2 bytes and an emoji 4, not a 6-byte \\u escape."""
    return len(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def handle(server: SocketIO, event: str, handler: Handler, *, max_bytes: int = 4000,
           per_minute: int = 120, bucket: str | None = None) -> None:
    """Register `handler(data) -> ack` for `event`, behind the checks every event must pass.

    `bucket` lets several events share one rate (e.g. every chat message, public or private).
    """
    bucket = bucket or event

    def authorised(data: Any = None) -> dict[str, Any]:
        if not signed_in():
            return refusal(_("Your session has ended. Please log in again."), "signed_out")
        if data is None:
            data = {}
        if not isinstance(data, dict):
            return refusal(_("This request is not valid."), "invalid")
        if payload_bytes(data) > max_bytes:
            return refusal(_("This message is too long."), "too_large")
        if not within_rate(current_user.id, bucket, per_minute):
            return refusal(_("You are sending too many messages. Please wait a moment."), "rate_limited")
        try:
            answer = handler(data)
        except (Refused, EmailNotConfirmed) as refused:
            db.session.rollback()
            return refusal(refused.message, refused.code)
        except Exception:
            db.session.rollback()
            log.exception("socket event %s failed", event)
            return refusal(_("Something went wrong on our side. Please try again later."), "error")
        return {"ok": True} if answer is None else answer

    authorised.__name__ = f"socket_{event}"
    server.on_event(event, authorised)


@dataclass
class _SocketUser:
    values: dict[str, Any]  # the user's columns as last read from the database
    checked: float  # time.monotonic() of that reading, which also found the session alive
    token_hash: str  # the server-side session of the socket's cookie (fair/accounts/sessions.py)
    idle: float  # seconds without activity after which that session ends (staff sooner)
    member: bool  # of any organisation (else a candidate, unless administrator)
    used: bool = True  # connected or sent an event since the last watch: the session was active


_socket_users: dict[str, _SocketUser] = {}  # sid → its user, on this node


def _remember(sid: str, user: Any) -> None:
    """Called once the user and their session were read and found alive (Flask-Login's loader)."""
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user  # current_user proxy
    columns = sa_inspect(type(user)).column_attrs
    idle, _absolute = sessions.limits(user)
    _socket_users[sid] = _SocketUser({attr.key: getattr(user, attr.key) for attr in columns}, time.monotonic(),
                                     hash_token(flask_session.get(sessions.SESSION_TOKEN_KEY) or ""),
                                     idle.total_seconds(), bool(user.memberships))
    _watch(current_app._get_current_object())


def _remembered_user(remembered: _SocketUser) -> Any:
    """The user as a persistent object of this event's session, built from remembered values: no query
    (relationships load when touched, but a candidate's memberships are known to be none)."""
    user = sa_inspect(User).class_manager.new_instance()
    for key, value in remembered.values.items():
        set_committed_value(user, key, value)
    if not remembered.member:
        set_committed_value(user, "memberships", [])
    make_transient_to_detached(user)
    db.session.add(user)
    return user


def _check_every() -> float:
    return float(current_app.config.get("SOCKET_SESSION_CHECK_SECONDS", 3))


def signed_in() -> bool:
    """Whether this socket's user may act now, and `current_user` set for the event.

    The node's session watch (`watch_sockets`) reads the user and the session of every socket of the
    node at least every `SOCKET_SESSION_CHECK_SECONDS`: in between, the event takes its user from
    memory, without a query. A socket the watch found ended, or did not reach in time, is read
    again here as a page is: Flask-Login's loader checks the stamp, the account and the session row.
    """
    sid = request.sid
    remembered = _socket_users.get(sid)
    if remembered is not None and time.monotonic() - remembered.checked < _check_every():
        remembered.used = True
        g._login_user = _remembered_user(remembered)
        return True
    if not current_user.is_authenticated:  # the user loader checks the session row itself
        _socket_users.pop(sid, None)
        return False
    _remember(sid, current_user)
    return True


# ---------------------------------------------------------------- the node's session watch

_watching: dict[str, Any] = {"app": None, "running": False}
WATCH_CHUNK = 1000  # sessions read per query
WATCH_SHARE = 0.8  # a watch every 0.8 × SOCKET_SESSION_CHECK_SECONDS: a socket stays checked until the next


def _watch(app: Any) -> None:
    """Start this node's session watch (once per process; it stops when the node has no socket)."""
    _watching["app"] = app  # tests make a new app per test in one process: the newest one is watched
    if not _watching["running"]:
        _watching["running"] = True
        socketio.start_background_task(_watch_loop)


def _watch_loop() -> None:
    try:
        while _socket_users:
            app = _watching["app"]
            with app.app_context():
                every = _check_every()
                try:
                    watch_sockets()
                except Exception:
                    log.exception("socket session watch failed: events check their session themselves")
                finally:
                    db.end_session()
            socketio.sleep(every * WATCH_SHARE)
    finally:
        _watching["running"] = False


def watch_sockets() -> int:
    """Read the session of every socket of this node in a few queries (instead of one reading per
    event), the user of those that sent events since the last watch, and record their activity (at
    most once a minute per session, as a page does). A socket whose session ended, or whose user
    changed their password or lost their account, is marked unchecked: its next event reads it again,
    as a page would, and is refused. Answers how many sockets were found alive."""
    started = time.monotonic()
    now = clock.now()
    by_hash: dict[str, list[_SocketUser]] = {}
    for remembered in list(_socket_users.values()):
        by_hash.setdefault(remembered.token_hash, []).append(remembered)
    hashes = list(by_hash)
    alive: list[tuple[_SocketUser, int, dt.datetime]] = []  # (socket, session id, session last seen)
    with Session(db.engine) as own:
        for first in range(0, len(hashes), WATCH_CHUNK):
            rows = own.execute(
                select(UserSession.token_hash, UserSession.id, UserSession.user_id, UserSession.last_seen_at,
                       User.security_stamp)
                .join(User, User.id == UserSession.user_id)
                .where(UserSession.token_hash.in_(hashes[first:first + WATCH_CHUNK]),
                       UserSession.revoked_at.is_(None), UserSession.expires_at > now,
                       User.is_active_account.is_(True))).all()
            for token_hash, session_id, user_id, last_seen_at, stamp in rows:
                idle = (now - last_seen_at).total_seconds()
                for remembered in by_hash.get(token_hash, ()):
                    known = remembered.values
                    if user_id == known["id"] and stamp == known["security_stamp"] and idle < remembered.idle:
                        alive.append((remembered, session_id, last_seen_at))
        used = [item for item in alive if item[0].used]
        users = {}
        if used:  # their user as it is now (name, roles…), as a page would read it
            columns = sa_inspect(User).column_attrs
            member = select(Membership.id).where(Membership.user_id == User.id).exists().label("member")
            ids = sorted({item[0].values["id"] for item in used})
            for first in range(0, len(ids), WATCH_CHUNK):
                for row in own.execute(select(*[attr.columns[0] for attr in columns], member)
                                       .where(User.id.in_(ids[first:first + WATCH_CHUNK]))):
                    users[row.id] = ({attr.key: row._mapping[attr.columns[0]] for attr in columns},
                                     bool(row.member))
    for remembered, _session_id, _seen in alive:
        remembered.checked = started
    touched_sessions, touched_users = set(), set()
    for remembered, session_id, last_seen_at in used:
        remembered.used = False
        values, member = users.get(remembered.values["id"], (None, False))
        if values is None or values["security_stamp"] != remembered.values["security_stamp"]:
            remembered.checked = -math.inf
            continue
        remembered.values, remembered.member = values, member
        if now - last_seen_at >= sessions.TOUCH_EVERY:
            touched_sessions.add(session_id)
        if values["last_active_at"] is None or now - values["last_active_at"] >= sessions.ACTIVE_EVERY:
            touched_users.add(values["id"])
    if touched_sessions or touched_users:
        with Session(db.side_engine()) as own:
            sessions.record_activity(own, touched_sessions, touched_users, now)
            own.commit()
    for remembered in list(_socket_users.values()):  # not found alive: the next event reads it again
        if remembered.token_hash in by_hash and remembered.checked < started:
            remembered.checked = -math.inf
    return len(alive)


def on_disconnect(hook: DisconnectHook) -> None:
    """Run `hook(user_id, sid)` when one of a user's sockets goes away (presence, queues…)."""
    if hook not in _disconnect_hooks:
        _disconnect_hooks.append(hook)


def within_rate(user_id: int, bucket: str, per_minute: int) -> bool:
    """A fixed one-minute window per user and bucket, counted in Redis (across nodes). Without Redis,
    or while it is down, the same budget holds per process (`within_local_rate`): never open."""
    if not current_app.config.get("REDIS_URL"):
        return within_local_rate(user_id, bucket, per_minute)
    key = f"fair:sockets:rate:{bucket}:{user_id}:{int(time.time() // 60)}"
    try:
        pipe = get_redis().pipeline(transaction=False)  # one round trip; no MULTI/EXEC needed
        pipe.incr(key)
        pipe.expire(key, 70)
        count, _expiry = pipe.execute()
    except RedisError:
        log.warning("rate limit counted on this node only: Redis unavailable")
        return within_local_rate(user_id, bucket, per_minute)
    return int(count) <= per_minute


_local_events: dict[tuple[str, int], deque[float]] = {}  # (bucket, user) → times of the last minute's events
_local_lock = threading.Lock()


def forget_local_state() -> None:
    """Empty this process's fallback rate windows (a new app in the same process,
    as tests make one per test, starts from nothing: user ids are reused there)."""
    with _local_lock:
        _local_events.clear()


def within_local_rate(user_id: int, bucket: str, per_minute: int, at: float | None = None) -> bool:
    """A sliding one-minute window per user and bucket, in this process."""
    at = time.monotonic() if at is None else at
    with _local_lock:
        if len(_local_events) > 10_000:  # forget the windows that emptied
            for key in [k for k, times in _local_events.items() if not times or times[-1] <= at - 60]:
                del _local_events[key]
        times = _local_events.setdefault((bucket, user_id), deque())
        while times and times[0] <= at - 60:
            times.popleft()
        if len(times) >= per_minute:
            return False
        times.append(at)
        return True


def _local_socket_count(user_id: int) -> int:
    return sum(1 for remembered in _socket_users.values() if remembered.values["id"] == user_id)


def _sids_key(user_id: int) -> str:
    return f"fair:sockets:user:{user_id}"


def user_connected(user_id: int) -> bool | None:
    """Has this person a socket open (a page of the site) on any node? None when Redis cannot say."""
    if not current_app.config.get("REDIS_URL"):
        return None
    try:
        return bool(get_redis().scard(_sids_key(user_id)))
    except RedisError:
        return None


def in_room(room: str) -> bool:
    """Whether this event's socket joined `room` on this node: one lookup, where Flask-SocketIO's
    `rooms()` walks every room of the server (a user room per connected person)."""
    return request.sid in socketio.server.manager.rooms.get(request.namespace or "/", {}).get(room, ())


def broadcast(event: str, data: dict[str, Any], room: str, *, skip_sid: str | None = None) -> None:
    """Emit to a room on every node, from a request or a socket handler, after the commit.

    A broadcast is a courtesy on top of what is committed: if the message queue is down, it is
    logged and dropped (clients resync from the state endpoints when they reconnect).
    """
    try:
        socketio.emit(event, data, to=room, skip_sid=skip_sid)
    except Exception:
        log.warning("could not broadcast %s to %s", event, room, exc_info=True)


def broadcast_many(messages: list[tuple[str, dict[str, Any], str]]) -> None:
    """Several broadcasts (event, data, room) made by one change: one message between nodes."""
    if not messages:
        return
    manager = getattr(socketio.server, "manager", None)
    if not isinstance(manager, PromptRedisManager):
        for event, data, room in messages:
            broadcast(event, data, room)
        return
    try:
        manager.emit_many(messages)
    except Exception:
        log.warning("could not broadcast %s", ", ".join(sorted({m[0] for m in messages})), exc_info=True)


def disconnect_user(user_id: int) -> int:
    """Close every socket of this user, on every node. Returns how many were asked to close."""
    if not current_app.config.get("REDIS_URL"):
        return 0
    try:
        sids = [sid.decode() for sid in get_redis().smembers(_sids_key(user_id))]
        get_redis().delete(_sids_key(user_id))
    except RedisError:
        log.warning("sockets of user %s not closed: Redis unavailable", user_id)
        return 0
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
    return len(sids)


# ---------------------------------------------------------------- nodes: heartbeat and their sockets

_NODES_KEY = "fair:sockets:nodes"
_node: dict[str, Any] = {"pid": None, "id": "", "beating": False}


def node_id() -> str:
    """This process's name among the web nodes (new after a fork or a restart)."""
    if _node["pid"] != os.getpid():
        name = current_app.config.get("NODE_NAME") or _socket.gethostname()
        _node.update(pid=os.getpid(), id=f"{name}:{os.getpid()}:{secrets.token_hex(3)}", beating=False)
    return _node["id"]


def _alive_key(node: str) -> str:
    return f"fair:sockets:node:{node}:alive"


def _node_sids_key(node: str) -> str:
    return f"fair:sockets:node:{node}:sids"


def _heartbeat_every() -> float:
    return float(current_app.config.get("SOCKET_NODE_HEARTBEAT_SECONDS", 10))


def _record_socket(user_id: int, sid: str) -> int:
    """The socket under its user (for logout) and under this node (forgotten if the node dies), in
    one round trip; answers how many sockets the person holds on every node, this one included."""
    node, every = node_id(), _heartbeat_every()
    pipe = get_redis().pipeline(transaction=False)
    pipe.sadd(_sids_key(user_id), sid)
    pipe.scard(_sids_key(user_id))
    pipe.expire(_sids_key(user_id), 24 * 3600)
    if every > 0:
        pipe.hset(_node_sids_key(node), sid, user_id)
        pipe.set(_alive_key(node), 1, ex=max(1, round(3 * every)))
        pipe.sadd(_NODES_KEY, node)
    count = int(pipe.execute()[1])
    if every > 0 and not _node["beating"]:
        _node["beating"] = True
        socketio.start_background_task(_heartbeat, current_app._get_current_object())
    return count


def _unrecord_socket(user_id: int, sid: str) -> None:
    pipe = get_redis().pipeline(transaction=False)
    pipe.srem(_sids_key(user_id), sid)
    if _heartbeat_every() > 0:
        pipe.hdel(_node_sids_key(node_id()), sid)
    pipe.execute()


def _heartbeat(app: Any) -> None:
    with app.app_context():
        every = _heartbeat_every()
    while True:
        socketio.sleep(every)
        with app.app_context():
            try:
                beat()
            except RedisError:
                log.warning("node heartbeat not sent: Redis unavailable")
            except Exception:
                log.exception("node heartbeat failed")
            finally:
                db.end_session()


def beat() -> list[str]:
    """Say this node is alive; forget the sockets of nodes that stopped saying so. Answers those nodes."""
    redis, node, every = get_redis(), node_id(), _heartbeat_every()
    registered = redis.set(_alive_key(node), 1, ex=max(1, round(3 * every)), get=True) is not None
    redis.sadd(_NODES_KEY, node)
    if not registered:
        # Redis lost our registration (restarted empty) or gave up on us (we stalled): say again
        # which sockets are here, so that they are not taken for a dead node's. We skip judging
        # others this time: after an outage, their beats are due too.
        pipe = redis.pipeline()
        for sid, remembered in list(_socket_users.items()):
            pipe.hset(_node_sids_key(node), sid, remembered.values["id"])
            pipe.sadd(_sids_key(remembered.values["id"]), sid)
            pipe.expire(_sids_key(remembered.values["id"]), 24 * 3600)
        pipe.execute()
        log.warning("node %s registered again with %d socket(s)", node, len(_socket_users))
        return []
    gone = []
    for other in sorted(n.decode() for n in redis.smembers(_NODES_KEY)):
        if other != node and not redis.exists(_alive_key(other)) and redis.srem(_NODES_KEY, other):
            gone.append(other)  # srem answered 1 to this node only: it forgets that node's sockets
            _forget_node(other)
    return gone


def _forget_node(node: str) -> None:
    sockets = {sid.decode(): int(user) for sid, user in get_redis().hgetall(_node_sids_key(node)).items()}
    for sid, user_id in sockets.items():
        _socket_closed(user_id, sid, node)
    get_redis().delete(_node_sids_key(node))
    log.warning("node %s stopped answering: %d socket(s) forgotten", node, len(sockets))


def _socket_closed(user_id: int, sid: str, node: str | None = None) -> None:
    """What a closed socket undoes, on its node (`node` None) or on the node that noticed its node died."""
    if current_app.config.get("REDIS_URL"):
        try:
            pipe = get_redis().pipeline()
            pipe.srem(_sids_key(user_id), sid)
            if node is None and _heartbeat_every() > 0:
                pipe.hdel(_node_sids_key(node_id()), sid)
            pipe.execute()
        except RedisError:
            pass
    for hook in list(_disconnect_hooks):
        try:
            hook(user_id, sid)
        except Exception:
            db.session.rollback()
            log.exception("disconnect hook %s failed", getattr(hook, "__name__", hook))


def _connect(auth: Any = None) -> bool:
    try:
        return _take_socket()
    finally:
        _admitted()


def _take_socket() -> bool:
    if not current_user.is_authenticated:
        return False  # the client gets a connect_error; nothing here for anonymous visitors
    user_id, sid = current_user.id, request.sid
    # At most SOCKETS_PER_USER sockets per person (0: no cap), counted in Redis across nodes as the
    # socket is recorded, or on this node while Redis is down.
    cap = int(current_app.config.get("SOCKETS_PER_USER") or 0)
    held = None
    if current_app.config.get("REDIS_URL"):
        try:
            held = _record_socket(user_id, sid)
        except RedisError:
            log.warning("socket of user %s not recorded (counted on this node only): Redis unavailable", user_id)
    if cap > 0 and (held > cap if held is not None else _local_socket_count(user_id) >= cap):
        if held is not None:
            with contextlib.suppress(RedisError):
                _unrecord_socket(user_id, sid)
        log.warning("socket of user %s refused: over SOCKETS_PER_USER", user_id)
        raise ConnectionRefused(_("Too many pages of this site are open. Close some of them and "
                                       "reload this one."))
    _remember(sid, current_user)
    join_room(user_room(user_id))
    return True


def _disconnect(reason: Any = None) -> None:
    sid = request.sid
    remembered = _socket_users.pop(sid, None)
    if remembered is not None:
        user_id = remembered.values["id"]
    elif current_user.is_authenticated:
        user_id = current_user.id
    else:
        return
    _socket_closed(user_id, sid)


def register(server: SocketIO) -> None:
    server.on_event("connect", _connect)
    server.on_event("disconnect", _disconnect)


# ---------------------------------------------------------------- between nodes

class PromptRedisManager(python_socketio.RedisManager):
    """The message queue between nodes, subscribing again every second after an outage, and carrying
    the several messages of one change as one (`emit_many`)."""

    def _redis_listen_with_retries(self):  # python-socketio 5.18's loop, with a 1 s wait
        failing = False
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if failing:
                    log.info("socket events between nodes flow again")
                    failing = False
                yield from self.pubsub.listen()
            except Exception as exc:
                if not failing:
                    log.warning("socket events between nodes stopped (%s); subscribing again every "
                                "%.0f s", exc, SUBSCRIBE_EVERY)
                    failing = True
                with contextlib.suppress(Exception):
                    self.pubsub.close()
                time.sleep(SUBSCRIBE_EVERY)

    def emit_many(self, messages: list[tuple[str, dict[str, Any], str]]) -> None:
        """Emit each (event, data, room) to the sockets of this node, and publish them all to the other
        nodes as one message: one Redis round trip and one decoding per node for a whole change."""
        packed = []
        for event, data, room in messages:
            message = {"method": "emit", "event": event, "data": [data], "binary": False, "namespace": "/",
                       "room": room, "skip_sid": None, "callback": None, "host_id": self.host_id}
            self._handle_emit(message)
            packed.append(message)
        self._publish({"method": "emit_many", "messages": packed, "host_id": self.host_id})

    def _listen(self):
        for message in super()._listen():
            try:
                data = message if isinstance(message, dict) else self.json.loads(message)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("method") == "emit_many":
                if data.get("host_id") != self.host_id:
                    yield from data.get("messages") or ()
                continue
            yield data


def without_compression(wsgi_app: Callable[..., Any], path: str = "/socket.io") -> Callable[..., Any]:
    """The Socket.IO websockets without permessage-deflate, as Socket.IO's own server has it by default.

    Every browser offers it, and simple-websocket accepts whatever is offered: each socket then keeps
    a zlib compressor (about 110 KB resident, more than everything else a socket holds) and every
    message is compressed again for each recipient, while the messages are small JSON. The offer
    is taken out of the handshake, so the browser goes on uncompressed, as the protocol allows."""
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO", "").startswith(path):
            environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)
    return app


class Admission:
    """How many new sockets a web process takes in at once (`SOCKET_CONNECTS_AT_ONCE`).

    When a process dies under thousands of sockets, its pages all come back within a second or two,
    to the restarted process or to the others. Taken in all at once, each handshake holds a greenlet
    that wants a database connection for the user and the session, thousands of them share the
    core with the handshakes, the pool's holders are scheduled too rarely to finish, and the others'
    30 s pool timeout runs out: no one gets in, and the pages try again into the same storm. Here a
    handshake goes on only while fewer than `at_once` sockets are between their handshake and the
    end of their connect; the next ones wait their turn, in order, at most `wait_s` seconds and at
    most `max_waiting` of them; beyond, the handshake is answered 503 at once, and the page's
    client tries again after its jittered backoff. A place whose socket never connects is given back
    after `hold_s` seconds. A waiting handshake costs a parked greenlet and no CPU."""

    def __init__(self, at_once: int, max_waiting: int, wait_s: float, hold_s: float = 10.0) -> None:
        self.at_once, self.max_waiting, self.wait_s, self.hold_s = at_once, max_waiting, wait_s, hold_s
        self.refused = 0  # handshakes answered 503 since the process started
        self._lock = threading.Lock()  # gevent's under monkey-patching; held without yielding
        self._held: dict[int, float] = {}  # ticket → admitted at (time.monotonic()), oldest first
        self._waiting: deque[_Waiter] = deque()
        self._tickets = itertools.count(1)

    @property
    def in_progress(self) -> int:
        return len(self._held)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def enter(self) -> int | None:
        """A ticket for one new socket, once there is room (waiting for it if need be); None: refused."""
        with self._lock:
            self._expire()
            if len(self._held) < self.at_once and not self._waiting:
                return self._admit()
            if len(self._waiting) >= self.max_waiting:
                self.refused += 1
                return None
            waiter = _Waiter(threading.Event())
            self._waiting.append(waiter)
        waiter.event.wait(self.wait_s)
        with self._lock:
            if waiter.ticket is None:
                self._waiting.remove(waiter)
                self.refused += 1
            return waiter.ticket

    def leave(self, ticket: int | None) -> None:
        """The socket of `ticket` connected, was refused or closed: its place goes to the next one."""
        with self._lock:
            if ticket is not None and self._held.pop(ticket, None) is not None:
                self._hand_over()

    def _admit(self) -> int:
        ticket = next(self._tickets)
        self._held[ticket] = time.monotonic()
        return ticket

    def _hand_over(self) -> None:
        while self._waiting and len(self._held) < self.at_once:
            waiter = self._waiting.popleft()
            waiter.ticket = self._admit()
            waiter.event.set()

    def _expire(self) -> None:
        oldest_kept = time.monotonic() - self.hold_s
        for ticket, admitted in list(self._held.items()):
            if admitted > oldest_kept:
                break
            del self._held[ticket]
        self._hand_over()


@dataclass
class _Waiter:
    event: threading.Event
    ticket: int | None = None


ADMISSION_KEY = "fair.socket_admission"  # the handshake's ticket in its WSGI environ
_BUSY = b'{"message": "This server is busy: try again in a few seconds."}'


def admitting(wsgi_app: Callable[..., Any], admission: Admission, path: str = "/socket.io") -> Callable[..., Any]:
    """Socket.IO handshakes (requests without a `sid`) through `admission`; a refused one gets 503."""
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if (not environ.get("PATH_INFO", "").startswith(path)
                or "sid" in parse_qs(environ.get("QUERY_STRING", ""))):
            return wsgi_app(environ, start_response)
        ticket = admission.enter()
        if ticket is None:
            start_response("503 Service Unavailable", [("Content-Type", "application/json"),
                                                       ("Retry-After", "2"), ("Cache-Control", "no-store")])
            return [_BUSY]
        environ[ADMISSION_KEY] = ticket
        try:
            return wsgi_app(environ, start_response)  # a websocket's lasts as long as the socket
        finally:
            admission.leave(ticket)
    return app


def _admitted() -> None:
    """The connect of this request's socket is over: its place in the admission goes to the next."""
    admission = current_app.extensions.get(ADMISSION_KEY)
    if admission is not None:
        admission.leave(request.environ.get(ADMISSION_KEY))


class _Frame(bytes):
    """A websocket frame, made once for all the recipients of a message (`frame_once`)."""


class _FramePacket:
    """A frame (or what remains of one) queued for engine.io's writer, which sends `encode()`."""
    __slots__ = ("frame",)

    def __init__(self, frame: _Frame) -> None:
        self.frame = frame

    def encode(self) -> _Frame:
        return self.frame


def _frame(message: str | bytes) -> _Frame:
    """A whole server-to-client websocket message (text or binary) in one unmasked frame."""
    return _Frame(FrameProtocol(client=False, extensions=[]).send_data(message, fin=True))


def _frame_of(eio_packet: Any) -> _Frame:
    """The websocket frame of an engine.io packet, made on its first recipient and kept on it: a
    broadcast hands the same packet to every follower."""
    frame = eio_packet.__dict__.get("_fair_frame")
    if frame is None:
        frame = eio_packet._fair_frame = _frame(eio_packet.encode())
    return frame


class WebSocketHandler(pywsgi.WSGIHandler):
    """gevent's request handler for `python wsgi.py`, which closes the connection after a websocket.

    simple-websocket serves the websocket on a copy of the connection's socket; once it ended,
    gevent's server waited on the original for another HTTP request, which never comes after a
    websocket: the client, having got the close frame, waited for the server to close the connection
    (3 s for python's websocket-client, 2 s for Chromium) and the server kept a greenlet and a socket
    for it. gunicorn's gevent worker closes it itself."""

    def run_application(self) -> None:
        try:
            super().run_application()
        finally:
            if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                self.close_connection = True


def frame_once(server: Any) -> None:
    """Under gevent, frame a message once for all its recipients and write it to each websocket at once.

    python-socketio encodes a broadcast once, then engine.io queues it for each recipient: each
    socket's writer greenlet wakes, frames the text again (wsproto) and writes it, a queue hand-over,
    a greenlet switch, a timer and a framing per recipient (at 10,000 clients, a third of the CPU a
    queue change cost). Here the frame is made on the first recipient, and written straight to each
    socket whose writer is idle with nothing queued, without blocking: a socket whose buffer is full
    (a slow phone) gets what did not fit through its writer, in order, and holds no one else up.
    Sockets on long polling, or upgrading, go the usual way. The writer writes whole frames."""
    if server.async_mode != "gevent":
        return  # with threads, a direct write could interleave with the writer's
    eio = server.eio
    base = eio._async["websocket"]

    class FramedWebSocket(base):  # type: ignore[misc, valid-type]
        """engine.io's websocket, known to its engine.io socket, writing whole frames (ready ones as
        they are)."""

        def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            eio_socket = self.app.__self__  # the handler is the engine.io socket's bound method
            eio_socket.fair_websocket = self
            try:
                return super().__call__(environ, start_response)
            finally:
                eio_socket.fair_websocket = None

        sending = False  # engine.io's writer is in a send, which may wait for room in the socket's buffer

        def send(self, message: Any) -> None:
            """Write the whole frame. simple-websocket's own send writes once and drops what the
            socket did not take: with a full buffer, a big message was cut and the stream lost."""
            self.sending = True
            try:
                if not self.ws.connected:
                    raise OSError("websocket closed")
                self.ws.sock.sendall(message if isinstance(message, _Frame) else _frame(message))
            finally:
                self.sending = False

    def send_eio_packet(eio_sid: str, eio_packet: Any) -> None:
        eio_socket = eio.sockets.get(eio_sid)
        framed = getattr(eio_socket, "fair_websocket", None)
        websocket = getattr(framed, "ws", None)
        if (websocket is None or not websocket.connected or not eio_socket.upgraded or eio_socket.closing
                or not isinstance(websocket.sock, gevent.socket.socket)):
            eio.send_packet(eio_sid, eio_packet)
            return
        if not eio_socket.check_ping_timeout():
            return
        frame = _frame_of(eio_packet)
        queue = eio_socket.queue
        # The writer yields only inside a send or while it waits on an empty queue (a packet put for it
        # stays counted until it runs): neither sending nor anything queued, it waits, and nothing of
        # this socket is on its way.
        if not framed.sending and not queue.qsize():
            try:
                sent = websocket.sock.send(frame, timeout=0.0)  # never yields: no other write interleaves
            except OSError:  # full (the writer will wait for room) or gone (the writer will close it)
                sent = 0
            if sent == len(frame):
                return
            frame = _Frame(frame[sent:])
        queue.put(_FramePacket(frame))

    eio._async = {**eio._async, "websocket": FramedWebSocket}
    server._send_eio_packet = send_eio_packet


def socketio_manager(redis_url: str) -> Any:
    """The message queue of Flask-SocketIO (channel `flask-socketio`, as the workers' emitter uses).

    A web node hears the other nodes' socket events through a Redis subscription. python-socketio
    waits 1, 2, 4… up to 60 s between attempts to subscribe again: after a 30 s outage, events
    between nodes (a queue moved on node B, its candidate on node A) could stay lost for 30 s more.
    `PromptRedisManager` tries every second.
    """
    return PromptRedisManager(redis_url, channel="flask-socketio")


SUBSCRIBE_EVERY = 1.0


# ---------------------------------------------------------------- from workers

@lru_cache(maxsize=4)
def emitter(redis_url: str) -> SocketIO:
    """Emit from a worker: publishes on the message queue that the web nodes listen to."""
    return SocketIO(message_queue=redis_url)


def emit_from_worker(redis_url: str, event: str, data: dict, room: str) -> None:
    if not redis_url:
        return
    emitter(redis_url).emit(event, data, to=room)
