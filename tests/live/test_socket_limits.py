"""Socket abuse limits that hold whatever Redis does (issue 14, item 11), against a real server process
with a Valkey of its own that the test stops: per-event rates fall back to a per-node window in memory
instead of letting everything through, and one person holds at most SOCKETS_PER_USER sockets."""
from __future__ import annotations

from typing import Iterator

import pytest
import socketio

from tests.live.server import LiveClient, WebProcess, database_url, db_kind, session_cookie  # noqa: F401 (fixtures)
from tests.servers import ValkeyProcess


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
