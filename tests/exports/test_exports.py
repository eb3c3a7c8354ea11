"""The one mechanism for files built by a job (fair/exports): asked for, built with its progress
visible while it runs, fetched by its asker only, gone 24 hours after, swept off the disk; a build
that fails says so and keeps nothing; a company's pipeline CSV refused to a recruiter who left."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import delete

from fair import clock
from fair.exports import jobs, services
from fair.exports.models import Export, ExportState
from tests.conftest import count, page_text, post_form, run_jobs
from tests.pipeline.test_pages import signed_in

START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url  # nothing here depends on the database


@pytest.fixture
def moment():
    """The test clock: a list whose one item tests move."""
    now = [START]
    clock.set_clock(lambda: now[0])
    yield now
    clock.set_clock(None)


class Gate:
    """Holds a build half-way, so that a test reads what the page shows while it runs."""

    def __init__(self) -> None:
        self.reached, self.release = threading.Event(), threading.Event()


GATES: dict[int, Gate] = {}


def _build_lines(session, params, progress, out) -> str:
    lines = int(params["lines"])
    progress.total(lines)
    for number in range(lines):
        out.write(f"line {number}\n".encode())
        if number == lines // 2 and params.get("explode"):
            raise RuntimeError("disk full")
        if number == 19 and params.get("gate") in GATES:
            progress.advance(1)
            progress.flush()
            gate = GATES[params["gate"]]
            gate.reached.set()
            assert gate.release.wait(30)
            continue
        progress.advance(1)
    return "lines.txt"


def _allowed(session, user_id, params) -> bool:
    return not params.get("forbidden")


services.register(services.ExportKind("test.lines", _build_lines, "text/plain; charset=utf-8", _allowed))


def _ask(session, user, **params) -> Export:
    export = services.request_export(session, user=user, kind="test.lines", params=params)
    session.commit()
    return export


def test_an_export_shows_its_progress_while_running_and_serves_its_asker_for_24_hours(app, session, factory,
                                                                                      moment):
    owner = factory.user(email="owner@example.org", full_name="Owner")
    other = factory.user(email="other@example.org", full_name="Other")
    mine, theirs = signed_in(app, owner), signed_in(app, other)
    GATES[1] = gate = Gate()
    export = _ask(session, owner, lines=50, gate=1)
    assert _ask(session, owner, lines=50, gate=1).id == export.id  # a second click: the same export

    page = mine.get(f"/exports/{export.id}")
    assert page.status_code == 200 and "En attente" in page_text(page)
    assert '<meta http-equiv="refresh"' in page.get_data(as_text=True)  # without JavaScript, it refreshes

    def work() -> None:
        with app.app_context():
            jobs.build_export(export.id)

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert gate.reached.wait(30)
        state = mine.get(f"/exports/{export.id}.json").get_json()
        assert (state["status"], state["done"], state["total"], state["percent"]) == ("running", 20, 50, 40)
        assert state["download"] is None
        running = page_text(mine.get(f"/exports/{export.id}"))
        assert "En préparation" in running and "20 sur 50" in running
    finally:
        gate.release.set()
        worker.join(30)
    state = mine.get(f"/exports/{export.id}.json").get_json()
    assert (state["status"], state["percent"]) == ("done", 100)

    for path in (f"/exports/{export.id}", f"/exports/{export.id}.json", f"/exports/{export.id}/download"):
        assert theirs.get(path).status_code == 404, path
    assert "lines.txt" not in page_text(theirs.get("/exports"))
    assert "lines.txt" in page_text(mine.get("/exports"))
    assert 'href="/exports"' in mine.get("/account").get_data(as_text=True)  # found again from the account

    file = mine.get(state["download"])
    assert file.status_code == 200
    assert file.data == b"".join(f"line {n}\n".encode() for n in range(50))
    assert 'filename=lines.txt' in file.headers["Content-Disposition"]
    assert file.headers["Cache-Control"] == "private, no-store"

    path = services.path_of(session.get(Export, export.id).storage_name)
    moment[0] = START + dt.timedelta(hours=24, minutes=1)
    mine = signed_in(app, owner)
    gone = mine.get(f"/exports/{export.id}/download")
    assert gone.status_code == 410 and "n’est plus conservé" in page_text(gone)
    assert path.is_file()  # until the sweep
    with app.app_context():
        jobs.sweep_exports()
    assert not path.exists() and count(session, Export) == 0
    assert mine.get(f"/exports/{export.id}").status_code == 404


def test_a_build_that_fails_says_so_and_keeps_nothing(app, session, factory, moment):
    owner = factory.user(email="owner@example.org")
    client = signed_in(app, owner)
    broken = _ask(session, owner, lines=10, explode=True)
    refused = _ask(session, owner, lines=10, forbidden=True)
    run_jobs(app)

    session.expire_all()
    assert session.get(Export, broken.id).status is ExportState.failed
    assert list(services.exports_folder().iterdir()) == []  # neither the file nor a part of it
    page = client.get(f"/exports/{broken.id}")
    assert "Un problème est survenu pendant la préparation du fichier" in page_text(page)
    assert client.get(f"/exports/{broken.id}/download").status_code == 404
    assert "Vous ne pouvez plus voir ces données" in page_text(client.get(f"/exports/{refused.id}"))

    moment[0] = START + dt.timedelta(hours=25)
    with app.app_context():
        jobs.sweep_exports()
    assert count(session, Export) == 0


def test_a_recruiter_who_left_the_company_gets_no_pipeline_file(app, session, factory, moment):
    from fair.accounts.models import Membership

    company = factory.organisation("company", "Transports Rapides")
    recruiter = factory.member(company, email="recruiter@example.org")
    client = signed_in(app, recruiter)
    page = f"/recruiter/companies/{company.id}/pipeline"
    started = post_form(client, f"{page}.csv?step=none", {}, form_page=page)
    assert started.status_code == 303
    session.execute(delete(Membership).where(Membership.user_id == recruiter.id))
    session.commit()
    run_jobs(app)
    progress = client.get(started.headers["Location"])
    assert "Vous ne pouvez plus voir ces données" in page_text(progress)
    export = session.query(Export).one()
    assert export.status is ExportState.failed and export.params["next_step"] == "none"
    assert not services.exports_folder().exists() or not any(services.exports_folder().iterdir())
