"""Jobs a web node could not enqueue (Redis down) wait in `held_jobs`, on SQLite and PostgreSQL, and
are enqueued once Redis answers: oldest first, each once, put back if Redis fails again."""
from __future__ import annotations

from sqlalchemy import func, select

from fair.jobs import HeldJob, get_queue, release_held_jobs
from tests.servers import free_port


def _held(session) -> int:
    count = session.execute(select(func.count()).select_from(HeldJob)).scalar_one()
    session.rollback()
    return count


def test_held_jobs_are_put_back_while_redis_is_down_then_enqueued_once_in_order(app, session, valkey):
    for booking_id in (7, 8, 9):
        session.add(HeldJob(queue="default", func="fair.jobdating.jobs.sync_booking_calendar", args=[booking_id],
                            kwargs={}))
    session.commit()

    nobody = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there: Redis is down
    assert release_held_jobs(session, nobody) == (0, True)
    assert _held(session) == 3  # the row tried first is back, nothing lost

    assert release_held_jobs(session, valkey.url) == (3, False)
    assert _held(session) == 0
    jobs = get_queue("default", valkey.url).get_jobs()
    assert [(job.func_name, job.args) for job in jobs] == [
        ("fair.jobdating.jobs.sync_booking_calendar", (7,)),
        ("fair.jobdating.jobs.sync_booking_calendar", (8,)),
        ("fair.jobdating.jobs.sync_booking_calendar", (9,)),
    ]
    assert release_held_jobs(session, valkey.url) == (0, False)  # nothing twice
    assert len(get_queue("default", valkey.url).get_jobs()) == 3


def test_a_job_redis_refuses_after_a_commit_waits_in_the_database(app, session, valkey):
    import time

    from fair import jobs
    from fair.jobdating.jobs import sync_booking_calendar

    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # Redis is down
    sync_booking_calendar.after_commit(session, 42)
    session.commit()  # the business change commits; its job is kept
    rows = session.execute(select(HeldJob.func, HeldJob.args)).all()
    session.rollback()
    assert [(func_name, list(args)) for func_name, args in rows] == [
        ("fair.jobdating.jobs.sync_booking_calendar", [42])]

    app.config["REDIS_URL"] = valkey.url  # back (as the worker's catch-up would release it)
    assert release_held_jobs(session, valkey.url) == (1, False)
    assert [job.args for job in get_queue("default", valkey.url).get_jobs()] == [(42,)]
    deadline = time.monotonic() + 10  # the node's retry thread finds nothing left and stops
    while jobs.retrier_running() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not jobs.retrier_running()
