"""Sign-in with OpenID Connect against a real provider process (oidc-provider from npm, on loopback):
linking by a verified address, creation for a team invitation, and every answer that must be refused
(forged state, replayed code, wrong nonce, unverified or unknown address) leaving nobody signed in."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pyotp
from sqlalchemy import func, select

from fair import clock
from fair.accounts.models import Membership, TeamInvitation, User, UserSession
from fair.audit import AuditEntry
from fair.oidc.models import OidcIdentity
from tests.conftest import csrf_token, page_text
from tests.oidc.conftest import FAIR, ProviderBrowser, back_from_provider, local_path, sign_in, start


def signed_in_as(client) -> str | None:
    """The address of the account page, or None when the account page sends to the login page."""
    answer = client.get("/account")
    if answer.status_code != 200:
        return None
    return next((line for line in page_text(answer).split() if "@" in line), "?")


def actions(session, user_id: int) -> list[str]:
    return list(session.execute(select(AuditEntry.action).where(AuditEntry.actor_id == user_id,
                                                                 AuditEntry.action.like("oidc.%"))
                                .order_by(AuditEntry.id)).scalars())


def test_the_login_page_offers_the_provider_and_keeps_the_password(client):
    page = page_text(client.get("/login"))
    assert "Se connecter avec Test provider" in page
    assert "Mot de passe" in page


def test_a_verified_address_links_the_account_and_the_next_sign_in_uses_the_link(app, client, browser, factory,
                                                                                   session):
    user = factory.user(email="verified@example.org", confirmed=False)
    answer = sign_in(client, browser, "verified")
    assert answer.status_code == 302
    assert signed_in_as(client) == "verified@example.org"
    identity = session.execute(select(OidcIdentity)).scalar_one()
    assert (identity.provider, identity.subject, identity.user_id) == ("local", "verified", user.id)
    session.expire_all()
    assert session.get(User, user.id).email_confirmed_at is not None  # the provider vouched for it
    assert session.execute(select(func.count(UserSession.id)).where(UserSession.user_id == user.id)).scalar() == 1
    assert actions(session, user.id) == ["oidc.link", "oidc.sign_in"]

    other = app.test_client()  # another browser, same person at the provider: signed in by the link
    assert sign_in(other, ProviderBrowser(), "verified").status_code == 302
    assert signed_in_as(other) == "verified@example.org"
    assert session.execute(select(func.count(OidcIdentity.id))).scalar() == 1
    assert actions(session, user.id) == ["oidc.link", "oidc.sign_in", "oidc.sign_in"]


def test_a_team_invitation_creates_the_account_and_joins_the_team(client, browser, factory, session):
    company = factory.organisation("company", "Acme")
    session.add(TeamInvitation(organisation_id=company.id, email="invited@example.org", token_hash="x" * 64,
                               expires_at=clock.now() + dt.timedelta(days=3)))
    session.commit()
    answer = sign_in(client, browser, "invited")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/recruiter/")
    user = session.execute(select(User).where(User.email == "invited@example.org")).scalar_one()
    assert user.full_name == "Inès Vitée"
    assert session.execute(select(Membership.organisation_id).where(Membership.user_id == user.id)
                           ).scalars().all() == [company.id]
    assert session.execute(select(TeamInvitation.accepted_by_id)).scalar_one() == user.id
    assert actions(session, user.id)[-2:] == ["oidc.create", "oidc.sign_in"]


def test_an_unknown_address_without_invitation_gets_no_account(client, browser, session):
    answer = sign_in(client, browser, "stranger")
    assert answer.status_code == 403
    assert "Aucun compte n’utilise cette adresse" in page_text(answer)
    assert signed_in_as(client) is None
    assert session.execute(select(func.count(User.id))).scalar() == 0


def test_an_unverified_address_never_links(client, browser, factory, session):
    factory.user(email="unverified@example.org")
    answer = sign_in(client, browser, "unverified")
    assert answer.status_code == 403
    assert "n’a pas vérifié cette adresse" in page_text(answer)
    assert signed_in_as(client) is None
    assert session.execute(select(func.count(OidcIdentity.id))).scalar() == 0


def test_a_forged_state_is_refused(client, browser, factory, session, caplog):
    factory.user(email="verified@example.org")
    back = back_from_provider(client, browser, "verified")
    state = parse_qs(urlsplit(back).query)["state"][0]
    answer = client.get(back.replace(state, "forged-" + state[7:]))
    assert answer.status_code == 400
    assert "Nous n’avons pas pu vérifier la réponse" in page_text(answer)
    assert "state differs" in caplog.text
    assert signed_in_as(client) is None
    # The genuine answer is refused afterwards too: the sign-in was spent on the forged one.
    assert client.get(back).status_code == 400
    assert session.execute(select(func.count(OidcIdentity.id))).scalar() == 0


def test_a_replayed_answer_is_refused_by_fair_and_its_code_by_the_provider(app, client, browser, factory, session,
                                                                          valkey, caplog):
    factory.user(email="verified@example.org")
    back = back_from_provider(client, browser, "verified")
    cookie = client.get_cookie("session").value  # the browser's session as it was before the answer
    assert client.get(back).status_code == 302
    assert signed_in_as(client) == "verified@example.org"

    thief = app.test_client()  # the answer and the session cookie copied, played again
    thief.set_cookie("session", cookie, domain="localhost")
    answer = thief.get(back)
    assert answer.status_code == 400
    assert "state already answered" in caplog.text  # fair remembers the states it took, on every node
    assert signed_in_as(thief) is None

    # Even with fair's memory gone (Redis emptied), the provider refuses a code used once.
    from fair.redis_conn import redis_for

    redis_for(valkey.url).flushdb()
    caplog.clear()
    thief = app.test_client()
    thief.set_cookie("session", cookie, domain="localhost")
    assert thief.get(back).status_code == 400
    assert "token endpoint: invalid_grant" in caplog.text
    assert signed_in_as(thief) is None
    assert session.execute(select(func.count(UserSession.id))).scalar() == 1


def test_an_id_token_with_another_nonce_is_refused(client, browser, factory, oidc_provider, session, caplog):
    factory.user(email="verified@example.org")
    oidc_provider.mode(wrong_nonce=True)
    answer = sign_in(client, browser, "verified")
    assert answer.status_code == 400
    assert "ID token: invalid_claim" in caplog.text and "nonce" in caplog.text
    assert signed_in_as(client) is None
    assert session.execute(select(func.count(OidcIdentity.id))).scalar() == 0


def test_a_sign_in_started_too_long_ago_is_refused(app, client, browser, factory):
    factory.user(email="verified@example.org")
    back = back_from_provider(client, browser, "verified")
    with client.session_transaction() as flask_session:
        pending = dict(flask_session["oidc_pending"])
        pending["started_at"] = (clock.now() - dt.timedelta(minutes=11)).isoformat()
        flask_session["oidc_pending"] = pending
    assert client.get(back).status_code == 400
    assert signed_in_as(client) is None


def test_logging_out_ends_the_provider_session(client, browser, factory, oidc_provider):
    factory.user(email="verified@example.org")
    sign_in(client, browser, "verified")
    assert browser.forms_seen == ["login", "consent"]
    answer = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    end_session = answer.headers["Location"]
    assert end_session.startswith(f"{oidc_provider.issuer}/session/end?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["post_logout_redirect_uri"] == [f"{FAIR}/"] and query["id_token_hint"]
    assert signed_in_as(client) is None  # ours ended at once
    assert browser.through(end_session, "verified").startswith(f"{FAIR}/?state=")
    assert browser.forms_seen[-1] == "logout"

    # The provider forgot the person: the next sign-in asks for the login again.
    seen = len(browser.forms_seen)
    assert sign_in(client, browser, "verified").status_code == 302
    assert "login" in browser.forms_seen[seen:]


def test_without_logout_the_provider_session_stays(app, client, browser, factory):
    factory.user(email="verified@example.org")
    sign_in(client, browser, "verified")
    seen = len(browser.forms_seen)
    assert sign_in(app.test_client(), browser, "verified").status_code == 302
    assert browser.forms_seen[seen:] == []  # no login form: the provider still knew the person


def test_a_rotated_signing_key_is_fetched_again(app, client, browser, factory, oidc_provider):
    factory.user(email="verified@example.org")
    assert sign_in(client, browser, "verified").status_code == 302
    oidc_provider.rotate()
    other = app.test_client()
    assert sign_in(other, ProviderBrowser(), "verified").status_code == 302
    assert signed_in_as(other) == "verified@example.org"


def test_two_step_verification_is_still_asked_and_logout_still_reaches_the_provider(client, browser, factory,
                                                                                  session):
    from fair.accounts.mfa import encrypt_secret

    secret = pyotp.random_base32()
    user = factory.user(email="verified@example.org")
    user.totp_secret, user.totp_enabled_at = encrypt_secret(secret, "test-secret-key"), clock.now()
    session.commit()
    answer = sign_in(client, browser, "verified")
    assert answer.headers["Location"].endswith("/login/verify")
    assert signed_in_as(client) is None
    code = pyotp.TOTP(secret).now()
    answer = client.post("/login/verify", data={"code": code, "csrf_token": csrf_token(client, "/login/verify")})
    assert answer.status_code == 302
    assert signed_in_as(client) == "verified@example.org"
    # The code step started a fresh session: logging out still ends the provider's session too.
    answer = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert "/session/end?" in answer.headers["Location"]


def test_unknown_providers_and_callbacks_without_a_start(client):
    assert client.post("/login/oidc/nope", data={"csrf_token": csrf_token(client, "/login")}).status_code == 404
    assert client.get("/login/oidc/nope/callback?code=x&state=y").status_code == 404
    answer = client.get("/login/oidc/local/callback?code=x&state=y")
    assert answer.status_code == 400
    assert local_path(start(client)).startswith("/auth")


def test_an_erased_account_is_not_opened_again_by_its_provider(app, client, browser, factory, session):
    from fair.privacy.erasure import erase

    user = factory.user(email="verified@example.org")
    assert sign_in(client, browser, "verified").status_code == 302
    erase(session, session.get(User, user.id), actor=None, how="self")
    session.commit()
    assert session.execute(select(func.count(OidcIdentity.id))).scalar() == 0
    other = app.test_client()
    assert sign_in(other, ProviderBrowser(), "verified").status_code == 403
    assert signed_in_as(other) is None


def test_a_userinfo_answer_signed_as_a_jwt_is_read(app, client, browser, factory, oidc_provider):
    """ProConnect answers userinfo with a signed JWT: the address comes from it (the ID token of the code
    flow carries only `sub` here)."""
    factory.user(email="verified@example.org")
    app.config["OIDC_PROVIDERS"] = [oidc_provider.settings(client_id=f"{oidc_provider.CLIENT_ID}-jwt")]
    assert sign_in(client, browser, "verified").status_code == 302
    assert signed_in_as(client) == "verified@example.org"


def test_a_disabled_account_is_refused_even_when_linked(app, client, browser, factory, session):
    user = factory.user(email="verified@example.org")
    assert sign_in(client, browser, "verified").status_code == 302
    session.get(User, user.id).is_active_account = False
    session.commit()
    other = app.test_client()
    answer = sign_in(other, ProviderBrowser(), "verified")
    assert answer.status_code == 403
    assert "Ce compte est désactivé" in page_text(answer)
    assert signed_in_as(other) is None


def test_the_page_asked_for_before_signing_in_is_where_it_ends(client, browser, factory):
    factory.user(email="verified@example.org")
    token = csrf_token(client, "/login")
    answer = client.post("/login/oidc/local?next=/account", data={"csrf_token": token})
    back = local_path(browser.through(answer.headers["Location"], "verified"))
    assert client.get(back).headers["Location"].endswith("/account")


def test_a_sign_in_stopped_at_the_provider_says_so(client):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    answer = client.get(f"/login/oidc/local/callback?error=access_denied&state={state}")
    assert answer.status_code == 400
    assert "La connexion a été interrompue chez votre fournisseur" in page_text(answer)
    assert signed_in_as(client) is None


def test_an_id_token_without_the_level_asked_for_is_refused(app, client, browser, factory, oidc_provider, caplog):
    """An instance that asks for an assurance level (ProConnect's `acr_values`) gets it or nobody."""
    factory.user(email="verified@example.org")
    app.config["OIDC_PROVIDERS"] = [oidc_provider.settings(acr_values="urn:example:strong")]
    assert sign_in(client, browser, "verified").status_code == 400
    assert "acr None is not one asked for" in caplog.text
    assert signed_in_as(client) is None


def test_a_provider_that_cannot_be_reached(app, client, browser, factory, oidc_provider):
    """Starting says so (in French, 503); logging out of a session it opened ends ours alone."""
    from tests.servers import free_port

    factory.user(email="verified@example.org")
    assert sign_in(client, browser, "verified").status_code == 302
    app.config["OIDC_PROVIDERS"] = [oidc_provider.settings(issuer=f"http://127.0.0.1:{free_port()}")]
    answer = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert answer.headers["Location"] == "/"
    assert signed_in_as(client) is None

    answer = client.post("/login/oidc/local", data={"csrf_token": csrf_token(client, "/login")})
    assert answer.status_code == 503
    assert "Votre fournisseur d’identité ne répond pas" in page_text(answer)
