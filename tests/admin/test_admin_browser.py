"""Every admin page in Chromium against `python wsgi.py` (PostgreSQL): axe-core finds no WCAG A/AA
violation, nothing overflows a 390 px phone, and screenshots at 390 and 1280 px are kept in
test-artifacts/admin/ to be looked at."""
from __future__ import annotations

import datetime as dt

import pytest

from fair.audit import AuditEntry
from tests.e2e.conftest import (  # noqa: F401 (browser, database_url: fixtures)
    ARTIFACTS,
    axe_violations,
    browser,
    database_url,
    describe,
    log_in,
)

pytestmark = pytest.mark.e2e


def test_every_admin_page_is_accessible_on_a_phone_and_a_desktop(live_server, browser, factory, session):  # noqa: F811
    factory.user(email="admin@example.org", full_name="Alex Admin", is_admin=True)
    company = factory.organisation("company", "Acme Industries", city="Lille")
    factory.organisation("company", "ACME SAS")
    factory.organisation("partner", "Mission locale de Roubaix", partner_type="mission_locale", is_active=False)
    person = factory.member(company, email="dominique@acme.example", full_name="Dominique Martin", role="owner")
    session.add(AuditEntry(action="organisation.create", object_type="organisations", object_id=company.id,
                           object_label=company.name, actor_email="admin@example.org", ip_address="192.0.2.7",
                           created_at=dt.datetime.now(dt.timezone.utc), details={"kind": "company"}))
    session.commit()
    pages = {
        "home": "/admin/", "organisations": "/admin/organisations?state=all",
        "new-organisation": "/admin/organisations/new", "organisation": f"/admin/organisations/{company.id}",
        "people": "/admin/people", "person": f"/admin/people/{person.id}", "instance": "/admin/instance",
        "jobs": "/admin/jobs", "audit": "/admin/audit",
    }
    out = ARTIFACTS / "admin"
    out.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR", bypass_csp=True)
        try:
            page = context.new_page()
            log_in(page, live_server, "admin@example.org")
            for name, path in pages.items():
                response = page.goto(f"{live_server}{path}")
                assert response.status == 200, f"{path}: {response.status}"
                assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} overflows"
                page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
                violations = axe_violations(page)
                assert not violations, f"{path}: " + describe(violations)
            # A refused form, shown again with its errors, is accessible too.
            page.goto(f"{live_server}/admin/instance")
            page.get_by_label("Adresse du logo").fill("http://example.org/logo.png")
            page.get_by_role("button", name="Enregistrer").click()
            page.wait_for_load_state()
            assert "https://" in page.locator(".error-summary").inner_text()
            page.screenshot(path=str(out / f"instance-error-{width}.png"), full_page=True)
            violations = axe_violations(page)
            assert not violations, describe(violations)
        finally:
            context.close()
