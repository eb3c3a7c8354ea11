"""The outbox: one row per mail in the caller's transaction, sent once after commit by a real worker."""
from __future__ import annotations

import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import run_jobs
from tests.workers.conftest import person


def queue(session, key="k1", to="candidate@example.org", **kw):
    from fair.mail.outbox import queue_mail

    return queue_mail(session, to=to, template="confirm_email", locale=kw.pop("locale", "fr"),
                      context={"user": person(), "link": "http://fair.test/confirm/abc"}, key=key, **kw)


def rows(session):
    from fair.mail.models import OutboxMessage

    session.expire_all()
    return session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


def jobs(queue_name="mail"):
    from fair.jobs import get_queue

    return get_queue(queue_name).get_jobs()


def test_a_queued_mail_is_a_row_sent_by_the_worker_after_commit(app, session, fresh_smtp, mail_to, clock):
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    row = queue(session)
    assert row.status is OutboxStatus.queued and row.subject and "http://fair.test/confirm/abc" in row.text_body
    assert jobs() == []  # nothing before commit
    session.commit()
    [job] = jobs()
    assert job.func_name == "fair.mail.jobs.send_messages" and job.args == ([row.id],)

    run_jobs(app)
    [message] = fresh_smtp.wait_for("candidate@example.org")
    assert "Bonjour Camille Martin" in message.get_body(("plain",)).get_content()
    assert message["Message-ID"] == row.message_id
    [stored] = rows(session)
    assert stored.status is OutboxStatus.sent and stored.attempts == 1 and stored.sent_at == clock.current
    assert stored.claim_token is None and stored.claimed_until is None


def test_english_recipients_get_english_mail(app, session, fresh_smtp, mail_to):
    mail_to(fresh_smtp.url)
    queue(session, locale="en")
    session.commit()
    run_jobs(app)
    [message] = fresh_smtp.wait_for("candidate@example.org")
    assert "Hello Camille Martin" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None


def test_a_rolled_back_change_sends_nothing(app, session, fresh_smtp, mail_to):
    mail_to(fresh_smtp.url)
    queue(session)
    session.rollback()
    session.commit()
    assert rows(session) == [] and jobs() == []


def test_the_same_key_queued_twice_gives_one_row_and_one_message(app, session, fresh_smtp, mail_to):
    mail_to(fresh_smtp.url)
    first = queue(session, key="confirm:1")
    session.commit()
    again = queue(session, key="confirm:1", to="other@example.org")
    session.commit()
    assert again.id == first.id and len(rows(session)) == 1
    run_jobs(app)
    fresh_smtp.wait_for("candidate@example.org")
    time.sleep(0.2)
    assert len(fresh_smtp.messages) == 1


def test_a_key_queued_by_two_transactions_at_once_gives_one_row(app, session):
    """The second transaction waits for the first one's insert, then takes its row and sends nothing."""
    import threading

    from sqlalchemy.orm import Session

    from fair.extensions import db
    from fair.mail.models import OutboxMessage

    first = Session(db.engine)
    mine = queue(first, key="race", to="first@example.org").to_address
    results = {}

    def second_request():
        with app.app_context(), Session(db.engine) as second:
            row = queue(second, key="race", to="second@example.org")
            results["to"] = row.to_address
            results["pending"] = second.info.get("fair_outbox_pending", [])
            second.commit()

    thread = threading.Thread(target=second_request)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # held by the first transaction's uncommitted row
    first.commit()
    first.close()
    thread.join(30)
    assert results == {"to": "first@example.org", "pending": []}
    assert mine == "first@example.org"
    assert session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 1
    assert len(jobs()) == 1


def test_the_same_send_job_run_twice_sends_once(app, session, fresh_smtp, mail_to):
    from fair.jobs import get_queue

    mail_to(fresh_smtp.url)
    row = queue(session)
    session.commit()
    get_queue("mail").enqueue("fair.mail.jobs.send_messages", [row.id])  # a duplicate of the first job
    assert len(jobs()) == 2
    run_jobs(app)
    get_queue("mail").enqueue("fair.mail.jobs.send_messages", [row.id])  # and once more, later
    run_jobs(app)
    fresh_smtp.wait_for("candidate@example.org")
    time.sleep(0.2)
    assert len(fresh_smtp.messages) == 1
    assert rows(session)[0].attempts == 1


def test_a_claimed_row_cannot_be_claimed_again(app, session, clock):
    from fair.mail.models import OutboxStatus
    from fair.mail.outbox import LEASE, claim

    row = queue(session)
    session.commit()
    _, first = claim(session, [row.id])
    _, second = claim(session, [row.id])
    assert [r.id for r in first] == [row.id] and second == []
    assert rows(session)[0].status is OutboxStatus.sending
    assert rows(session)[0].claimed_until == clock.current + LEASE


def test_a_transaction_with_many_mails_sends_them_in_batches_over_one_connection(app, session, fresh_smtp,
                                                                                   mail_to):
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    for n in range(30):
        queue(session, key=f"many:{n}", to=f"person{n}@example.org")
    session.commit()
    assert jobs("mail") == []
    [job] = jobs("bulk")  # a big batch never holds up a password reset
    assert len(job.args[0]) == 30
    run_jobs(app)
    deadline = time.monotonic() + 5
    while len(fresh_smtp.messages) < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fresh_smtp.messages) == 30
    assert fresh_smtp.connections == 1
    assert {r.status for r in rows(session)} == {OutboxStatus.sent}


def test_an_invitation_carries_the_calendar_in_the_alternative_and_as_an_attachment(app, session, fresh_smtp,
                                                                                       mail_to):
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fair//test//FR\r\nMETHOD:REQUEST\r\n"
           b"BEGIN:VEVENT\r\nUID:booking-42@fair.test\r\nSEQUENCE:0\r\nDTSTAMP:20300301T080000Z\r\n"
           b"DTSTART:20300312T090000Z\r\nDTEND:20300312T092000Z\r\nSUMMARY:Entretien\r\n"
           b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    mail_to(fresh_smtp.url)
    queue(session, key="booking-42:0", calendar=("REQUEST", ics))
    session.commit()
    run_jobs(app)
    [message] = fresh_smtp.wait_for("candidate@example.org")
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    calendar = [p for p in alternative.iter_parts() if p.get_content_type() == "text/calendar"]
    assert len(calendar) == 1 and calendar[0].get_param("method") == "REQUEST"
    assert calendar[0].get_payload(decode=True) == ics
    assert attachment.get_filename() == "invitation.ics" and attachment.get_payload(decode=True) == ics


def test_a_batch_slower_than_its_lease_renews_it_and_sends_each_mail_once(app, session, fresh_smtp, mail_to):
    """Item 18 of issue 14: a slow SMTP server made a live batch look dead; the sweeper queued its rows
    again and they went twice. The job renews the lease of the rows it still has while it sends."""
    import threading

    from fair.db import db
    from fair.mail.models import OutboxStatus
    from fair.mail.outbox import sweep

    mail_to(fresh_smtp.url)
    app.config["OUTBOX_LEASE_SECONDS"] = 1.5
    fresh_smtp.delay = 0.5  # five messages: 2.5 s, longer than the lease
    addresses = [f"slow{n}@example.org" for n in range(5)]
    for n, address in enumerate(addresses):
        queue(session, key=f"slow-{n}", to=address)
    session.commit()

    stop, sweeps = threading.Event(), []

    def sweeper() -> None:  # the periodic sweeper, run over and over while the batch sends
        while not stop.is_set():
            with app.app_context():
                try:
                    sweeps.append(sweep(db.session))
                finally:
                    db.session.remove()
            stop.wait(0.1)

    thread = threading.Thread(target=sweeper, daemon=True)
    thread.start()
    try:
        run_jobs(app)
        fresh_smtp.wait_for(addresses[-1])
    finally:
        stop.set()
        thread.join(timeout=30)
    run_jobs(app)  # whatever the sweeper queued again would be sent now

    assert len(sweeps) >= 5, "the sweeper ran during the batch"
    assert not any(sweeps), "no row of a live batch was taken for a dead worker's"
    assert sorted(str(m["To"]) for m in fresh_smtp.messages) == addresses
    assert [r.status for r in rows(session)] == [OutboxStatus.sent] * 5
    assert all(r.attempts == 1 for r in rows(session))


def test_a_batch_that_lost_its_lease_stops_sending(app, session, fresh_smtp, mail_to, clock):
    """Item 18: once the sweeper gave the rows away (the job stalled past its lease), the job stops."""
    from fair.mail import outbox
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    for n in range(3):
        queue(session, key=f"lost-{n}", to=f"lost{n}@example.org")
    session.commit()
    ids = [r.id for r in rows(session)]
    sender_class = outbox.CHANNELS["mail"].sender
    swept: list[int] = []

    class Stalling(sender_class):  # the first message takes longer than the lease
        def send(self, row):
            super().send(row)
            if row.id == ids[0]:
                clock.advance(seconds=outbox.lease().total_seconds() + 1)
                with Session(bind=session.get_bind()) as other:  # the sweeper, on another connection
                    swept.extend(outbox.sweep(other))

    outbox.CHANNELS["mail"] = outbox.Channel("mail", outbox.CHANNELS["mail"].render, Stalling)
    try:
        counts = outbox.send_batch(session, ids)
    finally:
        outbox.CHANNELS["mail"] = outbox.Channel("mail", outbox.CHANNELS["mail"].render, sender_class)
    assert swept == ids
    assert counts["sent"] == 1
    assert len(fresh_smtp.wait_for("lost0@example.org")) == 1
    assert fresh_smtp.to("lost1@example.org") == [] and fresh_smtp.to("lost2@example.org") == []
    # The rows are the next job's now: this one recorded nothing over them.
    assert [(r.status, r.claim_token) for r in rows(session)] == [(OutboxStatus.queued, None)] * 3
