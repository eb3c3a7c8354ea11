"""Reminders of calendar entries: mails at 24 h and 1 h before, an in-app notice 5 minutes before.

Each reminder is an RQ job scheduled with `enqueue_at` (the worker runs RQ's own scheduler). The jobs
of an entry are re-planned, after commit, every time the entry changes: the old ones are deleted,
new ones are scheduled for the new time, none for a cancelled entry. The job itself also reloads the
entry and does nothing unless it is still active at the start it was planned for, so a job that
escaped deletion (a crash between commit and re-planning) sends nothing wrong.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from flask import current_app
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import event
from sqlalchemy.orm import Session

from fair import clock
from fair.notify.models import CalendarEntry, EntryStatus, ReminderOffsets
from fair.redis_conn import redis_for
from fair.tasks import get_queue

log = logging.getLogger("fair.notify")

_PENDING_KEY = "fair_pending_reminders"
REMINDER_JOB = "workers.reminders.send_reminder"
NOTICE_JOB = "workers.reminders.send_notice"
REMINDER_QUEUE = "default"


def reminder_offsets(session: Session, edition_id: int) -> list[int]:
    """Minutes before an entry when reminder mails go: the edition's own, else config REMINDER_OFFSETS."""
    override = session.get(ReminderOffsets, edition_id)
    minutes = override.minutes if override is not None else current_app.config["REMINDER_OFFSETS"]
    return sorted({int(m) for m in minutes if int(m) > 0}, reverse=True)


def set_reminder_offsets(session: Session, edition_id: int, minutes: list[int]) -> None:
    override = session.get(ReminderOffsets, edition_id)
    if override is None:
        session.add(ReminderOffsets(edition_id=edition_id, minutes=list(minutes)))
    else:
        override.minutes = list(minutes)


MAX_OFFSET_MINUTES = 30 * 24 * 60
MAX_OFFSETS = 5


class OffsetsError(ValueError):
    """Reminder times an organiser typed that cannot be used; `code` says why."""

    def __init__(self, code: str, value: str = "") -> None:
        super().__init__(code)
        self.code, self.value = code, value


def parse_offsets(text: str) -> list[int]:
    """"24, 1, 0.5" or "24; 1; 0,5" (hours before) → [1440, 60, 30] minutes; empty: no reminder mail at all."""
    minutes: set[int] = set()
    # Semicolons, when there are any, separate the times and leave the comma to French decimals ("48; 0,5").
    for piece in (text.split(";") if ";" in text else text.split(",")):
        piece = piece.strip().replace(" ", "")
        if not piece:
            continue
        try:
            hours = float(piece.replace("h", "").replace(",", "."))
        except ValueError:
            raise OffsetsError("not_a_number", piece) from None
        if not math.isfinite(hours) or not 5 <= round(hours * 60) <= MAX_OFFSET_MINUTES:
            raise OffsetsError("out_of_range", piece)
        value = round(hours * 60)
        minutes.add(value)
    if len(minutes) > MAX_OFFSETS:
        raise OffsetsError("too_many")
    return sorted(minutes, reverse=True)


def replan_edition(session: Session, edition_id: int) -> int:
    """After the edition's offsets change: plan again the reminders of its active entries still to come."""
    from sqlalchemy import select

    entries = session.execute(
        select(CalendarEntry).where(CalendarEntry.edition_id == edition_id,
                                    CalendarEntry.status == EntryStatus.active,
                                    CalendarEntry.starts_at > clock.now())
    ).scalars().all()
    for entry in entries:
        plan_reminders(session, entry)
    return len(entries)


@dataclass(frozen=True)
class PlannedJob:
    job_id: str
    func: str
    run_at: dt.datetime
    args: tuple


@dataclass(frozen=True)
class Plan:
    redis_url: str
    entry_id: int
    jobs: tuple[PlannedJob, ...]


def planned_jobs(entry: CalendarEntry, offsets: list[int], notice_minutes: int,
                 now: dt.datetime | None = None) -> tuple[PlannedJob, ...]:
    """The jobs an entry calls for now: none when cancelled, none whose time has already passed."""
    if entry.status != EntryStatus.active:
        return ()
    now = now or clock.now()
    start = entry.starts_at.isoformat()
    jobs = [
        PlannedJob(f"reminder-{entry.id}-{entry.sequence}-{minutes}", REMINDER_JOB,
                   entry.starts_at - dt.timedelta(minutes=minutes), (entry.id, start, minutes))
        for minutes in offsets
    ]
    if notice_minutes > 0:
        jobs.append(PlannedJob(f"notice-{entry.id}-{entry.sequence}", NOTICE_JOB,
                               entry.starts_at - dt.timedelta(minutes=notice_minutes), (entry.id, start)))
    return tuple(job for job in jobs if job.run_at > now)


def plan_reminders(session: Session, entry: CalendarEntry) -> None:
    """Replace the entry's scheduled reminders once `session` commits (the last plan of an entry wins)."""
    offsets = reminder_offsets(session, entry.edition_id)
    plan = Plan(current_app.config["REDIS_URL"], entry.id,
                planned_jobs(entry, offsets, current_app.config["REMINDER_NOTICE_MINUTES"]))
    session.info.setdefault(_PENDING_KEY, {})[entry.id] = plan


def _jobs_key(entry_id: int) -> str:
    return f"fair:reminders:entry:{entry_id}"


def scheduled_job_ids(redis_url: str, entry_id: int) -> set[str]:
    redis = redis_for(redis_url)
    return {member.decode() for member in redis.smembers(_jobs_key(entry_id))}


def apply_plan(plan: Plan) -> None:
    """Delete the entry's previous reminder jobs, then schedule the new ones."""
    redis = redis_for(plan.redis_url)
    queue = get_queue(REMINDER_QUEUE, plan.redis_url)
    key = _jobs_key(plan.entry_id)
    for job_id in scheduled_job_ids(plan.redis_url, plan.entry_id):
        try:
            Job.fetch(job_id, connection=redis).delete()
        except NoSuchJobError:
            pass
        redis.srem(key, job_id)
    for job in plan.jobs:
        queue.enqueue_at(job.run_at, job.func, *job.args, job_id=job.job_id)
        redis.sadd(key, job.job_id)
    if plan.jobs:  # the list of an entry's jobs outlives its last one by a day, not forever
        redis.expireat(key, int(max(job.run_at for job in plan.jobs).timestamp()) + 86400)
    log.info("calendar entry %s: %d reminder job(s) scheduled", plan.entry_id, len(plan.jobs))


@event.listens_for(Session, "after_commit")
def _apply_pending(session: Session) -> None:
    for plan in session.info.pop(_PENDING_KEY, {}).values():
        try:
            apply_plan(plan)
        except Exception:  # committed already; the reminder jobs check the entry's state themselves
            log.exception("could not plan the reminders of calendar entry %s", plan.entry_id)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def still_due(entry: CalendarEntry | None, starts_at_iso: str) -> bool:
    """A reminder planned for `starts_at_iso` is still wanted: the entry is active and has not moved."""
    return (entry is not None and entry.status == EntryStatus.active
            and entry.starts_at.isoformat() == starts_at_iso)
