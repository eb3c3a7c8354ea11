"""A published fair on 12 March 2030 (Paris) with its organiser, another organiser, two companies
(booth A in the fair) and candidates; an organiser's webinar of 2 seats at 10:00 Paris time, on Jitsi."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import Factory

START = dt.datetime(2030, 3, 12, 9, 0, tzinfo=dt.timezone.utc)  # 10:00 in Paris


def make_webinar(session, edition, *, booth=None, capacity: int = 2, provider: str = "jitsi", room: str = "",
                 external_url: str = "", starts_at: dt.datetime = START, title: str = "Découvrir la logistique",
                 created_by=None):
    from fair.webinars.models import Provider
    from fair.webinars.services import WebinarData, create_webinar

    webinar = create_webinar(session, edition=edition, booth=booth, created_by_id=created_by.id if created_by else None,
                             data=WebinarData(title=title, speaker="Awa Diallo, cheffe d'équipe",
                                              description="Les métiers de l'entrepôt", starts_at=starts_at,
                                              duration_minutes=60, capacity=capacity, language="fr",
                                              provider=Provider(provider), room=room, external_url=external_url))
    session.commit()
    return webinar


def person(session, email: str, full_name: str, locale: str = "fr", organisation=None):
    """A confirmed user (a member of `organisation` if given), sharing the test run's password hash."""
    return Factory(session).person(email, full_name, organisation, locale=locale)


@pytest.fixture
def world(factory, session):
    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    organiser = person(session, "organiser@example.org", "Organiser", organisation=organiser_org)
    other_org = factory.organisation("organiser", name="Autre Organisateur")
    other_organiser = person(session, "other.organiser@example.org", "Other Organiser", organisation=other_org)
    edition = factory.edition(
        organiser_org, status="published", slug="salon-webinaires", title="Salon de printemps",
        starts_at=dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc),
        ends_at=dt.datetime(2030, 3, 12, 17, 0, tzinfo=dt.timezone.utc),
    )
    other_edition = factory.edition(other_org, slug="autre-salon")
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    recruiter_a = person(session, "recruiter.a@example.org", "Recruiter A", organisation=company_a)
    recruiter_b = person(session, "recruiter.b@example.org", "Recruiter B", organisation=company_b)
    booth_a = factory.booth(edition, company_a)
    booth_b = factory.booth(edition, company_b)
    candidate = person(session, "candidate@example.org", "Candidate One")
    other = person(session, "other@example.org", "Candidate Two")
    third = person(session, "third@example.org", "Candidate Three", locale="en")
    webinar = make_webinar(session, edition, created_by=organiser, room="salon-logistique")
    return SimpleNamespace(edition=edition, other_edition=other_edition, organiser=organiser,
                           other_organiser=other_organiser, recruiter_a=recruiter_a, recruiter_b=recruiter_b,
                           booth_a=booth_a, booth_b=booth_b, candidate=candidate, other=other, third=third,
                           webinar=webinar)
