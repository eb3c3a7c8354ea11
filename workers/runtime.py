"""The worker runtime: the RQ worker and scheduler processes, and what keeps them going.

- `run_worker` keeps a worker alive through a Redis outage instead of exiting, and lets a SIGTERM
  finish the current job (RQ's warm shutdown) before the process exits.
- Its `RedisWatcher` pings Redis. At start and on the first answer after an outage (often from an
  empty server: a restart without persistence lost every queue and every scheduled job) it catches
  up: every outbox row still waiting is enqueued again (enqueueing a row twice is harmless: one
  job claims it), the outbox is swept, the jobs that web nodes held in `held_jobs` are released
  (fair/jobs.py), and the periodic jobs are planned again. While Redis answers, it reconciles the
  periodic schedule (workers/schedule.py) every few seconds.
- RQ forks a work horse per job while the watcher may be working. A fork copies every lock as it
  is at that instant, and a lock held by the watcher (SQLAlchemy's mapper configuration, a pool)
  would stay held for ever in the horse, which then hangs. The watcher works inside `fork_gate()`,
  and a fork waits for the gate: a horse never starts in the middle of the watcher's work.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator

from flask import Flask
from redis.exceptions import RedisError
from rq import SimpleWorker, Worker
from rq.scheduler import RQScheduler
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import configure_mappers

from fair import clock
from fair.db import db
from fair.jobs import release_all_held_jobs
from fair.mail import outbox
from fair.mail.models import OutboxMessage, OutboxStatus
from fair.ops.probes import probe_redis
from fair.redis_conn import redis_for
from workers import schedule

log = logging.getLogger("workers")

WATCH_EVERY = 2.0        # seconds between the watcher's Redis pings

_fork_gate = threading.RLock()
_fork_gate_installed = False


def catch_up(app: Flask) -> int:
    """Enqueue every outbox row still waiting, sweep, release held jobs, plan the periodic jobs.
    Answers the outbox rows enqueued."""
    redis_url = app.config["REDIS_URL"]
    with app.app_context():
        try:
            at = clock.now()
            waiting = db.session.execute(
                select(OutboxMessage.id).where(or_(
                    OutboxMessage.status == OutboxStatus.queued,
                    and_(OutboxMessage.status == OutboxStatus.failed_temporary,
                         OutboxMessage.next_attempt_at <= at)))
                .order_by(OutboxMessage.id)
            ).scalars().all()
            db.session.rollback()
            if waiting:
                outbox.enqueue_send(list(waiting), redis_url)
            release_all_held_jobs(db.session, redis_url)  # a web node may have died since it held them
            outbox.sweep(db.session)  # rows a dead worker left in `sending` past their lease
            schedule.reconcile(redis_url)
        finally:
            db.end_session()
    if waiting:
        log.info("outbox: %d waiting message(s) enqueued again", len(waiting))
    return len(waiting)


def install_fork_gate() -> None:
    """From now on a fork in this process waits until no thread is inside `fork_gate()`."""
    global _fork_gate_installed
    if not _fork_gate_installed:
        os.register_at_fork(before=_fork_gate.acquire, after_in_parent=_fork_gate.release,
                            after_in_child=_fork_gate.release)
        _fork_gate_installed = True


@contextlib.contextmanager
def fork_gate() -> Iterator[None]:
    """Work (database, Redis) that a forked child must not catch half done."""
    with _fork_gate:
        yield


class RedisWatcher(threading.Thread):
    """Pings Redis; catches up at start and after an outage; keeps the periodic jobs planned."""

    def __init__(self, app: Flask, redis_url: str) -> None:
        super().__init__(name="fair-redis-watcher", daemon=True)
        self.app = app
        self.redis_url = redis_url
        self.stopping = threading.Event()
        self.caught_up = threading.Event()

    def run(self) -> None:
        need_catch_up = True
        while not self.stopping.is_set():
            with fork_gate():
                try:
                    probe_redis(self.redis_url).ping()
                    up = True
                except Exception:
                    up = False
                if not up:
                    if not need_catch_up:
                        log.warning("Redis is unreachable: the outbox and held jobs wait in the database")
                    need_catch_up = True
                elif need_catch_up:
                    try:
                        catch_up(self.app)
                        need_catch_up = False
                        self.caught_up.set()
                    except Exception:
                        log.exception("catch-up failed; trying again")
                else:
                    try:
                        schedule.reconcile(self.redis_url)
                    except Exception:
                        log.warning("periodic jobs not reconciled", exc_info=True)
            self.stopping.wait(WATCH_EVERY)


def run_worker(app: Flask, queue_names: list[str], *, burst: bool, with_scheduler: bool, fork: bool) -> None:
    """An RQ worker that outlives Redis outages: a worker loop that ends on a Redis error starts again."""
    redis_url = app.config["REDIS_URL"]
    configure_mappers()  # once here, not again in every work horse
    install_fork_gate()
    watcher = RedisWatcher(app, redis_url)
    if not burst:
        with contextlib.suppress(Exception):
            schedule.withdraw_unlisted(redis_url)
        watcher.start()
    stop = {"requested": False}
    worker_class = Worker if fork else SimpleWorker
    try:
        while True:
            connection = redis_for(redis_url)
            worker = None
            try:
                worker = worker_class(queue_names, connection=connection)
                worker.max_connection_wait_time = 5.0  # reconnect within seconds once Redis is back
                original = worker.request_stop

                def request_stop(signum, frame, _original=original):
                    stop["requested"] = True
                    _original(signum, frame)

                worker.request_stop = request_stop
                worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
            except RedisError as exc:
                log.warning("worker lost Redis (%s); starting again once it answers", exc)
            if burst or stop["requested"] or getattr(worker, "_stop_requested", False):
                return
            _wait_for_redis(redis_url, stop)
            if stop["requested"]:
                return
    finally:
        watcher.stopping.set()


def _wait_for_redis(redis_url: str, stop: dict) -> None:
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def on_stop(_signum, _frame):
        stop["requested"] = True

    for sig in previous:
        signal.signal(sig, on_stop)
    try:
        while not stop["requested"]:
            try:
                probe_redis(redis_url).ping()
                return
            except Exception:
                time.sleep(1.0)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_scheduler(app: Flask, queue_names: list[str], interval: int = 1) -> None:
    """RQ's scheduler as a process of its own (timed jobs, retries), through Redis outages.

    Several may run: RQ gives each queue's lock to one of them, the others stand by.
    """
    redis_url = app.config["REDIS_URL"]
    stop = {"requested": False}
    while not stop["requested"]:
        scheduler = RQScheduler(queue_names, connection=redis_for(redis_url), interval=interval)
        original = scheduler.request_stop

        def request_stop(signum=None, frame=None, _original=original):
            stop["requested"] = True
            _original(signum, frame)

        scheduler.request_stop = request_stop
        try:
            log.info("scheduler for %s started", ", ".join(queue_names))
            scheduler.work()
        except Exception as exc:
            log.warning("scheduler lost Redis (%s); starting again once it answers", exc)
            with contextlib.suppress(Exception):
                scheduler.release_locks()
        if stop["requested"]:
            return
        time.sleep(1.0)  # never a busy loop, whatever the error
        _wait_for_redis(redis_url, stop)
