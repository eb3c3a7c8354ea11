"""Registering a candidate account and confirming its email address."""
from __future__ import annotations

from fair.accounts.models import User
from tests.accounts.helpers import count, is_logged_in, mail_link, page_text
from tests.conftest import PASSWORD, csrf_token, login, post_form, run_jobs

VALID = {
    "full_name": "Test Candidate",
    "email": "test.candidate@example.org",
    "phone": "06 12 34 56 78",
    "password": PASSWORD,
    "confirm_password": PASSWORD,
    "locale": "fr",
}


def register(client, **changes):
    return post_form(client, "/register", {**VALID, **changes})


def test_register_mails_a_link_that_confirms_the_address(app, client, session, smtp):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/sent"
    # Nobody is logged in by registering: a taken address must get the very same answer.
    assert not is_logged_in(client)
    assert "Consultez votre messagerie" in page_text(client.get("/register/sent"))

    user = session.execute(User.__table__.select()).one()
    assert user.email == "test.candidate@example.org"
    assert user.full_name == "Test Candidate"
    assert user.phone == "+33612345678"  # a mobile number is kept in E.164
    assert user.password_hash.startswith("$argon2")
    assert len(user.security_stamp) >= 32
    assert user.email_confirmed_at is None

    # The new account may log in with its password before confirming; it is told it is not confirmed.
    login(client, VALID["email"])
    assert "Pas encore confirmée" in page_text(client.get("/account"))

    run_jobs(app)
    [message] = smtp.wait_for("test.candidate@example.org")
    assert message["Subject"] == "Confirmez votre adresse e-mail"
    assert "Bonjour Test Candidate" in message.get_body(("plain",)).get_content()

    response = client.get(mail_link(message, "/confirm/"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    account = page_text(client.get("/account"))
    assert "Merci : votre adresse e-mail est confirmée." in account
    assert "Confirmée le" in account
    session.expire_all()
    assert session.get(User, user.id).email_confirmed_at is not None


def test_the_next_page_survives_registration_confirmation_and_login(app, client, smtp):
    response = post_form(client, "/register?next=/account/invitations/x", VALID,
                         form_page="/register?next=/account/invitations/x")
    assert response.headers["Location"] == "/register/sent?next=/account/invitations/x"
    assert 'href="/login?next=/account/invitations/x"' in client.get(response.headers["Location"]).get_data(
        as_text=True)
    run_jobs(app)
    [message] = smtp.wait_for(VALID["email"])
    link = mail_link(message, "/confirm/")
    assert "next=/account/invitations/x" in link
    response = client.get(link)
    assert response.headers["Location"] == "/login?next=/account/invitations/x"
    response = post_form(client, "/login?next=/account/invitations/x", {"email": VALID["email"],
                                                                       "password": PASSWORD})
    assert response.headers["Location"] == "/account/invitations/x"


def test_the_confirmation_link_works_without_being_logged_in(app, client, smtp):
    register(client)
    run_jobs(app)
    [message] = smtp.wait_for(VALID["email"])
    other_device = app.test_client()
    response = other_device.get(mail_link(message, "/confirm/"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    again = other_device.get(mail_link(message, "/confirm/"), follow_redirects=True)
    assert "Votre adresse e-mail était déjà confirmée." in page_text(again)


def test_a_tampered_or_expired_link_explains_and_offers_a_new_one(app, client, session, smtp):
    register(client)
    login(client, VALID["email"])
    run_jobs(app)
    [message] = smtp.wait_for(VALID["email"])
    link = mail_link(message, "/confirm/")

    response = client.get(link[:-3] + "xyz")
    assert response.status_code == 400
    assert "Ce lien de confirmation ne fonctionne pas" in page_text(response)
    assert "Envoyez-moi un nouveau lien de confirmation" in page_text(response)

    app.config["EMAIL_CONFIRM_MAX_AGE"] = -1
    response = client.get(link)
    assert response.status_code == 400
    assert "Ce lien a expiré." in page_text(response)
    session.expire_all()
    assert session.execute(User.__table__.select()).one().email_confirmed_at is None

    smtp.clear()
    app.config["EMAIL_CONFIRM_MAX_AGE"] = 3600
    response = post_form(client, "/confirm/resend", {}, form_page="/account")
    assert response.status_code == 302
    run_jobs(app)
    [fresh] = smtp.wait_for(VALID["email"])
    assert client.get(mail_link(fresh, "/confirm/")).status_code == 302
    session.expire_all()
    assert session.execute(User.__table__.select()).one().email_confirmed_at is not None


def test_resend_needs_a_login(client):
    response = client.post("/confirm/resend")
    # CSRF is checked first for anonymous visitors too: without a token the form is refused.
    assert response.status_code == 400
    token = csrf_token(client, "/login")
    response = client.post("/confirm/resend", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def _visible(response) -> tuple:
    """What a visitor can compare between two answers: status, where it leads, cookies, the page."""
    cookies = sorted(h.split("=", 1)[0] for h in response.headers.getlist("Set-Cookie"))
    return response.status_code, response.headers.get("Location"), cookies


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_mail(app, session, factory, smtp):
    owner = factory.user(email="Test.Candidate@Example.org", full_name="Owner Person")
    fresh, taken = app.test_client(), app.test_client()
    new_answer = register(fresh, email="someone.new@example.org")
    taken_answer = register(taken, email="TEST.CANDIDATE@example.ORG")
    assert _visible(new_answer) == _visible(taken_answer)
    assert new_answer.status_code == 302
    assert page_text(fresh.get(new_answer.headers["Location"])) == page_text(
        taken.get(taken_answer.headers["Location"]))
    assert count(session, User) == 2  # the owner and the new account, nothing for the taken address
    assert not is_logged_in(taken)

    run_jobs(app)
    [notice] = smtp.wait_for(owner.email)
    assert notice["Subject"] == "Quelqu’un a essayé de créer un compte avec votre adresse"
    text = notice.get_body(("plain",)).get_content()
    assert "Bonjour Owner Person" in text
    assert "http://fair.test/login" in text and "http://fair.test/password/forgot" in text
    session.expire_all()
    assert session.get(User, owner.id).password_hash == owner.password_hash


def test_validation_errors_are_shown_in_french_and_nothing_is_saved(client, session):
    response = register(client, full_name="", email="not-an-email", phone="call me",
                        password="short", confirm_password="different")
    assert response.status_code == 422
    text = page_text(response)
    assert "Indiquez vos nom et prénom." in text
    assert "Saisissez une adresse e-mail valide, par exemple nom@example.org." in text
    assert "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78." in text
    assert "Le mot de passe doit comporter entre 10 et 256 caractères." in text
    assert "Les deux mots de passe ne sont pas identiques." in text
    body = response.get_data(as_text=True)
    assert 'aria-describedby="email-hint email-errors"' in body and 'aria-invalid="true"' in body
    assert count(session, User) == 0


def test_validation_errors_are_in_english_once_english_is_chosen(client, session):
    client.get("/lang/en")
    response = register(client, email="not-an-email", password="short", confirm_password="short")
    text = page_text(response)
    assert "Enter a valid email address, for example name@example.org." in text
    assert "The password must have between 10 and 256 characters." in text
    assert count(session, User) == 0


def test_a_form_without_its_csrf_token_is_refused(client, session):
    response = client.post("/register", data=VALID)
    assert response.status_code == 400
    assert count(session, User) == 0
    response = client.post("/register", data={**VALID, "csrf_token": "forged"})
    assert response.status_code == 400
    assert count(session, User) == 0


def test_the_chosen_language_is_kept_for_the_account_and_its_mail(app, client, session, smtp):
    register(client, locale="en")
    assert session.execute(User.__table__.select()).one().locale == "en"
    assert "Check your mailbox" in page_text(client.get("/register/sent"))
    run_jobs(app)
    [message] = smtp.wait_for(VALID["email"])
    assert message["Subject"] == "Confirm your email address"


def test_a_logged_in_person_is_sent_to_their_account(client, factory):
    user = factory.user()
    login(client, user.email)
    response = client.get("/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
