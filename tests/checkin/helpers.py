"""A hybrid edition with registered candidates of every kind, shared by the check-in tests."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass
class World:
    organiser: Any
    edition: Any
    other: Any
    online: Any
    applicant: Any
    webinar_guest: Any
    walk_in: Any
    booth: Any


def build(factory, session) -> World:
    """Organiser F runs a hybrid edition (and an online one); organiser G another hybrid one.

    Registered: `applicant` (an application), `webinar_guest` (a webinar seat). `walk_in` has nothing."""
    from fair.candidates.models import Application, CandidateProfile
    from fair.fairs.models import EditionFormat
    from fair.webinars.models import Provider, RegistrationStatus, Webinar, WebinarRegistration

    org = factory.organisation("organiser", "Métropole")
    organiser = factory.member(org, email="organisation@example.org", full_name="Accueil Métropole")
    start = dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc)
    edition = factory.edition(org, slug="forum-hybride", title="Forum hybride", format=EditionFormat.hybrid,
                              venue="Grand Palais, Lille", starts_at=start)
    online = factory.edition(org, slug="salon-en-ligne", title="Salon en ligne")
    org_g = factory.organisation("organiser", "Autre organisateur")
    factory.member(org_g, email="autre@example.org")
    other = factory.edition(org_g, slug="autre-forum", title="Autre forum", format=EditionFormat.hybrid,
                            venue="Roubaix", starts_at=start)
    company = factory.organisation("company", "Transports Rapides")
    booth = factory.booth(edition, company)
    offer = factory.offer(booth, title="Cariste")
    applicant = factory.user(email="samira@example.org", full_name="Samira Benali")
    webinar_guest = factory.user(email="louis@example.org", full_name="Louis Martin")
    walk_in = factory.user(email="passant@example.org", full_name="Paul Passant")
    webinar = Webinar(edition_id=edition.id, title="Bienvenue", speaker="L’équipe", provider=Provider.external,
                      external_url="https://visio.example.org/w", starts_at=start, duration_minutes=60, capacity=50)
    session.add_all([
        Application(candidate_id=applicant.id, offer_id=offer.id),
        CandidateProfile(user_id=applicant.id, needs_interpreter=True, accessibility_needs="Accès sans marche"),
        webinar,
    ])
    session.flush()
    session.add(WebinarRegistration(webinar_id=webinar.id, user_id=webinar_guest.id,
                                    status=RegistrationStatus.confirmed))
    session.commit()
    return World(organiser=organiser, edition=edition, other=other, online=online, applicant=applicant,
                 webinar_guest=webinar_guest, walk_in=walk_in, booth=booth)
