"""Browser tests: a real server process (wsgi.py, gevent) and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import atexit
import re
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import PASSWORD
from tests.servers import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
AXE_SOURCE = ROOT / "tests" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(params=["postgresql"])
def database_url(request) -> str:
    """Browser tests are slow: they run on PostgreSQL, the production database, only."""
    return request.getfixturevalue(f"{request.param}_url")


_shared: dict = {}


def shared_chromium():
    """One Playwright and one Chromium per test process, whoever asks first.

    A second sync Playwright started in a process where one runs fails ("Sync API inside the asyncio
    loop"), and test modules outside tests/e2e import the `browser` fixture, which pytest then sets up
    once per importing module: they all get this one.
    """
    if "browser" not in _shared:
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).exists():
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                                   headless=True)
        atexit.register(_stop_shared_chromium)
    return _shared["browser"]


def _stop_shared_chromium() -> None:
    browser = _shared.pop("browser", None)
    if browser is not None:
        browser.close()
        _shared.pop("playwright").stop()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    yield shared_chromium()


@pytest.fixture
def page(browser, request) -> Iterator:
    """A fresh browser profile per test, phone-sized; a screenshot is kept when the test fails."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page for WCAG 2.0/2.1 A and AA; return the violations."""
    page.add_script_tag(path=str(AXE_SOURCE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"""
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in violations
    )


def check_and_shoot(page, name: str, *, axe: bool = True) -> None:
    """At phone and desktop width: no axe-core violation (unless `axe` is off), no sideways scrolling,
    and a full-page screenshot in test-artifacts/ for a person to look at. Back to phone width after."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        if axe:
            violations = axe_violations(page)
            assert not violations, describe(violations)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            f"{name} scrolls sideways at {width} px"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login page, as a person does."""
    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def open_confirmation_link(page, base: str, app, smtp, email: str) -> None:
    """Send what is queued, then open the newest confirmation link mailed to `email`, as its owner does."""
    from tests.conftest import run_jobs

    run_jobs(app)
    mails = [m for m in smtp.wait_for(email) if "/confirm/" in m.get_body(("plain",)).get_content()]
    assert mails, f"no confirmation mail to {email}"
    link = re.search(r"https?://[^/\s]+(/confirm/\S+)", mails[-1].get_body(("plain",)).get_content()).group(1)
    page.goto(base + link)
    page.wait_for_load_state()


def open_menu(page) -> None:
    """Unfold the header's menu where it is folded behind its "Menu" button (a phone-sized page)."""
    button = page.locator("summary.menu-button")
    if button.is_visible() and page.locator("details.menu[open]").count() == 0:
        button.click()
