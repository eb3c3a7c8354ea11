"""Benchmark: personal-data retention, erasure and export, and a company's pipeline page.

1. Retention: an ended edition with --candidates candidates (5 applications each, mostly rejected or
   withdrawn; a fifth with a booking, a quarter of those hired or asked back; a tenth in the talent
   pool; profiles, half with shared situations and their consent), seeded with bulk inserts (not
   timed). The clock moves past the retention period and the real job
   `fair.privacy.jobs.anonymise_applications` runs in-process: total time, people per second, the
   growth of the process's peak memory, the longest single transaction (engine `begin` → `commit`),
   and whether the edition's statistics read the same after.
2. Reference: the same anonymisation the bare way on a copy of the same seed: set-based SQL, one
   transaction, no ORM, no batches (README: what it skips).
3. Erasure of one heavy account (200 applications, 50 bookings, 500 chat messages, 10 CVs of 200 KB):
   its export built by the `build_export` job function in-process (time, zip size), then `erase()`
   and its commit.
4. The pipeline of a company that met 10,000 people (2,000 entries with notes), through the Flask
   test client signed in as its recruiter: the first page, p50/p99 of 20 loads, the CSV of
   everything (time, peak traced memory).

SQLite in a temporary folder, or a throwaway PostgreSQL cluster with --postgres. Progress goes to
stderr; the last line is one JSON object.

    .venv/bin/python bench/privacy.py [--postgres] [--candidates 10000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import multiprocessing
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import PASSWORD, Factory, login, password_hash, token_in  # noqa: E402
from tests.servers import PostgresCluster, copy_database  # noqa: E402

UTC = dt.timezone.utc
EDITION_START = dt.datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
EDITION_END = EDITION_START + dt.timedelta(hours=10)
CHUNK = 5000


def progress(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def make_app(url: str, folder: Path):
    from fair import create_app
    from fair.migrate import upgrade

    upgrade(url)
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder), "REDIS_URL": "",
                       "BASE_URL": "http://fair.test", "MAIL_URL": "", "MFA_REQUIRED_ROLES": "",
                       "SESSION_COOKIE_SECURE": False, "LOGIN_RATE_LIMIT": "1000 per minute",
                       "RATELIMIT_STORAGE_URI": "memory://", "TESTING": True})


def bulk(session, model, rows: list[dict]) -> None:
    """Core executemany inserts, in chunks (the seed's memory stays small)."""
    from sqlalchemy import insert

    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model.__table__), rows[start:start + CHUNK])


def new_ids(session, model, column, prefix: str) -> list[int]:
    from sqlalchemy import select

    return list(session.execute(select(model.id).where(column.like(f"{prefix}%")).order_by(model.id)).scalars())


def candidates(session, count: int, prefix: str, **values) -> list[int]:
    from fair.accounts.models import User

    hashed = password_hash()
    created = EDITION_START - dt.timedelta(days=40)
    bulk(session, User, [{"email": f"{prefix}{n}@bench.example.org", "password_hash": hashed,
                          "full_name": f"Candidate {prefix}{n}", "security_stamp": f"{prefix}{n}", "locale": "fr",
                          "email_confirmed_at": created, "created_at": created, "last_active_at": EDITION_END,
                          **values} for n in range(count)])
    return new_ids(session, User, User.email, prefix)


def slots(session, booth, recruiter, count: int, start: dt.datetime) -> list[dict]:
    """`count` 20-minute slots of `booth` (rows, with their ids), 30 a day from `start`."""
    from fair.jobdating.models import Availability, Slot, SlotMode

    availability = Availability(booth_id=booth.id, recruiter_id=recruiter.id, mode=SlotMode.video,
                                starts_at=start, ends_at=start + dt.timedelta(hours=10), slot_minutes=20)
    session.add(availability)
    session.flush()
    times = [start + dt.timedelta(days=k // 30, minutes=20 * (k % 30)) for k in range(count)]
    bulk(session, Slot, [{"availability_id": availability.id, "booth_id": booth.id, "edition_id": booth.edition_id,
                          "recruiter_id": recruiter.id, "mode": SlotMode.video, "location": "https://visio.example.org",
                          "starts_at": t, "ends_at": t + dt.timedelta(minutes=20)} for t in times])
    found = session.execute(Slot.__table__.select().where(Slot.availability_id == availability.id)
                            .order_by(Slot.id)).mappings().all()
    return [dict(row) for row in found]


def booking_row(slot: dict, candidate_id: int, **values) -> dict:
    from fair.jobdating.models import BookingStatus

    return {"slot_id": slot["id"], "booth_id": slot["booth_id"], "edition_id": slot["edition_id"],
            "candidate_id": candidate_id, "booked_by_id": candidate_id, "starts_at": slot["starts_at"],
            "ends_at": slot["ends_at"], "status": BookingStatus.active, "created_at": EDITION_START, **values}


# ---------------------------------------------------------------- 1. retention


def seed_retention(app, n: int) -> int:
    """The ended edition and its candidates; answers the edition's id."""
    from fair.accounts.consent import ConsentPurpose, ConsentRecord
    from fair.candidates.models import Application, ApplicationStatus, CandidateProfile, Situation
    from fair.db import db
    from fair.jobdating.models import Attendance, Booking, Outcome

    with app.app_context():
        s = db.session
        make = Factory(s)
        organiser = make.organisation("organiser", "Bench organiser")
        edition = make.edition(organiser, status="closed", slug="bench-retention", starts_at=EDITION_START,
                               ends_at=EDITION_END, registration_closes_at=EDITION_START)
        booths, offers, recruiters = [], [], []
        for c in range(20):
            company = make.organisation("company", f"Company {c}")
            recruiters.append(make.member(company, email=f"recruiter{c}@bench.example.org"))
            booths.append(make.booth(edition, company))
            offers += [make.offer(booths[-1]).id for _ in range(5)]
        people = candidates(s, n, "ret")
        progress(f"retention seed: {n} candidates")
        statuses = [ApplicationStatus.rejected] * 6 + [ApplicationStatus.withdrawn] * 3 + [ApplicationStatus.submitted]
        bulk(s, Application, [{"candidate_id": person, "offer_id": offers[(i * 5 + k) % len(offers)],
                               "message": f"Bonjour, je suis très motivé·e ({i}).", "status": statuses[(i + k) % 10],
                               "created_at": EDITION_START, "status_changed_at": EDITION_END}
                              for i, person in enumerate(people) for k in range(5)])
        booked = [(i, person) for i, person in enumerate(people) if i % 5 == 0]
        per_booth = -(-len(booked) // len(booths))
        free = [slots(s, booth, recruiters[b], per_booth, EDITION_START) for b, booth in enumerate(booths)]
        outcomes = [Outcome.hired, Outcome.not_retained, Outcome.second_interview, Outcome.not_retained]
        bulk(s, Booking, [booking_row(free[j % len(booths)][j // len(booths)], person,
                                      attendance=Attendance.attended, outcome=outcomes[(i // 5) % 4],
                                      cancel_reason=None)
                          for j, (i, person) in enumerate(booked)])
        situations = [v.value for v in Situation]
        bulk(s, CandidateProfile, [{"user_id": person, "postcode": "59000", "city": "Lille", "birth_year": 1990,
                                    "skills": "CACES 3, permis B", "situations": [situations[i // 2 % 6]]
                                    if i % 2 == 0 else [], "situation_consent_at": EDITION_START if i % 2 == 0
                                    else None} for i, person in enumerate(people)])
        consent = {"text": "J’accepte.", "version": "1", "locale": "fr", "given_at": EDITION_START}
        bulk(s, ConsentRecord, [{"user_id": person, "purpose": ConsentPurpose.situations, **consent}
                                for i, person in enumerate(people) if i % 2 == 0]
             + [{"user_id": person, "purpose": ConsentPurpose.talent_pool, **consent}
                for i, person in enumerate(people) if i % 10 == 3])
        s.commit()
        edition_id = edition.id
        db.session.remove()
        db.engine.dispose()
    return edition_id


def in_child(seed, url: str, folder: Path, *args):
    """Run `seed(app, *args)` in a forked process: the seed's memory stays out of this process's RSS,
    which then measures the job alone."""
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=lambda: answers.put(seed(make_app(url, folder), *args)))
    child.start()
    answer = answers.get()
    child.join()
    if child.exitcode:
        raise SystemExit(f"seeding failed ({child.exitcode})")
    return answer


def edition_figures(app, edition_id: int) -> dict:
    from fair.candidates.services import edition_statistics
    from fair.db import db
    from fair.fairs.models import Edition

    with app.app_context():
        figures = asdict(edition_statistics(db.session.get(Edition, edition_id)))
        db.session.remove()
    return figures


def current_rss_mb() -> float:
    """This process's resident memory now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def run_retention(app, edition_id: int) -> dict:
    from sqlalchemy import event

    from fair.clock import set_clock
    from fair.db import db
    from fair.privacy.jobs import anonymise_applications

    before = edition_figures(app, edition_id)
    durations: list[float] = []
    rss = [current_rss_mb(), 0.0]  # at the start, the highest seen at a commit
    opened: dict[int, float] = {}

    def begin(conn):
        opened[id(conn)] = time.perf_counter()

    def commit(conn):
        rss[1] = max(rss[1], current_rss_mb())
        started = opened.pop(id(conn), None)
        if started is not None:
            durations.append(time.perf_counter() - started)

    def rollback(conn):
        opened.pop(id(conn), None)

    when = EDITION_END + dt.timedelta(days=100)
    with app.app_context():
        engine = db.engine
        for name, listener in (("begin", begin), ("commit", commit), ("rollback", rollback)):
            event.listen(engine, name, listener)
        set_clock(lambda: when)
        gc.collect()
        rss[0] = current_rss_mb()
        started = time.perf_counter()
        try:
            runs, people = 0, 0
            while True:  # as the worker would run it, until a run finds nothing more
                counts = anonymise_applications()
                runs += 1
                people += counts["people"]
                if not counts["people"]:
                    break
        finally:
            elapsed = time.perf_counter() - started
            set_clock(None)
            for name, listener in (("begin", begin), ("commit", commit), ("rollback", rollback)):
                event.remove(engine, name, listener)
    after = edition_figures(app, edition_id)
    return {"retention_s": round(elapsed, 2), "retention_people": people, "retention_runs": runs,
            "retention_people_per_s": round(people / elapsed, 1),
            "retention_longest_transaction_ms": round(max(durations) * 1000, 1),
            "retention_transaction_p50_ms": round(statistics.median(durations) * 1000, 1),
            "retention_transactions": len(durations),
            "retention_rss_start_mb": round(rss[0], 1), "retention_rss_growth_mb": round(rss[1] - rss[0], 1),
            "figures_identical": before == after, "statistics": before}


BARE = """
CREATE TEMPORARY TABLE bare_due AS
SELECT u.id AS user_id FROM users u
WHERE u.erased_at IS NULL
  AND (u.id IN (SELECT a.candidate_id FROM applications a JOIN offers o ON o.id = a.offer_id
                JOIN booths b ON b.id = o.booth_id WHERE b.edition_id = :edition)
       OR u.id IN (SELECT k.candidate_id FROM jobdating_bookings k WHERE k.edition_id = :edition))
  AND NOT EXISTS (SELECT 1 FROM jobdating_bookings k WHERE k.candidate_id = u.id AND k.edition_id = :edition
                  AND k.outcome IN ('hired', 'second_interview', 'training_proposed'))
  AND NOT EXISTS (SELECT 1 FROM consent_records c WHERE c.user_id = u.id AND c.purpose = 'talent_pool'
                  AND c.withdrawn_at IS NULL);
INSERT INTO users (email, password_hash, full_name, security_stamp, locale, is_admin, is_active_account,
                   created_at, erased_at)
SELECT 'bare-' || user_id || '@erased.invalid', '!erased!', '', 'bare', 'fr', false, false, :now, :now
FROM bare_due;
UPDATE applications SET message = '', cv_id = NULL,
  candidate_id = (SELECT u.id FROM users u
                  WHERE lower(u.email) = 'bare-' || applications.candidate_id || '@erased.invalid')
WHERE candidate_id IN (SELECT user_id FROM bare_due)
  AND offer_id IN (SELECT o.id FROM offers o JOIN booths b ON b.id = o.booth_id WHERE b.edition_id = :edition);
UPDATE jobdating_bookings SET cancel_reason = NULL,
  candidate_id = (SELECT u.id FROM users u
                  WHERE lower(u.email) = 'bare-' || jobdating_bookings.candidate_id || '@erased.invalid')
WHERE candidate_id IN (SELECT user_id FROM bare_due) AND edition_id = :edition;
"""


def run_bare(url: str, edition_id: int) -> dict:
    """The same anonymisation, set-based, in one transaction, on a copy of the seed."""
    from sqlalchemy import create_engine, text

    from fair.db import normalise_url

    engine = create_engine(normalise_url(url))
    when = EDITION_END + dt.timedelta(days=100)
    with engine.connect() as conn:
        started = time.perf_counter()
        with conn.begin():
            for statement in (part.strip() for part in BARE.split(";")):
                if statement:
                    conn.execute(text(statement), {"edition": edition_id, "now": when.replace(tzinfo=None)})
            moved = conn.execute(text("SELECT count(*) FROM bare_due")).scalar_one()
        elapsed = time.perf_counter() - started
    engine.dispose()
    return {"bare_s": round(elapsed, 3), "bare_people": moved}


def seed_people(app, met: int) -> dict:
    """The heavy account and the company that met `met` people; answers their ids."""
    from fair.candidates.models import Application, ApplicationStatus, CandidateCv, CvKind
    from fair.candidates.storage import upload_folder
    from fair.db import db
    from fair.jobdating.models import Booking, Outcome
    from fair.live.chat import ChatMessage, ChatRole
    from fair.pipeline.models import NextStep, PipelineEntry, PipelineNote

    with app.app_context():
        s = db.session
        make = Factory(s)
        organiser = make.organisation("organiser", "Bench organiser")
        edition = make.edition(organiser, status="closed", slug="bench-people", starts_at=EDITION_START,
                               ends_at=EDITION_END, registration_closes_at=EDITION_START)
        later = make.edition(organiser, status="published", slug="bench-later",
                             starts_at=dt.datetime(2031, 3, 12, 8, tzinfo=UTC))
        # The heavy account: 200 applications at 10 booths of 20 offers, 50 bookings, 500 messages, 10 CVs.
        heavy = make.person("heavy@bench.example.org", "Camille Lourde")
        booths, offers = [], []
        for c in range(10):
            company = make.organisation("company", f"Heavy company {c}")
            recruiter = make.member(company, email=f"heavy-recruiter{c}@bench.example.org")
            booths.append((make.booth(edition if c < 8 else later, company), recruiter))
            offers += [make.offer(booths[-1][0]).id for _ in range(20)]
        bulk(s, Application, [{"candidate_id": heavy.id, "offer_id": offer, "message": "Bonjour " * 40,
                               "status": ApplicationStatus.rejected, "created_at": EDITION_START,
                               "status_changed_at": EDITION_END} for offer in offers])
        rows = []
        for b, (booth, recruiter) in enumerate(booths):  # one after the other: a person's interviews never overlap
            day = EDITION_START if booth.edition_id == edition.id else later.starts_at
            start = day + dt.timedelta(minutes=100 * b)
            for slot in slots(s, booth, recruiter, 5, start):
                rows.append(booking_row(slot, heavy.id, outcome=Outcome.not_retained
                                        if booth.edition_id == edition.id else None))
        bulk(s, Booking, rows)
        bulk(s, ChatMessage, [{"booth_id": booths[k % 8][0].id, "author_id": heavy.id, "role": ChatRole.candidate,
                               "text": f"Question {k} : quels horaires pour ce poste ?",
                               "created_at": EDITION_START + dt.timedelta(seconds=k)} for k in range(500)])
        folder = upload_folder()
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(10):
            name = secrets.token_hex(16)
            body = b"%PDF-1.4\n" + os.urandom(200 * 1024 - 9)
            (folder / name).write_bytes(body)
            s.add(CandidateCv(user_id=heavy.id, kind=CvKind.pdf, original_name=f"cv-{k}.pdf", storage_name=name,
                              size=len(body), sha256="0" * 64))
        s.commit()
        progress("heavy account seeded")
        # The pipeline: one company, one booth of 10 offers, `met` people with one application each.
        company = make.organisation("company", "Pipeline company")
        recruiter = make.member(company, email="pipeline-recruiter@bench.example.org")
        booth = make.booth(edition, company)
        pipeline_offers = [make.offer(booth).id for _ in range(10)]
        people = candidates(s, met, "met")
        bulk(s, Application, [{"candidate_id": person, "offer_id": pipeline_offers[i % 10], "message": "Bonjour",
                               "status": ApplicationStatus.submitted,
                               "created_at": EDITION_START + dt.timedelta(seconds=i),
                               "status_changed_at": EDITION_START + dt.timedelta(seconds=i)}
                              for i, person in enumerate(people)])
        steps = list(NextStep)
        bulk(s, PipelineEntry, [{"company_id": company.id, "candidate_id": person, "edition_id": edition.id,
                                 "rating": 1 + i % 5, "next_step": steps[i % len(steps)], "updated_by_id": recruiter.id,
                                 "created_at": EDITION_END, "updated_at": EDITION_END}
                                for i, person in enumerate(people[::met // 2000 or 1][:2000])])
        entries = list(s.execute(PipelineEntry.__table__.select().with_only_columns(PipelineEntry.id)
                                 .where(PipelineEntry.company_id == company.id)).scalars())
        bulk(s, PipelineNote, [{"entry_id": entry, "author_id": recruiter.id, "source": "pipeline",
                                "body": f"Entretien {k} : motivé, disponible en mars, à rappeler.",
                                "created_at": EDITION_END + dt.timedelta(minutes=k)}
                               for entry in entries for k in range(2)])
        s.commit()
        ids = {"heavy": heavy.id, "company": company.id, "recruiter": recruiter.email, "entries": len(entries)}
        db.session.remove()
    progress(f"pipeline seeded: {met} people met, {ids['entries']} entries")
    return ids


def run_heavy(app, user_id: int) -> dict:
    from fair.db import db
    from fair.privacy import erasure, export
    from fair.privacy.models import DataExport

    with app.app_context(), app.test_request_context(base_url="http://fair.test"):
        from fair.accounts.models import User

        s = db.session
        export_row = export.request_export(s, s.get(User, user_id))
        s.commit()
        export_id = export_row.id
        db.session.remove()
    with app.app_context():
        started = time.perf_counter()
        export.build_export(export_id)
        build_s = time.perf_counter() - started
        done = db.session.get(DataExport, export_id)
        size, status = done.size, done.status.value
        db.session.remove()
    with app.app_context(), app.test_request_context(base_url="http://fair.test"):
        from fair.accounts.models import User

        s = db.session
        started = time.perf_counter()
        result = erasure.erase(s, s.get(User, user_id), actor=None, how="self")
        s.commit()
        erase_s = time.perf_counter() - started
        db.session.remove()
    return {"export_build_s": round(build_s, 2), "export_status": status,
            "export_zip_mb": round((size or 0) / 1024 / 1024, 2), "erase_s": round(erase_s, 2),
            "erased_rows": {k: v for k, v in result.counts.items() if v}}


def page_ms(client, url: str) -> float:
    """Milliseconds to get a page (body read) through the test client; it must answer 200."""
    started = time.perf_counter()
    response = client.get(url)
    response.get_data()
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return (time.perf_counter() - started) * 1000


def run_pipeline(app, ids: dict) -> dict:
    client = app.test_client()
    login(client, ids["recruiter"], PASSWORD)
    path = f"/recruiter/companies/{ids['company']}/pipeline"
    first = page_ms(client, path)
    loads = sorted(page_ms(client, path) for _ in range(20))
    csv_ms, body = pipeline_csv(app, client, path)
    gc.collect()
    tracemalloc.start()
    pipeline_csv(app, client, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"pipeline_first_page_ms": round(first, 1), "pipeline_page_p50_ms": round(statistics.median(loads), 1),
            "pipeline_page_p99_ms": round(loads[min(len(loads) - 1, int(len(loads) * 0.99))], 1),
            "pipeline_csv_ms": round(csv_ms, 1), "pipeline_csv_peak_mb": round(peak / 1024 / 1024, 1),
            "pipeline_csv_rows": body.count(b"\n"), "pipeline_csv_mb": round(len(body) / 1024 / 1024, 2)}


def pipeline_csv(app, client, path: str) -> tuple[float, bytes]:
    """The CSV of everyone as a recruiter gets it: asked from the page (an export job, then its file),
    the job's function run here as the worker runs it. Answers (milliseconds from the ask to the file
    read, the file)."""
    from fair.exports.jobs import build_export
    from fair.extensions import db

    token = token_in(client.get(path).get_data(as_text=True), path)
    started = time.perf_counter()
    asked = client.post(path + ".csv", data={"csrf_token": token})
    assert asked.status_code == 303, f"{path}.csv: {asked.status_code}"
    export_id = int(asked.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        assert build_export(export_id), f"export {export_id} not built"
        db.session.remove()
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="([^"]+/download[^"]*)"', page)
    assert link, "no download link on the export's page"
    response = client.get(link.group(1))
    body = response.get_data()
    assert response.status_code == 200, f"{link.group(1)}: {response.status_code}"
    return (time.perf_counter() - started) * 1000, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster (default SQLite)")
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--met", type=int, default=10_000, help="people the pipeline's company met")
    args = parser.parse_args()
    load = os.getloadavg()
    logging.getLogger("fair").setLevel(logging.WARNING)  # one INFO line per person anonymised otherwise
    logging.getLogger("fair.jobs").setLevel(logging.ERROR)  # "no REDIS_URL: job not queued": none runs here
    work = Path(tempfile.mkdtemp(prefix="fair-bench-privacy-"))
    cluster = PostgresCluster().start() if args.postgres else None
    backend = "postgresql" if cluster else "sqlite"

    def database(name: str) -> str:
        return cluster.create_database(name) if cluster else f"sqlite:///{work / name}.sqlite3"

    figures: dict = {"database": backend, "candidates": args.candidates,
                     "load_average_at_start": [round(x, 2) for x in load]}
    try:
        url = database("retention")
        started = time.perf_counter()
        edition_id = in_child(seed_retention, url, work / "retention", args.candidates)
        figures["seed_s"] = round(time.perf_counter() - started, 1)
        bare_url = copy_database(url, "retention_bare", cluster)
        progress(f"seeded in {figures['seed_s']} s; retention job…")
        app = make_app(url, work / "retention")
        figures.update(run_retention(app, edition_id))
        progress(f"retention: {figures['retention_people']} people in {figures['retention_s']} s, longest "
                 f"transaction {figures['retention_longest_transaction_ms']} ms; bare SQL…")
        figures.update(run_bare(bare_url, edition_id))
        figures["bare_figures_identical"] = edition_figures(make_app(bare_url, work / "bare"), edition_id) \
            == figures["statistics"]
        figures["ratio_retention_to_bare"] = round(figures["retention_s"] / figures["bare_s"], 1)
        people_url = database("people")
        people_app = make_app(people_url, work / "people")
        ids = seed_people(people_app, args.met)
        figures.update(run_heavy(people_app, ids["heavy"]))
        progress(f"export {figures['export_build_s']} s, erase {figures['erase_s']} s; pipeline…")
        figures["pipeline_people"], figures["pipeline_entries"] = args.met, ids["entries"]
        figures.update(run_pipeline(people_app, ids))
    finally:
        if cluster:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
