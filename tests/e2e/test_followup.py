"""In Chromium against `python wsgi.py`: an adviser opens a colleague's person from the structure's
home, writes a note on the shared file, hands the person over; the structure's owner then hands
everyone a leaving adviser follows to a colleague. axe-core checks each page; screenshots at 390 and
1280 px are left in test-artifacts/ to be looked at."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import check_and_shoot, log_in

pytestmark = pytest.mark.e2e


def test_the_structure_shares_a_file_and_hands_people_over(live_server, page, browser, factory, session):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Application, ApplicationStatus, Referral, ReferralStatus
    from fair.db import utcnow

    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(organiser, slug="job-dating-logistique", title="Job dating de la logistique")
    company = factory.organisation("company", "Entrepôts du Nord")
    offer = factory.offer(factory.booth(edition, company), title="Préparateur de commandes")
    mission = factory.organisation("partner", "Mission locale de Roubaix", partner_type=PartnerType.mission_locale)
    leaving = factory.member(mission, email="depart@mission.example", full_name="Awa Diallo")
    factory.member(mission, email="conseil@mission.example", full_name="Karim Haddad")
    factory.member(mission, email="direction@mission.example", full_name="Nadia Roux", role="owner")
    samira = factory.user(email="samira@example.org", full_name="Samira Benali")
    yanis = factory.user(email="yanis@example.org", full_name="Yanis Martin")
    for person in (samira, yanis):
        session.add(Referral(adviser_id=leaving.id, partner_id=mission.id, candidate_id=person.id,
                             status=ReferralStatus.confirmed, consent_text="ok",
                             created_at=utcnow() - dt.timedelta(days=20),
                             confirmed_at=utcnow() - dt.timedelta(days=19)))
    session.add(Application(candidate_id=samira.id, offer_id=offer.id, status=ApplicationStatus.shortlisted,
                            created_at=utcnow() - dt.timedelta(days=5),
                            status_changed_at=utcnow() - dt.timedelta(days=3)))
    session.commit()

    log_in(page, live_server, "conseil@mission.example")
    page.goto(f"{live_server}/adviser/")
    assert "Suivie par Awa Diallo" in page.inner_text("main")
    check_and_shoot(page, "followup-adviser-home")
    page.get_by_role("link", name="Samira Benali").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Dossier de Samira Benali", level=1).is_visible()
    page.get_by_role("button", name="Ajouter la note").click()
    page.wait_for_load_state()
    assert "Ce champ est obligatoire." in page.inner_text("main")
    page.get_by_label("Note pour les conseillers de votre structure").fill("Permis B en cours, disponible le matin.")
    page.get_by_role("button", name="Ajouter la note").click()
    page.wait_for_load_state()
    assert "Permis B en cours, disponible le matin." in page.inner_text("#timeline")
    page.get_by_label("Nouveau conseiller").select_option(label="Karim Haddad")
    page.get_by_role("button", name="Transmettre", exact=True).click()
    page.wait_for_load_state()
    assert "Transmise de Awa Diallo à Karim Haddad par Karim Haddad." in page.inner_text("#timeline")
    assert "Candidature à « Préparateur de commandes » chez Entrepôts du Nord." in page.inner_text("#timeline")
    check_and_shoot(page, "followup-person-file")

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    owner = context.new_page()
    log_in(owner, live_server, "direction@mission.example")
    owner.goto(f"{live_server}/organisations/{mission.id}/team")
    owner.get_by_role("link", name="Transmettre les personnes suivies à un collègue — Awa Diallo").click()
    owner.wait_for_load_state()
    assert owner.get_by_role("heading", name="Transmettre les personnes que suit un conseiller").is_visible()
    owner.get_by_label("Nouveau conseiller").select_option(label="Karim Haddad")
    owner.get_by_role("button", name="Les transmettre").click()
    owner.wait_for_load_state()
    assert "1 personne transmise à Karim Haddad" in owner.inner_text("main")
    check_and_shoot(owner, "followup-structure-handover")
    context.close()
