"""A live fair: two companies with a booth and a recruiter each, three candidates, an organiser."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest


@pytest.fixture
def live_world(factory, session):
    from fair.db import utcnow

    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    other_org = factory.organisation("organiser", name="Autre organisateur")
    organiser = factory.member(organiser_org, email="organiser@example.org", full_name="Organiser")
    other_organiser = factory.member(other_org, email="organiser.g@example.org", full_name="Organiser G")
    start = utcnow() - dt.timedelta(hours=1)
    edition = factory.edition(organiser_org, status="live", slug="salon-en-direct", title="Salon en direct",
                              starts_at=start, ends_at=start + dt.timedelta(hours=8))
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    recruiter_a = factory.member(company_a, email="recruiter.a@example.org", full_name="Recruiter A")
    recruiter_b = factory.member(company_b, email="recruiter.b@example.org", full_name="Recruiter B")
    booth_a = factory.booth(edition, company_a)
    booth_b = factory.booth(edition, company_b)
    candidates = [factory.user(email=f"candidate{i}@example.org", full_name=f"Candidate {i}") for i in (1, 2, 3)]
    return SimpleNamespace(edition=edition, organiser=organiser, other_organiser=other_organiser,
                           booth_a=booth_a, booth_b=booth_b, recruiter_a=recruiter_a, recruiter_b=recruiter_b,
                           candidates=candidates, company_a=company_a)
