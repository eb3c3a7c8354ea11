"""The health page and the survey page in Chromium: axe-core finds no A/AA violation; the survey,
opened from a phone's mail, records the tapped answer and saves the rest without signing in.
Screenshots at 390 and 1280 px are left in test-artifacts/ to be looked at."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import ARTIFACTS, axe_violations, describe, log_in

pytestmark = pytest.mark.e2e


def test_the_health_page_reads_well_and_passes_axe(live_server, page, factory, session):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.fairs.models import EditionPartner
    from fair.jobdating.models import WaitlistEntry
    from fair.webinars.models import Provider, Webinar

    lead = factory.organisation("organiser", "Métropole européenne de Lille")
    factory.member(lead, email="health.lead@example.org")
    edition = factory.edition(lead, slug="rencontres-sante", title="Rencontres pour l'emploi de la Métropole")
    empty = factory.booth(edition, factory.organisation("company", "Bâtiment du Nord"))
    staffed_org = factory.organisation("company", "Logistique des Flandres")
    factory.member(staffed_org, email="rh.flandres@example.org")
    staffed = factory.booth(edition, staffed_org)
    factory.offer(staffed, title="Préparateur de commandes")
    session.add(Webinar(edition_id=edition.id, booth_id=empty.id, title="Les métiers du chantier",
                        speaker="Cheffe de chantier", starts_at=edition.starts_at + dt.timedelta(hours=1),
                        duration_minutes=45, capacity=20, provider=Provider.jitsi, room="chantier"))
    mission = factory.organisation("partner", "Mission locale de Roubaix", partner_type=PartnerType.association)
    adviser = factory.member(mission, email="health.adviser@example.org", full_name="Awa Diallo")
    waiting = factory.user(email="waiting@example.org", full_name="Samir Benali")
    pending = factory.user(email="pending.health@example.org")
    session.add_all([EditionPartner(edition_id=edition.id, organisation_id=mission.id),
                     WaitlistEntry(booth_id=staffed.id, candidate_id=waiting.id),
                     Referral(adviser_id=adviser.id, partner_id=mission.id, candidate_id=pending.id,
                              status=ReferralStatus.pending)])
    session.commit()
    ARTIFACTS.mkdir(exist_ok=True)

    log_in(page, live_server, "health.lead@example.org")
    page.goto(f"{live_server}/console/editions/{edition.id}")
    summary = page.locator("section", has_text="Avant le salon : ce qu’il faut corriger")
    assert "Stands sans compte recruteur : 1" in summary.inner_text()
    summary.get_by_role("link", name="Voir les vérifications").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Vérifications avant le salon", level=1).is_visible()
    assert "Samir Benali n’a réservé aucun entretien" in page.inner_text("main")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 1400})
        page.screenshot(path=str(ARTIFACTS / f"health-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_survey_page_opened_from_a_phone_records_the_tap_and_saves_the_rest(live_server, page, factory,
                                                                               session):
    from fair import links
    from fair.surveys.models import SurveyResponse

    lead = factory.organisation("organiser", "Ville de Tourcoing")
    factory.member(lead, email="survey.lead@example.org")
    edition = factory.edition(lead, slug="job-dating-tourcoing", title="Job dating de Tourcoing")
    candidate = factory.user(email="survey.candidate@example.org", full_name="Lina Haddad")
    token = links.issue(session, "survey", user_id=candidate.id, ttl=dt.timedelta(days=30), subject_type="edition",
                        subject_id=edition.id, max_uses=50)
    session.commit()
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server}/surveys/{token}/overall/4")  # the tap in the mail; nobody is signed in
    assert "Merci : votre réponse est enregistrée" in page.inner_text("main")
    assert page.get_by_label("4 – Bien").is_checked()
    page.screenshot(path=str(ARTIFACTS / "survey-390.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_label("En partie").check()
    page.get_by_label("Oui").last.check()
    page.get_by_label("Autre chose à dire aux organisateurs ? (facultatif)").fill("Des entreprises très accueillantes.")
    page.get_by_role("button", name="Enregistrer mes réponses").click()
    page.wait_for_load_state()
    assert "Merci : vos réponses sont enregistrées." in page.inner_text("body")
    session.expire_all()
    response = session.query(SurveyResponse).filter_by(user_id=candidate.id).one()
    assert response.answers == {"overall": "4", "met_companies": "partly", "come_again": "yes"}
    assert response.comment == "Des entreprises très accueillantes."
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "survey-1280.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)

    log_in(page, live_server, "survey.lead@example.org")  # the edition's report shows the answer
    page.goto(f"{live_server}/console/editions/{edition.id}/candidates")
    report = page.locator("section", has_text="Enquête de satisfaction").inner_text()
    assert "Candidats : 1 réponse" in report and "Des entreprises très accueillantes." in report
    assert "Lina" not in report
    page.locator("#survey-heading").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "survey-report-1280.png"), full_page=False)
    violations = axe_violations(page)
    assert not violations, describe(violations)
