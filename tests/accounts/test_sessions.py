"""Server-side sessions (issue 14, item 2), the throttle that follows the account (item 1), the
calendar address rotated with the password (item 5) and the demo refused in production (item 12)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fair import clock
from fair.accounts.models import UserSession
from fair.calendar import feeds
from tests.accounts.helpers import is_logged_in
from tests.accounts.test_password_reset import choose, reset_link
from tests.conftest import PASSWORD, login, post_form

NEW_PASSWORD = "a brand new passphrase 42"


def copy_of(app, client):
    """A second browser holding the very same cookie (stolen, or copied to another machine)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    return thief


def sessions_of(session, user) -> list[UserSession]:
    session.expire_all()
    return list(session.execute(select(UserSession).where(UserSession.user_id == user.id)
                                .order_by(UserSession.id)).scalars())


# ---------------------------------------------------------------- item 2: ending sessions

def test_login_makes_a_session_row_holding_only_the_hash_of_the_secret(app, client, session, factory):
    user = factory.user()
    login(client, user.email)
    (row,) = sessions_of(session, user)
    with client.session_transaction() as cookie_session:
        secret = cookie_session["_fair_session"]
    assert row.token_hash != secret and len(row.token_hash) == 64
    assert row.revoked_at is None and row.user_agent is not None
    assert row.expires_at > row.created_at


def test_a_copied_cookie_stops_working_after_logout(app, client, session, factory):
    user = factory.user()
    login(client, user.email)
    thief = copy_of(app, client)
    assert is_logged_in(thief)
    assert post_form(client, "/logout", {}, form_page="/account").status_code == 302
    assert not is_logged_in(thief)
    assert sessions_of(session, user)[0].revoked_at is not None


def test_a_password_change_ends_the_other_devices_and_keeps_this_one(app, client, session, factory):
    user = factory.user()
    login(client, user.email)
    other_device = app.test_client()
    login(other_device, user.email)
    copied = copy_of(app, client)
    response = post_form(client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                        "confirm_password": NEW_PASSWORD}, form_page="/account")
    assert response.status_code == 302
    assert is_logged_in(client)
    assert not is_logged_in(other_device)
    assert not is_logged_in(copied)  # the cookie as it was before the change
    rows = sessions_of(session, user)
    assert [row.revoked_at is None for row in rows] == [False, False, True]


def test_a_password_reset_ends_every_session(app, client, session, smtp, factory):
    user = factory.user(email="known@example.org")
    signed_in = app.test_client()
    login(signed_in, user.email)
    link = reset_link(app, client, smtp, "known@example.org")
    assert choose(client, link, NEW_PASSWORD).status_code == 302
    assert is_logged_in(client)
    assert not is_logged_in(signed_in)


def _admin_client(app, factory):
    admin = factory.user(email="admin@example.org", is_admin=True)
    client = app.test_client()
    login(client, admin.email)
    return client


def test_an_administrator_ends_all_sessions_of_a_person(app, client, session, factory):
    user = factory.user()
    login(client, user.email)
    copied = copy_of(app, client)
    admin = _admin_client(app, factory)
    assert post_form(admin, f"/admin/people/{user.id}/end-sessions", {},
                     form_page=f"/admin/people/{user.id}").status_code == 302
    assert not is_logged_in(client)
    assert not is_logged_in(copied)
    login(client, user.email)  # the person can sign in again
    assert is_logged_in(client)


def test_disabling_an_account_ends_its_sessions(app, client, session, factory):
    user = factory.user()
    login(client, user.email)
    copied = copy_of(app, client)
    admin = _admin_client(app, factory)
    assert post_form(admin, f"/admin/people/{user.id}/disable", {},
                     form_page=f"/admin/people/{user.id}").status_code == 302
    assert not is_logged_in(copied)
    assert all(row.revoked_at is not None for row in sessions_of(session, user))


def test_a_cookie_without_a_session_row_is_refused(app, client, session, factory):
    """A cookie signed before sessions were kept on the server (only "id:stamp") opens nothing."""
    user = factory.user()
    forged = app.test_client()
    with forged.session_transaction() as cookie_session:
        cookie_session["_user_id"] = user.get_id()
        cookie_session["_fresh"] = True
    assert not is_logged_in(forged)


# ---------------------------------------------------------------- item 2: idle and absolute timeouts

class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def test_a_session_ends_after_the_idle_timeout_and_activity_keeps_it(app, client, session, factory):
    app.config.update(SESSION_IDLE_MINUTES=30, SESSION_ABSOLUTE_HOURS=24)
    moving = Clock(dt.datetime.now(dt.timezone.utc))
    clock.set_clock(moving)
    try:
        user = factory.user()
        login(client, user.email)
        for _ in range(4):  # active every 20 minutes: still signed in after 80 minutes
            moving.now += dt.timedelta(minutes=20)
            assert is_logged_in(client)
        moving.now += dt.timedelta(minutes=31)
        assert not is_logged_in(client)
    finally:
        clock.set_clock(None)


def test_a_session_ends_at_its_absolute_limit_however_active(app, client, session, factory):
    app.config.update(SESSION_IDLE_MINUTES=60, SESSION_ABSOLUTE_HOURS=2)
    moving = Clock(dt.datetime.now(dt.timezone.utc))
    clock.set_clock(moving)
    try:
        user = factory.user()
        login(client, user.email)
        for _ in range(3):
            moving.now += dt.timedelta(minutes=39)
            assert is_logged_in(client)
        moving.now += dt.timedelta(minutes=4)  # 2 h 1 min after login
        assert not is_logged_in(client)
    finally:
        clock.set_clock(None)


def test_staff_sessions_have_the_shorter_limits(app, client, session, factory):
    app.config.update(SESSION_IDLE_MINUTES=600, STAFF_SESSION_IDLE_MINUTES=15)
    company = factory.organisation("company")
    recruiter = factory.member(company)
    candidate = factory.user()
    candidate_client = app.test_client()
    moving = Clock(dt.datetime.now(dt.timezone.utc))
    clock.set_clock(moving)
    try:
        login(client, recruiter.email)
        login(candidate_client, candidate.email)
        moving.now += dt.timedelta(minutes=16)
        assert not is_logged_in(client)
        assert is_logged_in(candidate_client)
    finally:
        clock.set_clock(None)


# ---------------------------------------------------------------- item 1: the throttle follows the account

def _attempt(app, email, password, n, path="/login"):
    client = app.test_client()
    return post_form(client, path, {"email": email, "password": password} if path == "/login" else {"email": email},
                     environ_base={"REMOTE_ADDR": f"192.0.2.{n}"})


def test_other_spellings_of_an_address_share_its_login_budget(app, factory):
    user = factory.user(email="victim@example.org")
    for n in range(5):
        assert _attempt(app, "victim@example.org", "wrong password!", n + 1).status_code == 422
    for n, spelling in enumerate(["victim@ｅxample.org", "victim@example。org", "VICTIM@EXAMPLE.ORG",
                                  " victim@example．org"]):
        response = _attempt(app, spelling, PASSWORD, 100 + n)
        assert response.status_code == 429, spelling
    assert user.id


def test_the_budget_is_the_accounts_whatever_the_spelling_used_first(app, factory):
    factory.user(email="victim@example.org")
    spellings = ["victim@ｅxample.org", "victim@example。org", "Victim@Example.org", "victim@ｅxample。org",
                 "victim@EXAMPLE.org"]
    for n, spelling in enumerate(spellings):
        assert _attempt(app, spelling, "wrong password!", n + 1).status_code == 422
    assert _attempt(app, "victim@example.org", PASSWORD, 50).status_code == 429


def test_other_spellings_share_the_password_reset_budget(app, factory):
    factory.user(email="victim@example.org")
    for n in range(5):
        assert _attempt(app, "victim@example.org", None, n + 1, path="/password/forgot").status_code == 200
    assert _attempt(app, "victim@ｅxample.org", None, 60, path="/password/forgot").status_code == 429
    assert _attempt(app, "victim@example。org", None, 61, path="/password/forgot").status_code == 429


# ---------------------------------------------------------------- item 5: the calendar address

def _feed_token(session, user) -> str:
    token = feeds.renew_feed(session, user.id)
    session.commit()
    return token


def test_a_password_change_rotates_the_calendar_address(app, client, session, factory):
    user = factory.user()
    token = _feed_token(session, user)
    outsider = app.test_client()
    response = outsider.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "private" in response.headers["Cache-Control"]
    login(client, user.email)
    post_form(client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                            "confirm_password": NEW_PASSWORD}, form_page="/account")
    assert outsider.get(f"/calendar/{token}.ics").status_code == 404
    session.expire_all()
    assert feeds.feed_of(session, user.id) is not None  # still subscribed: a new address awaits


def test_a_password_reset_rotates_the_calendar_address(app, client, session, smtp, factory):
    user = factory.user(email="known@example.org")
    token = _feed_token(session, user)
    link = reset_link(app, client, smtp, "known@example.org")
    assert choose(client, link, NEW_PASSWORD).status_code == 302
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


# ---------------------------------------------------------------- item 12: no demo in production

def test_the_demo_refuses_a_production_instance(app, session):
    from fair.accounts.models import User

    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["fair", "demo"])
    assert result.exit_code != 0
    assert "FAIR_ENV=production" in result.output
    assert session.execute(select(User)).first() is None
