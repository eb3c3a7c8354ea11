"""Ratings and notes never travel through Socket.IO: a whole walk-in call at a real server process
(gevent, the Valkey message queue; SQLite and PostgreSQL), then the recruiter's rating and note saved
from the desk, then more changes of the queue. Every event the candidate, the other company's
recruiter and the organiser's dashboard received, and the recruiter's own, carries none of it; the
desk's section, read over HTTP by a colleague, does."""
from __future__ import annotations

import json
import time
from typing import Iterator

import pytest
import requests

from tests.conftest import token_in
from tests.live.conftest import live_world  # noqa: F401 (fixture)
from tests.live.server import LiveClient, WebProcess, close_all, database_url, db_kind, session_cookie, web_process  # noqa: F401 (fixtures)

SECRET = "Note 5581 réservée aux collègues"


@pytest.fixture(scope="module")
def server(request, db_kind, valkey, tmp_path_factory) -> Iterator[WebProcess]:
    with web_process(request, db_kind, valkey, tmp_path_factory, "pipeline-log") as web:
        yield web


def _post_from_desk(server, cookie: str, booth_id: int, entry_id: int, data: dict) -> requests.Response:
    http = requests.Session()
    http.headers["Cookie"] = cookie
    page = http.get(f"{server.url}/live/booths/{booth_id}/desk", timeout=10)
    assert page.status_code == 200
    name = cookie.split("=", 1)[0]
    http.headers["Cookie"] = f"{name}={page.cookies.get(name) or cookie.split('=', 1)[1]}"
    return http.post(f"{server.url}/live/booths/{booth_id}/met/{entry_id}",
                     data={**data, "csrf_token": token_in(page.text)},
                     headers={"X-Requested-With": "fetch"}, allow_redirects=False, timeout=10)


def test_no_socket_event_carries_a_rating_or_a_note(app, factory, live_world, server):
    w = live_world
    edition, booth_a, booth_b, organiser = w.edition, w.booth_a, w.booth_b, w.organiser
    ra, rb, (c1, c2, _c3) = w.recruiter_a, w.recruiter_b, w.candidates
    colleague = factory.person("colleague.a@example.org", "Colleague A", w.company_a)
    cookies = {who: session_cookie(app, user) for who, user in (
        ("ra", ra), ("colleague", colleague), ("rb", rb), ("org", organiser), ("c1", c1), ("c2", c2))}
    clients = {who: LiveClient(server.url, cookies[who]).connect() for who in ("ra", "rb", "org", "c1", "c2")}
    try:
        a, b, o, one, two = (clients[k] for k in ("ra", "rb", "org", "c1", "c2"))
        assert a.ask("staff_follow_booth", {"booth": booth_a.id})["ok"]
        assert a.ask("staff_available", {"booth": booth_a.id, "available": True})["ok"]
        assert b.ask("staff_follow_booth", {"booth": booth_b.id})["ok"]
        assert b.ask("live_follow_booth", {"booth": booth_a.id})["ok"]
        assert b.ask("live_follow_edition", {"edition": edition.id})["ok"]
        assert o.ask("dashboard_follow", {"edition": edition.id})["ok"]
        for client in (one, two):
            assert client.ask("live_follow_booth", {"booth": booth_a.id})["ok"]
        assert one.ask("queue_join", {"booth": booth_a.id})["ok"]
        called = a.ask("queue_call_next", {"booth": booth_a.id})
        assert called["ok"]
        assert one.ask("queue_accept", {"booth": booth_a.id})["ok"]
        entry_id = called["entry"]["entry"]
        assert a.ask("queue_done", {"entry": entry_id})["ok"]
        one.wait_for("queue_done")

        saved = _post_from_desk(server, cookies["ra"], booth_a.id, entry_id,
                                {"rating": "4", "next_step": "interview", "note": SECRET})
        assert saved.status_code == 200 and SECRET in saved.text
        # more changes of the booth after the save: each sends its events again
        assert two.ask("queue_join", {"booth": booth_a.id})["ok"]
        assert two.ask("queue_leave", {"booth": booth_a.id})["ok"]
        assert one.ask("queue_join", {"booth": booth_a.id})["ok"]
        o.wait_for("dashboard", lambda d: d["booth"]["booth"] == booth_a.id and d["booth"]["waiting"] == 1)
        b.wait_for("booth_presence", lambda d: d["booth"] == booth_a.id and d["waiting"] == 1)
        a.wait_for("staff_queue", lambda d: len(d["queue"]) == 1)
        time.sleep(1.5)  # the fair page's batch of the second
        for who, client in clients.items():
            assert client.events, who
            for event, data in client.events:
                text = json.dumps(data, ensure_ascii=False)
                assert SECRET not in text and "rating" not in text and "next_step" not in text, (who, event)
                assert "4/5" not in text and "Entretien" not in text, (who, event)

        # a colleague reads it where they meet the person again; the other company does not
        colleague_view = requests.get(f"{server.url}/live/booths/{booth_a.id}/met",
                                      headers={"Cookie": cookies["colleague"]}, timeout=10)
        assert colleague_view.status_code == 200 and SECRET in colleague_view.text and "4/5" in colleague_view.text
        other = requests.get(f"{server.url}/live/booths/{booth_a.id}/met", headers={"Cookie": cookies["rb"]},
                             timeout=10)
        assert other.status_code == 404
    finally:
        close_all(list(clients.values()))
