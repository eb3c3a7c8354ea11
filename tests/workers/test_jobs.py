"""The one job mechanism (fair/jobs.py): a job runs only once its transaction commits, a failing job
is retried with growing delays, then kept as failed, where an operator sees it and runs it again."""
from __future__ import annotations

import datetime as dt

from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from fair.jobs import get_queue
from fair.redis_conn import get_redis
from tests.conftest import run_jobs
from tests.workers.jobs import flaky


def runs(name: str) -> int:
    return int(get_redis().get(f"test:runs:{name}") or 0)


def retry_planned_in(job_id: str) -> dt.timedelta:
    """How far ahead RQ planned the job's next attempt."""
    registry = ScheduledJobRegistry("default", connection=get_redis())
    assert job_id in registry.get_job_ids(), "no retry planned"
    return registry.get_scheduled_time(job_id) - dt.datetime.now(dt.timezone.utc)


def run_planned(app) -> None:
    """What RQ's scheduler does when a planned attempt is due: put it in its queue (time moved on)."""
    redis = get_redis()
    registry = ScheduledJobRegistry("default", connection=redis)
    queue = Queue("default", connection=redis)
    for job_id in registry.get_job_ids():
        queue._enqueue_job(Job.fetch(job_id, connection=redis))
        registry.remove(job_id)
    run_jobs(app, ("default",))


def test_a_job_queued_after_commit_runs_only_if_the_transaction_commits(app, session):
    flaky.after_commit(session, "rolled-back")
    session.rollback()
    flaky.after_commit(session, "committed")
    assert get_queue("default").count == 0  # nothing before the commit
    session.commit()
    assert [job.func_name for job in get_queue("default").get_jobs()] == ["tests.workers.jobs.flaky"]
    run_jobs(app, ("default",))
    assert (runs("rolled-back"), runs("committed")) == (0, 1)


def test_a_failing_job_is_retried_with_growing_delays_then_kept_as_failed_and_retried_once(app):
    app.config["JOB_RETRY_DELAYS"] = (5, 30)
    get_redis().set("test:fail:reset", 1)
    job_id = flaky.enqueue("reset").id

    run_jobs(app, ("default",))
    assert runs("reset") == 1
    assert dt.timedelta(seconds=3) < retry_planned_in(job_id) <= dt.timedelta(seconds=5)
    run_planned(app)
    assert runs("reset") == 2
    assert dt.timedelta(seconds=25) < retry_planned_in(job_id) <= dt.timedelta(seconds=30)
    run_planned(app)
    assert runs("reset") == 3  # the first run and two retries: then it stops
    assert job_id in FailedJobRegistry("default", connection=get_redis()).get_job_ids()

    cli = app.test_cli_runner()
    listed = cli.invoke(args=["fair", "jobs", "failed"])
    assert listed.exit_code == 0
    assert job_id in listed.output and "tests.workers.jobs.flaky('reset',)" in listed.output
    assert "RuntimeError: the mail server of reset said no" in listed.output
    assert "1 failed job(s)" in listed.output
    counts = cli.invoke(args=["fair", "jobs"])
    assert "default  queued 0  scheduled 0  failed 1" in counts.output

    get_redis().delete("test:fail:reset")  # the cause is fixed
    unknown = cli.invoke(args=["fair", "jobs", "retry", "no-such-job"])
    assert unknown.exit_code != 0 and "not among the failed jobs: no-such-job" in unknown.output
    retried = cli.invoke(args=["fair", "jobs", "retry", job_id])
    assert retried.exit_code == 0 and f"requeued {job_id}" in retried.output
    run_jobs(app, ("default",))
    run_jobs(app, ("default",))
    assert runs("reset") == 4  # once more, not once per retry left
    assert FailedJobRegistry("default", connection=get_redis()).get_job_ids() == []
    assert "0 failed job(s)" in cli.invoke(args=["fair", "jobs", "failed"]).output
