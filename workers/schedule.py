"""Every periodic job of fair, in one list, with stable ids.

The worker's watcher (workers/runtime.py) reconciles this list with Redis every few seconds: a job
whose next run is not planned (first start, or Redis restarted empty) is planned one interval
ahead. The plan is a Redis key per id that lives one interval, set only if absent, so a fleet of
workers plans each run once. Ids no longer listed are withdrawn at start.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from rq.registry import ScheduledJobRegistry

from fair.calendar import jobs as calendar_jobs
from fair.exports import jobs as export_jobs
from fair.francetravail import jobs as francetravail_jobs
from fair.health import jobs as health_jobs
from fair.jobs import QUEUE_NAMES, JobFunction, get_queue
from fair.live import jobs as live_jobs
from fair.mail import jobs as mail_jobs
from fair.outcomes import jobs as outcome_jobs
from fair.privacy import export as privacy_export
from fair.privacy import jobs as privacy_jobs
from fair.redis_conn import redis_for
from fair.sms import jobs as sms_jobs
from fair.surveys import jobs as survey_jobs
from fair.territory import jobs as territory_jobs
from fair.webhooks import jobs as webhook_jobs

log = logging.getLogger("workers.schedule")

PREFIX = "periodic-"


@dataclass(frozen=True)
class Periodic:
    id: str
    job: JobFunction
    every: dt.timedelta


SCHEDULE: tuple[Periodic, ...] = (
    # Outbox rows a dead worker or a lost enqueue left behind go out again.
    Periodic("outbox-sweep", mail_jobs.sweep_outbox, dt.timedelta(minutes=1)),
    # SMPP delivery receipts that came after their batch unbound (fair/sms/jobs.py says why a job).
    Periodic("sms-receipts", sms_jobs.drain_receipts, dt.timedelta(minutes=1)),
    # Webhook deliveries whose retry is due (or whose first send job was lost) are sent.
    Periodic("webhooks-sweep", webhook_jobs.sweep_deliveries, dt.timedelta(minutes=1)),
    # Reminders Redis lost with its data are planned again from the calendar entries.
    Periodic("reminders-reconcile", calendar_jobs.reconcile_reminders, dt.timedelta(minutes=10)),
    # Booth chats of fairs ended more than LIVE_CHAT_RETENTION_DAYS ago are deleted.
    Periodic("chat-purge", live_jobs.purge_chat, dt.timedelta(days=1)),
    # Organisers get the health checks three days and one day before their fair, from 08:00 local time.
    Periodic("health-digest", health_jobs.send_digests, dt.timedelta(minutes=30)),
    # People who took part in a fair that has ended get its satisfaction survey, once.
    Periodic("survey-mail", survey_jobs.send_surveys, dt.timedelta(minutes=30)),
    # Recruiters are reminded 3 and 14 days after a fair of the interviews that have no outcome yet.
    Periodic("outcome-reminders", outcome_jobs.send_outcome_reminders, dt.timedelta(hours=1)),
    # People hired are asked at the start of the job, then 1, 3 and 6 months later, whether they are still in it.
    Periodic("follow-up-send", outcome_jobs.send_follow_ups, dt.timedelta(minutes=30)),
    # Retention (fair/privacy/retention.py): candidates not retained, inactive accounts, mail bodies,
    # the record of CV openings.
    Periodic("retention-applications", privacy_jobs.anonymise_applications, dt.timedelta(days=1)),
    Periodic("retention-inactive-accounts", privacy_jobs.erase_inactive_accounts, dt.timedelta(days=1)),
    Periodic("retention-mail-bodies", privacy_jobs.purge_mail_bodies, dt.timedelta(hours=6)),
    Periodic("retention-cv-access-log", privacy_jobs.purge_cv_access_log, dt.timedelta(days=1)),
    # Data exports past their 24 hours expire; files of exports downloaded, expired or failed leave the disk.
    Periodic("export-sweep", privacy_export.sweep_exports, dt.timedelta(hours=1)),
    # Files of exports (fair/exports) past their 24 hours, and failed exports a day old, are deleted.
    Periodic("export-files-sweep", export_jobs.sweep_exports, dt.timedelta(minutes=30)),
    # Addresses saved before the geocoder or the QPV boundaries were there are placed, at the API's rate.
    Periodic("qpv-place-pending", territory_jobs.place_pending_profiles, dt.timedelta(hours=1)),
    # Offers imported from France Travail are asked again: changed ones updated, closed ones withdrawn.
    Periodic("france-travail-refresh", francetravail_jobs.refresh_imported_offers, dt.timedelta(days=1)),
)


def _flag(periodic: Periodic) -> str:
    return f"fair:periodic:{periodic.id}"


def reconcile(redis_url: str, schedule: tuple[Periodic, ...] = SCHEDULE) -> list[str]:
    """Plan the next run of each periodic job that has none; answers the ids planned now.

    Straight to RQ, not through fair.jobs.enqueue_call: the watcher runs outside any app context,
    and a periodic job needs no retry (its next run is one)."""
    redis, planned = redis_for(redis_url), []
    for periodic in schedule:
        seconds = int(periodic.every.total_seconds())
        if redis.set(_flag(periodic), "1", nx=True, ex=seconds):
            run_at = dt.datetime.now(dt.UTC) + periodic.every
            get_queue(periodic.job.queue, redis_url).enqueue_at(
                run_at, periodic.job.path, job_id=f"{PREFIX}{periodic.id}-{int(run_at.timestamp())}",
                result_ttl=seconds, failure_ttl=7 * 86400)
            planned.append(periodic.id)
    return planned


def withdraw_unlisted(redis_url: str, schedule: tuple[Periodic, ...] = SCHEDULE) -> list[str]:
    """Remove planned runs of periodic jobs this list no longer names (a job renamed or dropped)."""
    listed = {f"{PREFIX}{periodic.id}-" for periodic in schedule}
    withdrawn = []
    for name in QUEUE_NAMES:  # a dropped job may have run on any queue
        registry = ScheduledJobRegistry(queue=get_queue(name, redis_url))
        for job_id in registry.get_job_ids():
            if job_id.startswith(PREFIX) and not any(job_id.startswith(prefix) for prefix in listed):
                registry.remove(job_id, delete_job=True)
                withdrawn.append(job_id)
    if withdrawn:
        log.info("periodic jobs no longer listed withdrawn: %s", ", ".join(withdrawn))
    return withdrawn
