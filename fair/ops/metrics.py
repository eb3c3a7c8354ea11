"""Prometheus metrics of one web node (one gunicorn process: no multiprocess mode needed).

Request counts and latencies are recorded as requests finish. What is shared by the whole
platform — RQ queue lengths, failed jobs, the outbox backlog — is read when Prometheus scrapes,
from Redis and the database, so every node reports the same figures and nothing is counted twice
in the process. Each app has its own registry: the tests build many apps in one process.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select

from fair.extensions import db, socketio
from fair.jobs import QUEUE_NAMES, HeldJob
from fair.live.events import batches_waiting
from fair.mail.models import OutboxMessage
from fair.ops.probes import probe_redis
from fair.sockets import ADMISSION_KEY

log = logging.getLogger("fair.ops")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, app: Flask) -> None:
        self.registry = CollectorRegistry()  # no auto-describe: it would read Redis and the database at start
        self.requests = Counter("fair_http_requests", "HTTP requests answered by this node.",
                                ["endpoint", "method", "status"], registry=self.registry)
        self.latency = Histogram("fair_http_request_seconds", "Time to answer an HTTP request.",
                                 ["endpoint", "method"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.registry.register(PlatformCollector(app))

    def started(self) -> None:
        g.ops_started = time.perf_counter()

    def finished(self, status: int) -> None:
        started = g.pop("ops_started", None)
        endpoint = request.endpoint or "unmatched"  # 404s share one label: no unbounded label values
        method = request.method if request.method in _METHODS else "other"
        self.requests.labels(endpoint, method, str(status)).inc()
        if started is not None:
            self.latency.labels(endpoint, method).observe(time.perf_counter() - started)


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class PlatformCollector(Collector):
    """Read at scrape time: this node's sockets, and the queues and outbox every node shares."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Any]:
        sockets = GaugeMetricFamily("fair_socket_connections", "Socket.IO connections held by this node.")
        sockets.add_metric([], socket_count())
        yield sockets
        batches = GaugeMetricFamily("fair_live_batches_waiting", "Fair pages' batches of booth changes held "
                                    "by this node until their send (one a second per edition).")
        batches.add_metric([], batches_waiting())
        yield batches
        admission = self.app.extensions.get(ADMISSION_KEY)
        if admission is not None:
            connecting = GaugeMetricFamily("fair_socket_connects", "New sockets between their handshake and the "
                                           "end of their connect on this node, and those waiting their turn.",
                                           labels=["state"])
            connecting.add_metric(["in_progress"], admission.in_progress)
            connecting.add_metric(["waiting"], admission.waiting)
            yield connecting
            refused = CounterMetricFamily("fair_socket_connects_refused", "Socket handshakes this node "
                                          "answered 503 (too many waiting) since it started.")
            refused.add_metric([], admission.refused)
            yield refused
        yield from self._queues()
        yield from self._outbox()

    def _queues(self) -> Iterator[Any]:
        url = self.app.config.get("REDIS_URL")
        if not url:
            return
        length = GaugeMetricFamily("fair_rq_queue_length", "Jobs waiting in an RQ queue.", labels=["queue"])
        failed = GaugeMetricFamily("fair_rq_failed_jobs", "Jobs in an RQ queue's failed registry.",
                                   labels=["queue"])
        up = GaugeMetricFamily("fair_redis_up", "1 when Redis answered this scrape.")
        try:
            redis = probe_redis(url)
            for name in QUEUE_NAMES:
                queue = Queue(name, connection=redis)
                length.add_metric([name], queue.count)
                failed.add_metric([name], FailedJobRegistry(queue=queue).count)
        except Exception as exc:  # a scrape during an outage still answers, saying Redis is down
            log.warning("metrics: Redis not readable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield length
        yield failed

    def _outbox(self) -> Iterator[Any]:
        backlog = GaugeMetricFamily("fair_outbox_messages", "Outbox rows not sent yet, by status.",
                                    labels=["status"])
        held = GaugeMetricFamily("fair_held_jobs", "Jobs waiting in the database for Redis to answer.")
        try:
            with db.engine.connect() as connection:  # its own connection: the scrape never touches a request's session
                rows = connection.execute(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                ).all()
                held.add_metric([], connection.execute(select(func.count()).select_from(HeldJob)).scalar_one())
        except Exception as exc:
            log.warning("metrics: outbox not readable: %s", exc)
            return
        counts = {str(getattr(status, "value", status)): n for status, n in rows}
        for status in ("queued", "sending", "failed_temporary", "failed_permanent"):
            backlog.add_metric([status], counts.get(status, 0))
        yield backlog
        yield held


def socket_count() -> int:
    """Engine.IO sessions open on this node (each browser tab's socket is one)."""
    server = getattr(socketio, "server", None)
    eio = getattr(server, "eio", None)
    return len(getattr(eio, "sockets", {}) or {})
