"""`python -m workers worker`: forked work horses by default, jobs in the worker itself with --no-fork."""
from __future__ import annotations

import pytest

from tests.servers import descendants, start_worker, worker_environment
from tests.workers.test_faults import queue, row_of


@pytest.mark.parametrize("fork", [True, False], ids=["fork", "no-fork"])
def test_the_worker_sends_queued_mail_in_a_work_horse_or_in_itself(app, session, fresh_smtp, mail_to, fork):
    from fair.mail.models import OutboxStatus

    mail_to(fresh_smtp.url)
    row_id = queue(session).id
    session.commit()
    fresh_smtp.hold()  # keeps the sending job waiting while we look at the worker's processes
    worker = start_worker(worker_environment(app), "--queues", "mail", "--burst", *([] if fork else ["--no-fork"]))
    try:
        assert fresh_smtp.held.wait(60), "the worker never reached the mail server"
        children = list(descendants(worker.pid))
        fresh_smtp.release()
        assert worker.wait(60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert (len(children) >= 1) if fork else (children == [])
    assert len(fresh_smtp.wait_for("candidate@example.org", count=1)) == 1
    assert row_of(session, row_id).status is OutboxStatus.sent
