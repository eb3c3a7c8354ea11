"""Logging in and out: generic errors, safe redirects, a fresh session, throttling."""
from __future__ import annotations

import pytest

from tests.accounts.helpers import is_logged_in, page_text
from tests.conftest import PASSWORD, csrf_token, login, post_form

GENERIC_ERROR = "Adresse e-mail ou mot de passe incorrect."


def attempt(client, email, password=PASSWORD, path="/login", **kwargs):
    return post_form(client, path, {"email": email, "password": password}, form_page="/login", **kwargs)


def test_the_right_password_logs_in_whatever_the_email_case(client, factory):
    user = factory.user(email="candidate@example.org")
    response = attempt(client, "  Candidate@EXAMPLE.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_logged_in(client)
    assert user.email in page_text(client.get("/account"))


def test_wrong_password_and_unknown_email_get_the_same_generic_answer(client, factory):
    factory.user(email="candidate@example.org")
    wrong_password = attempt(client, "candidate@example.org", "not the password")
    unknown_email = attempt(client, "nobody@example.org", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 422
    assert GENERIC_ERROR in page_text(wrong_password)
    assert page_text(wrong_password) == page_text(unknown_email)
    assert not is_logged_in(client)


def test_a_disabled_account_cannot_log_in(client, factory):
    factory.user(email="gone@example.org", is_active_account=False)
    response = attempt(client, "gone@example.org")
    assert response.status_code == 422
    assert "Ce compte est désactivé." in page_text(response)
    assert not is_logged_in(client)
    assert GENERIC_ERROR in page_text(attempt(client, "gone@example.org", "wrong password!"))


def test_organisers_and_recruiters_land_on_their_pages(client, factory):
    organiser = factory.member(factory.organisation("organiser"))
    response = login(client, organiser.email)
    assert response.headers["Location"] == "/console/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    recruiter = factory.member(factory.organisation("company"))
    assert login(client, recruiter.email).headers["Location"] == "/recruiter/"


def test_next_is_followed_to_a_local_page(client, factory):
    user = factory.user()
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount"
    response = attempt(client, user.email, path="/login?next=%2Faccount%3Ftab%3D1")
    assert response.headers["Location"] == "/account?tab=1"


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "https://evil.example/", "http:evil.example",
    "javascript:alert(1)", "/\t/evil.example", " //evil.example", "\t//evil.example",
])
def test_next_never_leads_to_another_site(client, factory, target):
    user = factory.user()
    response = client.post("/login", query_string={"next": target}, data={
        "email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_login_form_keeps_only_a_safe_next(client):
    body = client.get("/login?next=//evil.example").get_data(as_text=True)
    assert '<form method="post" action="/login" class="stacked"' in body
    assert 'href="/register"' in body
    body = client.get("/login?next=/account").get_data(as_text=True)
    assert '<form method="post" action="/login?next=/account" class="stacked"' in body
    assert 'href="/register?next=/account"' in body


def test_login_starts_a_fresh_session(client, factory):
    user = factory.user()
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    login(client, user.email)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == f"{user.id}:{user.security_stamp}"


def test_logout_only_by_post_with_its_token(client, factory):
    user = factory.user()
    login(client, user.email)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert is_logged_in(client)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    assert not is_logged_in(client)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_login_without_csrf_token_is_refused(client, factory):
    user = factory.user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not is_logged_in(client)


# ---------------------------------------------------------------- throttling (5 per minute by default)

def test_the_sixth_attempt_in_a_minute_is_refused_even_with_the_right_password(client, factory):
    user = factory.user()
    for _ in range(5):
        assert attempt(client, user.email, "wrong password!").status_code == 422
    response = attempt(client, user.email)
    assert response.status_code == 429
    assert "Trop de tentatives" in page_text(response)
    assert "Patientez une minute, puis réessayez." in page_text(response)
    assert not is_logged_in(client)


def test_one_address_is_limited_whatever_email_it_tries(client, factory):
    user = factory.user()
    for n in range(5):
        attempt(client, f"guess{n}@example.org", "wrong password!")
    assert attempt(client, user.email).status_code == 429


def test_one_email_is_limited_whatever_address_tries_it(app, factory):
    user = factory.user(email="target@example.org")
    for n in range(5):
        client = app.test_client()
        response = attempt(client, "Target@example.org", "wrong password!",
                           environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"})
        assert response.status_code == 422
    client = app.test_client()
    response = attempt(client, user.email, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 429
    # Another account from that fresh address is not affected.
    other = factory.user()
    assert attempt(client, other.email, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302


def test_the_limit_follows_the_setting_and_english_pages_say_it_in_english(app, client, factory):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    client.get("/lang/en")
    user = factory.user()
    attempt(client, user.email, "wrong password!")
    attempt(client, user.email, "wrong password!")
    response = attempt(client, user.email)
    assert response.status_code == 429
    assert "Too many attempts" in page_text(response)
    assert "wait one minute" in page_text(response)


def test_looking_at_the_login_page_is_not_limited(client):
    for _ in range(8):
        assert client.get("/login").status_code == 200
