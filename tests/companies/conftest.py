"""A fair with two companies, each with a recruiter and a booth, an organiser and a candidate."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest


@pytest.fixture
def world(factory):
    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    organiser = factory.member(organiser_org, email="organiser@example.org", full_name="Demo Organiser")
    edition = factory.edition(
        organiser_org, status="published", slug="rencontres-emploi", title="Rencontres pour l'emploi",
        timezone="Europe/Paris", starts_at=dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc),
    )
    company_a = factory.organisation("company", name="Transports Rapides", city="Lille")
    company_b = factory.organisation("company", name="Boulangerie du Nord", city="Roubaix")
    recruiter_a = factory.member(company_a, email="recruiter.a@example.org", full_name="Demo Recruiter A")
    colleague_a = factory.member(company_a, email="colleague.a@example.org", full_name="Demo Colleague A")
    recruiter_b = factory.member(company_b, email="recruiter.b@example.org", full_name="Demo Recruiter B")
    booth_a = factory.booth(edition, company_a, pitch="Nous transportons la région.")
    booth_b = factory.booth(edition, company_b, pitch="Du bon pain.")
    offer_a = factory.offer(booth_a, title="Conducteur poids lourd", contract_type="cdi", place="Lille")
    offer_b = factory.offer(booth_b, title="Boulanger", contract_type="cdd", place="Roubaix")
    candidate = factory.user(email="candidate@example.org", full_name="Demo Candidate")
    return SimpleNamespace(
        organiser_org=organiser_org, organiser=organiser, edition=edition,
        company_a=company_a, company_b=company_b, recruiter_a=recruiter_a, colleague_a=colleague_a,
        recruiter_b=recruiter_b, booth_a=booth_a, booth_b=booth_b, offer_a=offer_a, offer_b=offer_b,
        candidate=candidate,
    )
