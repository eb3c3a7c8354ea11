"""An organiser uploads a list of people to invite, in Chromium against `python wsgi.py`, and watches
the progress bar fill live (Socket.IO, fed by a real RQ worker through the Redis message queue) while
the SMTP sink receives the invitations."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, axe_violations, describe
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.e2e

CSV = (
    "email;nom;langue\n"
    "lea.martin@example.org;Léa Martin;fr\n"
    "pas-une-adresse;Ligne fausse;fr\n"
    "sam.diallo@example.org;Sam Diallo;en\n"
    "LEA.MARTIN@example.org;Léa encore;fr\n"
    "yanis.b@example.org;;\n"
    "rose.k@example.org;Rose K;fr\n"
)


def run_worker(postgresql_url: str, valkey, smtp, base_url: str) -> subprocess.CompletedProcess:
    """`flask fair worker --burst` as production starts it, on the queues the sending uses."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": postgresql_url, "REDIS_URL": valkey.url, "MAIL_URL": smtp.url,
                "SECRET_KEY": "e2e-secret-key", "BASE_URL": base_url, "BULK_BATCH_SIZE": "1"})
    return subprocess.run([sys.executable, "-m", "flask", "--app", "fair:create_app", "fair", "worker", "--burst",
                           "--queues", "bulk,mail"], cwd=ROOT, env=env, capture_output=True, timeout=120)


def test_an_organiser_uploads_a_list_and_watches_the_invitations_go(live_server, page, factory, session,
                                                                     postgresql_url, valkey, smtp, tmp_path):
    organiser = factory.organisation("organiser", "Métropole de Lille")
    factory.member(organiser, email="organisatrice@example.org")
    edition = factory.edition(organiser, title="Rencontres pour l'emploi de Roubaix")
    csv_file = tmp_path / "invites.csv"
    csv_file.write_text(CSV, encoding="utf-8")

    log_in(page, live_server, "organisatrice@example.org")
    page.goto(f"{live_server}/console/editions/{edition.id}/bulk-invitations")
    assert not axe_violations(page), describe(axe_violations(page))
    page.get_by_label("Fichier CSV").set_input_files(str(csv_file))
    page.get_by_role("button", name="Vérifier la liste et envoyer les invitations").click()
    page.wait_for_load_state()

    # The failure report names the bad rows by line, before anything is sent.
    report = page.locator(".rejected-rows").inner_text()
    assert "pas-une-adresse" in report and "3" in report
    assert "déjà à la ligne 2" in report
    assert page.locator("#bulk-percent").inner_text() == "0"
    # The page has joined the room `bulk:<id>` (it answered with the current state).
    page.wait_for_selector("#bulk-progress[data-status]")
    assert not axe_violations(page), describe(axe_violations(page))

    worker = run_worker(postgresql_url, valkey, smtp, live_server)
    assert worker.returncode == 0, worker.stderr.decode()[-2000:]

    page.wait_for_selector("#bulk-progress[data-status=done]")
    assert page.locator("#bulk-percent").inner_text() == "100"
    assert page.locator("#bulk-bar").get_attribute("value") == "100" or page.evaluate(
        "document.getElementById('bulk-bar').value") == 100
    assert "4 invitations sur 4" in page.locator("#bulk-count").inner_text()
    assert page.get_by_role("button", name="Mettre en pause").is_hidden()

    for address in ("lea.martin@example.org", "sam.diallo@example.org", "yanis.b@example.org", "rose.k@example.org"):
        assert len(smtp.wait_for(address)) == 1
    assert smtp.to("pas-une-adresse") == []
    assert "Rencontres pour l'emploi de Roubaix" in str(smtp.to("lea.martin@example.org")[0]["Subject"])
