"""`make run`'s setup, SQLite under one gevent process, when many people act at the same moment.

SQLite lets one writer in at a time, and a second writer waits in SQLite's busy handler: C code that
sleeps without letting gevent run another greenlet, so the whole process (every page and socket)
froze until the first writer's greenlet could run again, up to the 30 s busy timeout and a "database
is locked". Writers of the process now wait for each other cooperatively, and no I/O but the database
runs while one holds the lock."""
from __future__ import annotations

import threading
from typing import Iterator

import pytest

from tests.live.conftest import make_person
from tests.live.server import LiveClient, WebProcess, close_all, session_cookie

ACK_SECONDS = 10  # far below the 30 s a frozen process would take before answering "database is locked"


@pytest.fixture
def database_url(sqlite_url) -> str:
    return sqlite_url


@pytest.fixture(scope="module")
def sqlite_server(sqlite_url, valkey, tmp_path_factory) -> Iterator[WebProcess]:
    with WebProcess(sqlite_url, valkey.url, log_path=tmp_path_factory.mktemp("sqlite-live") / "server.log") as web:
        yield web


def _at_once(actions: list) -> list:
    """Run the actions in threads released together; answers each one's result (or error)."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = actions[index]()
        except Exception as error:  # the assertion shows what each one got
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_twenty_candidates_joining_one_queue_at_once_all_get_their_place(app, session, live_world, sqlite_server):
    w = live_world
    booth = w.booth_a.id
    people = [make_person(session, f"rush{i}@example.org", f"Rush {i}") for i in range(20)]
    clients: list[LiveClient] = []
    try:
        recruiter = LiveClient(sqlite_server.url, session_cookie(app, w.recruiter_a)).connect()
        clients.append(recruiter)
        assert recruiter.ask("staff_follow_booth", {"booth": booth})["ok"]
        assert recruiter.ask("staff_available", {"booth": booth, "available": True})["ok"]
        for person in people:
            client = LiveClient(sqlite_server.url, session_cookie(app, person)).connect()
            clients.append(client)
            assert client.ask("live_follow_booth", {"booth": booth})["ok"]
        candidates = clients[1:]
        acks = _at_once([lambda c=c: c.ask("queue_join", {"booth": booth}, timeout=ACK_SECONDS)
                         for c in candidates])
        assert all(isinstance(ack, dict) and ack.get("ok") for ack in acks), acks
        assert sorted(ack["position"] for ack in acks) == list(range(1, 21)), acks
        # and the recruiter's desk shows the twenty of them, in the order of their places
        staff = recruiter.wait_for("staff_queue", lambda d: len(d["queue"]) == 20)
        assert [item["position"] for item in staff["queue"]] == list(range(1, 21))
        # the page still answers at once afterwards: a follower asking for the booth sees 20 waiting
        state = candidates[0].ask("live_follow_booth", {"booth": booth}, timeout=ACK_SECONDS)
        assert state["state"]["waiting"] == 20 and state["state"]["recruiters"] == 1
    finally:
        close_all(clients)


def test_a_recruiter_becoming_available_while_candidates_join_is_counted_once(app, session, live_world,
                                                                              sqlite_server):
    """Availability is written to Redis after the commit: joins racing with it neither freeze nor lose it."""
    w = live_world
    booth = w.booth_a.id
    people = [make_person(session, f"race{i}@example.org", f"Race {i}") for i in range(8)]
    clients: list[LiveClient] = []
    try:
        recruiter = LiveClient(sqlite_server.url, session_cookie(app, w.recruiter_a)).connect()
        clients.append(recruiter)
        assert recruiter.ask("staff_follow_booth", {"booth": booth})["ok"]
        joiners = [LiveClient(sqlite_server.url, session_cookie(app, p)).connect() for p in people]
        clients.extend(joiners)
        actions = [lambda c=c: c.ask("queue_join", {"booth": booth}, timeout=ACK_SECONDS) for c in joiners]
        actions.append(lambda: recruiter.ask("staff_available", {"booth": booth, "available": True},
                                             timeout=ACK_SECONDS))
        acks = _at_once(actions)
        assert all(isinstance(ack, dict) and ack.get("ok") for ack in acks), acks
        assert sorted(ack["position"] for ack in acks[:-1]) == list(range(1, 9)), acks
        state = joiners[0].ask("live_follow_booth", {"booth": booth}, timeout=ACK_SECONDS)["state"]
        assert (state["waiting"], state["recruiters"]) == (8, 1)
    finally:
        close_all(clients)
