"""`flask fair create-admin`: the first administrator of an empty instance, from the shell."""
from __future__ import annotations

from sqlalchemy import select

from fair.accounts.models import User
from fair.audit import AuditEntry
from fair.security import verify_password
from tests.conftest import PASSWORD, count, login

GOOD = "a long and unusual passphrase"


def _invoke(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=["fair", "create-admin", *args], input=input)


def _user(session, email: str) -> User | None:
    session.expire_all()
    return session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def test_a_new_administrator_types_the_password_twice_and_can_log_in(app, client, session):
    result = _invoke(app, "--email", "Chief@Example.org", "--name", "Camille Admin", input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "administrator account created" in result.output
    assert GOOD not in result.output  # hidden while typed
    user = _user(session, "Chief@example.org")
    assert user.is_admin and user.email_confirmed_at is not None and user.full_name == "Camille Admin"
    entry = session.execute(select(AuditEntry)).scalar_one()
    assert (entry.action, entry.actor_id, entry.object_type, entry.object_id) == ("admin.grant", None, "users", user.id)

    login(client, "chief@example.org", GOOD)
    assert client.get("/admin/").status_code == 200


def test_the_password_can_come_from_stdin_for_scripts(app, session):
    result = _invoke(app, "--email", "ops@example.org", "--password-stdin", input=f"{GOOD}\n")
    assert result.exit_code == 0, result.output
    user = _user(session, "ops@example.org")
    assert user.is_admin and verify_password(user.password_hash, GOOD)


def test_a_weak_password_is_refused_with_the_reason_and_no_account(app, session):
    for password, reason in [("short", "between 10 and 256 characters"),
                             ("motdepasse123", "most common"),
                             ("boss@example.org", "must not be the email address")]:
        result = _invoke(app, "--email", "boss@example.org", "--password-stdin", input=f"{password}\n")
        assert result.exit_code != 0
        assert reason in result.output and "No account was created" in result.output
    assert count(session, User) == 0
    assert count(session, AuditEntry) == 0


def test_two_mismatches_give_up_and_create_nothing(app, session):
    result = _invoke(app, "--email", "boss@example.org", input=f"{GOOD}\nother one\n{GOOD}\nanother\n")
    assert result.exit_code != 0
    assert result.output.count("The two passwords are not the same.") == 2
    assert "did not match" in result.output
    assert count(session, User) == 0


def test_a_mismatch_then_a_match_creates_the_account(app, session):
    result = _invoke(app, "--email", "boss@example.org", input=f"{GOOD}\nother one\n{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert _user(session, "boss@example.org").is_admin


def test_an_existing_account_is_promoted_and_keeps_its_password(app, session, factory):
    person = factory.user(email="known@example.org")
    result = _invoke(app, "--email", "KNOWN@example.org")  # asks for no password
    assert result.exit_code == 0, result.output
    assert "password is unchanged" in result.output
    user = _user(session, "known@example.org")
    assert user.is_admin and verify_password(user.password_hash, PASSWORD)
    entry = session.execute(select(AuditEntry)).scalar_one()
    assert (entry.action, entry.object_id, entry.actor_id) == ("admin.grant", person.id, None)
    again = _invoke(app, "--email", "known@example.org")
    assert again.exit_code == 0 and "already an administrator" in again.output
    assert count(session, AuditEntry) == 1


def test_an_invalid_address_is_refused(app, session):
    result = _invoke(app, "--email", "not-an-address", "--password-stdin", input=f"{GOOD}\n")
    assert result.exit_code != 0 and "valid email address" in result.output
    assert count(session, User) == 0
