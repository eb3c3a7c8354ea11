"""Surviving a Redis outage: nothing committed is lost, and everything catches up once Redis is back.

- A web node that cannot enqueue a job after commit writes it to the `held_jobs` table (in memory
  only if the database refuses too) and retries every few seconds in a background thread (a
  greenlet under gevent) until Redis answers. The business change is already committed. A node
  killed during the outage leaves its rows behind, and the worker enqueues them when Redis is back
  (below). A row is claimed by deleting it before its job is enqueued: two processes releasing at
  once never enqueue a job twice.
- The outbox rows themselves are in the database. The worker process watches Redis: when it comes
  back after an outage (often empty: a restarted server without persistence lost every queue and
  the scheduled sweep), the worker re-enqueues every row still waiting, runs the outbox sweep
  and schedules the next one (enqueueing an outbox row twice is harmless: one job claims it), and
  enqueues the held jobs.
- `run_worker` keeps `flask fair worker` alive through the outage instead of exiting, and lets a
  SIGTERM finish the current job (RQ's warm shutdown) before the process exits.
- A web node hears the other nodes' socket events through a Redis subscription. python-socketio
  waits 1, 2, 4… up to 60 s between attempts to subscribe again: after a 30 s outage, events
  between nodes (a queue moved on node B, its candidate on node A) could stay lost for 30 s more.
  `PromptRedisManager` tries every second.
- RQ forks a work horse per job while the watcher thread may be working. A fork copies every lock as
  it is at that instant, and a lock held by the watcher (SQLAlchemy's mapper configuration, a pool)
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
from collections import deque
from typing import Any

from flask import Flask

log = logging.getLogger("fair.ops")

RETRY_EVERY = 2.0        # seconds between attempts to hand held jobs to Redis
WATCH_EVERY = 2.0        # seconds between the worker's Redis pings
MAX_HELD = 100_000       # beyond this a node drops the oldest held job (and says so)

_fork_gate = threading.RLock()
_fork_gate_installed = False

_held: deque[tuple[str, str, str, tuple, dict]] = deque()
_held_lock = threading.Lock()
_retrier: threading.Thread | None = None
_held_since_look = False  # a job was held since the retrier last looked (it must look again)


# ---------------------------------------------------------------- web nodes: hold and retry

def hold_for_retry(bind: Any, redis_url: str, queue: str, func: str, args: tuple, kwargs: dict[str, Any]) -> None:
    """Keep a job that could not be enqueued, in the database (`held_jobs`) so that it outlives this
    process, or in memory if the database refuses too; a background thread enqueues it once Redis
    answers (and the worker's catch-up does, should this node die first)."""
    global _retrier, _held_since_look
    from sqlalchemy.orm import Session

    from fair.db import begin_sqlite_write
    from fair.ops.models import HeldJob

    try:
        with Session(bind) as session:
            begin_sqlite_write(session)
            session.add(HeldJob(queue=queue, func=func, args=list(args), kwargs=dict(kwargs)))
            session.commit()
    except Exception:
        log.exception("job %s not recorded in the database: held in this node's memory", func)
        with _held_lock:
            if len(_held) >= MAX_HELD:
                dropped = _held.popleft()
                log.error("too many jobs held while Redis is down: %s dropped", dropped[2])
            _held.append((redis_url, queue, func, args, kwargs))
    with _held_lock:
        _held_since_look = True
        if _retrier is None or not _retrier.is_alive():
            _retrier = threading.Thread(target=_retry_loop, args=(bind, redis_url), name="fair-enqueue-retry",
                                        daemon=True)
            _retrier.start()


def release_held_jobs(session: Any, redis_url: str) -> tuple[int, bool]:
    """Enqueue the jobs of `held_jobs`, oldest first. Answers (how many, whether any is left).

    Each row is claimed by deleting it before its job is enqueued, so that two processes releasing
    at once (a node and the worker) never enqueue one job twice; a row whose enqueue fails is put
    back and the release stops there (Redis is down again)."""
    from sqlalchemy import delete, select

    from fair.db import begin_sqlite_write
    from fair.ops.models import HeldJob
    from fair.tasks import get_queue

    done = 0
    rows = session.execute(select(HeldJob.id, HeldJob.queue, HeldJob.func, HeldJob.args, HeldJob.kwargs,
                                  HeldJob.held_at).order_by(HeldJob.held_at, HeldJob.id).limit(500)).all()
    session.rollback()
    for row in rows:
        begin_sqlite_write(session)
        claimed = session.execute(delete(HeldJob).where(HeldJob.id == row.id)).rowcount == 1
        session.commit()
        if not claimed:
            continue  # another process took it
        try:
            get_queue(row.queue, redis_url).enqueue(row.func, *row.args, **row.kwargs)
        except Exception:
            begin_sqlite_write(session)
            session.add(HeldJob(queue=row.queue, func=row.func, args=row.args, kwargs=row.kwargs, held_at=row.held_at))
            session.commit()
            return done, True
        done += 1
    if done:
        log.info("Redis is back: %d held job(s) enqueued", done)
    return done, len(rows) == 500


def _retry_loop(bind: Any, redis_url: str) -> None:
    global _retrier, _held_since_look
    from sqlalchemy.orm import Session

    from fair.tasks import get_queue

    while True:
        time.sleep(RETRY_EVERY)
        with _held_lock:
            _held_since_look = False
            batch = list(_held)
        done = 0
        for url, queue, func, args, kwargs in batch:
            try:
                get_queue(queue, url).enqueue(func, *args, **kwargs)
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


# ---------------------------------------------------------------- web nodes: the Socket.IO subscription

def socketio_manager(redis_url: str) -> Any:
    """The message queue of Flask-SocketIO (channel `flask-socketio`, as the workers' emitter uses)."""
    import socketio

    class PromptRedisManager(socketio.RedisManager):
        def _redis_listen_with_retries(self):  # python-socketio 5.18's loop, with a 1 s wait
            failing = False
            while True:
                try:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    if failing:
                        log.info("socket events between nodes flow again")
                        failing = False
                    yield from self.pubsub.listen()
                except Exception as exc:
                    if not failing:
                        log.warning("socket events between nodes stopped (%s); subscribing again every "
                                    "%.0f s", exc, SUBSCRIBE_EVERY)
                        failing = True
                    with contextlib.suppress(Exception):
                        self.pubsub.close()
                    time.sleep(SUBSCRIBE_EVERY)

    return PromptRedisManager(redis_url, channel="flask-socketio")


SUBSCRIBE_EVERY = 1.0


# ---------------------------------------------------------------- worker: catch up after an outage

def catch_up_outbox(app: Flask) -> int:
    """Enqueue every outbox row still waiting, run the sweep, schedule the next one. Returns rows enqueued."""
    from sqlalchemy import and_, or_, select

    from fair.extensions import db
    from fair.notify.models import OutboxMessage, OutboxStatus
    from fair.notify.outbox import BULK_THRESHOLD, ensure_sweeper, enqueue_send, now, sweep

    with app.app_context():
        try:
            at = now()
            waiting = db.session.execute(
                select(OutboxMessage.id).where(or_(
                    OutboxMessage.status == OutboxStatus.queued,
                    and_(OutboxMessage.status == OutboxStatus.failed_temporary,
                         OutboxMessage.next_attempt_at <= at)))
                .order_by(OutboxMessage.id)
            ).scalars().all()
            db.session.rollback()
            if waiting:
                enqueue_send(list(waiting), queue="mail" if len(waiting) <= BULK_THRESHOLD else "bulk")
            # jobs a web node held while Redis was down (it may have died since)
            while True:
                released, left = release_held_jobs(db.session, app.config["REDIS_URL"])
                if not (released and left):
                    break
            sweep(db.session)  # rows a dead worker left in `sending` past their lease
            ensure_sweeper()
            from workers.live import ensure_chat_purge

            ensure_chat_purge()  # the daily chat purge (its schedule lives in Redis, lost with it)
        finally:
            db.session.remove()
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
def fork_gate():
    """Work (database, Redis) that a forked child must not catch half done."""
    with _fork_gate:
        yield


class RedisWatcher(threading.Thread):
    """Pings Redis; on the first answer after an outage (and once at start), catches the outbox up."""

    def __init__(self, app: Flask, redis_url: str) -> None:
        super().__init__(name="fair-redis-watcher", daemon=True)
        self.app = app
        self.redis_url = redis_url
        self.stopping = threading.Event()
        self.caught_up = threading.Event()

    def run(self) -> None:
        from fair.ops.probes import probe_redis

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
                        log.warning("Redis is unreachable: the outbox waits in the database")
                    need_catch_up = True
                elif need_catch_up:
                    try:
                        catch_up_outbox(self.app)
                        need_catch_up = False
                        self.caught_up.set()
                    except Exception:
                        log.exception("outbox catch-up failed; trying again")
            self.stopping.wait(WATCH_EVERY)


def run_worker(app: Flask, queue_names: list[str], *, burst: bool, with_scheduler: bool, fork: bool) -> None:
    """An RQ worker that outlives Redis outages: a worker loop that ends on a Redis error starts again."""
    from redis.exceptions import RedisError
    from rq import SimpleWorker, Worker

    from fair.redis_conn import redis_for

    redis_url = app.config["REDIS_URL"]
    from sqlalchemy.orm import configure_mappers

    configure_mappers()  # once here, not again in every work horse
    install_fork_gate()
    watcher = RedisWatcher(app, redis_url)
    if not burst:
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
    from fair.ops.probes import probe_redis

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
    from rq.scheduler import RQScheduler

    from fair.redis_conn import redis_for

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
            try:
                scheduler.release_locks()
            except Exception:
                pass
        if stop["requested"]:
            return
        time.sleep(1.0)  # never a busy loop, whatever the error
        _wait_for_redis(redis_url, stop)
