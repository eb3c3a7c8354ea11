"""Faults on the way to the mail server: real SMTP servers that answer as told, a clock the test moves.

421 then 250 → sent once; refused connections → retried later and later; 550 → failed for good,
shown to the organiser; a worker killed mid-send → the sweeper sends it at most once more.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import time

from sqlalchemy import select

from fair.db import utcnow
from tests.conftest import run_jobs
from tests.servers import kill_tree, start_worker, worker_environment
from tests.workers.conftest import Clock, person


def queue(session, key="k1", to="candidate@example.org", **kw):
    from fair.mail.outbox import queue_mail

    return queue_mail(session, to=to, template="confirm_email", locale="fr",
                      context={"user": person(), "link": "http://fair.test/confirm/abc"}, key=key, **kw)


def row_of(session, row_id):
    from fair.mail.models import OutboxMessage

    session.expire_all()
    return session.execute(select(OutboxMessage).where(OutboxMessage.id == row_id)).scalar_one()


def scheduled(queue_name="mail"):
    """(job, delay from now) of each job waiting in RQ's scheduler."""
    from fair.jobs import get_queue

    rq_queue = get_queue(queue_name)
    registry = rq_queue.scheduled_job_registry
    found = []
    for job_id in registry.get_job_ids():
        at = registry.get_scheduled_time(job_id)
        found.append((rq_queue.fetch_job(job_id), at - utcnow()))
    return found


def make_due(queue_name="mail"):
    """Do what RQ's scheduler does once a scheduled job's time has come: move it to its queue."""
    from fair.jobs import get_queue

    rq_queue = get_queue(queue_name)
    registry = rq_queue.scheduled_job_registry
    for job_id in registry.get_job_ids():
        job = rq_queue.fetch_job(job_id)
        registry.remove(job)
        rq_queue.enqueue_job(job)


def test_421_then_250_sends_once_after_a_delay(app, session, fresh_smtp, mail_to, clock):
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    fresh_smtp.replies.append("421 4.3.2 Service not available, try again later")
    row_id = queue(session).id
    session.commit()
    run_jobs(app)

    row = row_of(session, row_id)
    assert row.status is OutboxStatus.failed_temporary and row.attempts == 1
    assert row.last_error.startswith("421") and row.next_attempt_at == clock.current + dt.timedelta(minutes=1)
    assert fresh_smtp.messages == []
    [(job, delay)] = scheduled()
    assert job.func_name == "fair.mail.jobs.send_messages" and job.args == ([row_id],)
    assert dt.timedelta(seconds=50) < delay <= dt.timedelta(seconds=60)

    clock.advance(seconds=61)
    make_due()
    run_jobs(app)
    [message] = fresh_smtp.wait_for("candidate@example.org")
    row = row_of(session, row_id)
    assert row.status is OutboxStatus.sent and row.attempts == 2 and row.last_error is None
    assert message["Message-ID"] == row.message_id
    run_jobs(app)
    time.sleep(0.2)
    assert len(fresh_smtp.messages) == 1


def test_a_retry_that_comes_early_does_nothing(app, session, fresh_smtp, mail_to, clock):
    from fair.jobs import get_queue
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    fresh_smtp.replies.append("451 4.7.1 Greylisted")
    row_id = queue(session).id
    session.commit()
    run_jobs(app)
    get_queue("mail").enqueue("fair.mail.jobs.send_messages", [row_id])  # a duplicate, before its time
    clock.advance(seconds=30)
    run_jobs(app)
    time.sleep(0.1)
    assert fresh_smtp.messages == []
    assert row_of(session, row_id).status is OutboxStatus.failed_temporary


def test_a_refused_connection_is_retried_later_and_later_then_given_up(app, session, mail_to, closed_port_url,
                                                                      fresh_smtp, clock):
    from fair.mail import outbox
    from fair.mail.models import OutboxStatus

    mail_to(closed_port_url)
    ids = [queue(session, key=f"k{n}", to=f"p{n}@example.org").id for n in range(3)]
    session.commit()
    delays = []
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        run_jobs(app)
        rows = [row_of(session, i) for i in ids]
        assert {r.status for r in rows} == {OutboxStatus.failed_temporary}
        assert {r.attempts for r in rows} == {attempt}
        assert "ConnectionRefusedError" in rows[0].last_error
        [(job, delay)] = scheduled()  # one retry job for the whole batch
        assert sorted(job.args[0]) == sorted(ids)
        delays.append(rows[0].next_attempt_at - clock.current)
        clock.current = rows[0].next_attempt_at
        make_due()
    assert delays == [dt.timedelta(seconds=s) for s in outbox.RETRY_DELAYS]
    assert delays == sorted(delays)

    run_jobs(app)  # the last attempt
    rows = [row_of(session, i) for i in ids]
    assert {r.status for r in rows} == {OutboxStatus.failed_permanent}
    assert rows[0].last_error.startswith(f"gave up after {outbox.MAX_ATTEMPTS} attempts")
    assert scheduled() == []


def test_a_server_back_after_a_refused_connection_gets_the_mail(app, session, mail_to, closed_port_url,
                                                                fresh_smtp, clock):
    from fair.mail.models import OutboxStatus

    mail_to(closed_port_url)
    row_id = queue(session).id
    session.commit()
    run_jobs(app)
    assert row_of(session, row_id).status is OutboxStatus.failed_temporary
    mail_to(fresh_smtp.url)
    clock.advance(minutes=2)
    make_due()
    run_jobs(app)
    fresh_smtp.wait_for("candidate@example.org")
    assert row_of(session, row_id).status is OutboxStatus.sent


def test_550_fails_for_good_without_retry(app, session, fresh_smtp, mail_to, clock):
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    fresh_smtp.rcpt_replies.append("550 5.1.1 <nobody@example.org>: mailbox unavailable")
    bad = queue(session, key="bad", to="nobody@example.org").id
    good = queue(session, key="good", to="somebody@example.org").id
    session.commit()
    run_jobs(app)
    fresh_smtp.wait_for("somebody@example.org")  # the rest of the batch still goes
    row = row_of(session, bad)
    assert row.status is OutboxStatus.failed_permanent and row.attempts == 1
    assert "550 5.1.1" in row.last_error and row.next_attempt_at is None
    assert row_of(session, good).status is OutboxStatus.sent
    assert scheduled() == []
    clock.advance(days=1)
    run_jobs(app)
    from fair.mail.outbox import sweep

    assert sweep(session) == []
    assert row_of(session, bad).status is OutboxStatus.failed_permanent
    assert fresh_smtp.to("nobody@example.org") == []


def test_a_550_after_data_fails_for_good_too(app, session, fresh_smtp, mail_to, clock):
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    fresh_smtp.replies.append("554 5.6.0 Message rejected")
    row_id = queue(session).id
    session.commit()
    run_jobs(app)
    row = row_of(session, row_id)
    assert row.status is OutboxStatus.failed_permanent and row.last_error.startswith("554")
    assert scheduled() == []


def test_the_sweeper_sends_rows_whose_job_was_lost(app, session, fresh_smtp, mail_to, clock):
    from fair.mail.models import OutboxStatus
    from fair.redis_conn import get_redis

    mail_to(fresh_smtp.url)
    row_id = queue(session).id
    session.commit()
    get_redis().flushdb()  # the queued job is gone (Redis lost, say)
    clock.advance(minutes=1)
    from fair.mail.outbox import sweep

    assert sweep(session) == []  # a fresh row may still have its job waiting
    clock.advance(minutes=5)
    assert sweep(session) == [row_id]
    assert sweep(session) == []  # enqueued once, not at every sweep
    run_jobs(app)
    fresh_smtp.wait_for("candidate@example.org")
    assert row_of(session, row_id).status is OutboxStatus.sent


def test_a_worker_killed_mid_send_is_followed_by_at_most_one_more_send(app, session, fresh_smtp, mail_to):
    from fair.clock import set_clock
    from fair.mail import outbox
    from fair.mail.models import OutboxStatus

    clock = Clock(utcnow())  # the worker process runs on the real clock
    set_clock(clock)
    try:
        mail_to(fresh_smtp.url)
        row_id = queue(session).id
        session.commit()
        fresh_smtp.hold()  # the server takes the message and keeps the client waiting for its answer
        worker = start_worker(worker_environment(app), "--queues", "mail", "--burst")
        try:
            assert fresh_smtp.held.wait(60), "the worker never reached the mail server"
            assert row_of(session, row_id).status is OutboxStatus.sending
            kill_tree(worker)  # RQ's work horse runs in its own session
            worker.wait(10)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
        fresh_smtp.release()
        time.sleep(0.3)
        # Whether a message cut off before the server's answer counts as delivered is the server's
        # business (aiosmtpd drops it): at most one copy so far.
        before = len(fresh_smtp.to("candidate@example.org"))
        assert before <= 1

        assert outbox.sweep(session) == []  # its lease is not over: the worker might still be alive
        stuck = row_of(session, row_id)
        assert stuck.status is OutboxStatus.sending and stuck.claimed_until > utcnow()
        clock.current = stuck.claimed_until + dt.timedelta(seconds=1)  # the lease runs out
        assert outbox.sweep(session) == [row_id]
        run_jobs(app)
        messages = fresh_smtp.wait_for("candidate@example.org", count=before + 1)
        assert 1 <= len(messages) <= 2
        row = row_of(session, row_id)
        assert row.status is OutboxStatus.sent and row.attempts == 2
        assert {m["Message-ID"] for m in messages} == {row.message_id}  # one message, seen twice at most

        clock.advance(hours=1)
        assert outbox.sweep(session) == []
        run_jobs(app)
        time.sleep(0.2)
        assert len(fresh_smtp.to("candidate@example.org")) == before + 1
    finally:
        set_clock(None)


def test_a_message_that_cannot_be_built_fails_for_good_and_the_batch_goes_on(app, session, fresh_smtp, mail_to):
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    broken = queue(session, key="broken", to="a@example.org", calendar=("CANCEL", ics)).id  # METHOD disagrees
    fine = queue(session, key="fine", to="b@example.org").id
    session.commit()
    run_jobs(app)
    fresh_smtp.wait_for("b@example.org")
    row = row_of(session, broken)
    assert row.status is OutboxStatus.failed_permanent and row.last_error.startswith("cannot build the message")
    assert row_of(session, fine).status is OutboxStatus.sent
    assert scheduled() == []


def test_a_row_that_keeps_killing_its_worker_is_given_up(app, session, clock):
    from fair.mail import outbox
    from fair.mail.models import OutboxStatus

    row_id = queue(session).id
    session.commit()
    for _attempt in range(outbox.MAX_ATTEMPTS):
        _, claimed = outbox.claim(session, [row_id])  # taken by a worker that then dies
        assert [r.id for r in claimed] == [row_id]
        clock.advance(seconds=outbox.LEASE.total_seconds() + 1)
        outbox.sweep(session)
    row = row_of(session, row_id)
    assert row.status is OutboxStatus.failed_permanent and row.attempts == outbox.MAX_ATTEMPTS
    assert "the worker stopped while sending" in row.last_error


def test_after_a_421_the_rest_of_the_batch_goes_over_a_new_connection(app, session, fresh_smtp, mail_to, clock):
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    fresh_smtp.replies.append("421 4.3.2 Closing connection")
    ids = [queue(session, key=f"k{n}", to=f"p{n}@example.org").id for n in range(3)]
    session.commit()
    run_jobs(app)
    fresh_smtp.wait_for("p2@example.org")
    assert [row_of(session, i).status for i in ids] == [OutboxStatus.failed_temporary, OutboxStatus.sent,
                                                        OutboxStatus.sent]
    assert fresh_smtp.connections == 2
