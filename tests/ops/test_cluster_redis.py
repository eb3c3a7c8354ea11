"""Redis stopped during a fair, and workers stopped mid-job, with the real processes: two gunicorn nodes,
`python -m workers worker`, Valkey, PostgreSQL and aiosmtpd (see cluster.py). One cluster for the module."""
from __future__ import annotations

import os
import signal
import time
import uuid

import pytest

from tests.ops.cluster import (
    PASSWORD,
    Cluster,
    descendants,
    form_token,
    http,
    kill_tree,
    running,
    socket_client,
    wait_until,
)

# A little over 30 s: a listener whose waits double (1, 2, 4… s: python-socketio's own) tries at 31 s,
# before Redis is back, then not before 63 s; the socket check below catches that.
OUTAGE_SECONDS = 33


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    # Two nodes (no proxy): a queue change made on one reaches a page on the other through Redis.
    running = Cluster(tmp_path_factory.mktemp("cluster-redis"), nodes=2, workers=1, with_nginx=False).start()
    try:
        running.world = running.seed(candidates=3)
        running.start_nodes()
        running.worker = running.start_worker()
        yield running
    finally:
        running.stop()


def register(cluster: Cluster, email: str):
    """A visitor creates an account (its confirmation mail is an outbox row written by the request)."""
    browser = http()
    token = form_token(browser, f"{cluster.base_url}/register")
    return browser.post(f"{cluster.base_url}/register", allow_redirects=False, timeout=15, data={
        "csrf_token": token, "full_name": "Nouvelle Personne", "email": email, "phone": "",
        "password": PASSWORD, "confirm_password": PASSWORD, "locale": "fr"})


def outbox_status(cluster: Cluster, email: str) -> list[str]:
    return [status for (status,) in cluster.sql(
        "SELECT status FROM outbox_messages WHERE to_address = :to ORDER BY id", to=email)]


def test_a_fair_goes_on_while_redis_is_down_and_everything_queued_is_sent_once_it_is_back(cluster):
    world = cluster.world
    candidate = world.candidates[0]
    browser = http(candidate.cookie)
    socket = socket_client(cluster.node_url(1), candidate.cookie)  # this page is on node B
    try:
        assert socket.call("live_follow_booth", {"booth": world.booth}, timeout=10)["ok"] is True
        newcomer = f"nouveau-{uuid.uuid4().hex[:6]}@cluster.example.org"
        apply_token = form_token(browser, f"{cluster.base_url}/candidate/offers/{world.offer}/apply")
        book_token = form_token(browser, f"{cluster.base_url}/fairs/salon-cluster/booths/{world.booth}/interviews")

        cluster.valkey.stop()
        down_since = time.monotonic()

        # The fair goes on: an account, an application, a booking and a queue place all commit.
        assert register(cluster, newcomer).status_code == 302
        applied = browser.post(f"{cluster.base_url}/candidate/offers/{world.offer}/apply", allow_redirects=False,
                               data={"csrf_token": apply_token, "cv_id": "", "message": "Bonjour"}, timeout=15)
        assert applied.status_code in (302, 303)
        booked = browser.post(f"{cluster.base_url}/interviews/slots/{world.slots[0]}/book", allow_redirects=False,
                              data={"csrf_token": book_token}, timeout=15)
        assert booked.status_code == 302 and booked.headers["Location"].endswith("/interviews/my-day")
        joined = socket.call("queue_join", {"booth": world.booth}, timeout=10)
        assert joined["ok"] is True and joined["position"] == 1
        assert cluster.sql("SELECT count(*) FROM applications WHERE candidate_id = :c", c=candidate.id) == [(1,)]
        assert cluster.sql("SELECT count(*) FROM jobdating_bookings WHERE candidate_id = :c AND status = 'active'",
                           c=candidate.id) == [(1,)]
        assert outbox_status(cluster, newcomer) == ["queued"]  # waits in the database
        ready = http().get(f"{cluster.base_url}/readyz", timeout=10)
        assert ready.status_code == 503 and ready.json()["failed"] == ["redis"]

        # The node that took the booking dies before Redis is back. The job it could not enqueue (the
        # booking's invitations) is a row in the database: the worker enqueues it when Redis returns.
        assert ("fair.jobdating.jobs.sync_booking_calendar",) in cluster.sql("SELECT func FROM held_jobs")
        cluster.kill_node(0)
        cluster.start_node(0)

        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_since)))
        cluster.valkey.start()  # same port, empty: every queue and scheduled job was lost with it
        back_at = time.monotonic()

        # Events between nodes flow again within seconds: another candidate, on node A, joins and leaves
        # the queue once a second until the first candidate's page, on node B, hears one through Redis.
        mark = len(socket.received)

        def heard() -> bool:
            return any(event == "booth_presence" and data["booth"] == world.booth
                       for event, data in list(socket.received)[mark:])

        other = socket_client(cluster.base_url, world.candidates[1].cookie)
        try:
            joining = True
            while not heard() and time.monotonic() - back_at < 10:
                answer = other.call("queue_join" if joining else "queue_leave", {"booth": world.booth}, timeout=10)
                assert answer["ok"] is True, answer
                joining = not joining
                time.sleep(1.0)
            wait_until(heard, 2, "a queue change heard within 10 s of Redis returning")
            if not joining:  # leave the queue as it was
                assert other.call("queue_leave", {"booth": world.booth}, timeout=10)["ok"] is True
        finally:
            other.disconnect()

        # Within 60 s: the confirmation (an outbox row) and the booking's two invitations (made by the
        # held job) arrive, once each.
        cluster.smtp.wait_for(newcomer, 1, timeout=60)
        cluster.smtp.wait_for(candidate.email, 1, timeout=max(1.0, 60 - (time.monotonic() - back_at)))
        cluster.smtp.wait_for(world.recruiter.email, 1, timeout=max(1.0, 60 - (time.monotonic() - back_at)))
        wait_until(lambda: outbox_status(cluster, newcomer) == ["sent"], 20, "the confirmation row is sent")
        time.sleep(3)  # nothing more arrives: the catch-up and the held job did not send twice
        assert len(cluster.smtp.to(newcomer)) == 1
        assert len(cluster.smtp.to(candidate.email)) == 1
        assert len(cluster.smtp.to(world.recruiter.email)) == 1
        assert cluster.sql("SELECT count(*) FROM held_jobs") == [(0,)]

        # The socket is connected (or reconnected) and re-following gives the current state.
        wait_until(lambda: socket.connected, 30, "socket connected")
        state = socket.call("live_follow_booth", {"booth": world.booth}, timeout=10)["state"]
        assert state["me"]["status"] == "waiting" and state["me"]["position"] == 1
        assert state["waiting"] == 1
        assert http().get(f"{cluster.base_url}/readyz", timeout=10).status_code == 200
    finally:
        socket.disconnect()
        if cluster.valkey.proc is None or cluster.valkey.proc.poll() is not None:
            cluster.valkey.start()


def test_a_worker_told_to_stop_mid_job_finishes_the_job_then_exits(cluster):
    email = f"sigterm-{uuid.uuid4().hex[:6]}@cluster.example.org"
    cluster.smtp.hold()  # the send job will sit in the middle of the SMTP conversation
    try:
        assert register(cluster, email).status_code == 302
        assert cluster.smtp.held.wait(30), "the worker never started sending"
        os.kill(cluster.worker.pid, signal.SIGTERM)
        time.sleep(1)
        assert cluster.worker.poll() is None, "the worker left its job unfinished"
    finally:
        cluster.smtp.release()
    assert cluster.worker.wait(30) == 0
    assert len(cluster.smtp.wait_for(email, 1)) == 1
    assert outbox_status(cluster, email) == ["sent"]
    cluster.worker = cluster.start_worker()


def test_a_job_killed_outright_is_retried_and_sends_at_most_once_more(cluster):
    email = f"sigkill-{uuid.uuid4().hex[:6]}@cluster.example.org"
    cluster.smtp.hold()
    try:
        assert register(cluster, email).status_code == 302
        assert cluster.smtp.held.wait(30), "the worker never started sending"
        horses = descendants(cluster.worker.pid)
        assert horses, "the job is not running in a work horse"
        kill_tree(cluster.worker)  # the worker and its work horse, mid-send (a lost machine)
        cluster.worker.wait(10)
        wait_until(lambda: not any(running(pid) for pid in horses), 10, "the horse is gone")
    finally:
        cluster.smtp.release()
    assert outbox_status(cluster, email) == ["sending"]  # claimed by a job that died
    # Its lease (5 minutes) runs out: we move its end instead of waiting for it.
    cluster.sql("UPDATE outbox_messages SET claimed_until = claimed_until - interval '10 minutes' "
                "WHERE to_address = :to", to=email)
    cluster.worker = cluster.start_worker()  # a new worker sweeps what the dead one left behind
    wait_until(lambda: outbox_status(cluster, email) == ["sent"], 60, "the killed send is retried")
    time.sleep(2)
    received = cluster.smtp.to(email)
    # The server had the whole message when the sender died, so it got it twice: never more.
    assert 1 <= len(received) <= 2
    assert len({m["Message-ID"] for m in received}) == 1  # the same message, recognisable as a duplicate
