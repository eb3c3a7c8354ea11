"""Forgotten password: the same answer for everyone, single-use expiring links, old sessions ended."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fair.accounts.models import PasswordResetToken, User
from fair.db import utcnow
from fair.security import hash_token
from tests.accounts.helpers import count, is_logged_in, mail_link, page_text
from tests.conftest import PASSWORD, login, post_form, run_jobs, token_in

NEW_PASSWORD = "a brand new passphrase"


def ask_for_link(client, email):
    return post_form(client, "/password/forgot", {"email": email})


def reset_link(app, client, smtp, email) -> str:
    assert ask_for_link(client, email).status_code == 200
    run_jobs(app)
    message = smtp.wait_for(email)[-1]
    return mail_link(message, "/password/reset/")


def choose(client, link, password=NEW_PASSWORD, confirm=None):
    return post_form(client, link, {"password": password, "confirm_password": confirm or password})


def test_known_and_unknown_emails_get_the_same_answer_and_only_known_ones_a_mail(app, client, session,
                                                                              smtp, factory):
    factory.user(email="known@example.org")
    known = ask_for_link(client, "Known@Example.org")
    unknown = ask_for_link(client, "unknown@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    assert "Si un compte existe avec cette adresse" in page_text(known)

    from fair.jobs import get_queue

    [job] = get_queue("mail").get_jobs()
    assert job.func_name == "fair.accounts.jobs.send_password_reset"
    assert len(job.args) == 1  # only the user id: no secret in Redis
    assert count(session, PasswordResetToken) == 0  # the job makes the token

    run_jobs(app)
    [message] = smtp.wait_for("known@example.org")
    assert message["Subject"] == "Choisissez un nouveau mot de passe"
    assert smtp.to("unknown@example.org") == []
    token = mail_link(message, "/password/reset/").rsplit("/", 1)[1]
    [row] = session.execute(select(PasswordResetToken)).scalars()
    assert row.token_hash == hash_token(token) and token not in row.token_hash
    assert row.expires_at - row.created_at == dt.timedelta(seconds=app.config["PASSWORD_RESET_MAX_AGE"])


def test_a_reset_link_sets_the_password_logs_in_and_works_only_once(app, client, session, smtp, factory):
    user = factory.user(email="known@example.org")
    old_stamp = user.security_stamp
    link = reset_link(app, client, smtp, "known@example.org")
    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Choisissez un nouveau mot de passe" in page_text(page)

    response = choose(client, link)
    assert response.status_code == 302
    assert is_logged_in(client)
    session.expire_all()
    assert session.get(User, user.id).security_stamp != old_stamp
    assert session.execute(select(PasswordResetToken)).scalar_one().used_at is not None

    fresh = app.test_client()
    again = fresh.get(link)
    assert again.status_code == 400
    assert "Ce lien ne fonctionne plus" in page_text(again)
    assert 'href="/password/forgot"' in again.get_data(as_text=True)
    login(fresh, "known@example.org", NEW_PASSWORD)
    old = app.test_client()
    assert post_form(old, "/login", {"email": "known@example.org", "password": PASSWORD}).status_code == 422


def test_a_link_already_used_cannot_be_posted_again(app, client, session, smtp, factory):
    factory.user(email="known@example.org")
    link = reset_link(app, client, smtp, "known@example.org")
    attacker = app.test_client()
    form_token_page = attacker.get(link)
    assert form_token_page.status_code == 200
    assert choose(client, link).status_code == 302
    csrf = token_in(form_token_page.get_data(as_text=True))
    response = attacker.post(link, data={"password": "attacker's choice!", "confirm_password":
                                         "attacker's choice!", "csrf_token": csrf})
    assert response.status_code == 400
    login(app.test_client(), "known@example.org", NEW_PASSWORD)


def test_an_expired_link_explains_and_changes_nothing(app, client, session, factory):
    from fair.security import new_token

    user = factory.user(email="known@example.org")
    token, digest = new_token()
    long_ago = utcnow() - dt.timedelta(hours=2)
    session.add(PasswordResetToken(user_id=user.id, token_hash=digest, created_at=long_ago,
                                   expires_at=long_ago + dt.timedelta(hours=1)))
    session.commit()
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 400
    assert "a expiré" in page_text(response)
    response = post_form(client, f"/password/reset/{token}",
                         {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, form_page="/login")
    assert response.status_code == 400
    login(client, "known@example.org", PASSWORD)


def test_a_short_max_age_makes_the_mailed_link_expire(app, client, smtp, factory):
    factory.user(email="known@example.org")
    app.config["PASSWORD_RESET_MAX_AGE"] = 0
    link = reset_link(app, client, smtp, "known@example.org")
    assert client.get(link).status_code == 400


def test_an_unknown_token_is_refused(client):
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 400
    assert "Demander un nouveau lien" in page_text(response)


def test_after_a_reset_other_sessions_are_logged_out_and_other_links_die(app, client, session, smtp, factory):
    factory.user(email="known@example.org")
    elsewhere = app.test_client()
    login(elsewhere, "known@example.org")
    assert is_logged_in(elsewhere)

    first = reset_link(app, client, smtp, "known@example.org")
    second = reset_link(app, client, smtp, "known@example.org")
    assert first != second
    assert choose(client, second).status_code == 302

    assert not is_logged_in(elsewhere)
    assert is_logged_in(client)
    assert client.get(first).status_code == 400
    session.expire_all()
    assert all(row.used_at for row in session.execute(select(PasswordResetToken)).scalars())


def test_the_new_password_is_validated_and_the_link_kept(app, client, smtp, factory):
    factory.user(email="known@example.org")
    link = reset_link(app, client, smtp, "known@example.org")
    response = choose(client, link, "short", "short")
    assert response.status_code == 422
    assert "Le mot de passe doit comporter entre 10 et 256 caractères." in page_text(response)
    response = choose(client, link, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert "Les deux mots de passe ne sont pas identiques." in page_text(response)
    assert choose(client, link).status_code == 302


def test_disabled_accounts_get_no_mail(app, client, smtp, factory):
    factory.user(email="gone@example.org", is_active_account=False)
    known = factory.user(email="known@example.org")
    gone_page = ask_for_link(client, "gone@example.org")
    assert gone_page.get_data() == ask_for_link(client, known.email).get_data()
    run_jobs(app)
    smtp.wait_for("known@example.org")
    assert smtp.to("gone@example.org") == []


def test_asking_for_links_is_throttled(client, factory):
    factory.user(email="known@example.org")
    for _ in range(5):
        assert ask_for_link(client, "known@example.org").status_code == 200
    assert ask_for_link(client, "known@example.org").status_code == 429


def test_a_malformed_email_is_explained(client, session):
    response = ask_for_link(client, "not an email")
    assert response.status_code == 422
    assert "Saisissez une adresse e-mail valide" in page_text(response)
