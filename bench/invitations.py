"""Benchmark: 10,000 invitation emails with an .ics, from outbox rows to a local SMTP sink.

Standalone: it starts the embedded Valkey (fair.embedded), a temporary SQLite database (or the
PostgreSQL of --database-url), an aiosmtpd sink on loopback, and real RQ worker processes.

1. The outbox way: rows are written by `queue_mail` (not timed), then their send jobs are
   enqueued as the after-commit hook does (one job per BATCH_SIZE rows, each sending its rows
   over one SMTP connection), run by `python -m workers worker --no-fork` processes (RQ's SimpleWorker,
   no fork per job).
2. The naive way, for comparison: one RQ job per message, on RQ's default forking worker (a fork
   and a new SMTP connection per message), on a sample of --naive-messages rows.

Both use the same number of worker processes (--workers). Timing runs from the first enqueue to
the moment the sink holds every message. The last line printed is one JSON object.

    .venv/bin/python bench/invitations.py [--messages 10000] [--naive-messages 1000] [--workers 2] [--postgres]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXED_ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fair//bench//FR\r\nMETHOD:REQUEST\r\n"
    b"BEGIN:VEVENT\r\nUID:bench-0@fair.bench\r\nSEQUENCE:0\r\nDTSTAMP:20300301T080000Z\r\n"
    b"DTSTART:20300312T090000Z\r\nDTEND:20300312T092000Z\r\nSUMMARY:Entretien\r\n"
    b"ORGANIZER;CN=Salon:mailto:organisateur@fair.bench\r\n"
    b"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:candidat@fair.bench\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


class Sink:
    """aiosmtpd on loopback that only counts what it receives (parsing would measure the sink)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        from fair.embedded import free_port

        self.count = 0
        self.bytes = 0
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
                with sink.lock:
                    sink.count += 1
                    sink.bytes += len(envelope.content)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def wait_for(self, total: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.count >= total:
                    return time.perf_counter()
            time.sleep(0.005)
        raise SystemExit(f"only {self.count} of {total} messages arrived within {timeout:.0f}s")

    def reset(self) -> None:
        with self.lock:
            self.count = 0
            self.bytes = 0

    def stop(self) -> None:
        self.controller.stop()


def invitation_ics(n: int) -> bytes:
    try:
        from fair.calendar.ics import Attendee, CalendarEvent, request_ics
    except ImportError:
        return FIXED_ICS.replace(b"bench-0@", f"bench-{n}@".encode())
    start = dt.datetime(2030, 3, 12, 9, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=20 * (n % 24))
    return request_ics(CalendarEvent(
        uid=f"booking-{n}@fair.bench", sequence=0, starts_at=start, ends_at=start + dt.timedelta(minutes=20),
        timezone="Europe/Paris", summary="Entretien avec Nordlog Entrepôts",
        description="Le recruteur vous appellera au numéro de votre profil.", location="Stand 12",
        organiser=Attendee(email="organisateur@fair.bench", name="Salon de l'emploi"),
        attendees=(Attendee(email=f"candidat{n}@fair.bench", name=f"Candidat {n}"),),
        stamp=dt.datetime(2030, 3, 1, 8, 0, tzinfo=dt.timezone.utc),
    ))


def write_rows(app, count: int, prefix: str) -> list[int]:
    """Outbox rows as a bulk invitation writes them, without enqueueing: timing starts at the enqueue.

    The app writes them without a Redis address, as a process without Redis would: nothing is queued
    (fair.jobs says so once per commit), and the rows wait in the outbox."""
    from fair.extensions import db
    from fair.mail import outbox

    edition = SimpleNamespace(title="Rencontres pour l'emploi de la Métropole", timezone="Europe/Paris")
    entry = SimpleNamespace(summary="Entretien avec Nordlog Entrepôts", location="Stand 12", join_url=None,
                            description="Le recruteur vous appellera au numéro de votre profil.")
    ids: list[int] = []
    redis_url, app.config["REDIS_URL"] = app.config["REDIS_URL"], ""
    with app.app_context():
        session = db.session
        for n in range(count):
            row = outbox.queue_mail(
                session, to=f"candidat{n}@fair.bench", template="calendar_request", locale="fr",
                context={"user": SimpleNamespace(full_name=f"Candidat {n}"), "edition": edition, "entry": entry,
                         "when": "12 mars 2030, 10:00 – 10:20 (heure de Paris)"},
                key=f"{prefix}:{n}", calendar=("REQUEST", invitation_ics(n)),
            )
            ids.append(row.id)
            if len(ids) % 500 == 0:
                session.commit()
        session.commit()
        db.session.remove()
    app.config["REDIS_URL"] = redis_url
    return ids


def start_workers(app, env: dict[str, str], count: int, command: list[str], logs: Path, name: str,
                  queue: str) -> list[subprocess.Popen]:
    """Start `count` worker processes and wait until each has run a first (empty) job: the timing
    that follows measures sending, not Python start-up."""
    from rq import Worker

    from fair.jobs import get_queue
    from fair.redis_conn import redis_for

    redis = redis_for(env["REDIS_URL"])
    before = len(Worker.all(connection=redis))
    processes = []
    for n in range(count):
        log = open(logs / f"{name}-{n}.log", "wb")
        processes.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 120
    while len(Worker.all(connection=redis)) < before + count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            raise SystemExit(f"the {name} workers did not start: see their logs")
        time.sleep(0.1)
    with app.app_context():
        warm = [get_queue(queue).enqueue("fair.mail.jobs.send_messages", []) for _ in range(count)]
    while any(job.get_status(refresh=True) != "finished" for job in warm):
        if time.monotonic() > deadline:
            raise SystemExit(f"the {name} workers did not run their first job")
        time.sleep(0.05)
    return processes


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)  # RQ's warm shutdown: the current job ends first
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def count_sent(app, ids: list[int]) -> int:
    from sqlalchemy import func, select

    from fair.extensions import db
    from fair.mail.models import OutboxMessage, OutboxStatus

    with app.app_context():
        found = db.session.execute(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.status == OutboxStatus.sent, OutboxMessage.id.between(min(ids), max(ids)))).scalar_one()
        db.session.remove()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--naive-messages", type=int, default=1_000,
                        help="sample for the naive way (one forked job per message is slow)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for each way")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (an empty database); SQLite otherwise")
    parser.add_argument("--postgres", action="store_true",
                        help="start a throw-away PostgreSQL cluster (initdb/pg_ctl, as the tests do) and use it")
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

    from fair import create_app
    from fair.embedded import EmbeddedValkey
    from fair.mail import outbox
    from fair.migrate import upgrade

    work = Path(tempfile.mkdtemp(prefix="fair-bench-"))
    valkey = EmbeddedValkey(work / "valkey")
    sink = None
    try:
        redis_url = valkey.start()
        database_url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        upgrade(database_url)
        sink = Sink()
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": database_url, "REDIS_URL": redis_url, "MAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "SECRET_KEY": "bench", "BASE_URL": "http://fair.bench", "FAIR_INSTANCE_PATH": str(work / "instance"),
            "FAIR_ENV": "development", "PYTHONPATH": str(ROOT),
        })
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "MAIL_URL", "SECRET_KEY", "BASE_URL",
                                               "FAIR_INSTANCE_PATH")})
        app = create_app()
        import logging

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
        backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"database: {backend}; workers: {args.workers} per way; cores: {os.cpu_count()}", flush=True)

        # 1. The outbox way. Workers start first: their catch-up finds no waiting row, so every
        #    message is sent by the timed enqueue below.
        # The product's worker command without fork (RQ's SimpleWorker): jobs run in the worker itself.
        simple = [sys.executable, "-m", "workers", "worker", "--queues", "bulk",
                  "--no-fork"]
        workers = start_workers(app, env, args.workers, simple, work, "outbox", "bulk")
        started = time.perf_counter()
        ids = write_rows(app, args.messages, "bench")
        print(f"{len(ids)} outbox rows written by queue_mail in {time.perf_counter() - started:.1f}s "
              f"(not timed below)", flush=True)
        with app.app_context():
            begin = time.perf_counter()
            outbox.enqueue_send(ids, queue="bulk")
        end = sink.wait_for(len(ids), timeout=1800)
        stop_all(workers)
        seconds = end - begin
        rate = len(ids) / seconds
        sent = count_sent(app, ids)
        print(f"outbox: {len(ids)} messages ({sink.bytes / len(ids) / 1024:.1f} KiB each) in {seconds:.2f}s "
              f"= {rate:.0f} messages/s; rows marked sent: {sent}", flush=True)

        # 2. The naive way: one job per message, forking worker.
        sink.reset()
        # The product's worker command as it is (RQ's default Worker: a forked work horse per job),
        # the app loaded once in the parent.
        forking = [sys.executable, "-m", "workers", "worker", "--queues", "naive"]
        naive_workers = start_workers(app, env, args.workers, forking, work, "naive", "naive")
        naive_ids = write_rows(app, args.naive_messages, "naive")
        from fair.jobs import get_queue

        with app.app_context():
            naive_queue = get_queue("naive")
            begin = time.perf_counter()
            for message_id in naive_ids:
                naive_queue.enqueue("fair.mail.jobs.send_messages", [message_id])
        end = sink.wait_for(len(naive_ids), timeout=1800)
        stop_all(naive_workers)
        naive_seconds = end - begin
        naive_rate = len(naive_ids) / naive_seconds
        print(f"naive: {len(naive_ids)} messages in {naive_seconds:.2f}s = {naive_rate:.0f} messages/s; "
              f"rows marked sent: {count_sent(app, naive_ids)}", flush=True)

        print(json.dumps({"messages": len(ids), "seconds": round(seconds, 2), "messages_per_s": round(rate, 1),
                          "naive_messages_per_s": round(naive_rate, 1), "ratio": round(rate / naive_rate, 1)}))
    finally:
        if sink is not None:
            sink.stop()
        valkey.stop()
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
