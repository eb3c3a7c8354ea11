"""Benchmark: the edition's report on a big fair.

An edition with --candidates candidates (10,000; half with a profile, situations and their consent,
a birth year and a gender), 5 applications each (50,000, most answered), --interviews interviews
(5,000, a tenth no-shows), a fifth of the interviewed hired (outcomes, some under a social clause,
follow-ups at 6 months), seeded with bulk inserts in a child process (not timed). Then, through the
Flask test client signed in as the organiser: the report page (first load, p50/p99 of --loads loads);
the funder's PDF built by `fair.reports.pdf.report_pdf` (time, peak traced memory, pages); and the
XLSX file if `fair.reports.files.write_xlsx` exists (time, peak memory, size).

SQLite in a temporary folder; with --postgres, the same on a throwaway PostgreSQL cluster too, in the
same run. Progress goes to stderr; the last line is one JSON object.

    .venv/bin/python bench/reports.py [--postgres] [--candidates 10000] [--interviews 5000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.privacy import (  # noqa: E402
    EDITION_END,
    EDITION_START,
    booking_row,
    bulk,
    candidates,
    in_child,
    make_app,
    page_ms,
    progress,
    slots,
)
from tests.conftest import PASSWORD, Factory, login  # noqa: E402
from tests.servers import PostgresCluster  # noqa: E402

COMPANIES = 20
OFFERS_PER_COMPANY = 5


def seed(app, n: int, interviews: int) -> dict:
    from sqlalchemy import select

    from fair.accounts.models import PartnerType
    from fair.candidates.models import (
        Application,
        ApplicationStatus,
        CandidateProfile,
        Gender,
        Referral,
        ReferralStatus,
    )
    from fair.db import db
    from fair.jobdating.models import Attendance, Booking
    from fair.outcomes.models import ContractType, FollowUp, Outcome, RecordedAs

    with app.app_context():
        s = db.session
        make = Factory(s)
        organiser = make.organisation("organiser", "Bench organiser")
        organiser_user = make.member(organiser, email="organiser@bench.example.org")
        edition = make.edition(organiser, status="closed", slug="bench-report", starts_at=EDITION_START,
                               ends_at=EDITION_END, registration_closes_at=EDITION_START)
        partner = make.organisation("partner", "Bench partner", partner_type=PartnerType.association)
        adviser = make.member(partner, email="adviser@bench.example.org")
        booths, offers, recruiters = [], [], []
        for c in range(COMPANIES):
            company = make.organisation("company", f"Company {c}")
            recruiters.append(make.member(company, email=f"recruiter{c}@bench.example.org"))
            booth = make.booth(edition, company)
            booths.append(booth)
            offers += [make.offer(booth, title=f"Offer {c}-{k}") for k in range(OFFERS_PER_COMPANY)]
        people = candidates(s, n, "report")
        situations = (["qpv"], ["rsa", "long_term_unemployed"], ["rqth"], [], ["qpv", "rsa"])
        genders = (Gender.female, Gender.male, Gender.undisclosed, None)
        bulk(s, CandidateProfile, [
            {"user_id": uid, "situations": situations[k % 5], "situation_consent_at": EDITION_START,
             "birth_year": 1960 + k % 45, "gender": genders[k % 4], "preferred_contact": "email",
             "created_at": EDITION_START, "updated_at": EDITION_START}
            for k, uid in enumerate(people) if k % 2 == 0])
        statuses = (ApplicationStatus.submitted, ApplicationStatus.shortlisted, ApplicationStatus.invited,
                    ApplicationStatus.rejected, ApplicationStatus.rejected)
        created = EDITION_START - dt.timedelta(days=20)
        rows = []
        for k, uid in enumerate(people):
            for j in range(5):
                status = statuses[(k + j) % 5]
                offer = offers[(k * 7 + j * 13) % len(offers)]
                rows.append({"candidate_id": uid, "offer_id": offer.id, "message": "", "status": status,
                             "created_at": created, "status_changed_at": created,
                             "first_answered_at": None if status is ApplicationStatus.submitted
                             else created + dt.timedelta(days=(k + j) % 9, hours=5)})
        # One application per candidate and offer: drop the rare repeats of the spread above.
        seen, unique = set(), []
        for row in rows:
            if (row["candidate_id"], row["offer_id"]) not in seen:
                seen.add((row["candidate_id"], row["offer_id"]))
                unique.append(row)
        bulk(s, Application, unique)
        per_booth = -(-interviews // COMPANIES)
        booked = []
        for b, booth in enumerate(booths):
            for k, slot in enumerate(slots(s, booth, recruiters[b], per_booth, EDITION_START)):
                index = b * per_booth + k
                if index >= interviews:
                    break
                booked.append(booking_row(slot, people[index], attendance=Attendance.no_show if index % 10 == 0
                                          else Attendance.attended))
        bulk(s, Booking, booked)
        hired = [row["candidate_id"] for row in booked[::5]]
        company_of = {booth.id: booth.company_id for booth in booths}
        by_candidate = {row["candidate_id"]: company_of[row["booth_id"]] for row in booked}
        contracts = list(ContractType)
        bulk(s, Outcome, [{"candidate_id": uid, "edition_id": edition.id, "company_id": by_candidate[uid],
                           "contract": contracts[k % len(contracts)], "starts_on": dt.date(2026, 2, 1),
                           "weekly_hours": 35.0, "social_clause": k % 3 == 0,
                           "social_clause_contract": f"Market {k % 4}" if k % 3 == 0 else "",
                           "recorded_as": RecordedAs.recruiter, "employer_name": "", "job_title": "", "note": "",
                           "created_at": EDITION_END, "updated_at": EDITION_END} for k, uid in enumerate(hired)])
        outcome_ids = list(s.execute(select(Outcome.id).where(Outcome.edition_id == edition.id)).scalars())
        bulk(s, FollowUp, [{"outcome_id": oid, "months": 6, "due_at": EDITION_END, "in_job": k % 4 != 0}
                           for k, oid in enumerate(outcome_ids)])
        bulk(s, Referral, [{"adviser_id": adviser.id, "partner_id": partner.id, "candidate_id": uid,
                            "status": ReferralStatus.confirmed, "note": "", "created_at": created,
                            "confirmed_at": created, "consent_text": "ok"} for uid in people[::10]])
        s.commit()
        answer = {"edition": edition.id, "organiser": organiser_user.email, "applications": len(unique),
                  "interviews": len(booked), "hired": len(hired)}
        db.session.remove()
    return answer


def pdf_pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def run(app, ids: dict, loads: int) -> dict:
    from fair.db import db
    from fair.reports import figures
    from fair.reports.pdf import report_pdf

    client = app.test_client()
    login(client, ids["organiser"], PASSWORD)
    path = f"/console/editions/{ids['edition']}/report"
    first = page_ms(client, path)
    times = sorted(page_ms(client, path) for _ in range(loads))
    result = {"page_first_ms": round(first, 1), "page_p50_ms": round(statistics.median(times), 1),
              "page_p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1)}
    with app.app_context(), app.test_request_context(base_url="http://fair.test"):
        scope = {"kind": "edition", "edition_id": ids["edition"]}
        report_pdf(figures.build(db.session, scope))  # the first PDF loads Pango and the fonts: not timed
        started = time.perf_counter()
        report = figures.build(db.session, scope)
        build_ms = (time.perf_counter() - started) * 1000
        pdf = report_pdf(report)
        pdf_s = time.perf_counter() - started
        # Memory apart: tracemalloc slows WeasyPrint several times over.
        gc.collect()
        tracemalloc.start()
        report_pdf(figures.build(db.session, scope))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result.update({"build_ms": round(build_ms, 1), "pdf_s": round(pdf_s, 2),
                       "pdf_peak_mb": round(peak / 1024 / 1024, 1), "pdf_kb": round(len(pdf) / 1024),
                       "pdf_pages": pdf_pages(pdf)})
        try:
            from fair.reports.files import write_xlsx
        except ImportError:
            result["xlsx"] = "fair.reports.files.write_xlsx not in this tree"
        else:
            report = figures.build(db.session, {"kind": "edition", "edition_id": ids["edition"]})
            out = io.BytesIO()
            gc.collect()
            tracemalloc.start()
            started = time.perf_counter()
            write_xlsx(report, out)
            result["xlsx_s"] = round(time.perf_counter() - started, 2)
            result["xlsx_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1024 / 1024, 1)
            tracemalloc.stop()
            result["xlsx_mb"] = round(out.getbuffer().nbytes / 1024 / 1024, 2)
        db.session.remove()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too (a throwaway cluster)")
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--interviews", type=int, default=5_000)
    parser.add_argument("--loads", type=int, default=10, help="page loads timed after the first")
    args = parser.parse_args()
    load = os.getloadavg()
    logging.getLogger("fair").setLevel(logging.WARNING)
    logging.getLogger("fair.jobs").setLevel(logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="fair-bench-reports-"))
    cluster = PostgresCluster().start() if args.postgres else None
    figures: dict = {"candidates": args.candidates, "load_average_at_start": [round(x, 2) for x in load]}
    try:
        urls = {"sqlite": f"sqlite:///{work / 'report'}.sqlite3"}
        if cluster:
            urls["postgresql"] = cluster.create_database("report")
        for backend, url in urls.items():
            started = time.perf_counter()
            ids = in_child(seed, url, work / backend, args.candidates, args.interviews)
            progress(f"{backend}: seeded {ids['applications']} applications, {ids['interviews']} interviews in "
                     f"{time.perf_counter() - started:.1f} s; report…")
            figures[backend] = {"applications": ids["applications"], "interviews": ids["interviews"],
                                "hired": ids["hired"], **run(make_app(url, work / backend), ids, args.loads)}
            progress(f"{backend}: {figures[backend]}")
    finally:
        if cluster:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
