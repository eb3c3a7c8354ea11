"""Bulk invitations: bad rows are reported with their line and reason and get nothing, duplicates are
sent once, the `bulk` job hands mails to the outbox in batches with progress in the room `bulk:<id>`,
pause stops it between batches and resume carries on; only the edition's organisers see it."""
from __future__ import annotations

import io
import json

import pytest

from tests.conftest import csrf_token, login, run_jobs

CSV = (
    "email;nom;langue\n"
    "ana@example.org;Ana Lima;fr\n"
    "not-an-address;Bad Row;fr\n"
    "ben@example.org;Ben Okafor;en\n"
    "ANA@example.org;Ana again;fr\n"
    "carl@example.org;;de\n"
    "dina@example.org\n"
).encode()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "MAIL_URL": smtp.url, "BULK_BATCH_SIZE": 1}


@pytest.fixture
def world(factory):
    organiser = factory.organisation("organiser", "Métropole emploi")
    other_organiser = factory.organisation("organiser", "Autre organisateur")
    edition = factory.edition(organiser, title="Rencontres pour l'emploi")
    factory.member(organiser, email="organiser@example.org")
    factory.member(other_organiser, email="other.organiser@example.org")
    return edition


def _upload(client, edition, data: bytes, filename: str = "liste.csv"):
    path = f"/console/editions/{edition.id}/bulk-invitations"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_parse_reports_bad_rows_with_line_and_reason_and_drops_duplicates():
    from fair.fairs.bulk import BAD_EMAIL, BAD_LOCALE, DUPLICATE, parse_csv

    parsed = parse_csv(CSV)
    assert [(line, email, locale) for line, email, _name, locale in parsed.rows] == [
        (2, "ana@example.org", "fr"), (4, "ben@example.org", "en"), (7, "dina@example.org", "fr")]
    assert [(r["line"], r["reason"]) for r in parsed.rejected] == [(3, BAD_EMAIL), (5, DUPLICATE), (6, BAD_LOCALE)]
    assert parsed.rejected[1]["other_line"] == 2


def test_windows_1252_and_commas_are_read():
    from fair.fairs.bulk import parse_csv

    parsed = parse_csv("élodie@example.org,Élodie Hervé,fr\n".encode("cp1252"))
    assert parsed.rows == [(1, "élodie@example.org", "Élodie Hervé", "fr")]


def test_upload_sends_to_valid_rows_only_in_batches_with_progress(app, session, smtp, world, valkey):
    from fair.fairs.models import BulkInvitation, BulkStatus
    from fair.redis_conn import get_redis

    client = app.test_client()
    login(client, "organiser@example.org")
    response = _upload(client, world, CSV)
    assert response.status_code == 302
    bulk = session.query(BulkInvitation).one()
    assert (bulk.total, bulk.sent, bulk.status) == (3, 0, BulkStatus.queued)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "not-an-address" in page and "carl@example.org" not in page.split("rejected-rows")[0]

    pubsub = get_redis().pubsub()
    pubsub.subscribe("flask-socketio")
    try:
        run_jobs(app, ("bulk",))
        progress = []
        while (message := pubsub.get_message(timeout=1.0)) is not None:
            if message["type"] == "message":
                data = json.loads(message["data"])
                if data["event"] == "bulk_progress":
                    assert data["room"] == f"bulk:{bulk.id}"
                    progress.append(data["data"][0]["percent"])
    finally:
        pubsub.close()
    assert progress == [33, 66, 100, 100] or progress[-1] == 100 and len(progress) >= 3

    run_jobs(app, ("mail",))
    received = sorted(str(m["To"]) for m in smtp.messages)
    assert received == ["ana@example.org", "ben@example.org", "dina@example.org"]
    english = smtp.to("ben@example.org")[0]
    assert "invited" in str(english["Subject"]).lower()
    session.expire_all()
    bulk = session.get(BulkInvitation, bulk.id)
    assert (bulk.sent, bulk.status) == (3, BulkStatus.done)

    run_jobs(app)  # a job run again sends nothing more
    assert len(smtp.messages) == 3


def test_pause_stops_between_batches_and_resume_carries_on(app, session, smtp, world):
    from fair.fairs.jobs import send_bulk
    from fair.fairs.models import BulkInvitation, BulkStatus

    client = app.test_client()
    login(client, "organiser@example.org")
    _upload(client, world, CSV)
    bulk = session.query(BulkInvitation).one()
    path = f"/console/editions/{world.id}/bulk-invitations/{bulk.id}"
    token = csrf_token(client, path)
    assert client.post(path + "/pause", data={"csrf_token": token}).status_code == 302
    assert send_bulk(bulk.id) == 0  # the queued job finds the list paused
    session.expire_all()
    assert session.get(BulkInvitation, bulk.id).status == BulkStatus.paused

    assert client.post(path + "/resume", data={"csrf_token": token}).status_code == 302
    run_jobs(app)
    session.expire_all()
    bulk = session.get(BulkInvitation, bulk.id)
    assert (bulk.sent, bulk.status) == (3, BulkStatus.done)
    assert len(smtp.messages) == 3


def test_a_file_without_any_valid_row_changes_nothing_and_says_why(app, session, world):
    from fair.fairs.models import BulkInvitation
    from fair.mail.models import OutboxMessage

    client = app.test_client()
    login(client, "organiser@example.org")
    response = _upload(client, world, b"nobody;x;fr\n\n")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Aucune ligne du fichier" in page
    assert "adresse e-mail valide" in page
    assert _upload(client, world, b"", "vide.csv").status_code == 422
    assert _upload(client, world, b"%PDF", "liste.pdf").status_code == 422
    assert session.query(BulkInvitation).count() == 0
    assert session.query(OutboxMessage).count() == 0


def test_only_the_editions_organisers_follow_the_progress_room(app, app_config, session, world):
    from fair import create_app
    from fair.extensions import socketio
    from fair.fairs.models import BulkInvitation

    client = app.test_client()
    login(client, "organiser@example.org")
    _upload(client, world, CSV)
    bulk = session.query(BulkInvitation).one()

    queueless = create_app({**app_config, "REDIS_URL": ""})
    answers = {}
    for email in ("organiser@example.org", "other.organiser@example.org"):
        http = queueless.test_client()
        with queueless.app_context():
            login(http, email)
        socket = socketio.test_client(queueless, flask_test_client=http)
        answers[email] = socket.emit("follow_bulk", {"id": bulk.id}, callback=True)
        socket.disconnect()
    assert answers["organiser@example.org"]["ok"] is True
    assert answers["organiser@example.org"]["state"]["total"] == 3
    assert answers["other.organiser@example.org"] == {"ok": False}


def test_addresses_refused_by_the_mail_server_appear_in_the_failure_report(app, session, smtp, world):
    from fair.fairs.models import BulkInvitation
    from fair.mail.models import OutboxMessage, OutboxStatus

    client = app.test_client()
    login(client, "organiser@example.org")
    _upload(client, world, b"ana@example.org;Ana;fr\n")
    bulk = session.query(BulkInvitation).one()
    smtp.replies.append("550 5.1.1 Mailbox unavailable")
    run_jobs(app)
    session.expire_all()
    assert session.query(OutboxMessage).one().status == OutboxStatus.failed_permanent
    page = client.get(f"/console/editions/{world.id}/bulk-invitations/{bulk.id}").get_data(as_text=True)
    assert "Refusées par le serveur de messagerie (1)" in page
    assert "ana@example.org" in page.split('id="failures-heading"')[1]
