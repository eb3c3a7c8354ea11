"""A live fair: two companies with a booth and a recruiter each, three candidates, two organisers.

Everyone shares one password hash, computed once: hashing is slow on purpose, and the live tests
sign most people in with a signed session cookie anyway."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import Factory


def make_person(session, email: str, full_name: str, organisation=None):
    """`Factory.person` for callers that hold a session and no factory."""
    return Factory(session).person(email, full_name, organisation)


@pytest.fixture
def live_world(factory, session):
    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    other_org = factory.organisation("organiser", name="Autre organisateur")
    organiser = factory.person("organiser@example.org", "Organiser", organiser_org)
    other_organiser = factory.person("organiser.g@example.org", "Organiser G", other_org)
    edition = factory.live_edition(organiser_org, slug="salon-en-direct", title="Salon en direct")
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    recruiter_a = factory.person("recruiter.a@example.org", "Recruiter A", company_a)
    recruiter_b = factory.person("recruiter.b@example.org", "Recruiter B", company_b)
    booth_a = factory.booth(edition, company_a)
    booth_b = factory.booth(edition, company_b)
    candidates = [factory.person(f"candidate{i}@example.org", f"Candidate {i}") for i in (1, 2, 3)]
    return SimpleNamespace(edition=edition, organiser=organiser, other_organiser=other_organiser,
                           booth_a=booth_a, booth_b=booth_b, recruiter_a=recruiter_a, recruiter_b=recruiter_b,
                           candidates=candidates, company_a=company_a)
