"""The export's link: once, for its signed-in owner only, for 24 hours; then the file leaves the disk.
One export at a time, a few a day; the ready mail carries the same link."""
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from fair.clock import frozen_at
from fair.privacy import export as exports
from fair.privacy.models import DataExport, ExportStatus
from tests.conftest import csrf_token, login, page_text, post_form, run_jobs
from tests.privacy.export_helpers import LINK, ask_and_download
from tests.webinars.helpers import signed_in_client


def _latest(session, user_id: int) -> DataExport:
    session.expire_all()
    return session.execute(select(DataExport).where(DataExport.user_id == user_id)
                           .order_by(DataExport.id.desc())).scalars().first()


def test_the_link_works_once_and_the_file_leaves_the_disk(app, client, session, factory, smtp):
    person = factory.person("once@example.org", "Une Fois")
    login(client, person.email)
    archive, link = ask_and_download(app, client)
    assert "users.json" in archive.namelist()
    export = _latest(session, person.id)
    assert export.status is ExportStatus.downloaded and export.downloaded_at is not None
    with app.app_context():
        assert not exports.file_of(export).exists()
    again = client.get(link)
    assert again.status_code == 410
    assert "Already downloaded" in page_text(again) or "Déjà téléchargé" in page_text(again)
    # The ready mail went out with the same link, and its text is erased from the outbox once sent.
    run_jobs(app)
    mail = [m for m in smtp.messages if "once@example.org" in m["To"]][-1]
    assert link in mail.get_body(("plain",)).get_content()


def test_the_link_expires_after_24_hours_and_the_sweep_deletes_the_file(app, client, session, factory):
    person = factory.person("late@example.org", "En Retard")
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with frozen_at(start):
        login(client, person.email)
        post_form(client, "/account/export", {})
        run_jobs(app)
        link = LINK.search(client.get("/account/export").get_data(as_text=True)).group(1)
    export = _latest(session, person.id)
    with app.app_context():
        path = exports.file_of(export)
    assert path.exists()
    with frozen_at(start + dt.timedelta(hours=23, minutes=59)):
        assert "/account/export/download/" in client.get("/account/export").get_data(as_text=True)
    with frozen_at(start + dt.timedelta(hours=24, minutes=1)):
        late = client.get(link)
        assert late.status_code == 410 and path.exists()
        page = client.get("/account/export")
        assert "/account/export/download/" not in page.get_data(as_text=True)
        exports.sweep_exports()
    assert _latest(session, person.id).status is ExportStatus.expired
    assert not path.exists()


def test_another_persons_link_is_404_and_signed_out_goes_to_login(app, client, session, factory):
    owner = factory.person("owner@example.org", "Propriétaire")
    factory.person("stranger@example.org", "Inconnu")
    login(client, owner.email)
    post_form(client, "/account/export", {})
    run_jobs(app)
    link = LINK.search(client.get("/account/export").get_data(as_text=True)).group(1)
    post_form(client, "/logout", {}, form_page="/account")
    out = client.get(link)
    assert out.status_code == 302 and "/login" in out.headers["Location"]
    login(client, "stranger@example.org")
    assert client.get(link).status_code == 404
    assert "/account/export/download/" not in client.get("/account/export").get_data(as_text=True)
    assert _latest(session, owner.id).status is ExportStatus.ready  # the stranger spent nothing


def test_one_export_at_a_time_and_three_a_day(app, client, session, factory):
    person = factory.person("many@example.org", "Plusieurs Fois")
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with frozen_at(start):
        login(client, person.email)
        post_form(client, "/account/export", {})
        post_form(client, "/account/export", {})  # while the first waits: the same one
        assert len(session.execute(select(DataExport).where(DataExport.user_id == person.id)).all()) == 1
        for _ in range(2):
            run_jobs(app)
            client.get(LINK.search(client.get("/account/export").get_data(as_text=True)).group(1)).close()
            post_form(client, "/account/export", {})
        run_jobs(app)
        client.get(LINK.search(client.get("/account/export").get_data(as_text=True)).group(1)).close()
        refused = post_form(client, "/account/export", {})
        assert refused.status_code == 429
        assert "3" in page_text(refused)
    assert len(session.execute(select(DataExport).where(DataExport.user_id == person.id)).all()) == 3
    with frozen_at(start + dt.timedelta(days=1, minutes=1)):
        login(client, person.email)
        assert post_form(client, "/account/export", {}).status_code == 303


def test_without_script_the_page_says_where_it_stands_and_the_status_answers_json(app, client, session, factory):
    person = factory.person("nojs@example.org", "Sans Script")
    login(client, person.email)
    assert client.get("/account/export/status").get_json()["status"] is None
    post_form(client, "/account/export", {})
    page = client.get("/account/export")
    text = page_text(page)
    assert "En attente" in text and "Actualiser pour voir où il en est" in text
    assert 'href="/account/export"' in page.get_data(as_text=True)
    assert "Préparer mes données" not in text  # one export at a time: no second button meanwhile
    state = client.get("/account/export/status").get_json()
    assert state["status"] == "queued" and state["link"] is None
    run_jobs(app)
    state = client.get("/account/export/status").get_json()
    assert state["status"] == "ready" and state["progress"] == 100
    assert state["link"].startswith("/account/export/download/") and "jusqu’au" in state["until"]


def test_a_build_a_dead_worker_left_fails_and_the_person_may_ask_again(app, client, session, factory):
    person = factory.person("stale@example.org", "Travail Perdu")
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with frozen_at(start):
        login(client, person.email)
        post_form(client, "/account/export", {})  # no worker runs it
    with frozen_at(start + exports.STALE_BUILD + dt.timedelta(minutes=1)):
        exports.sweep_exports()
        text = page_text(client.get("/account/export"))
    assert _latest(session, person.id).status is ExportStatus.failed
    assert "Un problème est survenu" in text and "Préparer mes données" in text


def test_six_clicks_at_once_from_six_devices_make_one_export(app, session, factory):
    person = factory.person("hurry@example.org", "Très Pressée")
    clients = [signed_in_client(app, person) for _ in range(6)]
    tokens = [csrf_token(device, "/account/export") for device in clients]
    barrier = threading.Barrier(len(clients))
    codes: list[int | None] = [None] * len(clients)
    errors: list[BaseException] = []

    def ask(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            codes[i] = clients[i].post("/account/export", data={"csrf_token": tokens[i]}).status_code
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert codes == [303] * len(clients)
    assert len(session.execute(select(DataExport).where(DataExport.user_id == person.id)).all()) == 1
