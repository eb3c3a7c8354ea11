"""A real web process for Socket.IO tests and benchmarks, and signed-in python-socketio clients.

- `WebProcess` (from tests/servers.py, re-exported) runs `python wsgi.py` on a free loopback port.
- `session_cookie(app, user)` signs a Flask session for `user` with the app's own serializer (no
  password hashing): `app` must have the server's SECRET_KEY.
- `db_kind` / `database_url` (fixtures to import) run a module once per database, its server process
  and its `app` on the same one; `web_process(request, db_kind, valkey, tmp_path_factory, name)` makes that
  module's server.
- `LiveClient(base_url, cookie)` is a `socketio.Client` that keeps every event it receives, with
  `ask(event, data)` (the acknowledgement) and `wait_for(event, predicate)`.

Every process one of these starts, it stops: use them as context managers or call `stop()`.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.servers import ROOT, TEST_SECRET, WebProcess, wait_until  # noqa: F401  (re-exported)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_kind(request) -> str:
    return request.param


@pytest.fixture
def database_url(request, db_kind) -> str:
    """The tests of a module that imports this use the database of the server process they talk to."""
    return request.getfixturevalue(f"{db_kind}_url")


def web_process(request, db_kind: str, valkey, tmp_path_factory, name: str, **options: Any) -> "WebProcess":
    """A server process on the module's database, its log in a temporary folder. The module's `server`
    fixture must take `db_kind` itself, so that pytest makes one server per database."""
    url = request.getfixturevalue(f"{db_kind}_url")
    return WebProcess(url, valkey.url, log_path=tmp_path_factory.mktemp(name) / "server.log", **options)


def session_cookie(app, user) -> str:
    """`<name>=<signed session>` for this user, as the login page would have set it."""
    from contextlib import nullcontext

    from flask import has_app_context
    from sqlalchemy.orm import Session

    from fair.accounts import sessions
    from fair.accounts.models import User
    from fair.db import begin_sqlite_write, db

    # A server-side session row, as the login makes, in a session of its own. No app context of its
    # own when one is active: leaving it would remove the caller's database session.
    context = nullcontext() if has_app_context() else app.app_context()
    with context, Session(db.engine) as own:
        begin_sqlite_write(own)
        token = sessions.start(own, own.get(User, user.id), user_agent="tests")
        own.commit()
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": user.get_id(), "_fresh": True, sessions.SESSION_TOKEN_KEY: token})
    return f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={value}"


class LiveClient:
    """A python-socketio client that records what it receives."""

    def __init__(self, base_url: str, cookie: str | None = None, *, headers: dict[str, str] | None = None,
                 transports: list[str] | None = None, request_timeout: float = 5) -> None:
        import socketio

        self.base_url = base_url
        self.sio = socketio.Client(reconnection=False, request_timeout=request_timeout)
        self.events: list[tuple[str, Any]] = []
        self.disconnected = threading.Event()
        self._lock = threading.Lock()
        self.headers = dict(headers or {})
        if cookie:
            self.headers["Cookie"] = cookie
        self.transports = transports or ["websocket"]

        @self.sio.on("*")
        def _any(event: str, data: Any = None) -> None:
            with self._lock:
                self.events.append((event, data))

        @self.sio.on("disconnect")
        def _gone(*_args: Any) -> None:
            self.disconnected.set()

    def connect(self, wait_timeout: float = 10) -> "LiveClient":
        self.sio.connect(self.base_url, headers=self.headers, transports=self.transports, wait_timeout=wait_timeout)
        return self

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def ask(self, event: str, data: Any = None, timeout: float = 15) -> dict[str, Any]:
        return self.sio.call(event, data if data is not None else {}, timeout=timeout)

    def received(self, event: str) -> list[Any]:
        with self._lock:
            return [data for name, data in self.events if name == event]

    def wait_for(self, event: str, predicate: Callable[[Any], bool] = lambda _d: True,
                 timeout: float = 15) -> Any:
        """The first `event` whose data satisfies `predicate`, waiting for it to arrive."""
        def matching() -> list[Any]:
            return [data for data in self.received(event) if predicate(data)][:1]

        try:
            return wait_until(matching, timeout, event, every=0.02)[0]
        except AssertionError:
            raise AssertionError(f"no {event} matching after {timeout}s; received: {self.events[-20:]}") from None

    def clear(self) -> None:
        with self._lock:
            self.events.clear()

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()

    def __enter__(self) -> "LiveClient":
        return self.connect()

    def __exit__(self, *exc: Any) -> None:
        self.close()


def node_figures(base_url: str, timeout: float = 30) -> dict[str, float]:
    """A node's /metrics, read on its loopback as Prometheus does: each sample's value under its name
    and labels as the text shows them (`fair_socket_connects{state="waiting"}`)."""
    import requests
    from prometheus_client.parser import text_string_to_metric_families

    text = requests.get(f"{base_url}/metrics", timeout=timeout).text
    return {sample.name + ("{" + ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items())) + "}"
                           if sample.labels else ""): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def settled(base_url: str) -> bool:
    """Whether a node holds no socket (engine.io forgets one once its disconnect handlers are done)
    and no fair page's batch of changes waiting for its send."""
    figures = node_figures(base_url)
    return figures["fair_socket_connections"] == 0 and figures["fair_live_batches_waiting"] == 0


def close_all(clients: list[LiveClient]) -> None:
    """Close many clients at once, the last ones of the test on their nodes: each close waits for its
    reading thread to end, then each node is waited on until it has handled the disconnects, so that
    what they do (a recruiter no longer available, the fair pages' batch of it) never lands in the
    next test's data, whose ids are the same."""
    threads = [threading.Thread(target=client.close) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for base_url in {client.base_url for client in clients}:
        wait_until(lambda url=base_url: settled(url), 60, f"{base_url} done with the sockets closed", every=0.1)
