"""Two-step verification for staff (issue 14, item 3): enrolment, the login's second step, replayed and
recovery codes, the gate for roles that must use it, and an administrator's reset.

The test configuration requires it of nobody (tests/conftest.py `app_config`); tests here turn
`MFA_REQUIRED_ROLES` on explicitly. Time is moved with `fair.clock` so that codes of the next step exist.
"""
from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from sqlalchemy import select

from fair import clock
from fair.accounts.models import PasswordResetToken, RecoveryCode, User
from fair.audit import AuditEntry
from fair.security import new_token
from tests.accounts.helpers import count, is_logged_in, page_text
from tests.conftest import PASSWORD, csrf_token, login, post_form

WRONG_CODE = "Ce code n’est pas bon, ou il a déjà servi."


@pytest.fixture
def moment():
    """A clock the test moves by hand: `moment[0]` is now."""
    now = [dt.datetime.now(dt.UTC)]
    clock.set_clock(lambda: now[0])
    yield now
    clock.set_clock(None)


def code_at(secret: str, when: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(when)


def enrol(client, moment) -> tuple[str, list[str]]:
    """Set two-step verification up as a person would: read the key on the page, type the app's code."""
    page = client.get("/account/two-step")
    assert page.status_code == 200
    secret = re.search(r'<code class="mfa-secret"[^>]*>([A-Z2-7 ]+)</code>', page.get_data(as_text=True))
    assert secret, "no key on the enrolment page"
    secret = secret.group(1).replace(" ", "")
    done = post_form(client, "/account/two-step", {"code": code_at(secret, moment[0])})
    assert done.status_code == 200, page_text(done)
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.get_data(as_text=True))
    return secret, codes


def logout(client, form_page: str = "/") -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, form_page)})


def password_step(client, email: str):
    return post_form(client, "/login", {"email": email, "password": PASSWORD}, form_page="/login")


def second_step(client, code: str):
    return post_form(client, "/login/verify", {"code": code})


def audit_actions(session, user_id: int) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == user_id,
                                                                AuditEntry.object_type == "users")
                                .order_by(AuditEntry.id)))


def test_enrolment_with_the_code_of_the_key_on_the_page(client, factory, session, moment):
    recruiter = factory.member(factory.organisation("company"))
    login(client, recruiter.email)
    page = client.get("/account/two-step")
    html = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html  # the QR code, an image the CSP allows
    assert "no-store" in page.headers["Cache-Control"]
    secret = re.search(r'<code class="mfa-secret"[^>]*>([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    assert client.get("/account/two-step").get_data(as_text=True).count(secret[:4]) >= 1  # same key on reload

    wrong = post_form(client, "/account/two-step", {"code": "000000" if code_at(secret, moment[0]) != "000000"
                                                    else "111111"})
    assert wrong.status_code == 422
    assert WRONG_CODE in page_text(wrong)
    session.expire_all()
    assert session.get(User, recruiter.id).totp_enabled_at is None

    done = post_form(client, "/account/two-step", {"code": code_at(secret, moment[0])})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.get_data(as_text=True))
    assert len(set(codes)) == 10
    session.expire_all()
    user = session.get(User, recruiter.id)
    assert user.totp_enabled_at is not None
    assert secret not in user.totp_secret  # stored encrypted
    assert count(session, RecoveryCode, RecoveryCode.user_id == user.id) == 10
    stored = set(session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert not stored & {c.replace("-", "") for c in codes}  # only hashes are kept
    assert audit_actions(session, user.id) == ["user.mfa_enable"]
    account = page_text(client.get("/account"))
    assert "Activée depuis le" in account and "10 codes de secours restants." in account


def test_login_needs_the_code_and_a_replayed_code_is_refused(client, factory, moment, session):
    adviser = factory.member(factory.organisation("partner"))
    login(client, adviser.email)
    secret, _codes = enrol(client, moment)
    used_at_enrolment = code_at(secret, moment[0])
    logout(client)

    response = password_step(client, adviser.email)
    assert response.headers["Location"] == "/login/verify"
    assert not is_logged_in(client)  # the password alone signs nobody in

    replay = second_step(client, used_at_enrolment)
    assert replay.status_code == 422
    assert WRONG_CODE in page_text(replay)
    assert not is_logged_in(client)

    moment[0] += dt.timedelta(seconds=30)
    fresh = code_at(secret, moment[0])
    assert second_step(client, fresh).status_code == 302
    assert is_logged_in(client)
    with client.session_transaction() as flask_session:
        assert "mfa_pending" not in flask_session
        assert "mfa_at" not in flask_session  # the server-side session row carries it, not the cookie
    from fair.accounts.models import UserSession

    session.expire_all()
    live = session.execute(select(UserSession).where(UserSession.user_id == adviser.id,
                                                     UserSession.revoked_at.is_(None))).scalars().all()
    assert [row.mfa_at for row in live] == [moment[0]]

    logout(client)
    password_step(client, adviser.email)
    assert second_step(client, fresh).status_code == 422  # the same code, once more: refused
    assert not is_logged_in(client)


def test_the_second_step_expires(client, factory, moment):
    recruiter = factory.member(factory.organisation("company"))
    login(client, recruiter.email)
    secret, _codes = enrol(client, moment)
    logout(client)
    password_step(client, recruiter.email)
    moment[0] += dt.timedelta(minutes=6)
    late = post_form(client, "/login/verify", {"code": code_at(secret, moment[0])}, form_page="/login")
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert not is_logged_in(client)


def test_wrong_codes_are_throttled_per_account(app, client, factory, moment):
    recruiter = factory.member(factory.organisation("company"))
    login(client, recruiter.email)
    enrol(client, moment)
    logout(client)
    password_step(client, recruiter.email)
    statuses = [second_step(client, "000001").status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
    other_browser = app.test_client()
    password_step(other_browser, recruiter.email)
    assert second_step(other_browser, "000001").status_code == 429  # the count follows the account


def test_a_recovery_code_works_once(client, factory, session, moment):
    organiser = factory.member(factory.organisation("organiser"))
    login(client, organiser.email)
    _secret, codes = enrol(client, moment)
    logout(client)

    password_step(client, organiser.email)
    used = second_step(client, codes[0].upper().replace("-", " "))  # as someone might type it
    assert used.status_code == 302
    assert "Il en reste 9" in page_text(client.get(used.headers["Location"]))
    assert is_logged_in(client)
    logout(client)

    password_step(client, organiser.email)
    again = second_step(client, codes[0])
    assert again.status_code == 422
    assert not is_logged_in(client)
    assert count(session, RecoveryCode, RecoveryCode.user_id == organiser.id,
                 RecoveryCode.used_at.is_not(None)) == 1


def test_new_recovery_codes_and_turning_off_need_a_current_code(client, factory, session, moment):
    recruiter = factory.member(factory.organisation("company"))
    login(client, recruiter.email)
    secret, old_codes = enrol(client, moment)

    moment[0] += dt.timedelta(seconds=30)
    refused = post_form(client, "/account/two-step/recovery-codes", {"code": "12345"}, form_page="/account")
    assert refused.status_code == 422
    renewed = post_form(client, "/account/two-step/recovery-codes", {"code": code_at(secret, moment[0])},
                        form_page="/account")
    assert renewed.status_code == 200
    new_codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", renewed.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)

    moment[0] += dt.timedelta(seconds=30)
    wrong = post_form(client, "/account/two-step/disable", {"code": "999999"}, form_page="/account")
    assert wrong.status_code == 422
    off = post_form(client, "/account/two-step/disable", {"code": code_at(secret, moment[0])}, form_page="/account")
    assert off.status_code == 302
    session.expire_all()
    user = session.get(User, recruiter.id)
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert count(session, RecoveryCode, RecoveryCode.user_id == user.id) == 0
    assert audit_actions(session, user.id) == ["user.mfa_enable", "user.mfa_recovery_codes", "user.mfa_disable"]
    logout(client)
    assert password_step(client, recruiter.email).headers["Location"] == "/recruiter/"


def test_a_required_organiser_or_admin_is_gated_to_enrolment_a_recruiter_is_not(app, client, factory, moment):
    app.config["MFA_REQUIRED_ROLES"] = "admin,organiser"
    organiser = factory.member(factory.organisation("organiser"))
    response = login(client, organiser.email)
    assert response.headers["Location"] == "/account/two-step"
    for path in ("/console/", "/account", "/", "/admin/", "/recruiter/"):
        gated = client.get(path)
        assert gated.status_code == 302 and gated.headers["Location"] == "/account/two-step", path
    assert client.get("/lang/en?next=/account/two-step").headers["Location"] == "/account/two-step"
    client.get("/lang/fr")
    setup = client.get("/account/two-step")
    assert "obligatoire pour votre rôle" in page_text(setup)

    secret, _codes = enrol(client, moment)
    assert client.get("/console/").status_code == 200
    moment[0] += dt.timedelta(seconds=30)
    refused = post_form(client, "/account/two-step/disable", {"code": code_at(secret, moment[0])},
                        form_page="/account")
    assert refused.status_code == 422
    assert "ne peut pas être désactivée" in page_text(refused)
    logout(client)

    admin = factory.user(is_admin=True)
    assert login(client, admin.email).headers["Location"] == "/account/two-step"
    assert client.get("/admin/").headers["Location"] == "/account/two-step"
    logout(client, form_page="/account/two-step")  # logging out stays open
    assert not is_logged_in(client)

    recruiter = factory.member(factory.organisation("company"))
    assert login(client, recruiter.email).headers["Location"] == "/recruiter/"
    assert client.get("/recruiter/").status_code == 200
    assert "Configurer la validation en deux étapes" in page_text(client.get("/account"))  # offered


def test_candidates_never_see_it(client, factory):
    candidate = factory.user()
    login(client, candidate.email)
    assert client.get("/account/two-step").status_code == 404
    assert "Validation en deux étapes" not in page_text(client.get("/account"))


def test_a_session_opened_before_enrolment_elsewhere_must_give_the_code(app, factory, moment):
    recruiter = factory.member(factory.organisation("company"))
    phone, laptop = app.test_client(), app.test_client()
    login(phone, recruiter.email)
    login(laptop, recruiter.email)
    enrol(laptop, moment)
    asked = phone.get("/recruiter/")
    assert asked.status_code == 302 and asked.headers["Location"] == "/login/verify"
    assert not is_logged_in(phone)
    assert laptop.get("/recruiter/").status_code == 200


def test_a_password_reset_link_does_not_skip_the_second_step(client, factory, session, moment):
    recruiter = factory.member(factory.organisation("company"))
    login(client, recruiter.email)
    secret, _codes = enrol(client, moment)
    logout(client)

    token, token_hash = new_token()
    session.add(PasswordResetToken(user_id=recruiter.id, token_hash=token_hash,
                                   expires_at=moment[0] + dt.timedelta(hours=1)))
    session.commit()
    done = post_form(client, f"/password/reset/{token}", {"password": "a new long passphrase",
                                                          "confirm_password": "a new long passphrase"})
    assert done.headers["Location"] == "/login/verify"
    assert not is_logged_in(client)
    moment[0] += dt.timedelta(seconds=30)
    assert second_step(client, code_at(secret, moment[0])).status_code == 302
    assert is_logged_in(client)


def test_an_admin_reset_is_audited_and_the_person_enrols_again(app, client, factory, session, moment):
    app.config["MFA_REQUIRED_ROLES"] = "admin,organiser"
    organiser = factory.member(factory.organisation("organiser"))
    login(client, organiser.email)
    enrol(client, moment)
    logout(client)

    admin = factory.user(is_admin=True)
    admin_client = app.test_client()
    login(admin_client, admin.email)
    admin_secret, _codes = enrol(admin_client, moment)
    page = admin_client.get(f"/admin/people/{organiser.id}")
    assert "Réinitialiser la validation en deux étapes" in page_text(page)
    reset = post_form(admin_client, f"/admin/people/{organiser.id}/reset-mfa", {},
                      form_page=f"/admin/people/{organiser.id}")
    assert reset.status_code == 302
    again = post_form(admin_client, f"/admin/people/{organiser.id}/reset-mfa", {},
                      form_page=f"/admin/people/{organiser.id}")
    assert again.status_code == 422  # nothing left to reset

    session.expire_all()
    user = session.get(User, organiser.id)
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert count(session, RecoveryCode, RecoveryCode.user_id == organiser.id) == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.mfa_reset")).one()
    assert (entry.object_id, entry.actor_id) == (organiser.id, admin.id)

    assert login(client, organiser.email).headers["Location"] == "/account/two-step"  # no second step: enrol
    assert client.get("/console/").headers["Location"] == "/account/two-step"
    moment[0] += dt.timedelta(seconds=30)
    enrol(client, moment)
    assert client.get("/console/").status_code == 200
