"""A published fair on 12 March 2030 (Paris), two companies with a recruiter each, candidates, and
availability opened by recruiter A: 09:00–12:00 local, 20-minute slots, video."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

FAIR_DAY = dt.date(2030, 3, 12)


@pytest.fixture
def world(factory, session):
    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    organiser = factory.member(organiser_org, email="organiser@example.org", full_name="Organiser")
    edition = factory.edition(
        organiser_org, status="published", slug="job-dating", title="Job dating de printemps",
        starts_at=dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc),
        ends_at=dt.datetime(2030, 3, 12, 17, 0, tzinfo=dt.timezone.utc),
    )
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    recruiter_a = factory.member(company_a, email="recruiter.a@example.org", full_name="Recruiter A")
    recruiter_b = factory.member(company_b, email="recruiter.b@example.org", full_name="Recruiter B")
    booth_a = factory.booth(edition, company_a, stand_number="12")
    booth_b = factory.booth(edition, company_b)
    offer_a = factory.offer(booth_a, title="Conducteur poids lourd")
    candidate = factory.user(email="candidate@example.org", full_name="Candidate One", phone="06 12 34 56 78")
    other = factory.user(email="other@example.org", full_name="Candidate Two")
    availability = factory.slot_range(booth_a, recruiter_a, FAIR_DAY, "09:00", "12:00")
    return SimpleNamespace(edition=edition, organiser=organiser, booth_a=booth_a, booth_b=booth_b,
                           recruiter_a=recruiter_a, recruiter_b=recruiter_b, candidate=candidate, other=other,
                           offer_a=offer_a, availability=availability, slots=list(availability.slots))
