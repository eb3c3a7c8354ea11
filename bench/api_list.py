"""Benchmark: a page of applications through the REST API against the same page of the recruiter's
inbox (HTML), in one process, on SQLite.

One company booth with --applications applications (each from its own candidate with a profile).
The API side asks `GET /api/v1/applications?limit=50` with a token; the HTML side asks the booth's
inbox page (50 a page) signed in as a recruiter of the company. Each side makes --requests requests
through Flask's test client (no network), after a few warm-up requests; the rate limit is lifted.
It starts a throw-away Valkey server (rate-limit storage), as the tests do. The last line is one JSON
object: {"applications", "requests", "api_per_s", "html_per_s", "api_p50_ms", "html_p50_ms"}.

    .venv/bin/python bench/api_list.py [--applications 500] [--requests 300]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import ValkeyProcess  # noqa: E402

PASSWORD = "bench password 2026"


def seed(app, applications: int) -> tuple[int, str]:
    import datetime as dt

    from argon2 import PasswordHasher

    from fair.accounts.models import Membership, MembershipRole, Organisation, OrganisationKind, User
    from fair.api import services as tokens
    from fair.candidates.models import Application, CandidateProfile
    from fair.companies.models import Booth, ContractType, Offer
    from fair.db import utcnow
    from fair.extensions import db
    from fair.fairs.models import Edition, EditionStatus

    session = db.session
    hashed = PasswordHasher().hash(PASSWORD)
    organiser = Organisation(kind=OrganisationKind.organiser, name="Bench organiser")
    company = Organisation(kind=OrganisationKind.company, name="Bench company")
    recruiter = User(email="recruiter@bench.example", full_name="Bench Recruiter", password_hash=hashed,
                     security_stamp="bench-recruiter", email_confirmed_at=utcnow())
    session.add_all([organiser, company, recruiter,
                     Membership(user=recruiter, organisation=company, role=MembershipRole.owner)])
    start = utcnow() + dt.timedelta(days=30)
    edition = Edition(organiser=organiser, slug="bench", title="Bench", description="", starts_at=start,
                      ends_at=start + dt.timedelta(hours=8), registration_opens_at=start - dt.timedelta(days=60),
                      registration_closes_at=start, status=EditionStatus.published)
    booth = Booth(edition=edition, company=company, pitch="")
    offer = Offer(booth=booth, title="Cariste", contract_type=ContractType.cdi, place="Lille", description="x")
    session.add_all([edition, booth, offer])
    session.flush()
    for n in range(applications):
        person = User(email=f"c{n}@bench.example", full_name=f"Candidate {n}", password_hash=hashed,
                      security_stamp=f"bench-{n}", email_confirmed_at=utcnow())
        session.add_all([person, CandidateProfile(user=person, situations=[], postcode="59000", city="Lille"),
                         Application(candidate=person, offer=offer, message="Bonjour")])
    session.commit()
    _token, secret = tokens.create_token(session, company, name="bench", scopes=["applications:read"],
                                         created_by=recruiter)
    session.commit()
    return booth.id, secret


def timed(call, count: int) -> list[float]:
    for _ in range(5):
        call()
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        response = call()
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return durations


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    from fair import create_app
    from fair.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        valkey = ValkeyProcess(Path(tmp) / "valkey").start()
        try:
            url = f"sqlite:///{tmp}/bench.sqlite3"
            upgrade(url)
            app = create_app({"DATABASE_URL": url, "REDIS_URL": valkey.url, "SECRET_KEY": "bench",
                              "INSTANCE_PATH": f"{tmp}/instance", "API_RATE_LIMIT": "1000000 per minute",
                              "RATELIMIT_ENABLED": False, "MFA_REQUIRED_ROLES": "",
                              "SOCKET_NODE_HEARTBEAT_SECONDS": 0, "SESSION_COOKIE_SECURE": False})
            with app.app_context():
                booth_id, secret = seed(app, args.applications)
            api, html = app.test_client(), app.test_client()
            login = html.get("/login").get_data(as_text=True)
            token = login.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            html.post("/login", data={"email": "recruiter@bench.example", "password": PASSWORD, "csrf_token": token})
            headers = {"Authorization": f"Bearer {secret}"}
            api_times = timed(lambda: api.get("/api/v1/applications?limit=50", headers=headers), args.requests)
            html_times = timed(lambda: html.get(f"/recruiter/booths/{booth_id}/applications"), args.requests)
        finally:
            valkey.stop()
    print(json.dumps({
        "applications": args.applications, "requests": args.requests,
        "api_per_s": round(len(api_times) / sum(api_times), 1),
        "html_per_s": round(len(html_times) / sum(html_times), 1),
        "api_p50_ms": round(statistics.median(api_times) * 1000, 2),
        "html_p50_ms": round(statistics.median(html_times) * 1000, 2),
    }))


if __name__ == "__main__":
    main()
