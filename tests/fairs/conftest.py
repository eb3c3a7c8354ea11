"""Two organisers (F and G), each with its own edition, a company; a recruiter and a candidate on demand."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest


@pytest.fixture
def world(factory):
    organiser_f = factory.organisation("organiser", name="Métropole Emploi")
    organiser_g = factory.organisation("organiser", name="Ville Voisine")
    person_f = factory.member(organiser_f, email="organiser.f@example.org", full_name="Demo Organiser F")
    person_g = factory.member(organiser_g, email="organiser.g@example.org", full_name="Demo Organiser G")
    edition_f = factory.edition(
        organiser_f, status="draft", slug="salon-f", title="Salon de la Métropole",
        timezone="Europe/Paris", starts_at=dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc),
    )
    edition_g = factory.edition(organiser_g, status="published", slug="salon-g", title="Salon de la Ville")
    company = factory.organisation("company", name="Transports Rapides")
    return SimpleNamespace(
        organiser_f=organiser_f, organiser_g=organiser_g, person_f=person_f, person_g=person_g,
        edition_f=edition_f, edition_g=edition_g, company=company,
    )


@pytest.fixture
def recruiter(world, factory):
    return factory.member(world.company, email="recruiter@example.org", full_name="Demo Recruiter")


@pytest.fixture
def candidate(factory):
    return factory.user(email="candidate@example.org", full_name="Demo Candidate")
