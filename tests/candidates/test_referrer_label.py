"""Companies read who referred a person, but a referrer whose kind is sensitive (justice, addiction
care, health) only as "a partner": in the inbox, an application's page, the pipeline, the interview
day and the CSV files. One function (`referrer_label`) says it everywhere."""
from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select

from fair.accounts.models import PartnerType
from fair.candidates.models import Application, Referral, ReferralStatus
from fair.db import utcnow
from fair.jobdating.models import Booking, Slot
from tests.companies.helpers import page_text
from tests.conftest import login
from tests.exports.helpers import fetch_export


def _referred(session, factory, world, partner_type: PartnerType, name: str):
    partner = factory.organisation("partner", name=name, partner_type=partner_type)
    adviser = factory.member(partner, email=f"adviser.{partner_type.value}@example.org")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=world.candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    application = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id)
    session.add(application)
    factory.slot_range(world.booth_a, world.recruiter_a, dt.date(2030, 3, 12), "10:00", "10:30", slot_minutes=30)
    slot = session.execute(select(Slot).where(Slot.booth_id == world.booth_a.id)).scalars().first()
    session.add(Booking(slot_id=slot.id, booth_id=slot.booth_id, edition_id=slot.edition_id,
                        candidate_id=world.candidate.id, starts_at=slot.starts_at, ends_at=slot.ends_at))
    session.commit()
    return application


def _everywhere(app, client, world, application) -> dict[str, str]:
    """What recruiter A reads of the referrer on each page and in each file."""
    inbox = f"/recruiter/booths/{world.booth_a.id}/applications"
    pipeline = f"/recruiter/companies/{world.company_a.id}/pipeline"
    inbox_csv = fetch_export(app, client, f"{inbox}.csv", inbox).get_data(as_text=True)
    pipeline_csv = fetch_export(app, client, f"{pipeline}.csv", pipeline).get_data(as_text=True)
    return {
        "inbox": page_text(client.get(inbox)),
        "application": page_text(client.get(f"{inbox}/{application.id}")),
        "pipeline": page_text(client.get(pipeline)),
        "day": page_text(client.get("/recruiter/interviews?day=2030-03-12")),
        "inbox_csv": " ".join(list(csv.reader(io.StringIO(inbox_csv.lstrip("\ufeff"))))[1]),
        "pipeline_csv": " ".join(list(csv.reader(io.StringIO(pipeline_csv.lstrip("\ufeff"))))[1]),
    }


def test_a_sensitive_referrer_is_only_a_partner_to_companies(app, client, world, factory, session):
    application = _referred(session, factory, world, PartnerType.justice, "SPIP du Nord")
    login(client, world.recruiter_a.email)
    seen = _everywhere(app, client, world, application)
    for place, text in seen.items():
        assert "SPIP du Nord" not in text, place
        assert "un partenaire" in text, place
    assert "Orienté·e par un partenaire" in seen["inbox"]


def test_another_referrer_is_named_to_companies(app, client, world, factory, session):
    application = _referred(session, factory, world, PartnerType.association, "Association Relais")
    login(client, world.recruiter_a.email)
    seen = _everywhere(app, client, world, application)
    for place, text in seen.items():
        assert "Association Relais" in text, place
        assert "un partenaire" not in text, place


def test_an_anonymised_fair_names_no_referrer_before_an_interview(app, client, world, factory, session):
    world.edition.anonymised_applications = True
    session.commit()
    partner = factory.organisation("partner", name="Association Relais", partner_type=PartnerType.association)
    adviser = factory.member(partner, email="adviser.relais@example.org")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=world.candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    application = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id)
    session.add(application)
    session.commit()
    login(client, world.recruiter_a.email)
    inbox = f"/recruiter/booths/{world.booth_a.id}/applications"
    assert "Association Relais" not in page_text(client.get(inbox))
    assert "Association Relais" not in page_text(client.get(f"{inbox}/{application.id}"))
