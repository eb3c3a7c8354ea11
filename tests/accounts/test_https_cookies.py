"""Served over HTTPS (`SESSION_COOKIE_SECURE`, production): `__Host-` cookies and HSTS (issue 14, item 5)."""
from __future__ import annotations

import pytest

from tests.accounts.helpers import is_logged_in
from tests.conftest import login


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True,
            "BASE_URL": "https://fair.test"}


def test_the_session_cookie_is_host_prefixed_secure_and_for_the_whole_site(app, factory):
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    user = factory.user()
    response = login(client, user.email)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("__Host-session="))
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "secure" in attributes and "path=/" in attributes and "httponly" in attributes
    assert not any(part.startswith("domain=") for part in attributes)
    assert app.config["REMEMBER_COOKIE_NAME"].startswith("__Host-")
    assert is_logged_in(client)


def test_every_answer_tells_browsers_to_keep_to_https(app):
    response = app.test_client().get("/", base_url="https://fair.test")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_hsts_when_served_over_plain_http(app_config):
    from fair import create_app

    plain = create_app({**app_config, "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    response = plain.test_client().get("/")
    assert "Strict-Transport-Security" not in response.headers
    assert plain.config.get("SESSION_COOKIE_NAME", "session") == "session"
