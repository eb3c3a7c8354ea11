"""In Chromium against `python wsgi.py`: a candidate registers, uploads a CV and applies; their adviser
refers them and they agree through the emailed link; the recruiter shortlists; the adviser sees the
new status. axe-core checks every page of the candidates' domain they see."""
from __future__ import annotations

import re

import pytest

from tests.candidates.helpers import pdf_bytes
from tests.conftest import PASSWORD, run_jobs
from tests.e2e.conftest import axe_violations, describe, log_in, open_confirmation_link, open_menu

pytestmark = pytest.mark.e2e


def no_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe(violations)}"


def new_phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(15_000)
    return context.new_page()


def test_a_candidate_applies_the_recruiter_shortlists_and_the_adviser_sees_it(
        live_server, page, browser, factory, session, app, smtp, tmp_path):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Application, ApplicationStatus

    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(organiser, slug="job-dating-logistique", title="Job dating de la logistique")
    company = factory.organisation("company", "Logistique du Nord")
    factory.member(company, email="recrutement@example.org", full_name="Recruiter of Logistique du Nord")
    booth = factory.booth(edition, company)
    offer = factory.offer(booth, title="Cariste", contract_type="interim", place="Lille", open_to_beginners=True)
    partner = factory.organisation("partner", "Mission locale de Lille", partner_type=PartnerType.mission_locale)
    factory.member(partner, email="conseil@example.org", full_name="Adviser of the Mission locale")

    # A candidate creates an account.
    page.goto(f"{live_server}/register")
    page.locator("#full_name").fill("Sacha Martin")
    page.locator("#email").fill("sacha.martin@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm_password").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_load_state()
    assert "Consultez votre messagerie" in page.locator("main").inner_text()
    no_violations(page)

    # They confirm their address from the mail, then log in.
    open_confirmation_link(page, live_server, app, smtp, "sacha.martin@example.org")
    assert "votre adresse e-mail est confirmée." in page.locator("main").inner_text()
    page.get_by_label("Adresse e-mail").fill("sacha.martin@example.org")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()

    # Their CV.
    open_menu(page)
    page.get_by_role("link", name="Mon espace candidat").first.click()
    page.wait_for_load_state()
    no_violations(page)
    page.get_by_role("link", name="Mes CV").first.click()
    cv_file = tmp_path / "CV Sacha.pdf"
    cv_file.write_bytes(pdf_bytes("Sacha Martin"))
    page.get_by_label("Votre CV (PDF, Word ou OpenDocument, 5 Mo au maximum)").set_input_files(str(cv_file))
    page.get_by_role("button", name="Envoyer mon CV").click()
    page.wait_for_load_state()
    assert "Votre CV « CV Sacha.pdf » a été enregistré." in page.locator("main").inner_text()
    no_violations(page)

    # The profile.
    page.get_by_role("link", name="Mon profil").click()
    page.get_by_label("Commune", exact=True).fill("Lille")
    page.get_by_label("Compétences, permis et certificats").fill("CACES 3, préparation de commandes")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    page.wait_for_load_state()
    assert "Votre profil a été enregistré." in page.locator("main").inner_text()
    no_violations(page)

    # They find the offer and apply with their CV.
    page.goto(f"{live_server}/fairs/{edition.slug}/offers/{offer.id}")
    page.get_by_role("link", name="Candidater à cette offre").click()
    page.wait_for_load_state()
    no_violations(page)
    assert page.get_by_label("CV à envoyer").input_value() != ""
    page.get_by_label("Message au recruteur (facultatif)").fill("J'ai le CACES 3 et je suis disponible.")
    page.get_by_role("button", name="Envoyer ma candidature").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Votre candidature à « Cariste » a été envoyée à Logistique du Nord." in main
    assert "Envoyée" in main
    no_violations(page)

    # The adviser refers them; the candidate agrees through the emailed link.
    adviser = new_phone_page(browser)
    try:
        log_in(adviser, live_server, "conseil@example.org")
        open_menu(adviser)
        adviser.get_by_role("link", name="Candidats suivis").click()
        adviser.get_by_role("link", name="Orienter un candidat").click()
        adviser.wait_for_load_state()
        no_violations(adviser)
        adviser.get_by_label("Prénom et nom du candidat").fill("Sacha Martin")
        adviser.get_by_label("Adresse e-mail du candidat").fill("sacha.martin@example.org")
        adviser.get_by_role("button", name="Envoyer la demande").click()
        adviser.wait_for_load_state()
        assert "En attente de l'accord du candidat" in adviser.locator("main").inner_text()

        run_jobs(app)
        mails = [m for m in smtp.wait_for("sacha.martin@example.org", count=2)
                 if "suivre vos candidatures" in str(m["Subject"])]
        link = re.search(r"https?://\S+/referrals/confirm/\S+", mails[0].get_body(("plain",)).get_content()).group(0)
        page.goto(live_server + link[link.index("/referrals/"):])
        no_violations(page)
        page.get_by_role("button", name="J'accepte").click()
        page.wait_for_load_state()
        assert "peut désormais suivre vos candidatures" in page.locator("main").inner_text()

        # The recruiter shortlists.
        recruiter = new_phone_page(browser)
        try:
            log_in(recruiter, live_server, "recrutement@example.org")
            recruiter.get_by_role("link", name=re.compile("^Candidatures")).first.click()
            recruiter.wait_for_load_state()
            no_violations(recruiter)
            recruiter.get_by_role("link", name="Sacha Martin").click()
            recruiter.wait_for_load_state()
            assert "J'ai le CACES 3 et je suis disponible." in recruiter.locator("main").inner_text()
            no_violations(recruiter)
            recruiter.get_by_role("button", name="Présélectionner").click()
            recruiter.wait_for_load_state()
            assert "La candidature est dans votre présélection." in recruiter.locator("main").inner_text()
        finally:
            recruiter.context.close()
        session.expire_all()
        assert session.query(Application).one().status is ApplicationStatus.shortlisted

        # The adviser sees the new status.
        adviser.goto(f"{live_server}/adviser/")
        assert "Présélectionnée" in adviser.locator("main").inner_text()
        no_violations(adviser)
        adviser.get_by_role("link", name="Sacha Martin").click()
        adviser.wait_for_load_state()
        assert "Présélectionnée" in adviser.locator("main").inner_text()
        no_violations(adviser)
    finally:
        adviser.context.close()

    # And so does the candidate.
    page.goto(f"{live_server}/candidate/applications")
    assert "Présélectionnée" in page.locator("main").inner_text()
