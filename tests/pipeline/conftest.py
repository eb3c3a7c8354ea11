"""Two fairs of one organiser, the spring one by name and the autumn one anonymised; company A (two
recruiters, colleagues) has a booth at both, company B at the spring one. Alice applied to A in
spring and also came to its desk and booked an interview there; Bruno applied to A in autumn
(anonymous); Chloé talked with A at its autumn desk (anonymous); Emma applied to B only."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

SPRING = dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc)
AUTUMN = dt.datetime(2030, 10, 8, 8, 0, tzinfo=dt.timezone.utc)
AFTER_SPRING_INTERVIEW = dt.datetime(2030, 3, 12, 9, 30, tzinfo=dt.timezone.utc)


def apply(session, candidate, offer, at: dt.datetime):
    from fair.candidates.models import Application, ApplicationStatus

    application = Application(candidate_id=candidate.id, offer_id=offer.id, status=ApplicationStatus.submitted,
                              created_at=at, status_changed_at=at)
    session.add(application)
    session.commit()
    return application


def desk_call(session, booth, candidate, at: dt.datetime, recruiter):
    """A walk-in call of the booth that took place and ended (as the live queue leaves it)."""
    from sqlalchemy import func, select

    from fair.live.models import QueueEntry, QueueStatus

    ticket = (session.execute(select(func.max(QueueEntry.ticket)).where(QueueEntry.booth_id == booth.id))
              .scalar() or 0) + 1
    entry = QueueEntry(booth_id=booth.id, edition_id=booth.edition_id, candidate_id=candidate.id, ticket=ticket,
                       status=QueueStatus.done, joined_at=at, called_at=at, called_by_id=recruiter.id,
                       started_at=at, ended_at=at + dt.timedelta(minutes=8))
    session.add(entry)
    session.commit()
    return entry


@pytest.fixture
def pw(factory, session):
    from fair.jobdating.services import book

    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    organiser = factory.person("organiser@example.org", "Organiser", organiser_org)
    spring = factory.edition(organiser_org, slug="printemps", title="Salon de printemps", starts_at=SPRING)
    autumn = factory.edition(organiser_org, slug="automne", title="Salon d’automne", starts_at=AUTUMN,
                             anonymised_applications=True)
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    ra = factory.person("recruiter.a@example.org", "Recruiter A", company_a)
    colleague = factory.person("colleague.a@example.org", "Colleague A", company_a)
    rb = factory.person("recruiter.b@example.org", "Recruiter B", company_b)
    admin = factory.user(email="admin@example.org", is_admin=True, full_name="Admin")
    booth_a = factory.booth(spring, company_a)
    booth_a_autumn = factory.booth(autumn, company_a)
    booth_b = factory.booth(spring, company_b)
    offer_a = factory.offer(booth_a, title="Conducteur poids lourd")
    offer_a_autumn = factory.offer(booth_a_autumn, title="Magasinier")
    offer_b = factory.offer(booth_b, title="Boulanger")
    alice = factory.person("alice@example.org", "Alice Martin")
    bruno = factory.person("bruno@example.org", "Bruno Petit")
    chloe = factory.person("chloe@example.org", "Chloé Durand")
    emma = factory.person("emma@example.org", "Emma Leroy")
    application_alice = apply(session, alice, offer_a, SPRING - dt.timedelta(days=5))
    application_bruno = apply(session, bruno, offer_a_autumn, AUTUMN - dt.timedelta(days=5))
    apply(session, emma, offer_b, SPRING - dt.timedelta(days=4))
    call_alice = desk_call(session, booth_a, alice, SPRING + dt.timedelta(minutes=20), ra)
    call_chloe = desk_call(session, booth_a_autumn, chloe, AUTUMN + dt.timedelta(minutes=30), ra)
    availability = factory.slot_range(booth_a, ra, SPRING.date(), "10:00", "11:00")
    booking = book(session, slot_id=availability.slots[0].id, candidate_id=alice.id)
    session.commit()
    return SimpleNamespace(
        organiser=organiser, spring=spring, autumn=autumn, company_a=company_a, company_b=company_b, ra=ra,
        colleague=colleague, rb=rb, admin=admin, booth_a=booth_a, booth_a_autumn=booth_a_autumn, booth_b=booth_b,
        alice=alice, bruno=bruno, chloe=chloe, emma=emma, application_alice=application_alice,
        application_bruno=application_bruno, call_alice=call_alice, call_chloe=call_chloe, booking=booking)
