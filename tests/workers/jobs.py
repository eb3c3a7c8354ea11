"""A job for the job-mechanism tests: it counts its runs in Redis and fails while told to."""
from __future__ import annotations

from fair.jobs import job
from fair.redis_conn import get_redis


@job(queue="default", request_context=False)
def flaky(name: str) -> int:
    redis = get_redis()
    runs = redis.incr(f"test:runs:{name}")
    if redis.exists(f"test:fail:{name}"):
        raise RuntimeError(f"the mail server of {name} said no")
    return runs
