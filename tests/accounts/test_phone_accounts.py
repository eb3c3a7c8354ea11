"""Issue 17 item 6: an adviser opens an account for a person who has a mobile number and no email.

The person agrees to the follow-up from the link sent by SMS (the referral's own consent page), signs
in with a code by SMS, and every page and job that would use an address works without one.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from fair.accounts.models import PartnerType, User
from fair.candidates.models import Referral, ReferralStatus
from fair.jobdating.models import Booking
from fair.mail.models import OutboxMessage
from tests.accounts.helpers import count, page_text, sms_code, sms_to
from tests.conftest import csrf_token, login, post_form, run_jobs
from tests.privacy.export_helpers import ask_and_download

MOBILE = "+33698765432"
FAIR_DAY = dt.date(2030, 3, 12)


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def world(factory):
    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    edition = factory.edition(organiser_org, status="published", slug="job-dating", title="Job dating",
                              starts_at=dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc),
                              ends_at=dt.datetime(2030, 3, 12, 17, 0, tzinfo=dt.timezone.utc))
    company = factory.organisation("company", name="Transports Rapides")
    recruiter = factory.member(company, email="recruiter@example.org", full_name="Recruiter A")
    booth = factory.booth(edition, company)
    availability = factory.slot_range(booth, recruiter, FAIR_DAY, "09:00", "10:00")
    partner = factory.organisation("partner", name="Mission locale de Lille", partner_type=PartnerType.mission_locale)
    adviser = factory.member(partner, email="adviser@example.org", full_name="Adviser One")
    return type("World", (), {"edition": edition, "booth": booth, "slots": list(availability.slots),
                              "partner": partner, "adviser": adviser})


def refer_by_phone(client, world, number: str, name: str = "Awa Diallo"):
    return post_form(client, "/adviser/referrals/new", {"full_name": name, "mobile": number, "email": "",
                                                        "partner_id": str(world.partner.id), "note": ""})


def sign_in_by_code(app, session, number: str = "06 98 76 54 32"):
    client = app.test_client()
    assert post_form(client, "/login/phone", {"mobile": number}).status_code == 302
    code = sms_code(session, MOBILE)
    assert post_form(client, "/login/phone/code", {"code": code}).status_code == 302
    return client


def test_an_adviser_opens_a_phone_only_account_the_person_agrees_by_sms_and_signs_in(app, client, session, world):
    login(client, world.adviser.email)
    answer = refer_by_phone(client, world, "06 98 76 54 32")
    assert answer.status_code == 302
    assert "nous avons envoyé par SMS au 06 98 76 54 32 un lien" in page_text(client.get(answer.headers["Location"]))
    person = session.execute(select(User).where(User.mobile == MOBILE)).scalar_one()
    assert person.email is None and person.is_candidate
    assert person.phone == "+33698765432"  # in E.164, as every mobile; pages show "06 98 76 54 32"
    assert count(session, OutboxMessage, OutboxMessage.channel == "mail") == 0
    [text] = sms_to(session, MOBILE)
    assert text.startswith("Adviser One (Mission locale de Lille) vous propose de suivre vos candidatures")
    link = re.search(r"http://fair\.test(/referrals/confirm/\S+)", text).group(1)

    # The consent page of every referral, reached from the SMS.
    phone = app.test_client()
    assert "J'accepte que Adviser One, de Mission locale de Lille" in page_text(phone.get(link))
    assert phone.post(link, data={"csrf_token": csrf_token(phone, link)}).status_code == 302
    session.expire_all()
    referral = session.execute(select(Referral)).scalar_one()
    assert referral.status is ReferralStatus.confirmed
    assert session.get(User, person.id).email_confirmed_at is None  # no address was proven

    # The adviser books an interview for the person; nothing is mailed to nobody.
    page = f"/fairs/{world.edition.slug}/booths/{world.booth.id}/interviews"
    slot = world.slots[0]
    post_form(client, f"/interviews/slots/{slot.id}/book", {"slot_id": slot.id, "candidate_id": person.id},
              form_page=page)
    [booking] = session.execute(select(Booking)).scalars().all()
    assert booking.candidate_id == person.id
    run_jobs(app)
    assert count(session, OutboxMessage, OutboxMessage.to_address.is_(None)) == 0

    # The person signs in with the code and finds their account, profile and day.
    person_client = sign_in_by_code(app, session)
    account = page_text(person_client.get("/account"))
    assert "Numéro de mobile 06 98 76 54 32" in account and "None" not in account
    assert "Changer mon mot de passe" not in account
    profile = person_client.get("/candidate/profile")
    assert profile.status_code == 200 and "Numéro de mobile : 06 98 76 54 32" in page_text(profile)
    assert "Transports Rapides" in page_text(person_client.get("/interviews/my-day"))
    mails = count(session, OutboxMessage, OutboxMessage.channel == "mail")
    assert post_form(person_client, "/confirm/resend", {}, form_page="/account").status_code == 302
    assert count(session, OutboxMessage, OutboxMessage.channel == "mail") == mails  # no address to confirm
    forgot = page_text(person_client.get("/password/forgot"))
    assert "Il n’a pas de mot de passe : connectez-vous plutôt avec un code par SMS." in forgot


def test_a_landline_is_refused_and_nothing_is_created(client, session, world):
    login(client, world.adviser.email)
    before = count(session, User)
    refused = refer_by_phone(client, world, "01 42 68 53 00")
    assert refused.status_code == 422
    assert "Ce numéro ne peut pas recevoir de SMS : donnez un numéro de mobile." in page_text(refused)
    nothing = refer_by_phone(client, world, "")
    assert nothing.status_code == 422
    assert "Donnez l’adresse e-mail du candidat ou de la candidate ou, s’il ou elle n’en a pas" in page_text(nothing)
    assert count(session, User) == before and count(session, Referral) == 0 and count(session, OutboxMessage) == 0


def test_a_phone_only_person_exports_then_erases_their_account_with_a_code(app, session, world, factory):
    person = factory.user(full_name="Awa Diallo")
    person.email, person.mobile = None, MOBILE
    session.commit()
    client = sign_in_by_code(app, session)
    archive, _link = ask_and_download(app, client)
    [row] = json.loads(archive.read("users.json"))
    assert row["mobile"] == MOBILE and row["email"] is None
    assert not [name for name in archive.namelist() if name.startswith("mails/")]

    refused = post_form(client, "/account/delete", {"code": "000000"})
    assert refused.status_code == 422 and count(session, User, User.erased_at.is_not(None)) == 0
    sent = post_form(client, "/account/delete", {"send": "1"})
    assert "Nous avons envoyé un code par SMS au 06 98 76 54 32." in page_text(sent)
    code = sms_code(session, MOBILE)
    assert post_form(client, "/account/delete", {"code": code}).status_code == 302
    session.expire_all()
    erased = session.get(User, person.id)
    assert erased.erased_at is not None and erased.mobile is None
    assert sms_to(session, MOBILE) == []  # the texts sent to the number went with it


def test_a_phone_only_account_is_warned_by_sms_before_it_is_erased_for_inactivity(app, session, factory):
    from fair import clock
    from fair.privacy.jobs import erase_inactive_accounts

    start = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.timezone.utc)
    person = factory.user(full_name="Awa Diallo")
    person.email, person.mobile, person.last_active_at = None, MOBILE, start
    session.commit()
    with clock.frozen_at(start + dt.timedelta(days=700)):
        assert erase_inactive_accounts()["warned"] == 1
    [text] = sms_to(session, MOBILE)
    assert text.startswith("Votre compte fair n'a pas servi depuis longtemps")  # ’ sent as GSM-7 '
    assert "il sera supprimé le 1 février 2028." in text
    assert "http://fair.test/login/phone" in text


def test_an_administrator_erases_a_phone_only_account_by_typing_its_number(app, client, session, factory):
    factory.user(email="admin@example.org", is_admin=True)
    person = factory.user(full_name="Awa Diallo")
    person.email, person.mobile = None, MOBILE
    session.commit()
    login(client, "admin@example.org")
    page = f"/admin/people/{person.id}/erase"
    assert "saisissez son numéro de mobile" in page_text(client.get(page))
    refused = post_form(client, page, {"confirmation": "06 00 00 00 00"})
    assert refused.status_code == 422 and count(session, User, User.erased_at.is_not(None)) == 0
    assert post_form(client, page, {"confirmation": "06 98 76 54 32"}).status_code == 302
    assert count(session, User, User.erased_at.is_not(None)) == 1
