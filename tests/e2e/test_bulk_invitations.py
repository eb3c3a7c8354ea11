"""Live pages in Chromium against `python wsgi.py`: an organiser uploads a list of people to invite and watches
the progress bar fill live (Socket.IO, fed by a real RQ worker through the Redis message queue) while
the SMTP sink receives the invitations; a candidate gets the 5-minute notice of an appointment."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, axe_violations, describe, log_in

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
    """`python -m workers worker --burst` as production starts it, on the queues the sending uses."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": postgresql_url, "REDIS_URL": valkey.url, "MAIL_URL": smtp.url,
                "SECRET_KEY": "e2e-secret-key", "BASE_URL": base_url, "BULK_BATCH_SIZE": "1"})
    return subprocess.run([sys.executable, "-m", "workers", "worker", "--burst",
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

    # Pause, then resume, without leaving the page.
    page.get_by_role("button", name="Mettre en pause").click()
    page.wait_for_selector("#bulk-progress[data-status=paused]")
    assert page.locator("#bulk-status").inner_text() == "En pause"
    assert page.get_by_role("button", name="Mettre en pause").is_hidden()
    page.get_by_role("button", name="Reprendre").click()
    page.wait_for_selector("#bulk-progress[data-status=queued]")
    assert page.get_by_role("button", name="Reprendre").is_hidden()

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


def test_a_signed_in_candidate_sees_the_five_minute_notice_live(live_server, page, factory, session):
    """The same live channel carries the reminder worker's notice to the room `user:<id>`."""
    import datetime as dt

    from fair.calendar.agenda import schedule_entry
    from fair.calendar.jobs import send_notice

    organiser = factory.organisation("organiser", "Métropole de Lille")
    edition = factory.edition(organiser)
    candidate = factory.user(email="camille@example.org", full_name="Camille Martin")
    other = factory.user(email="other@example.org")
    start = dt.datetime(2030, 3, 12, 9, 0, tzinfo=dt.timezone.utc)
    entry = schedule_entry(session, user_id=candidate.id, edition_id=edition.id, kind="booking", ref_id=1,
                           starts_at=start, ends_at=start + dt.timedelta(minutes=20),
                           summary="Entretien avec Nordlog", description="", location="Stand 12",
                           join_url="https://visio.example.org/r/abc")
    someone_else = schedule_entry(session, user_id=other.id, edition_id=edition.id, kind="booking", ref_id=2,
                                  starts_at=start, ends_at=start + dt.timedelta(minutes=20),
                                  summary="Rendez-vous d'un autre", description="", location="Stand 3")
    session.commit()

    log_in(page, live_server, "camille@example.org")
    page.goto(f"{live_server}/calendar/")
    page.wait_for_selector("body[data-notices=connected]")
    assert send_notice(someone_else.id, someone_else.starts_at.isoformat())
    assert send_notice(entry.id, entry.starts_at.isoformat())

    notice = page.get_by_role("alert")
    notice.wait_for()
    assert "Ça commence bientôt : Entretien avec Nordlog" in notice.inner_text()
    assert page.get_by_role("link", name="Rejoindre maintenant").get_attribute("href") == "https://visio.example.org/r/abc"
    assert "Rendez-vous d'un autre" not in page.locator("body").inner_text()
    assert not axe_violations(page), describe(axe_violations(page))
    page.get_by_role("button", name="Fermer").click()
    assert page.get_by_role("alert").count() == 0
