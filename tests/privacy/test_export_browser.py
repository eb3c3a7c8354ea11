"""Download my data in Chromium against `python wsgi.py` and a real worker (PostgreSQL): the page
shows the export waiting, then, without being reloaded, the download link once the worker has built
it; the link gives the zip once. axe-core finds no WCAG A/AA violation, and screenshots at 390 and
1280 px are kept in test-artifacts/export/ to be looked at."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from fair.privacy.models import DataExport, ExportStatus
from tests.e2e.conftest import (  # noqa: F401 (browser, database_url, page: fixtures)
    axe_violations,
    browser,
    check_and_shoot,
    database_url,
    describe,
    log_in,
    page,
)
from tests.servers import ROOT, WebProcess

pytestmark = pytest.mark.e2e
SECRET = "e2e-export-secret"


@pytest.fixture(scope="module")
def export_server(request, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """The web process and the environment a worker needs to share its uploads and link secrets."""
    instance = tmp_path_factory.mktemp("export-instance")
    env = {"FAIR_INSTANCE_PATH": str(instance), "UPLOAD_FOLDER": str(instance / "uploads")}
    smtp = request.getfixturevalue("smtp")
    server = WebProcess(request.getfixturevalue("postgresql_url"), request.getfixturevalue("valkey").url,
                        secret_key=SECRET, mail_url=smtp.url, env=env,
                        log_path=tmp_path_factory.mktemp("export-log") / "server.log")
    with server:
        yield server.url, {**env, "DATABASE_URL": server.database_url, "REDIS_URL": server.redis_url,
                           "MAIL_URL": smtp.url, "SECRET_KEY": SECRET, "BASE_URL": server.url}


def run_worker(worker_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, **worker_env}
    return subprocess.run([sys.executable, "-m", "workers", "worker", "--burst", "--queues", "default,mail"],
                          cwd=ROOT, env=env, capture_output=True, timeout=120)



def test_the_page_follows_the_export_to_its_one_time_link(export_server, page, factory, session, smtp):  # noqa: F811
    base, worker_env = export_server
    factory.person("claire.export@example.org", "Claire Export")
    log_in(page, base, "claire.export@example.org")
    page.goto(f"{base}/account")
    assert not axe_violations(page), describe(axe_violations(page))
    page.locator("#export-data-heading").scroll_into_view_if_needed()
    check_and_shoot(page, "export-account")
    page.get_by_role("link", name="Télécharger mes données").click()
    check_and_shoot(page, "export-ask")

    page.get_by_role("button", name="Préparer mes données").click()
    page.wait_for_load_state()
    assert page.locator("#export-status").inner_text() == "En attente"
    assert page.locator("#export-refresh").is_hidden()  # the script follows it: no refresh needed
    check_and_shoot(page, "export-waiting")
    page.evaluate("window.stillTheSamePage = true")

    # A worker halfway through (as the job records it): the page follows without being reloaded.
    export = session.execute(select(DataExport).order_by(DataExport.id.desc())).scalars().first()
    export.status, export.progress = ExportStatus.building, 40
    session.commit()
    page.wait_for_function("document.getElementById('export-percent').textContent === '40'", timeout=10_000)
    assert page.locator("#export-status").inner_text() == "En préparation"
    assert page.locator("#export-bar").get_attribute("value") == "40"
    check_and_shoot(page, "export-building")
    export.status, export.progress = ExportStatus.queued, 0  # hand it back to the real worker
    session.commit()

    done = run_worker(worker_env)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    page.wait_for_selector("#export-ready:not([hidden])", timeout=20_000)
    assert page.evaluate("window.stillTheSamePage === true"), "the page reloaded instead of updating"
    assert page.locator("#export-status").inner_text() == "Prêt à télécharger"
    check_and_shoot(page, "export-ready")

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données (zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert {"README.txt", "fields.json", "users.json"} <= set(archive.namelist())

    link = page.locator("#export-link").get_attribute("href")
    page.goto(base + link)
    assert page.get_by_role("heading", level=1).inner_text() == "Déjà téléchargé"
    check_and_shoot(page, "export-gone")
    page.goto(f"{base}/account/export")
    assert page.locator("#export-status").inner_text() == "Téléchargé"
    check_and_shoot(page, "export-downloaded")
