"""The "retry later" page in Chromium, on a phone, while the database is unreachable: a real server
process (wsgi.py, gevent) whose DATABASE_URL points at a port where nothing listens."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations, describe, shared_chromium
from tests.servers import WebProcess, free_port


@pytest.fixture(scope="module")
def server_without_database(valkey, tmp_path_factory):
    with WebProcess(f"postgresql://postgres@127.0.0.1:{free_port()}/gone", valkey.url, secret_key="retry-page",
                    env={"FAIR_INSTANCE_PATH": str(tmp_path_factory.mktemp("retry"))},
                    log_path=tmp_path_factory.mktemp("retry-log") / "server.log") as server:
        yield server.url


@pytest.mark.parametrize("locale,title", [("fr-FR", "Service momentanément indisponible"),
                                          ("en-GB", "Service briefly unavailable")])
def test_the_retry_later_page_on_a_phone_is_translated_and_accessible(server_without_database, locale, title,
                                                                       tmp_path):
    context = shared_chromium().new_context(viewport={"width": 390, "height": 844}, locale=locale,
                                            bypass_csp=True)
    try:
        if locale.startswith("en"):
            context.add_cookies([{"name": "lang", "value": "en", "url": server_without_database}])
        page = context.new_page()
        response = page.goto(f"{server_without_database}/fairs/some-fair")
        assert response.status == 503
        assert response.headers["retry-after"] == "10"
        assert page.locator("h1").inner_text() == title
        assert page.get_by_role("link").count() == 1  # "try again", to the same address
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / f"retry-{locale}.png"), full_page=True)
        violations = axe_violations(page)
        assert not violations, describe(violations)
    finally:
        context.close()
