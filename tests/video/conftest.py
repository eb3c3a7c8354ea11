"""A fair running today: recruiter A (company A) has booked video interviews with the candidate —
one now (its room is open), one later today (not open yet), one earlier (closed). Recruiter A2 works
for the same company, recruiter B for another; another candidate has no interview with A."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def build_world(factory, session, *, anonymised: bool = False) -> SimpleNamespace:
    from fair import clock
    from fair.db import utcnow
    from fair.jobdating.models import SlotMode
    from fair.jobdating.services import book, open_availability

    now = _minute(utcnow())
    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    edition = factory.edition(organiser_org, status="live", slug="salon-du-jour", title="Salon du jour",
                              starts_at=now - dt.timedelta(hours=4), ends_at=now + dt.timedelta(hours=6),
                              anonymised_applications=anonymised)
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    recruiter_a = factory.member(company_a, email="recruiter.a@example.org", full_name="Recruiter A")
    recruiter_a2 = factory.member(company_a, email="recruiter.a2@example.org", full_name="Recruiter A2")
    recruiter_b = factory.member(company_b, email="recruiter.b@example.org", full_name="Recruiter B")
    booth_a = factory.booth(edition, company_a)
    candidate = factory.user(email="candidate@example.org", full_name="Samira Candidate", phone="06 12 34 56 78")
    other = factory.user(email="other@example.org", full_name="Other Candidate")

    def slots(start: dt.datetime, end: dt.datetime):
        return open_availability(session, booth=booth_a, recruiter_id=recruiter_a.id, mode=SlotMode.video,
                                 starts_at=start, ends_at=end, slot_minutes=30, buffer_minutes=0, location="").slots

    earlier = slots(now - dt.timedelta(minutes=120), now - dt.timedelta(minutes=60))
    today = slots(now - dt.timedelta(minutes=5), now + dt.timedelta(minutes=55))
    session.commit()
    with clock.frozen_at(now - dt.timedelta(days=1)):  # booked the day before
        past = book(session, slot_id=earlier[0].id, candidate_id=candidate.id)
        current = book(session, slot_id=today[0].id, candidate_id=candidate.id)
        later = book(session, slot_id=today[1].id, candidate_id=candidate.id)
    session.commit()
    return SimpleNamespace(now=now, edition=edition, booth_a=booth_a, recruiter_a=recruiter_a,
                           recruiter_a2=recruiter_a2, recruiter_b=recruiter_b, candidate=candidate, other=other,
                           current=current, later=later, past=past)


@pytest.fixture
def world(factory, session):
    return build_world(factory, session)
