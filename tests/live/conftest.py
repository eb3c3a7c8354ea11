"""A live fair: two companies with a booth and a recruiter each, three candidates, two organisers.

Everyone shares one password hash, computed once: hashing is slow on purpose, and the live tests
sign most people in with a signed session cookie anyway."""
from __future__ import annotations

import datetime as dt
import functools
from types import SimpleNamespace

import pytest

from tests.conftest import PASSWORD


@functools.lru_cache(maxsize=1)
def _password_hash() -> str:
    from fair.security import hash_password

    return hash_password(PASSWORD)


def make_person(session, email: str, full_name: str, organisation=None):
    from fair.accounts.models import Membership, User
    from fair.db import utcnow

    user = User(email=email, full_name=full_name, password_hash=_password_hash(), security_stamp=f"stamp-{email}",
                email_confirmed_at=utcnow(), locale="fr")
    session.add(user)
    if organisation is not None:
        session.add(Membership(user=user, organisation=organisation))
    session.commit()
    return user


@pytest.fixture
def live_world(factory, session):
    from fair.db import utcnow

    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    other_org = factory.organisation("organiser", name="Autre organisateur")
    organiser = make_person(session, "organiser@example.org", "Organiser", organiser_org)
    other_organiser = make_person(session, "organiser.g@example.org", "Organiser G", other_org)
    start = utcnow() - dt.timedelta(hours=1)
    edition = factory.edition(organiser_org, status="live", slug="salon-en-direct", title="Salon en direct",
                              starts_at=start, ends_at=start + dt.timedelta(hours=8))
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    recruiter_a = make_person(session, "recruiter.a@example.org", "Recruiter A", company_a)
    recruiter_b = make_person(session, "recruiter.b@example.org", "Recruiter B", company_b)
    booth_a = factory.booth(edition, company_a)
    booth_b = factory.booth(edition, company_b)
    candidates = [make_person(session, f"candidate{i}@example.org", f"Candidate {i}") for i in (1, 2, 3)]
    return SimpleNamespace(edition=edition, organiser=organiser, other_organiser=other_organiser,
                           booth_a=booth_a, booth_b=booth_b, recruiter_a=recruiter_a, recruiter_b=recruiter_b,
                           candidates=candidates, company_a=company_a)
