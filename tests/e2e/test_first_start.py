"""From an empty PostgreSQL database to a fair a candidate applies to, as a new operator would run it.

No demo loader, no SQL: `flask fair migrate` and `flask fair create-admin` from the command line, then
people in Chromium: the administrator creates an organiser organisation and invites its owner, who
creates and publishes a fair and invites a company, whose owner invites a colleague and publishes an
offer; a candidate registers and applies. Every mail is read from the SMTP sink; axe-core checks each
admin and team page on the way.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fair.db import make_engine
from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, describe, log_in
from tests.servers import ROOT, WebProcess, start_worker, stop_tree, wait_until

pytestmark = pytest.mark.e2e

ADMIN = "admin@emploi.example.org"


@pytest.fixture
def empty_instance(postgres, valkey, smtp, tmp_path):
    """A new database, migrated and given its administrator by the commands docs/deploy.md shows."""
    database_url = postgres.create_database(f"fair_first_start_{os.getpid()}")
    redis_url = valkey.url.rsplit("/", 1)[0] + "/9"  # its own queues: nothing left over from other tests
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, MAIL_URL=smtp.url,
               SECRET_KEY="first-start-secret", FAIR_INSTANCE_PATH=str(tmp_path / "instance"),
               LOGIN_RATE_LIMIT="1000 per minute")
    flask = [sys.executable, "-m", "flask", "--app", "fair:create_app", "fair"]

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([*flask, *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,
                              timeout=120)

    migrated = run("migrate")
    assert migrated.returncode == 0, migrated.stderr
    weak = run("create-admin", "--email", ADMIN, "--password-stdin", stdin="password123\n")
    assert weak.returncode != 0 and "common" in (weak.stdout + weak.stderr)
    created = run("create-admin", "--email", ADMIN, "--name", "Service emploi", "--password-stdin",
                  stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stdout + created.stderr

    engine = make_engine(database_url)
    smtp.clear()
    server = WebProcess(database_url, redis_url, secret_key="first-start-secret", mail_url=smtp.url,
                        env={"FAIR_INSTANCE_PATH": str(tmp_path / "instance")},
                        log_path=tmp_path / "server.log")
    worker_env = dict(env, BASE_URL=server.url, FAIR_ENV="development")
    with server:
        worker = start_worker(worker_env, "--with-scheduler",
                              log=open(tmp_path / "worker.log", "wb"))
        try:
            yield server.url, engine
        finally:
            stop_tree(worker)
            engine.dispose()


def link_in(smtp, address: str, path: str, count: int = 1) -> str:
    message = smtp.wait_for(address, count=count, timeout=60)[count - 1]
    body = message.get_body(("plain",)).get_content()
    found = re.search(r"https?://[^\s]+" + re.escape(path) + r"[^\s]+", body)
    assert found, body
    return found.group(0)


def no_axe_violation(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe(violations)}"


def confirm_and_log_in(page, base: str, smtp, email: str) -> None:
    """After registering: open the confirmation link mailed to `email`, then log in where it leads."""
    def confirmation():
        for message in smtp.to(email):
            found = re.search(r"https?://[^/\s]+(/confirm/\S+)", message.get_body(("plain",)).get_content())
            if found:
                return found.group(1)
        return None

    page.goto(base + wait_until(confirmation, 60, f"the confirmation mail to {email}", every=0.1))
    page.wait_for_load_state()
    assert "votre adresse e-mail est confirmée." in page.locator("main").inner_text()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def register(page, base: str, link: str, name: str, email: str, smtp) -> None:
    """Open an invitation link signed out, create the account it asks for, confirm the address from
    the mail, log in and come back to the invitation to accept it."""
    page.goto(base + link[link.index("/", 8):])
    page.get_by_role("link", name="Créer un compte pour accepter").click()
    page.wait_for_load_state()
    assert page.locator("#email").input_value().lower() == email.lower()  # the invited address, filled in
    page.locator("#full_name").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm_password").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_load_state()
    assert "Consultez votre messagerie" in page.locator("main").inner_text()
    confirm_and_log_in(page, base, smtp, email)
    page.get_by_role("button", name="Accepter l'invitation").click()
    page.wait_for_load_state()


def log_out(page) -> None:
    page.context.clear_cookies()


def test_an_empty_database_becomes_a_fair_a_candidate_applies_to(empty_instance, page, smtp):
    base, engine = empty_instance

    # The administrator creates the organiser organisation and invites its owner.
    log_in(page, base, ADMIN)
    page.goto(f"{base}/admin/")
    no_axe_violation(page, "admin home")
    page.goto(f"{base}/admin/organisations/new")
    page.locator("#kind").select_option("organiser")
    page.locator("#name").fill("Métropole du Nord")
    page.get_by_role("button", name="Créer l'organisation").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("Métropole du Nord")).is_visible()
    no_axe_violation(page, "admin organisation page")
    page.locator("#email").fill("emploi@metropole.example.org")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_load_state()
    assert "emploi@metropole.example.org" in page.locator(".flashes").inner_text()
    for path in ("/admin/organisations", "/admin/people", "/admin/instance", "/admin/jobs", "/admin/audit"):
        page.goto(base + path)
        no_axe_violation(page, path)
    log_out(page)

    # The owner accepts with the invited address and creates a fair whose registration is open.
    register(page, base, link_in(smtp, "emploi@metropole.example.org", "/team-invitations/"),
             "Service emploi de la Métropole", "emploi@metropole.example.org", smtp)
    no_axe_violation(page, "team page of the organiser")
    page.goto(f"{base}/console/editions/new")
    page.get_by_label("Titre").fill("Job dating de la logistique")
    page.get_by_label("Description").fill("Rencontrez les entreprises de la logistique du territoire.")
    today = dt.date.today()
    start = today + dt.timedelta(days=30)
    page.get_by_label("Début", exact=True).fill(f"{start.isoformat()}T09:00")
    page.get_by_label("Fin", exact=True).fill(f"{start.isoformat()}T17:00")
    page.get_by_label("Ouverture des inscriptions").fill(f"{(today - dt.timedelta(days=1)).isoformat()}T09:00")
    page.get_by_label("Clôture des inscriptions").fill(f"{start.isoformat()}T08:00")
    page.get_by_role("button", name="Créer le salon").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()
    edition_path = page.url.split(base, 1)[1]
    page.goto(f"{base}{edition_path}/invitations")
    page.locator("input[name=kind][value=company]").check()
    page.get_by_label("Nom de l'organisation").fill("Transports du Nord")
    page.get_by_label("Adresse e-mail de la personne à inviter").fill("rh@transports.example.org")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_load_state()
    log_out(page)

    # The company's first person accepts, becomes its owner and invites a colleague.
    invitation = link_in(smtp, "rh@transports.example.org", "/invitations/")
    register(page, base, invitation, "Ressources humaines", "rh@transports.example.org", smtp)
    with Session(engine) as db:
        company_id, booth_id = db.execute(text(
            "SELECT o.id, b.id FROM organisations o JOIN booths b ON b.company_id = o.id "
            "WHERE o.name = 'Transports du Nord'")).one()
        assert db.execute(text("SELECT role FROM memberships WHERE organisation_id = :o"),
                          {"o": company_id}).scalar_one() == "owner"
    page.goto(f"{base}/organisations/{company_id}/team")
    no_axe_violation(page, "team page of the company")
    page.get_by_label("Adresse e-mail").fill("recrutement@transports.example.org")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_load_state()
    no_axe_violation(page, "team page with a pending invitation")

    # … and publishes an offer on the booth.
    page.goto(f"{base}/recruiter/booths/{booth_id}/offers/new")
    page.locator("#title").fill("Préparateur de commandes")
    page.locator("#contract_type").select_option("cdi")
    page.locator("#place").fill("Lille")
    page.locator("#description").fill("Préparation des commandes en entrepôt, en équipe de jour.")
    page.get_by_role("button", name="Publier l'offre").click()
    page.wait_for_load_state()
    log_out(page)

    # The colleague joins the company through the link sent to their own address.
    register(page, base, link_in(smtp, "recrutement@transports.example.org", "/team-invitations/"),
             "Recrutement", "recrutement@transports.example.org", smtp)
    assert page.get_by_role("heading", name=re.compile("Transports du Nord")).count() >= 1
    log_out(page)

    # A candidate registers and applies.
    page.goto(f"{base}/register")
    page.locator("#full_name").fill("Candidate du quartier")
    page.locator("#email").fill("candidate@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm_password").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_load_state()
    confirm_and_log_in(page, base, smtp, "candidate@example.org")
    page.goto(f"{base}/")
    page.get_by_role("link", name="Job dating de la logistique").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Préparateur de commandes").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Candidater à cette offre").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Envoyer ma candidature").click()
    page.wait_for_load_state()

    with Session(engine) as db:
        applicants = db.execute(text(
            "SELECT u.email FROM applications a JOIN users u ON u.id = a.candidate_id")).scalars().all()
        assert applicants == ["candidate@example.org"]
        members = db.execute(text(
            "SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id "
            "WHERE m.organisation_id = :o ORDER BY u.email"), {"o": company_id}).all()
        assert [tuple(row) for row in members] == [("recrutement@transports.example.org", "member"),
                                                   ("rh@transports.example.org", "owner")]
        actions = db.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars().all()
        assert actions[:3] == ["admin.grant", "organisation.create", "team.invite"]
        assert "team.accept" in actions and actions.count("team.invite") == 2
