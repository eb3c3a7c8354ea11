"""One Redis connection pool per process, for RQ, rate limits and (later) presence."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from redis import Redis


@lru_cache(maxsize=8)
def redis_for(url: str) -> Redis:
    return Redis.from_url(url, health_check_interval=30, socket_timeout=10, socket_connect_timeout=5)


def get_redis() -> Redis:
    return redis_for(current_app.config["REDIS_URL"])
