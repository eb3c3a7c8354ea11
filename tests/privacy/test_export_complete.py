"""Download my data: the zip holds every row that references the person, found by walking the schema
(so a table added later without export support fails here), and nothing secret."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import or_, select

from fair.accounts.models import User
from fair.candidates.models import CandidateCv
from fair.db import Base
from fair.mail.models import OutboxMessage
from fair.mail.outbox import queue_mail
from fair.privacy import export as exports
from fair.privacy import export_fields
from tests.candidates.helpers import pdf_bytes, upload
from tests.conftest import login, post_form, run_jobs
from tests.privacy.export_helpers import ask_and_download, fill_every_user_table, use_the_services

CV_NAME = "Mon CV: été 2026?.pdf"
# Whatever table holds them, these never leave (a hash of a secret confirms a guess of it).
SECRET_COLUMNS = {"password_hash", "security_stamp", "totp_secret", "token_hash", "code_hash", "claim_token",
                  "token", "room_path"}


def _rows_about(session, table, person_id: int) -> list[int]:
    columns = [c for c in table.columns if any(fk.column.table.name == "users" for fk in c.foreign_keys)]
    rows = session.execute(select(table.c.id).where(or_(*[c == person_id for c in columns]))).scalars()
    return sorted(rows)


def test_the_export_holds_every_row_about_the_person_and_no_secret(app, client, session, factory, smtp):
    person = factory.person("camille.export@example.org", "Camille Exportée")
    other = factory.person("dominique.other@example.org", "Dominique Autre")
    login(client, person.email)
    cv_bytes = pdf_bytes("Camille CV")
    assert upload(client, cv_bytes, CV_NAME).status_code == 302
    post_form(client, "/password/forgot", {"email": person.email})
    queue_mail(session, to=person.email, template="confirm_email", locale="fr", key="export-test-mail",
               context={"user": person, "link": "https://fair.example/confirm/abc"})
    session.commit()
    run_jobs(app)
    use_the_services(session, factory, person, other)
    fill_every_user_table(session, person.id, other.id)

    archive, _link = ask_and_download(app, client)
    names = archive.namelist()
    session.expire_all()

    # Every table with a key to users.id: each row naming the person is in <table>.json.
    walked = []
    for table in Base.metadata.sorted_tables:
        if not any(fk.column.table.name == "users" for fk in table.foreign_keys):
            continue
        expected = _rows_about(session, table, person.id)
        assert expected, f"the test made no row of {table.name} about the person"
        assert f"{table.name}.json" in names, f"{table.name}.json is missing from the export"
        exported = {row["id"] for row in json.loads(archive.read(f"{table.name}.json"))}
        assert set(expected) <= exported, f"{table.name}: rows {set(expected) - exported} missing"
        walked.append(table.name)
    assert len(walked) >= 35
    # Rows reachable only through another row (notes on the person's pipeline entries...).
    for name in export_fields.REACHABLE:
        assert json.loads(archive.read(f"{name}.json")), f"{name}.json is empty"
    users = json.loads(archive.read("users.json"))
    assert [u["email"] for u in users] == [person.email]

    # Other people only by name; secrets never.
    everything = b"".join(archive.read(n) for n in names)
    assert other.email.encode() not in everything
    assert "Dominique Autre".encode() in everything
    secrets_seen = []
    for table in [Base.metadata.tables["users"]] + [t for t, _ in exports.user_tables()]:
        for column in table.columns:
            if column.name not in SECRET_COLUMNS:
                continue
            assert exports._is_excluded(table.name, column.name), f"{table.name}.{column.name} is exported"
            values = session.execute(select(column).where(
                table.c.id == person.id if table.name == "users" else
                or_(*[table.c[c] == person.id for c in exports._user_columns(table)]))).scalars()
            secrets_seen += [str(v) for v in values if v is not None and len(str(v)) >= 8]
    assert secrets_seen, "the test made no secret to look for"
    for secret in secrets_seen:
        assert secret.encode() not in everything, f"a secret left in the export: {secret[:12]}…"
    assert b"password_hash" not in archive.read("users.json")
    # A message the person only moderated keeps its place, not its author's words.
    chat = json.loads(archive.read("chat_messages.json"))
    assert any(m["author_name"] == person.full_name and m["text"] for m in chat)
    hidden = [m for m in chat if m["hidden_by_name"] == person.full_name and m["author_name"] != person.full_name]
    assert hidden and all(m["text"] is None for m in hidden)

    # The CV, byte for byte, under its (sanitised) name.
    cv = session.execute(select(CandidateCv).where(CandidateCv.user_id == person.id)).scalars().first()
    assert archive.read(f"cvs/{cv.id}-Mon CV_ été 2026_.pdf") == cv_bytes

    # The mails sent to the person.
    mails = [archive.read(n).decode() for n in names if n.startswith("mails/")]
    sent = session.execute(select(OutboxMessage).where(OutboxMessage.to_address == person.email)).scalars().all()
    assert len(mails) >= 2 and len(mails) == len([m for m in sent if m.template != "export_ready"])
    assert any("https://fair.example/confirm/abc" in m for m in mails)
    assert any(m.startswith(f"Subject: {s.subject}") for m in mails for s in sent if s.template == "reset_password")

    # What the numbers point at, named.
    names_of = json.loads(archive.read("references.json"))
    application = json.loads(archive.read("applications.json"))[0]
    assert names_of["offers"][str(application["offer_id"])] == "Cariste"
    booked = [b for b in json.loads(archive.read("jobdating_bookings.json")) if b["candidate_name"] == person.full_name]
    assert names_of["editions"][str(booked[0]["edition_id"])].startswith("Salon de l'emploi")
    memberships = json.loads(archive.read("memberships.json"))
    assert all(str(m["organisation_id"]) in names_of["organisations"] for m in memberships)

    # Every file and field described, in the person's language (French here).
    described = json.loads(archive.read("fields.json"))
    for name in names:
        if name.endswith(".json") and name not in ("fields.json", "references.json"):
            rows = json.loads(archive.read(name))
            assert described[name]["description"], name
            for field in rows[0]:
                assert described[name]["fields"].get(field), f"{name}: {field} is not described"
    readme = archive.read("README.txt").decode()
    assert "Vos fichiers de CV" in readme and "users.json: Votre compte" in readme
    created = users[0]["created_at"]
    assert created.endswith("Z") and dt.datetime.fromisoformat(created).utcoffset() == dt.timedelta(0)


def test_the_docs_describe_the_export_as_the_code_does(app):
    with app.test_request_context():
        generated = exports.docs_markdown()
    with open("docs/personal-data.md", encoding="utf-8") as handle:
        docs = handle.read()
    assert "## What an export contains" in docs
    assert generated in docs, "docs/personal-data.md differs from fair/privacy/export_fields.py: regenerate it"


def test_an_export_of_a_person_with_nothing_is_still_a_documented_zip(app, client, session, factory):
    person = factory.person("new.person@example.org", "Nouvelle Personne")
    login(client, person.email)
    archive, _link = ask_and_download(app, client)
    names = set(archive.namelist())
    assert {"README.txt", "fields.json", "users.json", "data_exports.json"} <= names
    assert session.get(User, person.id) is not None
