"""Sign-in with ProConnect's button in Chromium, against a real provider (tests/node/oidc_provider.js)
configured as ProConnect: the login page with its button, the trip to the provider and back signed in,
logging out through the provider, and the refusal page for an address nobody invited. fair's pages pass
axe-core at phone and desktop width; screenshots are kept in test-artifacts/."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import check_and_shoot
from tests.servers import OidcProviderProcess, WebProcess, free_port

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(request, tmp_path_factory) -> Iterator[str]:
    """The web process with a provider named proconnect, registered for this server's address."""
    port = free_port()
    provider = OidcProviderProcess(base_url=f"http://127.0.0.1:{port}", name="proconnect").start()
    settings = provider.settings(label="ProConnect", kind="proconnect")
    server = WebProcess(request.getfixturevalue("postgresql_url"), request.getfixturevalue("valkey").url,
                        secret_key="e2e-secret-key", mail_url=request.getfixturevalue("smtp").url, port=port,
                        env={"FAIR_INSTANCE_PATH": str(tmp_path_factory.mktemp("e2e-oidc")),
                             "OIDC_PROVIDERS": json.dumps([settings])},
                        log_path=tmp_path_factory.mktemp("e2e-oidc-log") / "server.log")
    try:
        with server:
            yield server.url
    finally:
        provider.stop()


def at_provider(page, login: str) -> None:
    """The provider's own pages (not ours): its login form, then its consent form if it asks."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if page.locator("input[name=prompt][value=consent]").count():
        page.locator("button[type=submit]").click()
        page.wait_for_load_state()


def test_sign_in_with_proconnect_and_out_again(live_server, page, factory):
    factory.member(factory.organisation("partner", "Mission locale du Nord"), email="verified@example.org",
                   full_name="Vera Fied")
    page.goto(f"{live_server}/login")
    button = page.get_by_role("button", name="S’identifier avec ProConnect")
    assert button.is_visible()
    assert page.get_by_role("link", name="Qu’est-ce que ProConnect ?").is_visible()
    assert page.get_by_label("Mot de passe", exact=True).is_visible()  # passwords stay
    check_and_shoot(page, "oidc-login")

    button.click()
    page.wait_for_load_state()
    at_provider(page, "verified")
    assert page.url.startswith(live_server)
    page.goto(f"{live_server}/account")
    assert "verified@example.org" in page.locator("main").inner_text()

    page.set_viewport_size({"width": 1280, "height": 900})  # the header's menu open
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_load_state()
    page.locator("button[name=logout]").click()  # the provider asks before ending its session
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server}/")
    assert "Déconnexion effectuée." in page.locator("body").inner_text()


def test_an_address_nobody_invited_gets_a_clear_refusal(live_server, page):
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="S’identifier avec ProConnect").click()
    page.wait_for_load_state()
    at_provider(page, "stranger")
    assert "Aucun compte n’utilise cette adresse e-mail" in page.get_by_role("alert").inner_text()
    check_and_shoot(page, "oidc-refused")
