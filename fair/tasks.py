"""Enqueueing RQ jobs only once the business change is committed.

A job enqueued before commit could run before its rows exist, or after a rollback: so the request
records what to enqueue on the session, and an `after_commit` hook hands it to RQ.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

from fair.redis_conn import redis_for

log = logging.getLogger("fair.tasks")

QUEUE_NAMES = ("mail", "default", "bulk")
_PENDING_KEY = "fair_pending_jobs"


def get_queue(name: str = "default", url: str | None = None) -> Queue:
    return Queue(name, connection=redis_for(url or current_app.config["REDIS_URL"]))


def enqueue_after_commit(session: Session, func: str, *args: Any, queue: str = "default", **kwargs: Any) -> None:
    """Queue `func` (a dotted path under workers/) with plain arguments, once `session` commits."""
    redis_url = current_app.config["REDIS_URL"]
    session.info.setdefault(_PENDING_KEY, []).append((redis_url, queue, func, args, kwargs))


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    for redis_url, queue, func, args, kwargs in pending:
        try:
            get_queue(queue, redis_url).enqueue(func, *args, **kwargs)
        except Exception:  # the change is committed: hold the job and retry once Redis answers
            log.warning("could not enqueue %s on %s; held for retry", func, queue, exc_info=True)
            from fair.ops.resilience import hold_for_retry

            hold_for_retry(session.get_bind(), redis_url, queue, func, args, kwargs)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
