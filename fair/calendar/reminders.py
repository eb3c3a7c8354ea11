"""Reminders of calendar entries: mails at 24 h and 1 h before, text messages (to the people who
chose SMS, for the kinds of entries that go by SMS) at 24 h and 2 h before, an in-app notice 5 minutes
before; the organiser sets the mail and SMS times of an edition.

Each reminder is a job at a time (fair.jobs; the worker runs RQ's own scheduler). The jobs of an
entry are re-planned, after commit, every time the entry changes: the old ones are withdrawn, new
ones are scheduled for the new time, none for a cancelled entry. The job itself also reloads the
entry and does nothing unless it is still active at the start it was planned for, so a job that
escaped withdrawal sends nothing wrong. Jobs Redis refused are held until it answers, and a
periodic reconcile (workers/schedule.py) plans again those Redis lost with its data.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import select
from sqlalchemy.orm import Session

from fair import clock
from fair.accounts.models import User
from fair.accounts.reach import SMS, channels_of
from fair.calendar import jobs, texting
from fair.calendar.models import CalendarEntry, EntryStatus, ReminderOffsets
from fair.jobs import JobCall, after_commit, enqueue_call, submit
from fair.redis_conn import redis_for

log = logging.getLogger("fair.calendar")


def reminder_offsets(session: Session, edition_id: int) -> list[int]:
    """Minutes before an entry when reminder mails go: the edition's own, else config REMINDER_OFFSETS."""
    override = session.get(ReminderOffsets, edition_id)
    minutes = override.minutes if override is not None else current_app.config["REMINDER_OFFSETS"]
    return sorted({int(m) for m in minutes if int(m) > 0}, reverse=True)


def sms_reminder_offsets(session: Session, edition_id: int) -> list[int]:
    """Minutes before an entry when reminder text messages go: the edition's own, else config SMS_REMINDER_OFFSETS."""
    override = session.get(ReminderOffsets, edition_id)
    minutes = (override.sms_minutes if override is not None and override.sms_minutes is not None
               else current_app.config["SMS_REMINDER_OFFSETS"])
    return sorted({int(m) for m in minutes if int(m) > 0}, reverse=True)


def set_reminder_offsets(session: Session, edition_id: int, minutes: list[int],
                         sms_minutes: list[int] | None = None) -> None:
    """The edition's mail reminder times, and its SMS ones (None: left as they are)."""
    override = session.get(ReminderOffsets, edition_id)
    if override is None:
        override = ReminderOffsets(edition_id=edition_id, minutes=list(minutes))
        session.add(override)
    else:
        override.minutes = list(minutes)
    if sms_minutes is not None:
        override.sms_minutes = list(sms_minutes)


def copy_reminder_offsets(session: Session, old_edition: Any, new_edition: Any, _shift: Any = None) -> None:
    """An edition's own reminder times go with its copy (a step of `fair.fairs.copy.copy_edition`).

    They are the organiser's setting, one per edition; nobody has reminder settings of their own.
    """
    override = session.get(ReminderOffsets, old_edition.id)
    if override is not None:
        set_reminder_offsets(session, new_edition.id, list(override.minutes),
                             None if override.sms_minutes is None else list(override.sms_minutes))


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
    return _replan(session, CalendarEntry.edition_id == edition_id)


def replan_user(session: Session, user_id: int) -> int:
    """After a person chose another way to be reached (SMS or not): plan again their reminders to come."""
    return _replan(session, CalendarEntry.user_id == user_id)


def _replan(session: Session, condition) -> int:
    entries = session.execute(
        select(CalendarEntry).where(condition, CalendarEntry.status == EntryStatus.active,
                                    CalendarEntry.starts_at > clock.now())
    ).scalars().all()
    for entry in entries:
        plan_reminders(session, entry)
    return len(entries)


def planned_jobs(entry: CalendarEntry, offsets: list[int], notice_minutes: int,
                 now: dt.datetime | None = None, sms_offsets: list[int] = ()) -> tuple[JobCall, ...]:
    """The jobs an entry calls for now: none when cancelled, none whose time has already passed.

    Their ids name the entry, its sequence and the offset: planning the same entry again gives the
    same ids, so a job is never planned twice (the reconcile relies on it)."""
    if entry.status != EntryStatus.active:
        return ()
    now = now or clock.now()
    start = entry.starts_at.isoformat()
    calls = [
        jobs.send_reminder.call(entry.id, start, minutes, at=entry.starts_at - dt.timedelta(minutes=minutes),
                                job_id=f"reminder-{entry.id}-{entry.sequence}-{minutes}")
        for minutes in offsets
    ]
    # Text messages: planned when the entry's person takes SMS (replan_user when they change their
    # mind); the job checks again when it runs (a withdrawn consent stops it).
    calls += [
        jobs.send_sms_reminder.call(entry.id, start, minutes, at=entry.starts_at - dt.timedelta(minutes=minutes),
                                    job_id=f"sms-reminder-{entry.id}-{entry.sequence}-{minutes}")
        for minutes in sms_offsets
    ]
    if notice_minutes > 0:
        calls.append(jobs.send_notice.call(entry.id, start, at=entry.starts_at - dt.timedelta(minutes=notice_minutes),
                                           job_id=f"notice-{entry.id}-{entry.sequence}"))
    return tuple(call for call in calls if call.at > now)


def _planned_now(session: Session, entry: CalendarEntry) -> tuple[JobCall, ...]:
    sms = sms_reminder_offsets(session, entry.edition_id) if _texted(session, entry) else []
    return planned_jobs(entry, reminder_offsets(session, entry.edition_id),
                        current_app.config["REMINDER_NOTICE_MINUTES"], sms_offsets=sms)


def _texted(session: Session, entry: CalendarEntry) -> bool:
    """Does this entry's person get its reminders by SMS (its kind goes by SMS, they take SMS)?"""
    provider = texting.provider(entry.kind)
    if provider is None:
        return False
    user = session.get(User, entry.user_id)
    return user is not None and SMS in channels_of(session, user) and provider(session, entry) is not None


def plan_reminders(session: Session, entry: CalendarEntry) -> None:
    """Replace the entry's scheduled reminders once `session` commits (the last plan of an entry wins)."""
    calls, entry_id = _planned_now(session, entry), entry.id
    redis_url, bind = current_app.config["REDIS_URL"], session.get_bind()
    after_commit(session, lambda: apply_plan(redis_url, bind, entry_id, calls), key=("reminders", entry_id))


def _jobs_key(entry_id: int) -> str:
    return f"fair:reminders:entry:{entry_id}"


def scheduled_job_ids(redis_url: str, entry_id: int) -> set[str]:
    redis = redis_for(redis_url)
    return {member.decode() for member in redis.smembers(_jobs_key(entry_id))}


def apply_plan(redis_url: str, bind: Any, entry_id: int, calls: tuple[JobCall, ...]) -> None:
    """Withdraw the entry's previous reminder jobs, then schedule the new ones (held if Redis refuses:
    a withdrawn job that escaped sends nothing, since each job checks its entry)."""
    keep = {call.job_id for call in calls}
    try:
        _withdraw(redis_url, entry_id, keep)
    except RedisError:
        log.warning("previous reminders of calendar entry %s not withdrawn (Redis down)", entry_id)
    for call in calls:
        if submit(call, redis_url, bind):
            _remember(redis_url, entry_id, call)
    log.info("calendar entry %s: %d reminder job(s) planned", entry_id, len(calls))


def _withdraw(redis_url: str, entry_id: int, keep: set[str | None]) -> None:
    redis = redis_for(redis_url)
    for job_id in scheduled_job_ids(redis_url, entry_id) - keep:
        try:
            Job.fetch(job_id, connection=redis).delete()
        except NoSuchJobError:
            pass
        redis.srem(_jobs_key(entry_id), job_id)


def _remember(redis_url: str, entry_id: int, call: JobCall) -> None:
    """The list of an entry's jobs outlives its last one by a day, not for ever."""
    redis, key = redis_for(redis_url), _jobs_key(entry_id)
    redis.sadd(key, call.job_id)
    if call.at is not None:
        expiry = int(call.at.timestamp()) + 86400
        redis.expireat(key, max(expiry, redis.expiretime(key)))


def reconcile(session: Session, redis_url: str) -> int:
    """Schedule again the reminder jobs of active future entries that Redis no longer holds (it
    restarted empty, say). Each job has a fixed id, so a job is never planned twice. Answers how many
    were planned again."""
    redis = redis_for(redis_url)
    entries = session.execute(
        select(CalendarEntry).where(CalendarEntry.status == EntryStatus.active, CalendarEntry.starts_at > clock.now())
        .order_by(CalendarEntry.id)
    ).scalars().all()
    missing = [(entry.id, call) for entry in entries for call in _planned_now(session, entry)
               if not Job.exists(call.job_id, connection=redis)]
    session.rollback()
    for entry_id, call in missing:
        enqueue_call(call, redis_url)
        _remember(redis_url, entry_id, call)
    if missing:
        log.warning("reminders: %d job(s) Redis had lost planned again", len(missing))
    return len(missing)


def still_due(entry: CalendarEntry | None, starts_at_iso: str) -> bool:
    """A reminder planned for `starts_at_iso` is still wanted: the entry is active and has not moved."""
    return (entry is not None and entry.status == EntryStatus.active
            and entry.starts_at.isoformat() == starts_at_iso)
