"""The network pages in Chromium, as a coordinator, a candidate and a recruiter reach them: axe-core finds
no A/AA violation, nothing scrolls sideways on a phone; screenshots at 390 and 1280 px are left in
test-artifacts/ to be looked at."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import check_and_shoot, log_in
from tests.networks.world import build

pytestmark = pytest.mark.e2e


def test_a_coordinator_a_candidate_and_a_recruiter_on_the_network_pages(live_server, browser, page, factory,
                                                                         session, app):
    from fair.fairs.models import EditionPartner

    world = build(app, session, factory)
    session.add(EditionPartner(edition_id=world.edition.id, organisation_id=world.tremplin.id))
    session.commit()

    log_in(page, live_server, world.coordinator.email)
    assert page.get_by_role("heading", name="Mes réseaux", level=1).is_visible()  # where a coordinator lands
    check_and_shoot(page, "network-index")
    page.get_by_role("link", name="Union des associations du Nord").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Ajouter un membre").is_visible()
    check_and_shoot(page, "network-page")
    page.get_by_label("Référent de Association Horizon").select_option(label="Hugo Horizon")
    page.get_by_role("button", name="Enregistrer le référent — Association Horizon").click()
    page.wait_for_load_state()
    assert "Hugo Horizon" in page.locator("main").inner_text()
    page.get_by_role("link", name="Chiffres du réseau").click()
    page.wait_for_load_state()
    page.get_by_label("Année").select_option("2030")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    assert "Association Tremplin" in page.locator("#table-network-members").inner_text()
    check_and_shoot(page, "network-figures")

    person = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    candidate = person.new_page()
    log_in(candidate, live_server, world.camille.email)
    candidate.goto(f"{live_server}/candidate/referrals")
    candidate.get_by_role("link", name="Les réseaux de mes conseillers : choisir lesquels voient mon nom").click()
    candidate.wait_for_load_state()
    check_and_shoot(candidate, "network-candidate-choice")
    candidate.get_by_role("button", name="J'accepte — Union des associations du Nord").click()
    candidate.wait_for_load_state()
    assert candidate.get_by_role("button", name="Cacher mon nom à ce réseau — Union des associations du Nord") \
        .is_visible()
    person.close()

    assert "Camille Martin" not in page.locator("main").inner_text()
    page.reload()
    assert "Camille Martin" in page.locator("#named-heading + p + .table-wrap").inner_text()

    company = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    recruiter = company.new_page()
    log_in(recruiter, live_server, world.recruiter.email)
    recruiter.goto(f"{live_server}/editions/{world.edition.id}/partners")
    check_and_shoot(recruiter, "network-edition-partners")
    recruiter.get_by_role("link", name="Association Tremplin").click()
    recruiter.wait_for_load_state()
    assert "Boulangerie Lefort" in recruiter.locator("main").inner_text()
    check_and_shoot(recruiter, "network-edition-partner")
    company.close()

    structure = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    adviser = structure.new_page()
    log_in(adviser, live_server, world.referent.email)
    adviser.goto(f"{live_server}/adviser/")
    adviser.get_by_role("link", name="Réseau : Union des associations du Nord").click()
    adviser.wait_for_load_state()
    assert adviser.get_by_role("heading", name="Union des associations du Nord", level=1).is_visible()
    adviser.goto(f"{live_server}/adviser/referrals/{world.camille_referral.id}/networks")
    check_and_shoot(adviser, "network-adviser-consent")
    structure.close()
