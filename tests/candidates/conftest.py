"""A published fair with two companies (a recruiter each), two candidates and two advisers."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest


@pytest.fixture
def world(factory):
    from fair.accounts.models import PartnerType

    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    edition = factory.edition(
        organiser_org, status="published", slug="rencontres-emploi", title="Rencontres pour l'emploi",
        starts_at=dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc),
    )
    company_a = factory.organisation("company", name="Transports Rapides", city="Lille")
    company_b = factory.organisation("company", name="Boulangerie du Nord", city="Roubaix")
    recruiter_a = factory.member(company_a, email="recruiter.a@example.org", full_name="Recruiter A")
    recruiter_b = factory.member(company_b, email="recruiter.b@example.org", full_name="Recruiter B")
    booth_a = factory.booth(edition, company_a)
    booth_b = factory.booth(edition, company_b)
    offer_a = factory.offer(booth_a, title="Conducteur poids lourd", place="Lille",
                            requirements="Permis C et CACES 3 demandés")
    offer_a2 = factory.offer(booth_a, title="Cariste", contract_type="interim", place="Roubaix",
                             open_to_beginners=True, description="Conduite de chariot, CACES 3 apprécié")
    offer_b = factory.offer(booth_b, title="Boulanger", contract_type="cdd", place="Roubaix")
    partner = factory.organisation("partner", name="Mission locale de Lille", partner_type=PartnerType.mission_locale)
    other_partner = factory.organisation("partner", name="Association Tremplin", partner_type=PartnerType.association)
    adviser = factory.member(partner, email="adviser@example.org", full_name="Adviser One")
    other_adviser = factory.member(other_partner, email="adviser.two@example.org", full_name="Adviser Two")
    candidate = factory.user(email="candidate@example.org", full_name="Camille Candidate")
    other_candidate = factory.user(email="other.candidate@example.org", full_name="Dominique Other")
    return SimpleNamespace(
        edition=edition, company_a=company_a, company_b=company_b, recruiter_a=recruiter_a,
        recruiter_b=recruiter_b, booth_a=booth_a, booth_b=booth_b, offer_a=offer_a, offer_a2=offer_a2,
        offer_b=offer_b, partner=partner, other_partner=other_partner, adviser=adviser,
        other_adviser=other_adviser, candidate=candidate, other_candidate=other_candidate,
    )
