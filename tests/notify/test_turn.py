"""The live queue's "your turn" by SMS only to a called person with no page of the site open: a real
server process holds the Socket.IO connections (presence is what Valkey knows of them), the job runs
in RQ's worker, and the outbox row is read back."""
from __future__ import annotations

from typing import Iterator

import pytest

from fair.db import utcnow
from fair.live import services
from tests.conftest import run_jobs
from tests.live.conftest import live_world  # noqa: F401  (fixture used by name)
from tests.live.server import LiveClient, WebProcess, session_cookie, wait_until
from tests.notify.conftest import choose, rows

FIRST, SECOND = "+33612345601", "+33612345602"


@pytest.fixture(scope="module")
def sqlite_server(sqlite_url, valkey, tmp_path_factory) -> Iterator[WebProcess]:
    with WebProcess(sqlite_url, valkey.url, log_path=tmp_path_factory.mktemp("notify-live") / "server.log") as web:
        yield web


def test_your_turn_goes_by_sms_only_when_the_person_has_left(app, session, live_world, sqlite_server):
    from fair.live.jobs import text_turn
    from fair.sockets import user_connected

    w = live_world
    first, second = w.candidates[0], w.candidates[1]
    booth_id, recruiter_id = w.booth_a.id, w.recruiter_a.id
    choose(session, first, "sms", FIRST)
    choose(session, second, "sms", SECOND)
    here = LiveClient(sqlite_server.url, session_cookie(app, first)).connect()  # the first one is on the page
    try:
        wait_until(lambda: user_connected(first.id), 15, "the first person's socket recorded")
        assert user_connected(second.id) is False
        for person in (first, second):
            services.join(session, w.booth_a, person, utcnow())
        session.commit()

        entry, _ = services.call_next(session, w.booth_a, w.recruiter_a.id, utcnow())
        session.commit()
        first_entry = entry.id
        run_jobs(app)
        assert rows(session, channel="sms") == []  # the page shows the turn: no SMS

        # the job ended its own app context: rows are read again by id
        from fair.companies.models import Booth
        from fair.live.models import QueueEntry

        services.finish(session, session.get(QueueEntry, first_entry), utcnow())
        session.commit()
        entry, _ = services.call_next(session, session.get(Booth, booth_id), recruiter_id, utcnow())
        session.commit()
        second_entry = entry.id
        run_jobs(app)
        [sms] = rows(session, channel="sms")
        assert sms.to_address == SECOND and sms.template == "queue_turn"
        assert sms.text_body == (f"Transports Rapides : c'est votre tour ! Revenez sur le stand d'ici 1 min : "
                                 f"http://fair.test/fairs/salon-en-direct/booths/{booth_id}")
        assert text_turn(second_entry) is True  # the job again: the same turn, the same row
        assert len(rows(session, channel="sms")) == 1
        assert text_turn(first_entry) is False  # that turn is over
    finally:
        here.close()
