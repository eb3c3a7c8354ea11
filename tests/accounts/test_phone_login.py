"""Issue 17 item 6: a phone-only account signs in with a one-time code sent by SMS.

The SMS outbox row is the phone: the tests read the code from the text that would leave.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fair import clock
from fair.accounts.models import PhoneSignInCode
from fair.mail.models import OutboxMessage
from tests.accounts.helpers import count, is_logged_in, page_text, sms_code, sms_to
from tests.conftest import post_form

MOBILE = "+33612345678"


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def person(factory, session):
    user = factory.user(full_name="Awa Diallo")
    user.email, user.email_confirmed_at, user.mobile = None, None, MOBILE
    session.commit()
    return user


def texts(session, to: str = MOBILE) -> list[str]:
    return sms_to(session, to)


def ask_code(client, number: str = "06 12 34 56 78"):
    return post_form(client, "/login/phone", {"mobile": number})


def last_code(session) -> str:
    return sms_code(session, MOBILE)


def give(client, code: str):
    return post_form(client, "/login/phone/code", {"code": code})


def test_the_right_code_signs_in_once_and_the_sms_says_what_it_is(client, session, person):
    answer = ask_code(client)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login/phone/code")
    [text] = texts(session)
    assert "est votre code de connexion à fair. Il est valable 10 minutes. Ne le donnez à personne." in text
    code = last_code(session)
    stored = session.execute(select(PhoneSignInCode)).scalar_one()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert give(client, code).status_code == 302
    assert is_logged_in(client)
    assert count(session, PhoneSignInCode) == 0  # used up
    other = client.application.test_client()
    ask_code(other)
    if last_code(session) != code:  # a used code works no more (one chance in a million to draw it again)
        assert "Ce code n’est pas le bon" in page_text(give(other, code))


def test_five_wrong_codes_kill_the_code(app, client, session, person):
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"  # the cap tested is the code's own, not the network's
    ask_code(client)
    code = last_code(session)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _attempt in range(5):
        refused = give(client, wrong)
        assert refused.status_code == 422
        assert "Ce code n’est pas le bon, ou il n’est plus valable." in page_text(refused)
    assert count(session, PhoneSignInCode) == 0
    assert give(client, code).status_code == 422  # the right one is dead too
    assert not is_logged_in(client)


def test_a_code_expires_after_ten_minutes(client, session, person):
    start = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.timezone.utc)
    with clock.frozen_at(start):
        ask_code(client)
    code = last_code(session)
    with clock.frozen_at(start + dt.timedelta(minutes=10)):
        assert give(client, code).status_code == 422
    assert not is_logged_in(client)
    with clock.frozen_at(start + dt.timedelta(minutes=11)):
        ask_code(client)
        assert give(client, last_code(session)).status_code == 302  # a new code, within its time
        assert is_logged_in(client)


def test_an_unknown_number_gets_the_same_answer_and_nothing_is_sent(app, client, session, person):
    known, unknown = ask_code(client), ask_code(app.test_client(), "07 98 76 54 32")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    page_known = page_text(client.get("/login/phone/code"))
    stranger = app.test_client()
    ask_code(stranger, "07 98 76 54 32")
    page_unknown = page_text(stranger.get("/login/phone/code"))
    assert page_known.replace("06 12 34 56 78", "N") == page_unknown.replace("07 98 76 54 32", "N")
    assert texts(session, "+33798765432") == []
    assert count(session, PhoneSignInCode) == 1


def test_a_landline_is_refused_with_a_translated_message(client, session, person):
    refused = ask_code(client, "01 42 68 53 00")
    assert refused.status_code == 422
    assert "Ce numéro ne peut pas recevoir de SMS : donnez un numéro de mobile." in page_text(refused)
    assert texts(session, "+33142685300") == [] and count(session, OutboxMessage) == 0


def test_sending_is_throttled_per_number_however_written(app, session, person):
    for address, number in (("192.0.2.1", "06 12 34 56 78"), ("198.51.100.1", "+33 6 12 34 56 78"),
                            ("203.0.113.1", "0612345678")):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        assert ask_code(client, number).status_code == 302
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.99"
    for _typo in range(4):  # typos send nothing and cost nothing of anyone's budget
        assert ask_code(client, "06 12 34").status_code == 422
    assert ask_code(app.test_client(), "07 12").status_code == 422  # another person's typo: still a form error
    refused = ask_code(client, "06.12.34.56.78")
    assert refused.status_code == 429
    assert "Trop de tentatives" in page_text(refused)
    assert len(texts(session)) == 3
    unknown = app.test_client()  # an unknown number gets the very same limit
    for _ in range(3):
        assert ask_code(unknown, "07 98 76 54 32").status_code == 302
    assert ask_code(unknown, "07 98 76 54 32").status_code == 429


def test_sending_is_throttled_per_network(app, session, person):
    app.config["PHONE_CODE_NETWORK_RATE_LIMIT"] = "2 per hour"

    def from_(address: str, number: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return ask_code(client, number).status_code

    assert from_("192.0.2.1", "06 12 34 56 01") == 302
    assert from_("192.0.2.77", "06 12 34 56 02") == 302
    assert from_("192.0.2.200", "06 12 34 56 78") == 429  # the same /24
    assert from_("198.51.100.1", "06 12 34 56 03") == 302
    assert from_("2001:db8:1:2::1", "06 12 34 56 04") == 302
    assert from_("2001:db8:1:2:ffff::9", "06 12 34 56 05") == 302
    assert from_("2001:db8:1:2:abcd::1", "06 12 34 56 06") == 429  # the same /64
    assert texts(session) == []


def test_staff_cannot_sign_in_by_code(client, session, factory):
    company = factory.organisation("company")
    recruiter = factory.member(company)
    recruiter.mobile = "+33611111111"
    session.commit()
    ask_code(client, "06 11 11 11 11")
    assert texts(session, "+33611111111") == []
