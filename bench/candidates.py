"""Benchmark: what the candidates' domain costs per request.

1. CV checks (fair.candidates.storage.check_cv): a 4.9 MB PDF, a DOCX with 2 MB of text, and the
   refusal of a DOCX zip bomb that unpacks to 200 MB.
2. 20 parallel identical applications through the route (test client threads), on a temporary
   SQLite database: the time until the 20 answers are in (one row, 19 "already applied").
3. The recruiter's inbox page with --applications applications on one booth, anonymised.

Standalone, on a temporary SQLite database (or --database-url). The last line is one JSON object.

    .venv/bin/python bench/candidates.py [--applications 2000] [--database-url postgresql://…]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.candidates.helpers import docx_bytes, docx_zip_bomb, pdf_bytes  # noqa: E402


def timed(func, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def bench_checks() -> dict:
    from fair.candidates import storage

    big_pdf = pdf_bytes() + b"%" + b"0" * (4_900_000 - len(pdf_bytes()))
    big_docx = docx_bytes("lorem ipsum " * 170_000)
    bomb = docx_zip_bomb(200)

    def refuse_bomb():
        try:
            storage.check_cv("cv.docx", bomb, 5 * 1024 * 1024)
        except storage.CvRefused:
            return
        raise AssertionError("bomb accepted")

    return {
        "check_pdf_4_9mb_ms": round(timed(lambda: storage.check_cv("cv.pdf", big_pdf, 5 * 1024 * 1024)), 2),
        "check_docx_2mb_text_ms": round(timed(lambda: storage.check_cv("cv.docx", big_docx, 5 * 1024 * 1024)), 2),
        "docx_size_kb": len(big_docx) // 1024,
        "refuse_zip_bomb_200mb_ms": round(timed(refuse_bomb), 2),
        "zip_bomb_size_kb": len(bomb) // 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    figures = bench_checks()
    print("CV checks:", figures)

    from fair import create_app
    from fair.accounts.models import Membership, MembershipRole, Organisation, OrganisationKind, User
    from fair.candidates.models import Application, CandidateProfile
    from fair.companies.models import Booth, ContractType, Offer
    from fair.extensions import db
    from fair.fairs.models import Edition, EditionStatus
    from fair.migrate import upgrade
    from fair.security import hash_password

    tmp = Path(tempfile.mkdtemp(prefix="fair-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(tmp), "REDIS_URL": "",
                      "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute",
                      "RATELIMIT_STORAGE_URI": "memory://", "TESTING": True})
    password = hash_password("bench password 123")
    with app.app_context():
        s = db.session
        organiser = Organisation(kind=OrganisationKind.organiser, name="Organiser")
        company = Organisation(kind=OrganisationKind.company, name="Company")
        start = dt.datetime(2030, 3, 1, 8, tzinfo=dt.timezone.utc)
        edition = Edition(organiser=organiser, slug="bench", title="Bench", starts_at=start,
                          ends_at=start + dt.timedelta(hours=8), registration_opens_at=start - dt.timedelta(days=9),
                          registration_closes_at=start, status=EditionStatus.published, anonymised_applications=True)
        booth = Booth(edition=edition, company=company)
        offers = [Offer(booth=booth, title=f"Offer {n}", contract_type=ContractType.cdi, place="Lille")
                  for n in range(10)]
        recruiter = User(email="recruiter@bench.test", full_name="Recruiter", password_hash=password,
                         security_stamp="r")
        s.add_all([edition, booth, *offers, recruiter, Membership(user=recruiter, organisation=company,
                                                                  role=MembershipRole.member)])
        s.flush()
        for n in range(args.applications):
            user = User(email=f"c{n}@bench.test", full_name=f"Candidate {n}", password_hash=password,
                        security_stamp=f"s{n}")
            s.add(user)
            s.flush()
            s.add(CandidateProfile(user_id=user.id, skills="CACES 3, permis B", situations=[]))
            s.add(Application(candidate_id=user.id, offer_id=offers[n % 10].id, message="Bonjour"))
        applicant = User(email="applicant@bench.test", full_name="Applicant", password_hash=password,
                         security_stamp="a")
        s.add(applicant)
        s.commit()
        booth_id, offer_id = booth.id, offers[0].id

    client = app.test_client()
    client.post("/login", data={"email": "applicant@bench.test", "password": "bench password 123"})
    cookie = client.get_cookie("session").value
    clients = []
    for _ in range(20):
        c = app.test_client()
        c.set_cookie("session", cookie)
        clients.append(c)
    barrier = threading.Barrier(20)
    codes: list[int] = []

    def send(c):
        barrier.wait()
        codes.append(c.post(f"/candidate/offers/{offer_id}/apply", data={"cv_id": "", "message": "x"}).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    start_t = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    figures["parallel_20_applications_ms"] = round((time.perf_counter() - start_t) * 1000, 1)
    figures["parallel_answers"] = {str(code): codes.count(code) for code in sorted(set(codes))}

    recruiter_client = app.test_client()
    recruiter_client.post("/login", data={"email": "recruiter@bench.test", "password": "bench password 123"})
    path = f"/recruiter/booths/{booth_id}/applications"
    assert recruiter_client.get(path).status_code == 200
    figures["inbox_page_ms"] = round(timed(lambda: recruiter_client.get(path), repeat=5), 1)
    figures["inbox_csv_ms"] = round(timed(lambda: recruiter_client.get(path + ".csv"), repeat=5), 1)
    figures["inbox_one_offer_ms"] = round(timed(lambda: recruiter_client.get(f"{path}?offer={offer_id}"), 5), 1)
    figures["applications"] = args.applications
    figures["database"] = url.split(":", 1)[0]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
