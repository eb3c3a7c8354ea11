"""Readiness checks, each bounded by a short timeout so a probe never hangs on a dead dependency."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import lru_cache

from gevent import Timeout, monkey
from redis import Redis
from sqlalchemy import text

PROBE_TIMEOUT = 2.0  # seconds; a load balancer probes every few seconds


@lru_cache(maxsize=8)
def probe_redis(url: str) -> Redis:
    """A client of its own with short timeouts (the app's pool waits up to 10 s for slow jobs)."""
    return Redis.from_url(url, socket_timeout=PROBE_TIMEOUT, socket_connect_timeout=PROBE_TIMEOUT)


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Under gevent (the production server) a hard deadline; elsewhere the drivers' own timeouts."""
    try:
        patched = monkey.is_module_patched("socket")
    except ImportError:  # pragma: no cover
        patched = False
    if not patched:
        yield
        return
    with Timeout(seconds, TimeoutError(f"no answer within {seconds:g}s")):
        yield


def check_database(engine) -> None:
    """`SELECT 1` on a fresh pooled connection; PostgreSQL is also told to give up after the timeout."""
    with _deadline(PROBE_TIMEOUT), engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SET statement_timeout = {int(PROBE_TIMEOUT * 1000)}"))
        connection.execute(text("SELECT 1"))
        if connection.dialect.name == "postgresql":
            connection.execute(text("RESET statement_timeout"))
        connection.rollback()


def check_redis(url: str) -> None:
    with _deadline(PROBE_TIMEOUT):
        if not probe_redis(url).ping():
            raise ConnectionError("Redis did not answer PONG")
