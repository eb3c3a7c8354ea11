"""The import page in Chromium against `python wsgi.py` (PostgreSQL) and the fake France Travail API:
a recruiter finds the company's offers by SIRET, ticks one and imports it; axe-core, no sideways
scrolling and screenshots at 390 and 1280 px of the form and of the preview."""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import select

from tests.e2e.conftest import browser, check_and_shoot, log_in, page  # noqa: F401 (fixtures)
from tests.francetravail.conftest import API_PATH, CLIENT_ID, CLIENT_SECRET
from tests.live.server import WebProcess

pytestmark = pytest.mark.e2e
SIRET = "73282932000074"


@pytest.fixture
def database_url(postgresql_url) -> str:
    return postgresql_url


@pytest.fixture(scope="module")
def server(postgresql_url, valkey, smtp, france_travail_server, tmp_path_factory) -> Iterator[WebProcess]:
    env = {"FRANCE_TRAVAIL_CLIENT_ID": CLIENT_ID, "FRANCE_TRAVAIL_CLIENT_SECRET": CLIENT_SECRET,
           "FRANCE_TRAVAIL_TOKEN_URL": f"{france_travail_server.url}/connexion/oauth2/access_token?realm=%2Fpartenaire",
           "FRANCE_TRAVAIL_API_URL": france_travail_server.url + API_PATH, "FRANCE_TRAVAIL_MIN_INTERVAL": "0",
           "FAIR_INSTANCE_PATH": str(tmp_path_factory.mktemp("ft-instance"))}
    with WebProcess(postgresql_url, valkey.url, mail_url=smtp.url, env=env,
                    log_path=tmp_path_factory.mktemp("ft-browser") / "server.log") as process:
        yield process


def test_a_recruiter_imports_an_offer_found_by_siret(server, page, factory, session, france_travail):  # noqa: F811
    from fair.companies.models import Offer

    organiser = factory.organisation("organiser", "Ville de Lille")
    company = factory.organisation("company", "Logi Nord")
    booth = factory.booth(factory.edition(organiser, slug="salon-ft"), company)
    recruiter = factory.member(company, email="rh@logi.example")
    made = france_travail.add(3, SIRET)

    log_in(page, server.url, recruiter.email)
    page.goto(f"{server.url}/recruiter/booths/{booth.id}/offers")
    page.get_by_role("link", name="Importer des offres de France Travail").click()
    page.wait_for_load_state()
    check_and_shoot(page, "francetravail-import-form")
    page.get_by_label("SIRET", exact=True).fill("732 829 320 00074")
    page.get_by_role("button", name="Voir les offres").click()
    page.wait_for_load_state()
    assert "3 offres" in page.locator("main").inner_text()
    check_and_shoot(page, "francetravail-import-preview")
    page.get_by_label("Cariste 1").check()
    page.get_by_role("button", name="Importer les offres choisies").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Import depuis France Travail terminé : nouvelles offres : 1 ; mises à jour : 0." in main
    assert "Offre de France Travail" in main
    session.expire_all()
    assert session.execute(select(Offer.external_id)).scalars().all() == [made[1]["id"]]
