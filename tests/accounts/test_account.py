"""The account page: details, language, password change, organisations."""
from __future__ import annotations

from fair.accounts.models import User
from tests.accounts.helpers import is_logged_in, page_text
from tests.conftest import PASSWORD, csrf_token, login, post_form, run_jobs

NEW_PASSWORD = "another long passphrase"


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_details_are_saved_and_the_language_switches(client, session, factory):
    user = factory.user(full_name="Old Name")
    login(client, user.email)
    response = post_form(client, "/account", {"full_name": "New Name", "phone": "+33 6 12 34 56 78",
                                              "locale": "en"})
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(User, user.id)
    assert (saved.full_name, saved.phone, saved.locale) == ("New Name", "+33612345678", "en")  # a mobile: E.164
    page = page_text(client.get("/account"))
    assert "Your details are saved." in page
    assert "My organisations" in page


def test_bad_details_are_explained_and_nothing_changes(client, session, factory):
    user = factory.user(full_name="Kept Name", phone="0612345678")
    login(client, user.email)
    response = post_form(client, "/account", {"full_name": "", "phone": "12", "locale": "de"})
    assert response.status_code == 422
    text = page_text(response)
    assert "Indiquez vos nom et prénom." in text
    assert "Saisissez un numéro de téléphone valide" in text
    assert 'id="locale-errors"' in response.get_data(as_text=True)
    session.expire_all()
    saved = session.get(User, user.id)
    assert (saved.full_name, saved.phone, saved.locale) == ("Kept Name", "0612345678", "fr")


def test_details_without_csrf_token_are_refused(client, session, factory):
    user = factory.user(full_name="Kept Name")
    login(client, user.email)
    response = client.post("/account", data={"full_name": "Changed", "locale": "fr"})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(User, user.id).full_name == "Kept Name"


def test_changing_the_password_needs_the_current_one(client, session, factory):
    user = factory.user()
    login(client, user.email)
    response = post_form(client, "/account/password", {"current_password": "not it at all",
                                                       "new_password": NEW_PASSWORD,
                                                       "confirm_password": NEW_PASSWORD},
                         form_page="/account")
    assert response.status_code == 422
    assert "Le mot de passe actuel n’est pas correct." in page_text(response)
    session.expire_all()
    assert session.get(User, user.id).security_stamp == user.security_stamp


def test_a_password_change_keeps_this_session_and_ends_the_others(app, client, session, factory):
    user = factory.user()
    login(client, user.email)
    elsewhere = app.test_client()
    login(elsewhere, user.email)
    response = post_form(client, "/account/password", {"current_password": PASSWORD,
                                                       "new_password": NEW_PASSWORD,
                                                       "confirm_password": NEW_PASSWORD},
                         form_page="/account")
    assert response.status_code == 302
    assert is_logged_in(client)
    assert not is_logged_in(elsewhere)
    session.expire_all()
    assert session.get(User, user.id).security_stamp != user.security_stamp
    login(app.test_client(), user.email, NEW_PASSWORD)


def test_the_page_lists_the_organisations_and_roles(client, factory):
    company = factory.organisation("company", name="Transports Exemple")
    user = factory.member(company, role="owner")
    from fair.accounts.models import Membership, MembershipRole

    partner = factory.organisation("partner", name="Mission locale Exemple")
    factory.session.add(Membership(user=user, organisation=partner, role=MembershipRole.member))
    factory.session.commit()
    login(client, user.email)
    text = page_text(client.get("/account"))
    assert "Transports Exemple Entreprise Administrateur" in text
    assert "Mission locale Exemple Partenaire Conseiller" in text


def test_a_candidate_sees_no_organisation(client, factory):
    user = factory.user()
    login(client, user.email)
    assert "Vous n’appartenez à aucune organisation" in page_text(client.get("/account"))


def test_an_unconfirmed_account_can_ask_for_a_new_link(app, client, smtp, factory):
    user = factory.user(email="late@example.org", confirmed=False)
    login(client, user.email)
    page = client.get("/account")
    assert "Pas encore confirmée" in page_text(page)
    response = post_form(client, "/confirm/resend", {}, form_page="/account")
    assert response.status_code == 302
    assert "Nous avons envoyé un nouveau lien de confirmation à late@example.org." in \
        page_text(client.get("/account"))
    run_jobs(app)
    smtp.wait_for("late@example.org")


def test_a_confirmed_account_shows_it(client, factory):
    user = factory.user(confirmed=True)
    login(client, user.email)
    text = page_text(client.get("/account"))
    assert "Confirmée le" in text
    assert "nouveau lien de confirmation" not in text
    assert csrf_token(client, "/account")
