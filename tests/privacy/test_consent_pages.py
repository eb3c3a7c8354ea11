"""The consent pages in Chromium: the privacy notice, a person's consents, the unsubscribe page and an
organiser's retention page pass axe-core (WCAG 2.1 A/AA) on a phone and a desktop; screenshots are
kept in test-artifacts/ to look at."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import (  # noqa: F401  (fixtures used by name)
    ARTIFACTS,
    axe_violations,
    browser,
    database_url,
    describe,
    log_in,
    page,
)

pytestmark = pytest.mark.e2e


def _check(page, url: str, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    assert not axe_violations(page), describe(axe_violations(page))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"consent-{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    assert not axe_violations(page), describe(axe_violations(page))
    page.screenshot(path=str(ARTIFACTS / f"consent-{name}-1280.png"), full_page=True)


def test_the_consent_pages_pass_axe(live_server, page, factory, session, app):
    from itsdangerous import URLSafeSerializer

    from fair.accounts.consent import ConsentPurpose, give, version_of, withdraw
    from fair.candidates.labels import SITUATION_CONSENT_TEXT, SMS_CONSENT_TEXT, TALENT_POOL_TEXT
    from fair.mail.unsubscribe import SALT, address_hash

    organiser = factory.organisation("organiser", "Métropole Emploi")
    factory.member(organiser, email="olga.owner@example.org", full_name="Olga Propriétaire", role="owner")
    edition = factory.edition(organiser, status="published", slug="rencontres-emploi", title="Rencontres pour l'emploi",
                              privacy_purposes="Une enquête de satisfaction après le salon")
    organiser.retention = {"application_after_edition": 45}
    candidate = factory.user(email="camille@example.org", full_name="Camille Candidate")
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        for purpose, wording in ((ConsentPurpose.situations, SITUATION_CONSENT_TEXT),
                                 (ConsentPurpose.talent_pool, TALENT_POOL_TEXT),
                                 (ConsentPurpose.sms, SMS_CONSENT_TEXT)):
            give(session, candidate.id, purpose, str(wording), version_of(wording))
        withdraw(session, candidate.id, ConsentPurpose.sms)
        session.commit()

    page.goto(f"{live_server}/privacy?edition={edition.slug}")
    assert page.get_by_role("heading", name="Combien de temps").is_visible()
    assert "45 jours" in page.locator("#retention-application_after_edition").inner_text()
    _check(page, f"{live_server}/privacy?edition={edition.slug}", "privacy")
    # Signed as the web process signs it (its own SECRET_KEY, see tests/e2e/conftest.py).
    token = URLSafeSerializer("e2e-secret-key", salt=SALT).dumps([organiser.id, address_hash("camille@example.org")])
    _check(page, f"{live_server}/unsubscribe/{token}", "unsubscribe")
    assert page.get_by_role("heading", name="Se désinscrire").is_visible()
    page.get_by_role("button", name="Se désinscrire").click()
    page.wait_for_load_state()
    assert "Métropole Emploi n’enverra plus d’invitations" in page.locator("[role=status]").inner_text()
    assert not axe_violations(page), describe(axe_violations(page))

    log_in(page, live_server, "camille@example.org")
    _check(page, f"{live_server}/account/consents", "consents")
    page.get_by_role("button", name="Retirer Vivier de talents").click()
    page.wait_for_load_state()
    assert "Vous avez quitté le vivier de talents." in page.locator(".flashes").inner_text()
    assert not axe_violations(page), describe(axe_violations(page))

    page.context.clear_cookies()  # signed out
    log_in(page, live_server, "olga.owner@example.org")
    _check(page, f"{live_server}/organisations/{organiser.id}/retention", "retention")
