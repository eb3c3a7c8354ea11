"""The audit log: read newest first, filtered, exported as CSV; never changed, by any route or query."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from fair.audit import AuditEntry, AuditLogIsAppendOnly, record
from tests.conftest import login, page_text
from tests.exports.helpers import fetch_export


@pytest.fixture
def admin_client(app, factory):
    admin = factory.user(email="admin@example.org", is_admin=True)
    client = app.test_client()
    login(client, admin.email)
    return client


def _entry(session, action: str, label: str, *, actor_email: str = "staff@example.org", when: dt.datetime | None = None,
           object_type: str = "organisations") -> AuditEntry:
    entry = AuditEntry(action=action, object_type=object_type, object_id=1, object_label=label,
                       actor_email=actor_email, ip_address="192.0.2.7",
                       created_at=when or dt.datetime.now(dt.timezone.utc))
    session.add(entry)
    session.commit()
    return entry


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_log_is_newest_first_paginated_and_filtered(admin_client, session):
    day = dt.datetime(2030, 3, 12, 12, tzinfo=dt.timezone.utc)
    for n in range(55):
        _entry(session, "organisation.update", f"Org {n:02d}", when=day + dt.timedelta(minutes=n))
    _entry(session, "user.disable", "Dominique", actor_email="other@example.org", object_type="users",
           when=day - dt.timedelta(days=3))
    first = page_text(admin_client.get("/admin/audit"))
    assert first.index("Org 54") < first.index("Org 53") and "Org 04" not in first
    second = page_text(admin_client.get("/admin/audit?page=2"))
    assert "Org 04" in second and "Dominique" in second
    by_actor = page_text(admin_client.get("/admin/audit?actor=OTHER@"))
    assert "Dominique" in by_actor and "Org 54" not in by_actor
    by_type = page_text(admin_client.get("/admin/audit?object_type=users&action=user.disable"))
    assert "Dominique" in by_type and "Org 54" not in by_type
    by_date = page_text(admin_client.get("/admin/audit?date_from=2030-03-09&date_to=2030-03-09"))
    assert "Dominique" in by_date and "Org 54" not in by_date
    bad = admin_client.get("/admin/audit?date_from=2030-03-12&date_to=2030-03-01")
    assert bad.status_code == 422


def test_the_csv_export_honours_the_filters_and_neutralises_formulas(app, admin_client, session):
    _entry(session, "organisation.create", '=HYPERLINK("http://evil.example","click")')
    _entry(session, "organisation.create", "+33 Acme", actor_email="-sneaky@example.org")
    _entry(session, "user.disable", "@Someone", object_type="users")
    rows = _csv_rows(fetch_export(app, admin_client, "/admin/audit.csv?action=organisation.create", "/admin/audit"))
    assert len(rows) == 3  # header + the two filtered rows
    labels = {row[5] for row in rows[1:]}
    assert labels == {"'=HYPERLINK(\"http://evil.example\",\"click\")", "'+33 Acme"}
    assert "'-sneaky@example.org" in {row[1] for row in rows[1:]}
    assert all(row[7] == "192.0.2.7" for row in rows[1:])
    everything = _csv_rows(fetch_export(app, admin_client, "/admin/audit.csv", "/admin/audit"))
    assert "'@Someone" in {row[5] for row in everything[1:]}


def test_no_route_changes_the_log(app, admin_client, session):
    entry = _entry(session, "user.disable", "Dominique")
    audit_rules = [rule for rule in app.url_map.iter_rules() if "/audit" in rule.rule]
    assert {rule.rule for rule in audit_rules} == {"/admin/audit", "/admin/audit.csv"}
    # the CSV's POST starts an export job, which reads the log
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in audit_rules if rule.rule == "/admin/audit")
    for method in ("post", "put", "delete", "patch"):
        assert getattr(admin_client, method)("/admin/audit").status_code in (400, 405)
    session.expire_all()
    assert session.get(AuditEntry, entry.id).object_label == "Dominique"


def test_the_orm_refuses_to_change_or_delete_a_row(session):
    entry = record(session, "user.disable", object_type="users", object_id=1, label="Dominique")
    session.commit()
    entry.object_label = "Someone else"
    with pytest.raises(AuditLogIsAppendOnly):
        session.commit()
    session.rollback()
    session.delete(session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        session.commit()
    session.rollback()
    assert session.execute(select(AuditEntry.object_label)).scalar_one() == "Dominique"


def test_postgresql_refuses_raw_updates_and_deletes(session, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the ORM guard")
    record(session, "user.disable", object_type="users", object_id=1, label="Dominique")
    session.commit()
    for statement in ("UPDATE audit_log SET object_label = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError):
            session.execute(text(statement))
            session.commit()
        session.rollback()
    assert session.execute(select(AuditEntry.object_label)).scalar_one() == "Dominique"
