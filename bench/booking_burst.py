"""Benchmark: a burst of job-dating bookings through the HTTP API of a running server.

500 simulated candidates make 2,000 booking attempts on 400 slots (20 booths × 20 slots of 20
minutes, the booths' slots at the same times) through `POST /api/jobdating/slots/<id>/bookings` of
`python wsgi.py` (one gevent process), first on SQLite, then on PostgreSQL. Every candidate signs in
first (not timed). Each attempt picks a slot that the candidate believes free (what the page showed
them, refreshed by what the answers said) and that does not clash with their own interviews; on a
409 the answer's nearest free slots become what they believe free at that booth. Attempts run from
--concurrency threads at once. Each booking queues its calendar job (both invitations, .ics and
reminders, made by the worker after commit); no worker runs here, so the figures are those of the
booking path alone and the stderr line says how many calendar jobs were left queued.

Reference, in the same run and for each backend: `bench/booking_reference.py`, a bare WSGI app served
the same way (one gevent process) doing the same transaction with the same driver on a fresh copy of
the same seed (the real table and its unique index), with no session, CSRF, ORM or rule: the same
candidates, attempts and concurrency drive both, and `ratio_attempts` is ours / the reference's
attempts answered per second (goal ≥ 0.5).

It needs nothing running: it starts a throw-away PostgreSQL cluster (initdb from Debian's package)
and a Valkey server, as the tests do. Each backend's figures go to stderr as they come; the last line
is one JSON object holding both backends and the load average:
{"load_average": [...], "sqlite": {...}, "postgresql": {...}}.

`--processes N` runs N server processes of each (the candidates spread over them, each on one), as
one web process per core would; on SQLite they then wait for each other's write lock.

    .venv/bin/python bench/booking_burst.py [--candidates 500] [--attempts 2000] [--concurrency 32]
        [--backends sqlite,postgresql] [--processes 1] [--profile FOLDER]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    PostgresCluster,
    ValkeyProcess,
    copy_database,
    free_port,
    start_profiler,
    stop_profiler,
    terminate,
    wait_for_port,
)

PASSWORD = "burst password 2026"
BOOTHS, SLOTS_PER_BOOTH = 20, 20


def seed(database_url: str, redis_url: str, candidates: int) -> tuple[dict[str, int], list[int]]:
    """A published fair, 20 booths with 20 video slots each, and the candidates' accounts."""
    from argon2 import PasswordHasher

    from fair import create_app
    from fair.accounts.models import Membership, Organisation, OrganisationKind, User
    from fair.companies.models import Booth
    from fair.db import utcnow
    from fair.extensions import db
    from fair.fairs.models import Edition, EditionStatus
    from fair.jobdating.models import SlotMode
    from fair.jobdating.services import open_availability
    from fair.migrate import upgrade

    upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="fair-bench-")})
    with app.app_context(), app.test_request_context():
        s = db.session
        # Cheap Argon2 parameters for these throw-away accounts: 500 sign-ins are set-up, not the burst.
        password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
        organiser = Organisation(kind=OrganisationKind.organiser, name="Bench organiser")
        start = dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc)
        edition = Edition(organiser=organiser, slug="bench-burst", title="Bench burst", starts_at=start,
                          # registration open now: bookings are refused outside its window
                          ends_at=start + dt.timedelta(hours=10), registration_opens_at=utcnow() - dt.timedelta(days=1),
                          registration_closes_at=start, status=EditionStatus.published,
                          default_slot_minutes=20, max_bookings_per_candidate=4)
        s.add(edition)
        s.flush()
        booth_ids = []
        for n in range(BOOTHS):
            company = Organisation(kind=OrganisationKind.company, name=f"Company {n}")
            recruiter = User(email=f"recruiter{n}@bench.example.org", password_hash=password_hash,
                             full_name=f"Recruiter {n}", security_stamp=f"r{n}", email_confirmed_at=utcnow())
            s.add_all([company, recruiter, Membership(user=recruiter, organisation=company)])
            booth = Booth(edition=edition, company=company)
            s.add(booth)
            s.flush()
            booth_ids.append(booth.id)
            open_availability(s, booth=booth, recruiter_id=recruiter.id, mode=SlotMode.video,
                              starts_at=start + dt.timedelta(hours=1),
                              ends_at=start + dt.timedelta(hours=1, minutes=20 * SLOTS_PER_BOOTH),
                              slot_minutes=None, buffer_minutes=0, location="https://visio.example.org/bench")
        emails = [f"candidate{n}@bench.example.org" for n in range(candidates)]
        people = [User(email=e, password_hash=password_hash, full_name=f"Candidate {n}", security_stamp=f"c{n}",
                       email_confirmed_at=utcnow()) for n, e in enumerate(emails)]
        s.add_all(people)
        s.commit()
        ids = {person.email: person.id for person in people}
        db.session.remove()
        db.engine.dispose()
    return ids, booth_ids


def queued_jobs(redis_url: str) -> int:
    from rq import Queue

    from fair.redis_conn import redis_for

    return Queue("default", connection=redis_for(redis_url)).count


def count_double_bookings(database_url: str) -> tuple[int, int]:
    """(active bookings, slots booked twice + overlapping pairs of one candidate), read from the database."""
    from sqlalchemy import create_engine, text

    from fair.db import normalise_url

    engine = create_engine(normalise_url(database_url))
    with engine.connect() as c:
        booked = c.execute(text("SELECT count(*) FROM jobdating_bookings WHERE status = 'active'")).scalar_one()
        twice = c.execute(text(
            "SELECT count(*) FROM (SELECT slot_id FROM jobdating_bookings WHERE status = 'active' "
            "GROUP BY slot_id HAVING count(*) > 1) AS doubled")).scalar_one()
        overlaps = c.execute(text(
            "SELECT count(*) FROM jobdating_bookings a JOIN jobdating_bookings b ON a.candidate_id = b.candidate_id "
            "AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at "
            "WHERE a.status = 'active' AND b.status = 'active'")).scalar_one()
    engine.dispose()
    return booked, twice + overlaps


class Candidate:
    def __init__(self, base: str, email: str, person_id: int) -> None:
        self.base, self.email, self.id = base, email, person_id
        self.http = requests.Session()
        self.token = ""
        self.held: list[tuple[str, str]] = []  # (starts_at, ends_at) of their bookings
        self.lock = threading.Lock()

    def sign_in(self) -> None:
        page = self.http.get(f"{self.base}/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        answer = self.http.post(f"{self.base}/login", data={"email": self.email, "password": PASSWORD,
                                                            "csrf_token": token}, allow_redirects=False)
        assert answer.status_code == 302, f"{self.email} could not sign in: {answer.status_code}"
        page = self.http.get(f"{self.base}/interviews/my-day").text
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def catalogue_of(base: str, booth_ids: list[int]) -> dict[int, dict]:
    """The free slots as the booths' pages show them (read from fair before its burst)."""
    catalogue = {}
    for booth in booth_ids:
        for slot in requests.get(f"{base}/api/jobdating/booths/{booth}/slots").json()["slots"]:
            catalogue[slot["id"]] = slot
    return catalogue


def burst(people: list[Candidate], catalogue: dict[int, dict], attempts: int, concurrency: int,
          seed_value: int = 7) -> dict:
    """The same attempts whatever the server: each carries the candidate's id (fair takes the signed-in
    person and ignores it; the reference has nothing else)."""
    rng = random.Random(seed_value)
    believed_free = set(catalogue)  # what the pages showed, refreshed by the answers
    knowledge = threading.Lock()
    queue_lock = threading.Lock()
    ready = list(range(len(people)))
    rng.shuffle(ready)
    latencies: list[float] = []
    outcomes: dict[int, int] = {}
    remaining = [attempts]
    last_booking = [0.0]

    def next_candidate() -> Candidate | None:
        with queue_lock:
            if remaining[0] <= 0:
                return None
            remaining[0] -= 1
            for _ in range(len(ready)):
                index = ready.pop(0)
                ready.append(index)
                person = people[index]
                if len(person.held) < 4 and person.lock.acquire(blocking=False):
                    return person
            return None

    def attempt() -> None:
        while True:
            person = next_candidate()
            if person is None:
                return
            try:
                with knowledge:
                    options = [i for i in believed_free if not any(
                        catalogue[i]["starts_at"] < end and start < catalogue[i]["ends_at"]
                        for start, end in person.held)]
                    slot_id = rng.choice(options) if options else rng.choice(list(catalogue))
                began = time.perf_counter()
                answer = person.http.post(f"{person.base}/api/jobdating/slots/{slot_id}/bookings",
                                          json={"candidate_id": person.id}, headers={"X-CSRFToken": person.token})
                latencies.append((time.perf_counter() - began) * 1000)
                outcomes[answer.status_code] = outcomes.get(answer.status_code, 0) + 1
                with knowledge:
                    if answer.status_code == 201:
                        last_booking[0] = time.perf_counter()
                        believed_free.discard(slot_id)
                        person.held.append((catalogue[slot_id]["starts_at"], catalogue[slot_id]["ends_at"]))
                    elif answer.status_code == 409:
                        body = answer.json()
                        if body.get("code") == "slot_taken":
                            believed_free.discard(slot_id)
                        for near in body.get("nearest", []):
                            believed_free.add(near["id"])
            finally:
                person.lock.release()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(attempt) for _ in range(concurrency)]:
            future.result()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"elapsed_s": elapsed, "fill_s": max(0.0, last_booking[0] - started), "latencies": latencies,
            "outcomes": outcomes}


def serve(command: list[str], env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "wb")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    wait_for_port(port, timeout=60)
    return server


def summary(result: dict, booked: int, doubles: int) -> dict:
    lat = result["latencies"]
    return {
        "attempts": len(lat), "booked": booked, "double_bookings": doubles,
        "attempts_per_s": round(len(lat) / result["elapsed_s"], 1),
        "bookings_per_s": round(booked / result["elapsed_s"], 1),
        # Until the last slot was taken: after it every attempt can only get a 409.
        "fill_s": round(result["fill_s"], 2),
        "p50_ms": round(lat[len(lat) // 2], 1), "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 1),
        "answers": {str(k): v for k, v in sorted(result["outcomes"].items())},
    }


def run_backend(backend: str, database_url: str, redis_url: str, cluster, args) -> dict:
    """fair's burst, then the reference's on a copy of the same seed, each on `--processes` servers
    (the candidates spread over them, each always on the same one, as nginx's sticky cookie does)."""
    from fair.redis_conn import redis_for

    redis_for(redis_url).flushdb()
    ids, booth_ids = seed(database_url, redis_url, args.candidates)
    work = Path(tempfile.mkdtemp(prefix="fair-bench-"))
    reference_url = copy_database(database_url, "bench_reference", cluster)

    ports = [free_port() for _ in range(args.processes)]
    servers = []
    try:
        for n, port in enumerate(ports):
            env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY="bench-secret",
                       FAIR_INSTANCE_PATH=str(work / "instance"), BASE_URL=f"http://127.0.0.1:{ports[0]}",
                       LOGIN_RATE_LIMIT="100000 per minute", HOST="127.0.0.1", PORT=str(port), MAIL_URL="")
            servers.append(serve([sys.executable, "wsgi.py"], env, port, work / f"server{n}.log"))
        people = [Candidate(f"http://127.0.0.1:{ports[n % len(ports)]}", email, person_id)
                  for n, (email, person_id) in enumerate(ids.items())]
        with ThreadPoolExecutor(max_workers=min(16, args.concurrency)) as pool:
            list(pool.map(lambda c: c.sign_in(), people))
        catalogue = catalogue_of(f"http://127.0.0.1:{ports[0]}", booth_ids)
        profilers = [start_profiler(server.pid, args.profile / f"{backend}-{n}.txt")
                     for n, server in enumerate(servers)] if args.profile else []
        ours = burst(people, catalogue, args.attempts, args.concurrency)
        for profiler in profilers:
            stop_profiler(profiler)
    finally:
        for server in servers:
            terminate(server, 15)
    calendar_jobs = queued_jobs(redis_url)

    ports = [free_port() for _ in range(args.processes)]
    servers = []
    try:
        for n, port in enumerate(ports):
            servers.append(serve([sys.executable, str(ROOT / "bench" / "booking_reference.py"), reference_url,
                                  str(port)], dict(os.environ), port, work / f"reference{n}.log"))
        bare = burst([Candidate(f"http://127.0.0.1:{ports[n % len(ports)]}", email, person_id)
                      for n, (email, person_id) in enumerate(ids.items())], catalogue, args.attempts, args.concurrency)
    finally:
        for server in servers:
            terminate(server, 15)

    figures = summary(ours, *count_double_bookings(database_url))
    reference = summary(bare, *count_double_bookings(reference_url))
    figures["free_slots"] = BOOTHS * SLOTS_PER_BOOTH
    figures["processes"] = args.processes
    figures["reference"] = reference
    figures["ratio_attempts"] = round(figures["attempts_per_s"] / reference["attempts_per_s"], 2)
    figures["ratio_p99"] = round(figures["p99_ms"] / reference["p99_ms"], 2)
    print(f"# {backend}: {json.dumps(figures)} (calendar jobs queued, not run: {calendar_jobs})",
          file=sys.stderr, flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--attempts", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--processes", type=int, default=1, help="server processes, for fair and the reference alike")
    parser.add_argument("--profile", type=Path, help="a folder for py-spy's raw samples of fair's server")
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    load_average = [round(x, 2) for x in os.getloadavg()]
    work = Path(tempfile.mkdtemp(prefix="fair-bench-"))
    valkey = ValkeyProcess(work / "valkey").start()
    cluster = PostgresCluster().start()
    results: dict = {"load_average": load_average}
    try:
        if "sqlite" in args.backends:
            results["sqlite"] = run_backend("sqlite", f"sqlite:///{work / 'bench.sqlite3'}", valkey.url, cluster,
                                            args)
        if "postgresql" in args.backends:
            results["postgresql"] = run_backend("postgresql", cluster.create_database("bench_burst"), valkey.url,
                                                cluster, args)
    finally:
        cluster.stop()
        valkey.stop()
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    keep = ("attempts", "booked", "double_bookings", "attempts_per_s", "bookings_per_s", "p50_ms", "p99_ms")
    results["processes"] = args.processes
    print(json.dumps({key: value if not isinstance(value, dict) else {
        **{k: value[k] for k in keep}, "reference": {k: value["reference"][k] for k in keep},
        "ratio_attempts": value["ratio_attempts"], "ratio_p99": value["ratio_p99"]}
        for key, value in results.items()}))


if __name__ == "__main__":
    main()
