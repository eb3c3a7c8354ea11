"""Issue 14 item 4, through a real server process: an unconfirmed candidate's socket events to join a
queue or chat are refused with a translated message; a confirmed one's pass (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import threading
from typing import Iterator

import pytest

from tests.conftest import Factory
from tests.live.server import LiveClient, WebProcess, database_url, db_kind, session_cookie, web_process  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def server(request, db_kind, valkey, smtp, tmp_path_factory) -> Iterator[WebProcess]:
    with web_process(request, db_kind, valkey, tmp_path_factory, "confirmed-log", mail_url=smtp.url) as web:
        yield web


def test_queue_and_chat_need_a_confirmed_address(app, factory, session, server):
    from fair.db import utcnow

    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    start = utcnow() - dt.timedelta(hours=1)
    edition = factory.edition(organiser_org, status="live", starts_at=start, ends_at=start + dt.timedelta(hours=8))
    booth = factory.booth(edition, factory.organisation("company", name="Transports Rapides"))
    people = Factory(session)
    unconfirmed = people.person("nouveau@example.org", "Nouveau Venu", signed_in_only=True, confirmed=False)
    confirmed = people.person("karim@example.org", "Karim Benali", signed_in_only=True)
    clients = [LiveClient(server.url, session_cookie(app, user), transports=["websocket"]).connect()
               for user in (unconfirmed, confirmed)]
    try:
        for client in clients:
            assert client.ask("live_follow_booth", {"booth": booth.id})["ok"] is True
        refused_queue = clients[0].ask("queue_join", {"booth": booth.id})
        assert refused_queue["ok"] is False and refused_queue["code"] == "unconfirmed"
        assert refused_queue["error"].startswith("Confirmez d’abord votre adresse e-mail")
        refused_chat = clients[0].ask("chat_send", {"booth": booth.id, "text": "Bonjour"})
        assert refused_chat["ok"] is False and refused_chat["code"] == "unconfirmed"

        assert clients[1].ask("queue_join", {"booth": booth.id})["ok"] is True
        assert clients[1].ask("chat_send", {"booth": booth.id, "text": "Bonjour"})["ok"] is True
    finally:
        closing = [threading.Thread(target=client.close) for client in clients]
        for thread in closing:
            thread.start()
        for thread in closing:
            thread.join()
