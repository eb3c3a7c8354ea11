"""The demo fair: what a newcomer sees after `make run`, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from sqlalchemy import func, select

from fair.accounts.models import Membership, Organisation, OrganisationKind, PartnerType, User
from fair.companies.models import Booth, BoothStaff, ContractType, Offer, RemoteMode
from fair.demo import (
    COMPANIES,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_SLUG,
    DEMO_TITLE,
    DRAFT_SLUG,
    SEED,
    load_demo,
    offer_rows,
)
from fair.fairs.models import Edition, EditionFormat, EditionPartner, EditionStatus
from fair.security import verify_password
from tests.conftest import login, page_text

METROPOLE_PLACES = {
    "Lille", "Lomme", "Lambersart", "La Madeleine", "Marcq-en-Barœul", "Hellemmes", "Roubaix", "Tourcoing",
    "Wattrelos", "Croix", "Halluin", "Hem", "Lesquin", "Seclin", "Ronchin", "Faches-Thumesnil", "Loos",
    "Haubourdin", "Villeneuve-d'Ascq", "Mons-en-Barœul", "Wasquehal", "Roncq", "Englos", "Marquette-lez-Lille",
    "Saint-André-lez-Lille", "Santes", "Leers", "Forest-sur-Marque",
}


def count(session, statement) -> int:
    return session.execute(statement).scalar_one()


@pytest.fixture
def demo(app, session):
    assert load_demo(only_if_empty=True) is True
    return session.execute(select(Edition).where(Edition.slug == DEMO_SLUG)).scalar_one()


def test_the_demo_fair_is_a_published_hybrid_fair_in_the_coming_weeks(demo):
    now = dt.datetime.now(dt.timezone.utc)
    assert demo.title == DEMO_TITLE
    assert demo.status is EditionStatus.published and demo.is_public
    assert demo.timezone == "Europe/Paris"
    assert demo.format is EditionFormat.hybrid and demo.venue
    assert now + dt.timedelta(days=13) < demo.starts_at < now + dt.timedelta(days=22)
    assert demo.starts_at < demo.ends_at
    assert demo.registration_opens_at < now < demo.registration_closes_at <= demo.ends_at
    assert len(demo.description) > 300


def test_the_demo_has_many_employers_offers_of_every_contract_and_three_partners(demo, session):
    booths = count(session, select(func.count(Booth.id)).where(Booth.edition_id == demo.id))
    offers = count(session, select(func.count(Offer.id)).join(Booth).where(Booth.edition_id == demo.id))
    contracts = set(session.execute(select(Offer.contract_type).distinct()).scalars())
    partner_types = set(session.execute(
        select(Organisation.partner_type).join(EditionPartner, EditionPartner.organisation_id == Organisation.id)
        .where(EditionPartner.edition_id == demo.id)
    ).scalars())

    assert booths >= 20
    assert offers >= 600
    assert contracts == set(ContractType) - {ContractType.other}  # "other": imported contracts fair has no word for
    assert partner_types == {PartnerType.association, PartnerType.mission_locale, PartnerType.employment_agency}
    # Every booth has a pitch, a stand and offers.
    for booth in session.execute(select(Booth).where(Booth.edition_id == demo.id)).scalars():
        assert booth.pitch and booth.stand_number and booth.offers


def test_demo_offers_look_real(demo, session):
    offers = session.execute(select(Offer)).scalars().all()
    places = {o.place for o in offers}
    assert places <= METROPOLE_PLACES
    assert {"Lille", "Roubaix", "Tourcoing", "Villeneuve-d'Ascq", "Lomme"} <= places
    assert sum(o.open_to_beginners for o in offers) > len(offers) / 3
    assert {o.remote for o in offers} == set(RemoteMode)
    assert all(o.description and o.requirements and o.positions >= 1 for o in offers)
    codes = [o.rome_code for o in offers if o.rome_code]
    assert len(codes) > len(offers) * 0.9 and all(re.fullmatch(r"[A-N]\d{4}", c) for c in codes)
    assert len({o.title for o in offers}) > 300
    per_booth = {}
    for o in offers:  # a company never lists the same job twice at the same place
        per_booth.setdefault(o.booth_id, []).append((o.title, o.place))
    assert all(len(pairs) == len(set(pairs)) for pairs in per_booth.values())
    assert all(o.created_at < dt.datetime.now(dt.timezone.utc) for o in offers)


def test_the_offers_are_the_same_at_every_load():
    now = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.timezone.utc)
    booth_ids = list(range(1, len(COMPANIES) + 1))
    assert offer_rows(booth_ids, random.Random(SEED), now) == offer_rows(booth_ids, random.Random(SEED), now)


def test_a_second_edition_waits_in_draft(demo, session):
    draft = session.execute(select(Edition).where(Edition.slug == DRAFT_SLUG)).scalar_one()
    assert draft.status is EditionStatus.draft and not draft.is_public
    assert draft.organiser_id == demo.organiser_id


def test_the_demo_logins_have_their_roles(demo, session):
    users = {role: session.execute(select(User).where(User.email == email)).scalar_one()
             for role, email, _ in DEMO_LOGINS}
    assert all(u.email_confirmed_at is not None for u in users.values())
    assert all(verify_password(u.password_hash, DEMO_PASSWORD) for u in users.values())

    assert users["organiser"].is_organiser
    assert users["organiser"].organisations_of_kind(OrganisationKind.organiser)[0].id == demo.organiser_id
    company = users["recruiter"].organisations_of_kind(OrganisationKind.company)[0]
    booth = session.execute(
        select(Booth).where(Booth.edition_id == demo.id, Booth.company_id == company.id)).scalar_one()
    assert session.execute(select(BoothStaff).where(BoothStaff.booth_id == booth.id,
                                                    BoothStaff.user_id == users["recruiter"].id)).scalar_one()
    partner = users["adviser"].organisations_of_kind(OrganisationKind.partner)[0]
    assert partner.partner_type is PartnerType.association
    assert users["candidate"].is_candidate


@pytest.mark.parametrize("role", [role for role, _, _ in DEMO_LOGINS])
def test_each_demo_login_works_on_the_login_page(demo, client, role):
    email = dict((r, e) for r, e, _ in DEMO_LOGINS)[role]
    login(client, email, DEMO_PASSWORD)
    assert "demo-fair-2026" not in client.get("/").get_data(as_text=True)
    assert client.get("/account").status_code == 200


def test_loading_again_adds_nothing(demo, session):
    def totals() -> tuple[int, ...]:
        return tuple(count(session, select(func.count()).select_from(model))
                     for model in (Edition, Organisation, User, Membership, Booth, Offer, EditionPartner))

    before = totals()
    assert load_demo(only_if_empty=True) is False
    assert load_demo() is False  # the demo is there already
    assert totals() == before


def test_no_demo_in_a_database_that_already_holds_a_fair(app, session, factory):
    factory.edition(factory.organisation("organiser"))
    assert load_demo(only_if_empty=True) is False
    assert count(session, select(func.count(Offer.id))) == 0
    assert count(session, select(func.count(User.id))) == 0


def test_the_flask_command_loads_the_demo_once(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["fair", "demo", "--if-empty"])
    second = runner.invoke(args=["fair", "demo", "--if-empty"])
    assert first.exit_code == 0 and "demo data loaded" in first.output
    assert second.exit_code == 0 and "already present" in second.output
    assert count(session, select(func.count(Edition.id)).where(Edition.slug == DEMO_SLUG)) == 1


def test_an_online_fair_runs_now_with_a_queue_a_desk_interviews_and_a_webinar(demo, app, client, session):
    from fair.demo import LIVE_SLUG, LIVE_TITLE
    from fair.jobdating.models import Slot, SlotMode

    live = session.execute(select(Edition).where(Edition.slug == LIVE_SLUG)).scalar_one()
    now = dt.datetime.now(dt.timezone.utc)
    assert live.status is EditionStatus.live and live.starts_at < now < live.ends_at
    assert live.organiser_id == demo.organiser_id

    login(client, "recruteur@demo.fair", DEMO_PASSWORD)
    booth = session.execute(select(Booth).join(BoothStaff, BoothStaff.booth_id == Booth.id)
                            .where(Booth.edition_id == live.id)).scalar_one()
    assert client.get(f"/live/booths/{booth.id}/desk").status_code == 200
    free_video = session.execute(select(func.count(Slot.id)).where(
        Slot.booth_id == booth.id, Slot.mode == SlotMode.video, Slot.starts_at > now)).scalar_one()
    assert free_video >= 9  # tomorrow morning at least, in 20-minute interviews

    candidate = app.test_client()
    login(candidate, "candidat@demo.fair", DEMO_PASSWORD)
    state = candidate.get(f"/live/booths/{booth.id}/state").get_json()
    assert state["open"] is True and state["waiting"] == 0 and state["me"]["position"] is None
    assert LIVE_TITLE in page_text(candidate.get(f"/fairs/{LIVE_SLUG}"))
    assert "Découvrir les métiers de l'entrepôt" in page_text(candidate.get(f"/fairs/{LIVE_SLUG}/webinars"))


def _edition(session, slug: str) -> Edition:
    return session.execute(select(Edition).where(Edition.slug == slug)).scalar_one()


def _signed_in(app, role: str):
    client = app.test_client()
    login(client, dict((r, e) for r, e, _ in DEMO_LOGINS)[role], DEMO_PASSWORD)
    return client


def test_a_forum_at_a_venue_today_where_the_candidate_holds_a_ticket_and_two_are_checked_in(demo, app, session):
    from fair.checkin.models import CheckIn
    from fair.demo import SITE_SLUG, SITE_TITLE

    site = _edition(session, SITE_SLUG)
    now = dt.datetime.now(dt.timezone.utc)
    assert site.format is EditionFormat.hybrid and site.venue and site.is_public and now < site.ends_at
    assert count(session, select(func.count(CheckIn.id)).where(CheckIn.edition_id == site.id)) == 2

    candidate = _signed_in(app, "candidate")
    assert f"Mon billet pour {SITE_TITLE}" in page_text(candidate.get("/candidate/"))
    ticket = candidate.get(f"/candidate/editions/{site.id}/ticket")
    assert ticket.status_code == 200 and "data:image/svg" in ticket.get_data(as_text=True)  # the QR code

    door = page_text(_signed_in(app, "organiser").get(f"/console/editions/{site.id}/checkin"))
    assert "2 personnes accueillies" in door


def test_the_recruiter_pipeline_has_rated_people_and_two_to_decide(demo, app, session):
    company = session.execute(select(Organisation).where(Organisation.name == COMPANIES[0].name)).scalar_one()
    recruiter = _signed_in(app, "recruiter")
    text = page_text(recruiter.get(f"/recruiter/companies/{company.id}/pipeline"))
    assert "Amina Benali" in text and "Kévin Dubois" in text and "Candidat Démo" in text
    assert "lui envoyer le dossier" in text  # a note
    assert "entretien prévu le" in text  # the forum's interviews are ahead, not a last contact
    booth = session.execute(select(Booth).join(Edition).where(Edition.slug == DEMO_SLUG,
                                                              Booth.company_id == company.id)).scalar_one()
    inbox = page_text(recruiter.get(f"/recruiter/booths/{booth.id}/applications"))
    assert "2 candidatures" in inbox and "Amina Benali" in inbox  # applied since the alternance forum
    todo = page_text(recruiter.get(f"/recruiter/companies/{company.id}/pipeline?step=none"))
    assert "Nadia Haddad" in todo and "Candidat Démo" in todo and "Amina Benali" not in todo


def test_a_job_dating_in_two_days_shows_problems_on_its_health_page(demo, app, session):
    from fair.demo import SOON_SLUG
    from fair.health.services import Kind, edition_health

    soon = _edition(session, SOON_SLUG)
    now = dt.datetime.now(dt.timezone.utc)
    assert now + dt.timedelta(days=1) < soon.starts_at < now + dt.timedelta(days=3)
    kinds = {problem.kind for problem in edition_health(session, soon, now).problems}
    assert {Kind.company_without_slots, Kind.referral_waiting} <= kinds
    assert Kind.company_without_offers not in kinds
    page = _signed_in(app, "organiser").get(f"/console/editions/{soon.id}/health")
    assert page.status_code == 200 and "Hôtels du Vieux-Lille" in page_text(page)


def test_an_ended_forum_has_survey_answers_and_sends_its_survey(demo, app, session):
    from fair.demo import PAST_SLUG
    from fair.surveys.models import SurveyResponse
    from fair.surveys.services import editions_to_survey, participants

    past = _edition(session, PAST_SLUG)
    now = dt.datetime.now(dt.timezone.utc)
    assert past.ends_at < now and past in editions_to_survey(session, now)
    assert count(session, select(func.count(SurveyResponse.id)).where(SurveyResponse.edition_id == past.id)) == 3
    emails = {user.email for user, _role in participants(session, past)}
    assert {"candidat@demo.fair", "recruteur@demo.fair"} <= emails  # the two who have not answered get a link


def test_the_candidate_gave_two_consents_and_a_recruiter_opened_their_cv(demo, app, session):
    candidate = _signed_in(app, "candidate")
    consents = page_text(candidate.get("/account/consents"))
    assert "statistiques" in consents and "prochains salons" in consents
    cvs = page_text(candidate.get("/candidate/cvs"))
    assert "CV Candidat Démo.pdf" in cvs and COMPANIES[0].name in cvs
