"""Ending a session holds on every node, even while Redis is down (issue 14, item 2): two gunicorn
nodes share PostgreSQL and a Valkey of this test; a cookie signed in on node 1 and copied to node 2
is refused there once node 1 logged out with Valkey stopped, and a socket on node 2 gets its next
event refused (node 1 could not reach it through Redis: node 2 reads the session row itself)."""
from __future__ import annotations

import time
from typing import Iterator

import pytest
import requests

from tests.conftest import PASSWORD, token_in
from tests.live.server import LiveClient, WebProcess
from tests.servers import ValkeyProcess

GIVE_UP_SECONDS = 20


@pytest.fixture
def database_url(postgresql_url) -> str:
    return postgresql_url


@pytest.fixture
def own_valkey(tmp_path) -> Iterator[ValkeyProcess]:
    server = ValkeyProcess(tmp_path / "valkey").start()
    yield server
    server.stop()


@pytest.fixture
def nodes(database_url, own_valkey, tmp_path) -> Iterator[tuple[WebProcess, WebProcess]]:
    env = {"SOCKET_SESSION_CHECK_SECONDS": "0.5", "FAIR_ENV": "development"}
    started = []
    try:
        for n in (1, 2):
            started.append(WebProcess(database_url, own_valkey.url, gunicorn=True, env={**env, "NODE_NAME": f"n{n}"},
                                      log_path=tmp_path / f"node{n}.log").start())
        yield started[0], started[1]
    finally:
        for node in started:
            node.stop()


def _sign_in(base_url: str, email: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base_url}/login", timeout=30)
    response = browser.post(f"{base_url}/login", data={"email": email, "password": PASSWORD,
                                                       "csrf_token": token_in(page.text, "/login")},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.status_code
    return browser


def _account_status(browser: requests.Session, base_url: str) -> int:
    return browser.get(f"{base_url}/account", allow_redirects=False, timeout=30).status_code


def test_a_logout_with_redis_down_is_refused_on_the_other_node_pages_and_sockets(app, live_world, nodes, own_valkey):
    node1, node2 = nodes
    candidate, booth = live_world.candidates[0], live_world.booth_a
    on_node1 = _sign_in(node1.url, candidate.email)
    cookie = "; ".join(f"{c.name}={c.value}" for c in on_node1.cookies)
    on_node2 = requests.Session()
    on_node2.headers["Cookie"] = cookie
    assert _account_status(on_node2, node2.url) == 200
    socket = LiveClient(node2.url, cookie).connect()
    try:
        assert socket.ask("live_follow_booth", {"booth": booth.id})["ok"]

        own_valkey.stop()  # Redis down: node 1 cannot tell node 2 to close the socket
        account = on_node1.get(f"{node1.url}/account", timeout=30)
        logout = on_node1.post(f"{node1.url}/logout", data={"csrf_token": token_in(account.text, "/account")},
                               allow_redirects=False, timeout=30)
        assert logout.status_code == 302

        assert _account_status(on_node2, node2.url) == 302  # sent to the login page
        deadline = time.monotonic() + GIVE_UP_SECONDS
        answer = socket.ask("live_follow_booth", {"booth": booth.id})
        while answer.get("ok") and time.monotonic() < deadline:
            time.sleep(0.2)
            answer = socket.ask("live_follow_booth", {"booth": booth.id})
        assert answer["ok"] is False and answer["code"] == "signed_out", answer
    finally:
        socket.close()
