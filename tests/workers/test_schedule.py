"""The one list of periodic jobs (workers/schedule.py): each is planned once, one interval ahead,
planned again when Redis lost its plan, and a job no longer listed is withdrawn."""
from __future__ import annotations

import datetime as dt

from rq.registry import ScheduledJobRegistry

from fair.jobs import get_queue
from fair.redis_conn import get_redis
from workers import schedule


def planned() -> dict[str, tuple[str, dt.timedelta]]:
    """job id → (function, how far ahead), for the periodic jobs RQ holds."""
    registry = ScheduledJobRegistry(queue=get_queue("default"))
    now = dt.datetime.now(dt.timezone.utc)
    return {job_id: (get_queue("default").fetch_job(job_id).func_name, registry.get_scheduled_time(job_id) - now)
            for job_id in registry.get_job_ids() if job_id.startswith(schedule.PREFIX)}


EVERY_ID = ["outbox-sweep", "sms-receipts", "webhooks-sweep",
            "reminders-reconcile", "chat-purge", "health-digest", "survey-mail",
            "outcome-reminders", "follow-up-send",
            "retention-applications", "retention-inactive-accounts", "retention-mail-bodies",
            "retention-cv-access-log", "export-sweep", "export-files-sweep",
            "qpv-place-pending", "france-travail-refresh"]


def test_each_periodic_job_is_planned_once_one_interval_ahead(app, valkey):
    assert schedule.reconcile(valkey.url) == EVERY_ID
    jobs = sorted(planned().values())
    assert [func for func, _ in jobs] == ["fair.calendar.jobs.reconcile_reminders", "fair.exports.jobs.sweep_exports",
                                          "fair.francetravail.jobs.refresh_imported_offers",
                                          "fair.health.jobs.send_digests",
                                          "fair.live.jobs.purge_chat",
                                          "fair.mail.jobs.sweep_outbox", "fair.outcomes.jobs.send_follow_ups",
                                          "fair.outcomes.jobs.send_outcome_reminders",
                                          "fair.privacy.export.sweep_exports",
                                          "fair.privacy.jobs.anonymise_applications",
                                          "fair.privacy.jobs.erase_inactive_accounts",
                                          "fair.privacy.jobs.purge_cv_access_log",
                                          "fair.privacy.jobs.purge_mail_bodies", "fair.sms.jobs.drain_receipts",
                                          "fair.surveys.jobs.send_surveys",
                                          "fair.territory.jobs.place_pending_profiles",
                                          "fair.webhooks.jobs.sweep_deliveries"]
    ahead = {func: delay for func, delay in jobs}
    assert dt.timedelta(hours=23) < ahead["fair.live.jobs.purge_chat"] <= dt.timedelta(days=1)
    assert dt.timedelta(minutes=9) < ahead["fair.calendar.jobs.reconcile_reminders"] <= dt.timedelta(minutes=10)
    assert dt.timedelta(seconds=50) < ahead["fair.mail.jobs.sweep_outbox"] <= dt.timedelta(minutes=1)
    assert dt.timedelta(seconds=50) < ahead["fair.sms.jobs.drain_receipts"] <= dt.timedelta(minutes=1)
    assert dt.timedelta(minutes=29) < ahead["fair.health.jobs.send_digests"] <= dt.timedelta(minutes=30)
    assert dt.timedelta(minutes=29) < ahead["fair.surveys.jobs.send_surveys"] <= dt.timedelta(minutes=30)
    assert dt.timedelta(minutes=59) < ahead["fair.privacy.export.sweep_exports"] <= dt.timedelta(hours=1)
    assert dt.timedelta(minutes=29) < ahead["fair.exports.jobs.sweep_exports"] <= dt.timedelta(minutes=30)
    assert dt.timedelta(minutes=59) < ahead["fair.territory.jobs.place_pending_profiles"] <= dt.timedelta(hours=1)

    assert schedule.reconcile(valkey.url) == []  # a second worker, or the next tick: nothing more
    assert len(planned()) == len(EVERY_ID)

    get_redis().flushdb()  # Redis restarted empty: every plan is gone
    assert schedule.reconcile(valkey.url) == EVERY_ID
    assert len(planned()) == len(EVERY_ID)


def test_a_periodic_job_no_longer_listed_is_withdrawn(app, valkey):
    get_queue("default").enqueue_in(dt.timedelta(hours=1), "fair.mail.jobs.sweep_outbox",
                                    job_id=f"{schedule.PREFIX}old-name-123")
    schedule.reconcile(valkey.url)
    assert schedule.withdraw_unlisted(valkey.url) == [f"{schedule.PREFIX}old-name-123"]
    assert len(planned()) == len(EVERY_ID)
