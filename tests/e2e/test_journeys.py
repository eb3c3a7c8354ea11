"""What people do in a page, in Chromium against `python wsgi.py`: an organiser publishes a fair, a
visitor finds it and narrows its offers down; axe-core checks the pages they see."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.e2e.conftest import axe_violations, describe, log_in

pytestmark = pytest.mark.e2e


def offer_titles(page) -> list[str]:
    return page.locator("#offers .offer-list h3").all_inner_texts()


def test_an_organiser_publishes_a_fair_and_a_visitor_narrows_its_offers(live_server, page, browser, factory,
                                                                           session):
    from fair.fairs.models import Edition, EditionStatus

    metropole = factory.organisation("organiser", "Métropole de Lille")
    factory.member(metropole, email="organisatrice@example.org")

    log_in(page, live_server, "organisatrice@example.org")
    page.goto(f"{live_server}/console/editions/new")
    page.get_by_label("Titre").fill("Forum des métiers de l'aide à domicile")
    page.get_by_label("Description").fill("Rencontrez les employeurs du soin et de l'aide à domicile.")
    page.get_by_label("Début", exact=True).fill("2030-06-10T09:00")
    page.get_by_label("Fin", exact=True).fill("2030-06-10T17:00")
    page.get_by_label("Ouverture des inscriptions").fill("2030-05-01T09:00")
    page.get_by_label("Clôture des inscriptions").fill("2030-06-10T12:00")
    page.get_by_role("button", name="Créer le salon").click()
    page.wait_for_load_state()

    # The new fair is a draft: nobody but its organisers sees it yet.
    edition = session.execute(select(Edition).where(Edition.title.like("Forum des métiers%"))).scalar_one()
    assert edition.status is EditionStatus.draft
    assert edition.slug == "forum-des-metiers-de-l-aide-a-domicile"
    assert page.url.endswith(f"/console/editions/{edition.id}")

    # Meanwhile two companies have set up their booths (their own pages are tested elsewhere).
    home_care = factory.booth(edition, factory.organisation("company", "Aide et Soins du Nord"))
    transport = factory.booth(edition, factory.organisation("company", "Transports Solidaires"))
    factory.offer(home_care, title="Auxiliaire de vie", contract_type="cdi", place="Roubaix", open_to_beginners=True)
    factory.offer(home_care, title="Aide-soignant de nuit", contract_type="cdd", place="Lille")
    factory.offer(transport, title="Chauffeur accompagnateur", contract_type="cdi", place="Lille",
                  open_to_beginners=True)
    factory.offer(transport, title="Responsable de planning", contract_type="alternance", place="Tourcoing")

    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
    try:
        visitor.goto(live_server + "/")
        assert visitor.get_by_role("link", name="Forum des métiers de l'aide à domicile").count() == 0

        page.get_by_role("button", name="Publier").click()
        page.wait_for_load_state()
        assert "Publié" in page.locator("main").inner_text()
        session.expire_all()
        assert session.get(Edition, edition.id).status is EditionStatus.published

        # A visitor, not signed in, finds it on the home page.
        visitor.goto(live_server + "/")
        visitor.get_by_role("link", name="Forum des métiers de l'aide à domicile").click()
        visitor.wait_for_load_state()
        assert visitor.url.startswith(f"{live_server}/fairs/{edition.slug}")
        assert sorted(offer_titles(visitor)) == sorted([
            "Auxiliaire de vie", "Aide-soignant de nuit", "Chauffeur accompagnateur", "Responsable de planning"])

        # Permanent jobs only…
        visitor.get_by_label("Type de contrat").select_option(label="CDI")
        visitor.get_by_role("button", name="Rechercher").click()
        visitor.wait_for_load_state()
        assert sorted(offer_titles(visitor)) == ["Auxiliaire de vie", "Chauffeur accompagnateur"]

        # … in Lille, open to beginners; the filters stay as chosen and live in the address, to share.
        visitor.get_by_label("Lieu").select_option(label="Lille")
        visitor.get_by_label("Seulement les offres ouvertes aux débutants").check()
        visitor.get_by_role("button", name="Rechercher").click()
        visitor.wait_for_load_state()
        assert offer_titles(visitor) == ["Chauffeur accompagnateur"]
        assert re.search(r"contract=cdi", visitor.url) and re.search(r"place=Lille", visitor.url)
        assert visitor.get_by_label("Type de contrat").input_value() == "cdi"

        # A keyword that matches nothing says so instead of showing an empty list.
        visitor.get_by_label("Mots-clés").fill("astronaute")
        visitor.get_by_role("button", name="Rechercher").click()
        visitor.wait_for_load_state()
        assert offer_titles(visitor) == []
        assert "Aucune offre" in visitor.locator("#offers").inner_text()

        # The offer itself opens from the list.
        visitor.goto(f"{live_server}/fairs/{edition.slug}?q=chauffeur")
        visitor.get_by_role("link", name="Chauffeur accompagnateur").click()
        visitor.wait_for_load_state()
        assert visitor.get_by_role("heading", level=1).inner_text() == "Chauffeur accompagnateur"
        assert "Transports Solidaires" in visitor.locator("main").inner_text()
    finally:
        visitor.context.close()


@pytest.mark.parametrize("which", ["home", "fair", "offer", "login"])
def test_public_pages_have_no_wcag_a_or_aa_violation(live_server, page, factory, which):
    metropole = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(metropole, slug="rencontres-emploi", title="Rencontres pour l'emploi")
    booth = factory.booth(edition, factory.organisation("company", "Boulangerie du Vieux-Lille", city="Lille"))
    offer = factory.offer(booth, title="Boulanger ou boulangère", contract_type="alternance", place="Lille",
                          requirements="Motivation, ponctualité", open_to_beginners=True)
    for n in range(3):
        factory.offer(booth, title=f"Vendeur ou vendeuse {n}", contract_type="cdd", place="Villeneuve-d'Ascq")
    paths = {
        "home": "/",
        "fair": f"/fairs/{edition.slug}",
        "offer": f"/fairs/{edition.slug}/offers/{offer.id}",
        "login": "/login",
    }

    page.goto(live_server + paths[which])
    assert page.title()
    violations = axe_violations(page)
    assert not violations, describe(violations)
