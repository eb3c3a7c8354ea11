"""A socket remembers its user between checks (no database read on every event), and a changed
password still ends its rights: at the node's next reading of its sockets, at most
SOCKET_SESSION_CHECK_SECONDS later. Real server process (`python wsgi.py`, gevent) on SQLite and
PostgreSQL, python-socketio clients."""
from __future__ import annotations

import time
from typing import Iterator

import pytest

from tests.live.server import LiveClient, WebProcess, close_all, database_url, db_kind, session_cookie, web_process  # noqa: F401 (fixtures)

CHECK_SECONDS = 1
GIVE_UP_SECONDS = 20  # a socket never re-checked would still answer "ok" when this runs out


@pytest.fixture(scope="module")
def server(request, db_kind, valkey, tmp_path_factory) -> Iterator[WebProcess]:
    with web_process(request, db_kind, valkey, tmp_path_factory, "socket-user",
                     env={"SOCKET_SESSION_CHECK_SECONDS": str(CHECK_SECONDS)}) as web:
        yield web


def test_a_changed_password_ends_the_rights_of_a_socket_opened_before(app, session, live_world, server):
    from fair.accounts.services import set_password

    w = live_world
    changer, other = w.candidates[0], w.candidates[1]
    clients = [LiveClient(server.url, session_cookie(app, person)).connect() for person in (changer, other)]
    try:
        for client in clients:
            for _ in range(3):  # several events in a row, answered from the socket's memory
                assert client.ask("live_follow_booth", {"booth": w.booth_a.id})["ok"]
        assert clients[0].ask("queue_join", {"booth": w.booth_a.id})["position"] == 1

        set_password(changer, "a-brand-new-passphrase-2026")  # as the account page does
        session.commit()

        deadline = time.monotonic() + GIVE_UP_SECONDS
        answer = clients[0].ask("live_follow_booth", {"booth": w.booth_a.id})
        while answer.get("ok") and time.monotonic() < deadline:
            time.sleep(0.2)
            answer = clients[0].ask("live_follow_booth", {"booth": w.booth_a.id})
        assert answer["ok"] is False and answer["code"] == "signed_out", answer
        # and it stays so: leaving the queue is refused too, the place is kept
        assert clients[0].ask("queue_leave", {"booth": w.booth_a.id})["code"] == "signed_out"
        # the other person's socket is untouched
        state = clients[1].ask("live_follow_booth", {"booth": w.booth_a.id})
        assert state["ok"] and state["state"]["waiting"] == 1
        assert clients[1].ask("queue_join", {"booth": w.booth_a.id})["position"] == 2
    finally:
        close_all(clients)
