"""The API tokens page and the API's own page in Chromium, as an owner uses them: from the team page to
a new token (shown once), which then reads the API; axe-core finds no WCAG A/AA violation, nothing
scrolls sideways, and screenshots at 390 and 1280 px are kept in test-artifacts/ to look at."""
from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import check_and_shoot, log_in

pytestmark = pytest.mark.e2e


def test_an_owner_makes_a_token_that_reads_the_api_then_revokes_it(live_server, page, factory):
    company = factory.organisation("company", "Transports Rapides du Nord")
    factory.member(company, email="olivia.api@example.org", full_name="Olivia Propriétaire", role="owner")

    log_in(page, live_server, "olivia.api@example.org")
    page.goto(f"{live_server}/organisations/{company.id}/team")
    page.get_by_role("link", name="Jetons d’API : laissez votre propre logiciel").click()
    page.wait_for_load_state()
    check_and_shoot(page, "api-tokens-index")

    page.get_by_role("button", name="Créer le jeton").click()  # nothing chosen: said next to each field
    page.wait_for_load_state()
    assert page.get_by_text("Choisissez au moins une permission.").is_visible()
    check_and_shoot(page, "api-tokens-errors")

    page.get_by_label("Nom du jeton").fill("Logiciel de recrutement")
    page.get_by_label("Lire les candidatures (applications:read)").check()
    page.get_by_label("Lire les offres (offers:read)").check()
    page.get_by_role("button", name="Créer le jeton").click()
    page.wait_for_load_state()
    secret = page.locator("#api-token-secret").inner_text()
    assert secret.startswith("fair_")
    check_and_shoot(page, "api-token-created")

    answer = requests.get(f"{live_server}/api/v1/offers", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert answer.status_code == 200 and answer.json() == {"data": [], "next_cursor": None}

    page.goto(f"{live_server}/organisations/{company.id}/api-tokens")
    assert secret not in page.content()  # shown once only
    page.get_by_role("button", name="Révoquer Logiciel de recrutement").click()
    page.wait_for_load_state()
    assert page.get_by_text("Le jeton est révoqué").is_visible()
    refused = requests.get(f"{live_server}/api/v1/offers", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert refused.status_code == 401 and refused.headers["Content-Type"] == "application/problem+json"

    page.goto(f"{live_server}/api/v1/docs")
    check_and_shoot(page, "api-docs")
