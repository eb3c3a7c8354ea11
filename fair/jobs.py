"""Background jobs, and every side effect that must wait for a commit: the one mechanism.

- `after_commit(session, callback)` runs `callback` once the session's transaction commits, and
  forgets it on rollback. It is the only `after_commit` listener of the product: a change that
  rolls back has no side effect, and a side effect never runs before the rows it reads exist.
- `@job(queue=…)` makes a function an RQ job. The function takes ids and plain values, reloads
  what it needs and does nothing when the state no longer calls for it. The decorator sets the
  app context up (and a request context on `BASE_URL`, so `url_for(..., _external=True)` works)
  and removes the database session at the end. Callers pass the function itself, never a dotted
  string: `sync_booking_calendar.after_commit(session, booking.id)`, or
  `expire_turn.after_commit(session, entry.id, at=deadline)` for a job at a time (RQ's scheduler).
- **Nothing committed is lost.** When Redis refuses a job after the commit, the job is written to
  the `held_jobs` table (in this process's memory only if the database refuses too) and a
  background thread hands it to Redis once it answers; if this process dies first, the worker
  releases it (workers/runtime.py). A row is claimed by deleting it before its job is enqueued,
  so two processes releasing at once never enqueue one job twice. A job at a time keeps its time;
  one released after its time runs at once.
- **Every job kind is retried** with growing delays (`JOB_RETRY_DELAYS`, seconds) when it raises,
  then lands in RQ's failed registry, where `flask fair jobs failed` lists it and
  `flask fair jobs retry` runs it again, once.

Jobs live beside the service they call (`fair/<domain>/jobs.py`); `workers/` holds only the
runtime that runs them.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar

from flask import Flask, current_app, has_app_context
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import JSON, String, delete, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session

from fair.db import Base, UTCDateTime, begin_sqlite_write, db, utcnow
from fair.redis_conn import redis_for

log = logging.getLogger("fair.jobs")

QUEUE_NAMES = ("mail", "default", "bulk")
RETRY_EVERY = 2.0        # seconds between a node's attempts to hand held jobs to Redis
MAX_HELD_IN_MEMORY = 100_000
_AFTER_COMMIT = "fair_after_commit"
_BATCHES = "fair_after_commit_batches"

P = ParamSpec("P")
R = TypeVar("R")


# ---------------------------------------------------------------- after commit

def after_commit(session: Session, callback: Callable[[], Any], *, key: Any = None) -> None:
    """Run `callback()` once `session` commits; nothing if it rolls back.

    With a `key`, a later registration of the same key in the same transaction replaces the earlier
    one (the last plan of a calendar entry wins). A callback that raises is logged: the change is
    committed already, and each callback says what it does about it.
    """
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.begin()  # tie the callback to a transaction, so that its rollback drops it
    pending: dict[Any, Callable[[], Any]] = session.info.setdefault(_AFTER_COMMIT, {})
    if key is None:
        key = object()
    pending.pop(key, None)  # a replaced callback takes the place of the last one registered
    pending[key] = callback


def after_commit_batch(session: Session, key: str, flush: Callable[[list], Any]) -> list:
    """A list that collects values during the transaction; `flush(values)` runs once after commit
    (the outbox hands a transaction's rows to as few send jobs as it can)."""
    batches: dict[str, list] = session.info.setdefault(_BATCHES, {})
    if key not in batches:
        values = batches[key] = []
        after_commit(session, lambda: flush(values), key=(_BATCHES, key))
    return batches[key]


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    session.info.pop(_BATCHES, None)
    for callback in session.info.pop(_AFTER_COMMIT, {}).values():
        try:
            callback()
        except Exception:
            log.exception("after-commit step %r failed", callback)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session: Session, previous_transaction: Any) -> None:
    """Every rollback of the whole transaction (even one that had not reached the database yet);
    a savepoint's rollback keeps what the outer transaction planned."""
    if previous_transaction.parent is not None:
        return
    session.info.pop(_AFTER_COMMIT, None)
    session.info.pop(_BATCHES, None)


# ---------------------------------------------------------------- jobs

def get_queue(name: str = "default", url: str | None = None) -> Queue:
    return Queue(name, connection=redis_for(url or current_app.config["REDIS_URL"]))


@dataclass(frozen=True)
class JobCall:
    """One run of a job as it is handed to RQ (or held): plain values only."""

    queue: str
    func: str
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    at: dt.datetime | None = None
    job_id: str | None = None


class JobFunction(Generic[P, R]):
    """What `@job` returns: callable like the function (inside the job's contexts), plus the ways to
    queue it. RQ imports it by its dotted path and calls it."""

    def __init__(self, fn: Callable[P, R], queue: str, request_context: bool) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.queue = queue
        self.request_context = request_context
        self.path = f"{fn.__module__}.{fn.__qualname__}"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        app = job_app()
        with app.app_context():
            try:
                if not self.request_context:
                    return self.fn(*args, **kwargs)
                with app.test_request_context(base_url=app.config.get("BASE_URL") or None):
                    return self.fn(*args, **kwargs)
            finally:
                db.end_session()

    def call(self, *args: Any, at: dt.datetime | None = None, job_id: str | None = None,
             **kwargs: Any) -> JobCall:
        return JobCall(self.queue, self.path, tuple(args), dict(kwargs), at, job_id)

    def after_commit(self, session: Session, *args: Any, at: dt.datetime | None = None,
                     job_id: str | None = None, **kwargs: Any) -> None:
        """Queue this job once `session` commits (at `at`, if given; `job_id` makes it unique)."""
        call = self.call(*args, at=at, job_id=job_id, **kwargs)
        submit_after_commit(session, call)

    def enqueue(self, *args: Any, at: dt.datetime | None = None, job_id: str | None = None,
                **kwargs: Any) -> Job:
        """Queue it now (outside any transaction: the worker, a command)."""
        return enqueue_call(self.call(*args, at=at, job_id=job_id, **kwargs), current_app.config["REDIS_URL"])


def job(queue: str = "default", *, request_context: bool = True) -> Callable[[Callable[P, R]], JobFunction[P, R]]:
    """Make a function a background job run on `queue` (see the module's docstring)."""
    if queue not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {queue!r}")

    def decorate(fn: Callable[P, R]) -> JobFunction[P, R]:
        return JobFunction(fn, queue, request_context)

    return decorate


_app: Flask | None = None


def use_app(app: Flask) -> None:
    """The app jobs run in, in this process, outside a request (`python -m workers` sets it)."""
    global _app
    _app = app


def job_app() -> Flask:
    """The app a job runs in: the current one, else the one the worker set with `use_app`."""
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _app is None:
        raise RuntimeError("jobs run in `python -m workers worker`, which sets their app")
    return _app


def retry_policy(app: Flask) -> Retry | None:
    delays = [int(d) for d in app.config.get("JOB_RETRY_DELAYS") or () if int(d) >= 0]
    return Retry(max=len(delays), interval=delays) if delays else None


def enqueue_call(call: JobCall, redis_url: str) -> Job:
    """Hand one call to RQ: now, or at its time (a time already past runs at once)."""
    queue = get_queue(call.queue, redis_url)
    options: dict[str, Any] = {"job_id": call.job_id, "retry": retry_policy(job_app()),
                               "failure_ttl": 30 * 86400}
    if call.at is not None and call.at > utcnow():
        return queue.enqueue_at(call.at, call.func, *call.args, **call.kwargs, **options)
    return queue.enqueue(call.func, *call.args, **call.kwargs, **options)


def submit(call: JobCall, redis_url: str, bind: Any) -> bool:
    """Enqueue `call`, or hold it until Redis answers. Answers whether Redis took it now."""
    if not redis_url:  # an app built without Redis (some scripts): no worker would ever run it
        log.warning("no REDIS_URL: job %s not queued", call.func)
        return False
    try:
        enqueue_call(call, redis_url)
        return True
    except Exception:
        log.warning("could not enqueue %s on %s; held until Redis answers", call.func, call.queue, exc_info=True)
        hold(bind, redis_url, call)
        return False


def submit_after_commit(session: Session, call: JobCall) -> None:
    redis_url, bind = current_app.config["REDIS_URL"], session.get_bind()
    after_commit(session, lambda: submit(call, redis_url, bind))


# ---------------------------------------------------------------- held jobs

class HeldJob(Base):
    """A job Redis refused after its commit, kept until Redis answers (and outliving this process)."""

    __tablename__ = "held_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(40))
    func: Mapped[str] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    held_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
    run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(timezone=True), nullable=True)
    job_id: Mapped[str | None] = mapped_column(String(200), nullable=True)

    @classmethod
    def of(cls, call: JobCall, held_at: dt.datetime | None = None) -> HeldJob:
        return cls(queue=call.queue, func=call.func, args=list(call.args), kwargs=dict(call.kwargs),
                   run_at=call.at, job_id=call.job_id, held_at=held_at or utcnow())

    def call(self) -> JobCall:
        return JobCall(self.queue, self.func, tuple(self.args), dict(self.kwargs), self.run_at, self.job_id)


_held: deque[tuple[str, JobCall]] = deque()
_held_lock = threading.Lock()
_retrier: threading.Thread | None = None
_held_since_look = False  # a job was held since the retrier last looked (it must look again)


def hold(bind: Any, redis_url: str, call: JobCall) -> None:
    """Keep a job Redis refused: in `held_jobs` so that it outlives this process, or in memory if
    the database refuses too; a background thread enqueues it once Redis answers."""
    global _retrier, _held_since_look
    try:
        with Session(bind) as session:
            begin_sqlite_write(session)
            session.add(HeldJob.of(call))
            session.commit()
    except Exception:
        log.exception("job %s not recorded in the database: held in this process's memory", call.func)
        with _held_lock:
            if len(_held) >= MAX_HELD_IN_MEMORY:
                log.error("too many jobs held while Redis is down: %s dropped", _held.popleft()[1].func)
            _held.append((redis_url, call))
    app = job_app()
    with _held_lock:
        _held_since_look = True
        if _retrier is None or not _retrier.is_alive():
            _retrier = threading.Thread(target=_retry_loop, args=(app, bind, redis_url),
                                        name="fair-enqueue-retry", daemon=True)
            _retrier.start()


def release_held_jobs(session: Session, redis_url: str) -> tuple[int, bool]:
    """Enqueue the jobs of `held_jobs`, oldest first. Answers (how many, whether any is left).

    Each row is claimed by deleting it before its job is enqueued, so that two processes releasing
    at once (a node and the worker) never enqueue one job twice; a row whose enqueue fails is put
    back and the release stops there (Redis is down again)."""
    done = 0
    rows = session.execute(select(HeldJob).order_by(HeldJob.held_at, HeldJob.id).limit(500)).scalars().all()
    calls = [(row.id, row.held_at, row.call()) for row in rows]
    session.rollback()
    for row_id, held_at, call in calls:
        begin_sqlite_write(session)
        claimed = session.execute(delete(HeldJob).where(HeldJob.id == row_id)).rowcount == 1
        session.commit()
        if not claimed:
            continue  # another process took it
        try:
            enqueue_call(call, redis_url)
        except Exception:
            begin_sqlite_write(session)
            session.add(HeldJob.of(call, held_at))
            session.commit()
            return done, True
        done += 1
    if done:
        log.info("Redis is back: %d held job(s) enqueued", done)
    return done, len(calls) == 500


def release_all_held_jobs(session: Session, redis_url: str) -> int:
    total = 0
    while True:
        released, left = release_held_jobs(session, redis_url)
        total += released
        if not (released and left):
            return total


def held_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(HeldJob)).scalar_one()


def _retry_loop(app: Flask, bind: Any, redis_url: str) -> None:
    global _retrier, _held_since_look
    with app.app_context():
        while True:
            time.sleep(RETRY_EVERY)
            with _held_lock:
                _held_since_look = False
                batch = list(_held)
            done = 0
            for url, call in batch:
                try:
                    enqueue_call(call, url)
                except Exception:
                    break  # still down: try again later, in the same order
                done += 1
            if done:
                with _held_lock:
                    for _ in range(done):
                        _held.popleft()
            try:
                with Session(bind) as session:
                    _count, left = release_held_jobs(session, redis_url)
            except Exception:
                log.warning("held jobs not released yet", exc_info=True)
                left = True
            with _held_lock:
                if not _held and not left and not _held_since_look:
                    _retrier = None
                    return


def retrier_running() -> bool:
    with _held_lock:
        return _retrier is not None and _retrier.is_alive()


# ---------------------------------------------------------------- what an operator reads

@dataclass(frozen=True)
class FailedJob:
    id: str
    queue: str
    func: str
    args: tuple
    ended_at: dt.datetime | None
    error: str


def failed_jobs(redis_url: str, queues: tuple[str, ...] = QUEUE_NAMES) -> list[FailedJob]:
    """Jobs that failed for good (their retries spent), newest first."""
    found = []
    for name in queues:
        registry = FailedJobRegistry(queue=get_queue(name, redis_url))
        for job_id in registry.get_job_ids():
            try:
                failed = Job.fetch(job_id, connection=registry.connection)
            except NoSuchJobError:
                continue
            result = failed.latest_result()
            error = (result.exc_string or "") if result is not None else ""
            last_line = next((line for line in reversed(error.strip().splitlines()) if line.strip()), "")
            found.append(FailedJob(job_id, name, failed.func_name, tuple(failed.args), failed.ended_at, last_line))
    return sorted(found, key=lambda f: f.ended_at or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)


def retry_failed(redis_url: str, job_ids: list[str] | None = None) -> list[str]:
    """Put failed jobs back in their queue (all of them when `job_ids` is None); the ids requeued."""
    requeued = []
    for name in QUEUE_NAMES:
        registry = FailedJobRegistry(queue=get_queue(name, redis_url))
        for job_id in registry.get_job_ids():
            if job_ids is None or job_id in job_ids:
                registry.requeue(job_id)
                requeued.append(job_id)
    return requeued


def job_counts(redis_url: str) -> dict[str, dict[str, int]]:
    """Per queue: queued, scheduled and failed jobs."""
    counts = {}
    for name in QUEUE_NAMES:
        queue = get_queue(name, redis_url)
        counts[name] = {"queued": queue.count, "scheduled": ScheduledJobRegistry(queue=queue).count,
                        "failed": FailedJobRegistry(queue=queue).count}
    return counts
