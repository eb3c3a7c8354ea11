"""The queue under real concurrency, on SQLite and PostgreSQL: threads with their own connections act
on the same booth at the same moment (a barrier releases them together). Two processes behave as
two threads here: every rule is held by a lock or a constraint in the database, none in memory."""
from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fair.live.models import QueueEntry, QueueStatus
from tests.live.conftest import make_person


def _race(app, actions: list[Callable]) -> list[object]:
    from fair.extensions import db

    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = action(db.session)
                db.session.commit()
            except Exception as error:  # the test shows what each thread got
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def _joiner(booth_id: int, candidate_id: int) -> Callable:
    def join(session):
        from fair.accounts.models import User
        from fair.companies.models import Booth
        from fair.db import utcnow
        from fair.live.services import join as join_queue

        return join_queue(session, session.get(Booth, booth_id), session.get(User, candidate_id), utcnow()).ticket
    return join


def _caller(booth_id: int, recruiter_id: int) -> Callable:
    def call(session):
        from fair.companies.models import Booth
        from fair.db import utcnow
        from fair.live.services import call_next

        entry, _ = call_next(session, session.get(Booth, booth_id), recruiter_id, utcnow())
        return entry.candidate_id if entry else None
    return call


def test_thirty_candidates_joining_at_once_get_thirty_different_places(app, session, live_world, factory):
    people = [make_person(session, f"rush{i}@example.org", f"Rush {i}") for i in range(30)]
    results = _race(app, [_joiner(live_world.booth_a.id, p.id) for p in people])
    assert sorted(results) == list(range(1, 31)), results
    tickets = session.execute(select(QueueEntry.ticket).where(QueueEntry.booth_id == live_world.booth_a.id)).scalars()
    assert sorted(tickets) == list(range(1, 31))


def test_one_candidate_joining_twice_at_once_is_queued_once(app, session, live_world):
    from fair.live.services import QueueRefused

    candidate = live_world.candidates[0]
    for _round in range(4):
        results = _race(app, [_joiner(live_world.booth_a.id, candidate.id)] * 2)
        assert sum(isinstance(r, int) for r in results) == 1, results
        assert all(isinstance(r, (int, QueueRefused)) for r in results), results
        session.expire_all()
        entries = session.execute(select(QueueEntry).where(QueueEntry.candidate_id == candidate.id,
                                                           QueueEntry.status == QueueStatus.waiting)).scalars().all()
        assert len(entries) == 1
        entries[0].status = QueueStatus.left
        session.commit()


def test_recruiters_calling_next_at_once_never_call_the_same_person(app, session, live_world, factory):
    from fair.db import utcnow
    from fair.live.services import join

    recruiters = [live_world.recruiter_a] + [make_person(session, f"r{i}@example.org", f"R {i}", live_world.company_a)
                                             for i in range(4)]
    for candidate in live_world.candidates:
        join(session, live_world.booth_a, candidate, utcnow())
    session.commit()
    results = _race(app, [_caller(live_world.booth_a.id, r.id) for r in recruiters])
    called = [r for r in results if isinstance(r, int)]
    assert sorted(called) == sorted(c.id for c in live_world.candidates), results
    assert results.count(None) == 2, results


def test_the_database_itself_refuses_a_second_ticket_and_a_second_open_entry(app, session, live_world):
    w = live_world
    base = {"booth_id": w.booth_a.id, "edition_id": w.edition.id}
    session.add(QueueEntry(candidate_id=w.candidates[0].id, ticket=1, **base))
    session.commit()
    session.add(QueueEntry(candidate_id=w.candidates[1].id, ticket=1, **base))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    session.add(QueueEntry(candidate_id=w.candidates[0].id, ticket=2, **base))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    session.add(QueueEntry(candidate_id=w.candidates[0].id, ticket=3, status=QueueStatus.left, **base))
    session.commit()  # closed entries are history: any number of them
