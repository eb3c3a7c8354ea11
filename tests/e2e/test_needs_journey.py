"""Issue 18 item 3 in Chromium against `python wsgi.py`: a union with two member associations; a company
posts a need; both associations propose people; the company answers from one list; each adviser sees
the answer; the company invites the accepted people to a job dating. axe-core checks every page, at
phone and desktop width (screenshots in test-artifacts/needs-*.png)."""
from __future__ import annotations

import contextlib

import pytest

from tests.e2e.conftest import check_and_shoot, log_in

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def signed_in(browser, base: str, email: str):
    """A browser profile of its own for each person, phone-sized, signed in through the login page."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, base, email)
    try:
        yield page
    finally:
        context.close()


def _main(page) -> str:
    return page.locator("main").inner_text()


def test_a_union_s_associations_propose_people_and_the_company_answers_from_one_list(
        live_server, browser, app, factory, session, smtp):
    from sqlalchemy import select

    from fair.mail.models import OutboxMessage
    from fair.needs.models import NeedProposal
    from tests.conftest import run_jobs
    from tests.needs.helpers import union_world

    w = union_world(app, session, factory, prefix="e2e-")
    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(organiser, slug="job-dating-proprete", title="Job dating propreté")
    factory.booth(edition, w.company)

    # The company posts its need to the union.
    with signed_in(browser, live_server, w.recruiter.email) as company:
        company.goto(f"{live_server}/needs")
        check_and_shoot(company, "needs-index-company")
        company.get_by_role("link", name="Publier un besoin auprès de Union Insertion Nord").click()
        company.wait_for_load_state()
        company.get_by_label("Intitulé du poste").fill("Agent de propreté")
        company.get_by_label("Nombre de postes").fill("0")
        company.get_by_label("Date de début").fill("2030-03-01")
        company.get_by_role("button", name="Publier le besoin").click()
        company.wait_for_load_state()
        assert "Entre 1 et 500 postes." in _main(company)
        check_and_shoot(company, "needs-new-errors")
        company.get_by_label("Nombre de postes").fill("4")
        company.get_by_label("Lieu de travail").fill("Lille, zone de l’Union")
        company.get_by_label("Profil recherché").fill("Permis B apprécié. Horaires décalés (6 h – 13 h).")
        company.get_by_label("Une formation avant l’embauche est possible").check()
        company.get_by_label("Ce recrutement relève d’une clause sociale").check()
        company.get_by_role("button", name="Publier le besoin").click()
        company.wait_for_load_state()
        assert "Le besoin est publié" in _main(company)
        assert "Aucune proposition pour le moment" in _main(company)
        need_url = company.url

    # The first association tries someone who never agreed to the union, then proposes two people.
    with signed_in(browser, live_server, w.adviser1.email) as adviser:
        adviser.goto(f"{live_server}/needs")
        adviser.get_by_role("link", name="Agent de propreté").click()
        adviser.wait_for_load_state()
        check_and_shoot(adviser, "needs-propose")
        adviser.get_by_label("Inès Morel").check()
        adviser.get_by_label("Léa Dubois", exact=False).check()
        adviser.get_by_role("button", name="Proposer les personnes cochées").click()
        adviser.wait_for_load_state()
        assert "ne peuvent donc pas être proposées : Léa Dubois." in _main(adviser)
        check_and_shoot(adviser, "needs-propose-refused")
        adviser.get_by_label("Léa Dubois", exact=False).uncheck()
        adviser.get_by_label("Jules Petit").check()
        adviser.get_by_label("Note pour l’entreprise (facultatif)").fill("Disponibles dès mars.")
        adviser.get_by_role("button", name="Proposer les personnes cochées").click()
        adviser.wait_for_load_state()
        assert "2 personnes proposées" in _main(adviser)

    # The second association, a probation service, proposes its own person.
    with signed_in(browser, live_server, w.adviser2.email) as probation:
        probation.goto(need_url)
        probation.get_by_label("Karim Benali").check()
        probation.get_by_role("button", name="Proposer les personnes cochées").click()
        probation.wait_for_load_state()
        assert "1 personne proposée" in _main(probation)

    # The company answers each person from one list; the probation service is only "a partner".
    with signed_in(browser, live_server, w.recruiter.email) as company:
        company.goto(need_url)
        text = _main(company)
        assert "3 propositions" in text and "Proposé·e par un partenaire" in text and "SPIP" not in text
        check_and_shoot(company, "needs-consolidated-list")
        for name, decision, reason in (("Inès Morel", "Accepter", None), ("Karim Benali", "Accepter", None),
                                       ("Jules Petit", "Ne pas retenir", "experience")):
            card = company.locator("li.card", has_text=name)
            card.get_by_label(decision, exact=False).check()
            if reason:
                card.get_by_label("Motif du refus").select_option(reason)
            card.get_by_role("button", name="Envoyer la réponse").click()
            company.wait_for_load_state()
            assert f"qui a proposé {name} est prévenu" in _main(company)
        assert company.locator("li.card", has_text="Jules Petit").get_by_text("Non retenue").is_visible()
        check_and_shoot(company, "needs-answered")

        # The accepted people are invited to book interviews at the company's booth.
        company.get_by_role("button", name="Choisir les créneaux").click()
        company.wait_for_load_state()
        check_and_shoot(company, "needs-job-dating")
        company.get_by_label("Heure de début").fill("10:00")
        company.get_by_label("Heure de fin").fill("11:00")
        company.get_by_role("button", name="Ouvrir les créneaux et inviter").click()
        company.wait_for_load_state()
        assert "2 personnes sont invitées à les réserver" in _main(company)

    # Each adviser sees the answers about their own people, and is told by mail.
    with signed_in(browser, live_server, w.colleague1.email) as colleague:
        colleague.goto(need_url)
        mine = colleague.locator("#mine").inner_text()
        assert "Inès Morel" in mine and "Acceptée" in mine and "Invitation à réserver un entretien envoyée le" in mine
        assert "Jules Petit" in mine and "Non retenue" in mine and "L'expérience demandée ne correspond pas" in mine
        assert "Karim" not in _main(colleague)
        check_and_shoot(colleague, "needs-adviser-answers")
    with signed_in(browser, live_server, w.adviser2.email) as probation:
        probation.goto(f"{live_server}/needs")
        assert "Agent de propreté" in _main(probation)
        check_and_shoot(probation, "needs-index-adviser")
        probation.goto(need_url)
        mine = probation.locator("#mine").inner_text()
        assert "Karim Benali" in mine and "Acceptée" in mine and "Inès" not in _main(probation)

    run_jobs(app)
    subjects = {str(m["Subject"]) for m in smtp.wait_for(w.adviser1.email, count=2)}
    assert "Propreté Services accepte Inès Morel pour « Agent de propreté »" in subjects
    assert smtp.wait_for(w.ines.email)
    assert len(session.execute(select(NeedProposal)).scalars().all()) == 3
    assert session.execute(select(OutboxMessage).where(OutboxMessage.template == "need_invitation")).scalars().all()
