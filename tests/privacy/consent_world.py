"""The people and fair the consent tests share: an organiser's published fair with two companies'
booths, a partner with its adviser, and two candidates."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest


@pytest.fixture
def world(factory):
    organiser = factory.organisation("organiser", name="Métropole Emploi")
    edition = factory.edition(organiser, status="published", slug="rencontres-emploi",
                              title="Rencontres pour l'emploi",
                              starts_at=dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc))
    owner = factory.member(organiser, email="organiser@example.org", role="owner", full_name="Olga Organiser")
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    recruiter_a = factory.member(company_a, email="recruiter.a@example.org", full_name="Rita Recruiter")
    recruiter_b = factory.member(company_b, email="recruiter.b@example.org", full_name="Bob Recruiter")
    booth_a = factory.booth(edition, company_a)
    booth_b = factory.booth(edition, company_b)
    offer_a = factory.offer(booth_a, title="Conducteur poids lourd")
    offer_b = factory.offer(booth_b, title="Boulanger")
    partner = factory.organisation("partner", name="Mission locale de Lille")
    adviser = factory.member(partner, email="adviser@example.org", full_name="Adviser One")
    candidate = factory.user(email="candidate@example.org", full_name="Camille Candidate")
    other_candidate = factory.user(email="other.candidate@example.org", full_name="Dominique Other")
    return SimpleNamespace(organiser=organiser, edition=edition, owner=owner, company_a=company_a,
                           company_b=company_b, recruiter_a=recruiter_a, recruiter_b=recruiter_b,
                           booth_a=booth_a, booth_b=booth_b, offer_a=offer_a, offer_b=offer_b, partner=partner,
                           adviser=adviser, candidate=candidate, other_candidate=other_candidate)


PROFILE = {"full_name": "Camille Candidate", "phone": "06 12 34 56 78", "preferred_contact": "email",
           "postcode": "59000", "city": "Lille", "birth_year": "1990", "skills": "", "languages": "",
           "mobility": "", "availability": "", "accessibility_needs": ""}
