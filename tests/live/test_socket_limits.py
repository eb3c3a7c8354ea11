"""Socket abuse limits that hold whatever Redis does (issue 14, item 11), against a real server process
with a Valkey of its own that the test stops: per-event rates fall back to a per-node window in memory
instead of letting everything through, and one person holds at most SOCKETS_PER_USER sockets."""
from __future__ import annotations

import threading
from typing import Iterator

import pytest
import requests
import socketio
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from fair.db import normalise_url
from tests.live.server import (  # noqa: F401 (fixtures)
    LiveClient,
    WebProcess,
    close_all,
    database_url,
    db_kind,
    node_figures,
    session_cookie,
)
from tests.servers import ValkeyProcess, wait_until


@pytest.fixture
def own_valkey(tmp_path) -> Iterator[ValkeyProcess]:
    server = ValkeyProcess(tmp_path / "valkey").start()
    yield server
    server.stop()


@pytest.fixture
def server(app, database_url, own_valkey, tmp_path) -> Iterator[WebProcess]:  # noqa: F811
    process = WebProcess(database_url, own_valkey.url, secret_key=app.config["SECRET_KEY"],
                         log_path=tmp_path / "server.log",
                         env={"FAIR_INSTANCE_PATH": str(tmp_path / "instance"), "SOCKETS_PER_USER": "8"}).start()
    yield process
    process.stop()


def _sockets(server: WebProcess, cookie: str, count: int) -> list[LiveClient]:
    return [LiveClient(server.url, cookie, transports=["polling"]).connect() for _ in range(count)]


def _refused(server: WebProcess, cookie: str) -> bool:
    try:
        LiveClient(server.url, cookie).connect()
    except socketio.exceptions.ConnectionError:
        return True
    return False


def test_rates_and_the_socket_cap_hold_with_redis_down(app, factory, server, own_valkey):
    first = factory.user(email="many.tabs@example.org", full_name="Many Tabs")
    second = factory.user(email="flooder@example.org", full_name="Flood Er")
    opened: list[LiveClient] = []
    try:
        # Redis up: the cap is counted across nodes.
        opened += _sockets(server, session_cookie(app, first), 8)
        assert all(client.connected for client in opened)
        assert _refused(server, session_cookie(app, first)), "the 9th socket of one person is refused"

        own_valkey.stop()  # Redis is down: counted on this node, still capped
        cookie = session_cookie(app, second)
        flooding = _sockets(server, cookie, 8)
        opened += flooding
        assert _refused(server, cookie), "the 9th socket is refused with Redis down too"

        # call_join allows 60 a minute: the 61st is refused though Redis cannot count it.
        answers = [flooding[0].ask("call_join", {"room": "0" * 32})["code"] for _ in range(61)]
        assert answers[:60] == ["not_found"] * 60
        assert answers[60] == "rate_limited"
        # The budget is the person's, not the socket's.
        assert flooding[1].ask("call_join", {"room": "0" * 32})["code"] == "rate_limited"
    finally:
        for client in opened:
            client.close()


def _connects(server: WebProcess) -> dict[str, float]:
    """The node's admission figures from its /metrics."""
    figures = node_figures(server.url)
    return {"in_progress": figures['fair_socket_connects{state="in_progress"}'],
            "waiting": figures['fair_socket_connects{state="waiting"}'],
            "refused": figures["fair_socket_connects_refused_total"]}


@pytest.mark.parametrize("db_kind", ["postgresql"], indirect=True)
def test_a_process_takes_in_new_sockets_at_its_pace_and_turns_the_rest_away_at_once(app, factory, database_url,
                                                                                      valkey, tmp_path):
    """A reconnection storm: one socket at a time is let through to its connect, one more waits its turn,
    the next is answered 503 at once (its page comes back after its backoff), and pages are served all
    along. The database holds the connect in the middle (PostgreSQL's table lock on the sessions the
    connect reads), so that the test waits on the node's figures, never on time."""
    server = WebProcess(database_url, valkey.url, secret_key=app.config["SECRET_KEY"], log_path=tmp_path / "log",
                        env={"FAIR_INSTANCE_PATH": str(tmp_path / "instance"), "SOCKET_CONNECTS_AT_ONCE": "1",
                             "SOCKET_CONNECTS_WAITING": "1", "SOCKET_CONNECT_WAIT_SECONDS": "120"}).start()
    cookie = session_cookie(app, factory.user(email="returning@example.org", full_name="Return Ing"))
    first, second = (LiveClient(server.url, cookie, request_timeout=120) for _ in range(2))
    threads = [threading.Thread(target=client.connect, kwargs={"wait_timeout": 120}) for client in (first, second)]
    engine = create_engine(normalise_url(database_url), poolclass=NullPool)
    try:
        with engine.begin() as locking:
            locking.execute(text("LOCK TABLE user_sessions IN ACCESS EXCLUSIVE MODE"))
            threads[0].start()
            wait_until(lambda: _connects(server)["in_progress"] == 1, 60, "the first socket in its connect")
            threads[1].start()
            wait_until(lambda: _connects(server)["waiting"] == 1, 60, "the second socket waiting its turn")

            handshake = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=30)
            assert handshake.status_code == 503 and handshake.headers["Retry-After"] == "2"
            assert _refused(server, cookie), "a third socket is turned away while two are in"
            assert _connects(server) == {"in_progress": 1, "waiting": 1, "refused": 2}
            assert requests.get(f"{server.url}/legal-notice", timeout=30).status_code == 200
            assert not first.connected and not second.connected
        for thread in threads:  # the lock is gone: the first connects, then the second in its turn
            thread.join(timeout=120)
        assert first.connected and second.connected
        with LiveClient(server.url, cookie) as third:
            assert third.connected
            assert _connects(server)["in_progress"] == 0 and _connects(server)["waiting"] == 0
    finally:
        engine.dispose()
        close_all([first, second])
        server.stop()
