"""The edition's report in Chromium, reached from the edition's page: axe-core finds no A/AA
violation, nothing scrolls sideways on a phone, the charts are images with a name and the PDF is one
click away. Screenshots at 390 and 1280 px are left in test-artifacts/ to be looked at."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import check_and_shoot, log_in
from tests.reports.world import build_world

pytestmark = pytest.mark.e2e


def test_the_report_page_reads_well_and_passes_axe(live_server, page, factory, session):
    world = build_world(factory, session)
    log_in(page, live_server, world.organiser_user.email)
    page.goto(f"{live_server}/console/editions/{world.edition.id}")
    page.get_by_role("link", name="Rapport : de l’inscription à l’emploi").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Rapport du salon", level=1).is_visible()
    funnel = page.get_by_role("img", name="De l’inscription à l’emploi")
    assert funnel.is_visible()
    assert "Inscrits" in page.locator("#table-funnel").inner_text()
    assert page.get_by_role("button", name="PDF pour les financeurs").is_visible()
    check_and_shoot(page, "report-edition")
