"""A branded edition in Chromium: its public page carries its banner, logo and colour (from its own
stylesheet, as the CSP allows no inline style), its console page lists co-organisers; axe-core finds
no A/AA violation on either, at phone and desktop widths."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import ARTIFACTS, axe_violations, describe, log_in

pytestmark = pytest.mark.e2e

# Images that cannot load offline: the page must still read well, with their alt text.
LOGO = "https://cdn.example.org/logo.png"
BANNER = "https://cdn.example.org/banner.jpg"


def test_a_branded_edition_reads_well_on_a_phone_and_a_desktop(live_server, page, factory):
    lead = factory.organisation("organiser", "Métropole de Lille")
    factory.member(lead, email="lead@example.org")
    agency = factory.organisation("organiser", "Agence France Travail Roubaix")
    factory.organisation("organiser", "Ville de Tourcoing")
    edition = factory.edition(lead, slug="rencontres-roubaix", title="Rencontres pour l'emploi de Roubaix",
                              logo_url=LOGO, banner_url=BANNER, brand_colour="#5a2d82")
    from fair.fairs.models import EditionOrganiser

    factory.session.add(EditionOrganiser(edition_id=edition.id, organisation_id=agency.id))
    factory.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server}/f/rencontres-roubaix")
    assert page.url.endswith("/fairs/rencontres-roubaix")
    strip = page.locator(".edition-brand")
    assert strip.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(90, 45, 130)"
    assert page.get_by_alt_text("Logo de Rencontres pour l'emploi de Roubaix").count() == 1
    assert page.get_by_alt_text("Bannière de Rencontres pour l'emploi de Roubaix").count() == 1
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"branded-edition-public-{width}.png"), full_page=False)
    violations = axe_violations(page)
    assert not violations, describe(violations)

    log_in(page, live_server, "lead@example.org")
    page.goto(f"{live_server}/console/editions/{edition.id}")
    assert "Agence France Travail Roubaix" in page.locator("section", has_text="Co-organisateurs").inner_text()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#co-organisers-heading").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"branded-edition-console-{width}.png"), full_page=False)
    violations = axe_violations(page)
    assert not violations, describe(violations)
