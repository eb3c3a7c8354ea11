"""A real OpenID Provider (tests/node/oidc_provider.js) for the whole run, and the app configured with it.

`ProviderBrowser` plays the person's browser at the provider: it follows the provider's redirects, fills
its login form (any password) and its consent form, and stops at the redirect back to fair, which the
test then gives to Flask's test client: the same browser, seen from both sides.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from tests.conftest import csrf_token
from tests.servers import OidcProviderProcess

FAIR = "http://fair.test"
ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProviderProcess]:
    provider = OidcProviderProcess(base_url=FAIR).start()
    yield provider
    provider.stop()


@pytest.fixture
def app_config(app_config, oidc_provider):
    from fair.oidc import providers

    providers.forget_cache()  # each test discovers the provider afresh (its keys may have rotated)
    oidc_provider.mode()  # back to a provider that behaves
    return {**app_config, "OIDC_PROVIDERS": [oidc_provider.settings()]}


class ProviderBrowser:
    """The browser's side at the provider: its own cookies (the provider's session) across flows."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.forms_seen: list[str] = []  # the prompts the provider asked for (login, consent, logout)

    def through(self, url: str, login: str) -> str:
        """Follow the provider from `url` until it sends the browser back to fair; that URL."""
        for _step in range(12):
            if url.startswith(FAIR):
                return url
            answer = self.http.get(url, allow_redirects=False, timeout=10)
            while answer.status_code in (302, 303):
                url = urljoin(url, answer.headers["Location"])
                if url.startswith(FAIR):
                    return url
                answer = self.http.get(url, allow_redirects=False, timeout=10)
            page = answer.text
            assert answer.status_code == 200, f"{url}: {answer.status_code} {page[:300]}"
            action = urljoin(url, ACTION.search(page).group(1))
            if 'value="login"' in page:
                self.forms_seen.append("login")
                data = {"prompt": "login", "login": login, "password": "any"}
            elif 'value="consent"' in page:
                self.forms_seen.append("consent")
                data = {"prompt": "consent"}
            elif 'name="logout"' in page:
                self.forms_seen.append("logout")
                xsrf = re.search(r'name="xsrf" value="([^"]+)"', page).group(1)
                data = {"xsrf": xsrf, "logout": "yes"}
            else:
                raise AssertionError(f"unexpected page at the provider: {page[:500]}")
            answer = self.http.post(action, data=data, allow_redirects=False, timeout=10)
            assert answer.status_code in (302, 303), f"{action}: {answer.status_code} {answer.text[:300]}"
            url = urljoin(action, answer.headers["Location"])
        raise AssertionError("the provider never sent the browser back")


@pytest.fixture
def browser() -> ProviderBrowser:
    return ProviderBrowser()


def local_path(url: str) -> str:
    """fair's URL as Flask's test client takes it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def start(client, name: str = "local") -> str:
    """Press the provider's button on the login page; the provider's authorisation URL."""
    answer = client.post(f"/login/oidc/{name}", data={"csrf_token": csrf_token(client, "/login")})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return answer.headers["Location"]


def back_from_provider(client, browser: ProviderBrowser, login: str) -> str:
    """The whole trip to the provider and back, up to (not including) fair's callback."""
    return local_path(browser.through(start(client), login))


def sign_in(client, browser: ProviderBrowser, login: str):
    """The trip and the callback: fair's answer to it."""
    return client.get(back_from_provider(client, browser, login))
