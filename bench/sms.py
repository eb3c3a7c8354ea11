"""Benchmark: 10,000 SMS reminders from outbox rows to a local SMPP server (tests/node/smsc.js).

Standalone: it starts the embedded Valkey (fair.embedded), a temporary SQLite database (or the
PostgreSQL of --database-url / --postgres), the SMSC of the tests (node, npm `smpp`) and real RQ
worker processes.

1. The product's way: rows written by `queue_sms` (not timed), their send jobs enqueued as the
   after-commit hook does (one job per BATCH_SIZE rows), run by `python -m workers worker --no-fork`
   processes: each job binds once and keeps a window of submit_sm in flight.
2. The naive way, in the same run: one RQ job per message on RQ's default forking worker (a fork, a
   connection and a bind per message), on a sample of --naive-messages rows.

Timing runs from the first enqueue to the moment the SMSC holds every message. The last line
printed is one JSON object.

    .venv/bin/python bench/sms.py [--messages 10000] [--naive-messages 1000] [--workers 2] [--window 50] [--postgres]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.invitations import start_workers, stop_all  # noqa: E402  (after the path is set)


def write_rows(app, count: int, prefix: str) -> list[int]:
    """Reminder rows as queue_sms writes them, without enqueueing (no Redis address while writing),
    queued at 11:00 UTC so that quiet hours hold none of them whatever the hour of the run."""
    from fair.clock import frozen_at
    from fair.extensions import db
    from fair.sms.outbox import queue_sms

    ids: list[int] = []
    redis_url, app.config["REDIS_URL"] = app.config["REDIS_URL"], ""
    daytime = dt.datetime.now(dt.UTC).replace(hour=11, minute=0)
    with app.app_context(), app.test_request_context(), frozen_at(daytime):
        session = db.session
        for n in range(count):
            row = queue_sms(session, to=f"+3361{n:07d}", template="text", locale="fr", key=f"{prefix}:{n}",
                            context={"text": f"Rappel : votre entretien avec Nordlog est demain à 10 h 20, "
                                             f"stand 12. Pour annuler : https://fair.bench/r/{n:08x}"})
            ids.append(row.id)
            if len(ids) % 500 == 0:
                session.commit()
        session.commit()
        db.session.remove()
    app.config["REDIS_URL"] = redis_url
    return ids


def wait_for(smsc, total: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if smsc.count() >= total:
            return time.perf_counter()
        time.sleep(0.02)
    raise SystemExit(f"only {smsc.count()} of {total} messages arrived within {timeout:.0f}s")


def count_delivered(app, ids: list[int]) -> int:
    from sqlalchemy import func, select

    from fair.extensions import db
    from fair.mail.models import OutboxMessage

    with app.app_context():
        found = db.session.execute(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.delivery == "delivered", OutboxMessage.id.between(min(ids), max(ids)))).scalar_one()
        db.session.remove()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--naive-messages", type=int, default=300,
                        help="sample for the naive way (one forked job and bind per message is slow)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for each way")
    parser.add_argument("--window", type=int, default=50, help="submit_sm in flight per bind")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (an empty database); SQLite otherwise")
    parser.add_argument("--postgres", action="store_true", help="start a throw-away PostgreSQL cluster")
    args = parser.parse_args()
    cluster = None
    if args.postgres:
        from tests.servers import PostgresCluster

        cluster = PostgresCluster().start()
        args.database_url = cluster.create_database("fair_bench")
    try:
        run(args)
    finally:
        if cluster is not None:
            cluster.stop()


def run(args: argparse.Namespace) -> None:
    import shutil

    from fair import create_app
    from fair.embedded import EmbeddedValkey
    from fair.jobs import get_queue
    from fair.mail import outbox
    from fair.migrate import upgrade
    from tests.servers import SmscProcess

    work = Path(tempfile.mkdtemp(prefix="fair-bench-sms-"))
    valkey = EmbeddedValkey(work / "valkey")
    smsc = SmscProcess()
    try:
        redis_url = valkey.start()
        smsc.start()
        database_url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        upgrade(database_url)
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": database_url, "REDIS_URL": redis_url, "MAIL_URL": "smtp://127.0.0.1:9",
            "SMS_URL": smsc.url(window=args.window), "SECRET_KEY": "bench", "BASE_URL": "http://fair.bench",
            "FAIR_INSTANCE_PATH": str(work / "instance"), "FAIR_ENV": "development", "PYTHONPATH": str(ROOT),
        })
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "MAIL_URL", "SMS_URL", "SECRET_KEY",
                                               "BASE_URL", "FAIR_INSTANCE_PATH")})
        app = create_app()
        backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"database: {backend}; workers: {args.workers} per way; window: {args.window}; "
              f"cores: {os.cpu_count()}", flush=True)

        simple = [sys.executable, "-m", "workers", "worker", "--queues", "bulk", "--no-fork"]
        workers = start_workers(app, env, args.workers, simple, work, "outbox", "bulk")
        started = time.perf_counter()
        ids = write_rows(app, args.messages, "bench")
        print(f"{len(ids)} SMS rows written by queue_sms in {time.perf_counter() - started:.1f}s (not timed below)",
              flush=True)
        with app.app_context():
            begin = time.perf_counter()
            outbox.enqueue_send(ids, queue="bulk")
        end = wait_for(smsc, len(ids), timeout=1800)
        seconds = end - begin
        rate = len(ids) / seconds
        time.sleep(2)  # the last batches record their outcomes and receipts after the SMSC has the texts
        stop_all(workers)
        delivered = count_delivered(app, ids)
        load = os.getloadavg()
        print(f"outbox: {len(ids)} SMS in {seconds:.2f}s = {rate:.0f} SMS/s; rows marked delivered by their "
              f"receipt: {delivered}; load average {load[0]:.2f}", flush=True)

        smsc.reset()
        forking = [sys.executable, "-m", "workers", "worker", "--queues", "naive"]
        naive_workers = start_workers(app, env, args.workers, forking, work, "naive", "naive")
        naive_ids = write_rows(app, args.naive_messages, "naive")
        with app.app_context():
            naive_queue = get_queue("naive")
            begin = time.perf_counter()
            for message_id in naive_ids:
                naive_queue.enqueue("fair.mail.jobs.send_messages", [message_id])
        end = wait_for(smsc, len(naive_ids), timeout=1800)
        stop_all(naive_workers)
        naive_seconds = end - begin
        naive_rate = len(naive_ids) / naive_seconds
        print(f"naive: {len(naive_ids)} SMS in {naive_seconds:.2f}s = {naive_rate:.0f} SMS/s", flush=True)

        print(json.dumps({"messages": len(ids), "seconds": round(seconds, 2), "messages_per_s": round(rate, 1),
                          "naive_messages_per_s": round(naive_rate, 1), "ratio": round(rate / naive_rate, 1),
                          "delivered_receipts": delivered, "window": args.window, "workers": args.workers,
                          "database": backend, "load_average_1m": round(load[0], 2)}))
    finally:
        smsc.stop()
        valkey.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
