"""Nothing committed is lost when Redis is down and the node that made the change dies before Redis
returns: a job of each kind (a mail, a calendar sync, reminders at a time, a turn's expiry, a file
removal) runs exactly once once Redis is back, in a real worker (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from fair.candidates import storage
from fair.candidates.models import CandidateCv, CvKind
from fair.jobs import HeldJob
from fair.live.models import QueueEntry, QueueStatus
from fair.mail.models import OutboxMessage
from tests.servers import ROOT, ValkeyProcess, start_worker, stop_tree, wait_until, worker_environment


@pytest.fixture
def own_valkey(tmp_path):
    """A Redis of this test alone, to stop and start again empty."""
    server = ValkeyProcess(tmp_path / "valkey").start()
    yield server
    server.stop()


def test_a_job_of_each_kind_held_by_a_node_that_died_runs_once_when_redis_is_back(app, session, factory, smtp,
                                                                                  own_valkey):
    organiser = factory.organisation("organiser", name="Métropole Emploi")
    live_edition = factory.live_edition(organiser, slug="salon-en-direct", title="Salon en direct")
    dating = factory.edition(organiser, status="published", slug="job-dating", title="Job dating",
                             starts_at=dt.datetime(2030, 3, 12, 7, tzinfo=dt.timezone.utc),
                             ends_at=dt.datetime(2030, 3, 12, 17, tzinfo=dt.timezone.utc))
    company = factory.organisation("company", name="Transports Rapides")
    recruiter = factory.person("recruteur@example.org", "Recruiter A", company)
    live_booth, dating_booth = factory.booth(live_edition, company), factory.booth(dating, company)
    slot = factory.slot_range(dating_booth, recruiter, dt.date(2030, 3, 12), "09:00", "09:20").slots[0]
    people = {name: factory.person(f"{name}@example.org", name.title())
              for name in ("reset", "booker", "reminded", "queued", "owner")}
    name = storage.store(b"%PDF-1.4 un CV")
    cv = CandidateCv(user=people["owner"], kind=CvKind.pdf, original_name="cv.pdf", storage_name=name, size=14,
                     sha256="0" * 64)
    session.add(cv)
    session.commit()
    ids = {"reset_user": people["reset"].id, "slot": slot.id, "booker": people["booker"].id,
           "reminded": people["reminded"].id, "edition": live_edition.id, "booth": live_booth.id,
           "queued": people["queued"].id, "recruiter": recruiter.id, "cv": cv.id}
    env = worker_environment(app, REDIS_URL=own_valkey.url, LIVE_TURN_SECONDS="20", REMINDER_OFFSETS="1",
                             REMINDER_NOTICE_MINUTES="0")

    own_valkey.stop()  # Redis is down
    node = subprocess.Popen([sys.executable, "-m", "tests.workers.outage_node", json.dumps(ids)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    worker = None
    try:
        assert node.stdout.readline().strip() == "committed", "the node did not commit its changes"
        held = dict(session.execute(select(HeldJob.func, func.count()).group_by(HeldJob.func)).all())
        session.rollback()
        assert held == {"fair.accounts.jobs.send_password_reset": 1, "fair.jobdating.jobs.sync_booking_calendar": 1,
                        "fair.calendar.jobs.send_reminder": 1, "fair.live.jobs.expire_turn": 1,
                        # the turn's SMS for a person who left the page (this one reads mail: it sends nothing)
                        "fair.live.jobs.text_turn": 1,
                        "fair.candidates.jobs.remove_cv_file": 1, "fair.mail.jobs.send_messages": 1}
        os.killpg(node.pid, signal.SIGKILL)  # the node dies before Redis is back
        node.wait(10)

        own_valkey.start()  # same port, empty
        worker = start_worker(env, "--with-scheduler")

        smtp.wait_for("reset@example.org", 1, timeout=60)  # the reset link
        smtp.wait_for("booker@example.org", 1, timeout=60)  # the booking's invitation, to both people
        smtp.wait_for("recruteur@example.org", 1, timeout=60)
        reminded = smtp.wait_for("reminded@example.org", 2, timeout=120)  # the invitation, then the reminder
        assert "Entretien rappelé" in str(reminded[-1]["Subject"])
        wait_until(lambda: not os.path.exists(storage.path_of(name)), 60, "the deleted CV's file is removed")

        def turn_lapsed() -> bool:
            status = session.execute(select(QueueEntry.status).where(
                QueueEntry.candidate_id == people["queued"].id)).scalar_one()
            session.rollback()
            return status == QueueStatus.skipped

        wait_until(turn_lapsed, 60, "the unanswered turn is skipped")
        assert session.execute(select(func.count()).select_from(HeldJob)).scalar_one() == 0
        session.rollback()

        def outbox_settled() -> bool:
            waiting = session.execute(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status != "sent")).scalar_one()
            session.rollback()
            return waiting == 0

        wait_until(outbox_settled, 30, "every mail sent")
        time.sleep(3)  # nothing more arrives: no job ran twice
        assert [len(smtp.to(f"{n}@example.org")) for n in ("reset", "booker", "recruteur", "reminded")] == [1, 1, 1, 2]
    finally:
        if node.poll() is None:
            os.killpg(node.pid, signal.SIGKILL)
        if worker is not None:
            stop_tree(worker, 20)
