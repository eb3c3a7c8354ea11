"""The header on a phone and on a wide screen, and the pages every page links to (issue 13, item 8).

A person with two roles once saw a three-line menu eating a quarter of a 390 px screen: on a phone the
menu folds behind one "Menu" button, a native disclosure that needs no script; on a wide screen it is
inline. axe-core checks the folded header and a legal page.
"""
from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, axe_violations, describe, log_in, shared_chromium

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
MENU_LINKS = ("Espace organisateur", "Mes stands", "Mes entretiens", "Mon agenda", "Mon compte")


def shot(page, name: str, tmp_path) -> None:
    """Screenshots to look at: kept in test-artifacts/ when LAYOUT_SCREENSHOTS is set."""
    folder = ARTIFACTS if os.environ.get("LAYOUT_SCREENSHOTS") else tmp_path
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def two_roles(factory):
    organiser = factory.organisation("organiser", name="Métropole de Lille")
    company = factory.organisation("company", name="Transports Rapides")
    person = factory.member(organiser, email="deux-roles@example.org", full_name="Camille Deux-Rôles")
    from fair.accounts.models import Membership, MembershipRole

    factory.session.add(Membership(user=person, organisation=company, role=MembershipRole.member))
    factory.session.commit()
    return person


def test_on_a_phone_the_menu_folds_behind_one_button_and_opens(live_server, page, two_roles, tmp_path):
    log_in(page, live_server, "deux-roles@example.org")
    page.goto(f"{live_server}/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] <= 80
    for name in MENU_LINKS:
        assert not page.get_by_role("link", name=name).is_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    shot(page, "home-390-signed-in", tmp_path)

    # The button is reached and worked with the keyboard.
    button = page.locator("summary.menu-button")
    button.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.menu").get_attribute("open") is not None
    for name in MENU_LINKS:
        link = page.get_by_role("link", name=name, exact=True)
        assert link.is_visible(), name
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    shot(page, "home-390-menu-open", tmp_path)

    page.get_by_role("link", name="Mon compte", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/account")
    assert "Comment rejoindre fair selon son rôle" in page.locator("main").inner_text()
    shot(page, "account-390", tmp_path)

    page.keyboard.press("Escape")  # nothing to close: the menu starts folded on every page
    assert page.locator("details.menu[open]").count() == 0


def test_on_a_wide_screen_the_links_are_inline(live_server, browser, two_roles, tmp_path):
    context = browser.new_context(viewport=WIDE, locale="fr-FR")
    try:
        page = context.new_page()
        log_in(page, live_server, "deux-roles@example.org")
        page.goto(f"{live_server}/")
        shot(page, "home-1280-signed-in", tmp_path)
        assert not page.locator("summary.menu-button").is_visible()
        tops = set()
        for name in MENU_LINKS:
            link = page.get_by_role("link", name=name, exact=True)
            assert link.is_visible(), name
            tops.add(round(link.bounding_box()["y"]))
        assert len(tops) == 1  # one line
        assert page.locator("header.site-header").bounding_box()["height"] <= 80
        page.goto(f"{live_server}/account")
        shot(page, "account-1280", tmp_path)
        page.goto(f"{live_server}/accessibility")
        shot(page, "accessibility-1280", tmp_path)
    finally:
        context.close()


def test_without_javascript_the_menu_still_opens(live_server, tmp_path):
    assert CHROMIUM
    context = shared_chromium().new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/legal-notice")
        assert not page.get_by_role("link", name="Se connecter").is_visible()
        page.locator("summary.menu-button").click()
        assert page.get_by_role("link", name="Se connecter").is_visible()
        page.get_by_role("link", name="Créer un compte").click()
        page.wait_for_load_state()
        assert page.url.endswith("/register")
    finally:
        context.close()


def test_the_legal_pages_are_linked_from_the_footer_and_accessible(live_server, page, tmp_path):
    page.goto(f"{live_server}/")
    footer = page.locator("footer")
    for name, path in (("Mentions légales", "/legal-notice"), ("Données personnelles", "/privacy"),
                       ("Accessibilité", "/accessibility")):
        footer.get_by_role("link", name=name).click()
        page.wait_for_load_state()
        assert page.url.endswith(path)
        assert page.locator("h1").inner_text() == name
        # The privacy notice is generated from the instance's settings; the other two wait for their text.
        expected = ("combien de temps" if path == "/privacy" else "Son éditeur ne l’a pas encore rédigée.")
        assert expected in page.locator("main").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        violations = axe_violations(page)
        assert not violations, describe(violations)
    shot(page, "accessibility-390", tmp_path)
