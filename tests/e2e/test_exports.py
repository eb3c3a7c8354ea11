"""In Chromium against `python wsgi.py`: a recruiter starts the company pipeline's CSV, watches the
progress page while the job waits and then runs, and downloads the file; "My exports" lists it.
axe-core and screenshots at 390 and 1280 px (check_and_shoot) on the progress page and the list."""
from __future__ import annotations

import pytest

from tests.conftest import run_jobs
from tests.e2e.conftest import check_and_shoot, log_in
from tests.servers import WebProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def export_instance(tmp_path_factory):
    """One instance folder for the web process and for the jobs this test runs: the file the job
    writes is the one the server sends (in production, the shared UPLOAD_FOLDER)."""
    return tmp_path_factory.mktemp("exports-instance")


@pytest.fixture(scope="module")
def live_server(request, export_instance, tmp_path_factory):
    server = WebProcess(request.getfixturevalue("postgresql_url"), request.getfixturevalue("valkey").url,
                        secret_key="e2e-secret-key", mail_url=request.getfixturevalue("smtp").url,
                        env={"FAIR_INSTANCE_PATH": str(export_instance)},
                        log_path=tmp_path_factory.mktemp("exports-log") / "server.log")
    with server:
        yield server.url


@pytest.fixture
def app_config(app_config, export_instance):
    return {**app_config, "INSTANCE_PATH": str(export_instance)}


def test_a_recruiter_follows_an_export_and_downloads_the_file(live_server, page, app, factory, session):
    company = factory.organisation("company", "Transports Rapides")
    factory.member(company, email="recrutement@example.org", full_name="Responsable recrutement")
    company_id = company.id

    log_in(page, live_server, "recrutement@example.org")
    page.goto(f"{live_server}/recruiter/companies/{company_id}/pipeline")
    page.get_by_role("button", name="Télécharger en tableur (CSV)").click()
    page.wait_for_url("**/exports/*")
    assert page.locator("#export-status").inner_text() == "En attente"
    assert page.locator("progress#export-bar").is_visible()
    check_and_shoot(page, "exports-progress")

    run_jobs(app)  # the worker's turn: the page, polling, shows the download button by itself
    link = page.get_by_role("link", name="Télécharger pipeline")
    link.wait_for(timeout=15_000)
    assert page.locator("#export-status").inner_text() == "Prêt à télécharger"
    assert not page.locator("#export-running").is_visible()
    check_and_shoot(page, "exports-ready")
    with page.expect_download() as download:
        link.click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert content.startswith("\ufeffPersonne,Salon,Évaluation")
    assert download.value.suggested_filename == f"pipeline-{company_id}.csv"

    page.goto(f"{live_server}/exports")
    assert f"pipeline-{company_id}.csv" in page.locator("main").inner_text()
    check_and_shoot(page, "exports-list")
