"""Consent records: every consent keeps the words shown, their version and time; it is withdrawn
from the person's account and the withdrawal takes effect everywhere (statistics, the adviser's
follow-up, SMS as the way to be reached)."""
from __future__ import annotations

import re

from sqlalchemy import select

from fair.accounts.models import User
from tests.conftest import csrf_token, login, page_text, post_form
from tests.privacy.consent_world import PROFILE, world  # noqa: F401  (fixture used by name)


def _records(session, user, purpose=None):
    from fair.accounts.consent import ConsentRecord

    session.expire_all()
    statement = select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id)
    if purpose is not None:
        statement = statement.where(ConsentRecord.purpose == purpose)
    return list(session.execute(statement).scalars())


def _withdraw(client, record_id):
    return client.post(f"/account/consents/{record_id}/withdraw",
                       data={"csrf_token": csrf_token(client, "/account/consents")})


def test_situations_consent_is_recorded_with_its_words_and_withdrawn_from_the_account(app, client, session, world):
    from fair.accounts.consent import ConsentPurpose
    from fair.candidates.models import CandidateProfile

    login(client, world.candidate.email)
    response = post_form(client, "/candidate/profile", {**PROFILE, "situations": ["qpv", "rsa"],
                                                        "situation_consent": "y"})
    assert response.status_code == 302
    (record,) = _records(session, world.candidate, ConsentPurpose.situations)
    assert record.text.startswith("J’accepte") or record.text.startswith("J'accepte")
    assert "statistiques" in record.text or "compter" in record.text
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{10}", record.version)
    assert record.locale == "fr" and record.given_at is not None and record.withdrawn_at is None

    # Saving the profile again keeps the same consent: same wording, same row.
    post_form(client, "/candidate/profile", {**PROFILE, "situations": ["qpv"], "situation_consent": "y"})
    assert [r.id for r in _records(session, world.candidate, ConsentPurpose.situations)] == [record.id]

    page = page_text(client.get("/account/consents"))
    assert record.text in page and record.version in page and "En vigueur" in page

    response = _withdraw(client, record.id)
    assert response.status_code == 302
    (record,) = _records(session, world.candidate, ConsentPurpose.situations)
    assert record.withdrawn_at is not None
    profile = session.execute(
        select(CandidateProfile).where(CandidateProfile.user_id == world.candidate.id)).scalar_one()
    assert profile.situations == [] and profile.situation_consent_at is None
    page = page_text(client.get("/account/consents"))
    assert "Aucun consentement en vigueur" in page and "Retiré le" in page
    # The profile page no longer ticks it.
    page = client.get("/candidate/profile").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="situation_consent"[^>]*>', page)
    assert box and "checked" not in box.group(0)


def test_withdrawing_situations_drops_the_person_from_the_counts_and_keeps_the_total(app, client, session, factory,
                                                                                   world):
    from fair.candidates.models import Application

    people = [world.candidate] + [factory.user(email=f"p{n}@example.org") for n in range(5)]
    for person in people:
        session.add(Application(candidate_id=person.id, offer_id=world.offer_a.id, message=""))
    session.commit()
    for person in people:  # each agrees as the profile form records it, in French
        with app.test_request_context(headers={"Accept-Language": "fr"}):
            from fair.candidates.services import update_profile
            from fair.extensions import db

            update_profile(db.session.merge(person), full_name=person.full_name, phone=None, situations=["qpv"],
                           situation_consent=True, preferred_contact="email")
            db.session.commit()
    organiser = app.test_client()
    login(organiser, world.owner.email)
    text = page_text(organiser.get(f"/console/editions/{world.edition.id}/report"))
    assert "Candidatés 6" in text
    assert "Résidents d’un quartier prioritaire (QPV) 6" in text

    login(client, world.candidate.email)
    (record,) = [r for r in _records(session, world.candidate) if r.purpose.value == "situations"]
    _withdraw(client, record.id)
    text = page_text(organiser.get(f"/console/editions/{world.edition.id}/report"))
    assert "Candidatés 6" in text  # the total stays
    assert "Résidents d’un quartier prioritaire (QPV) 5" in text


def test_talent_pool_and_sms_are_given_and_withdrawn_by_the_profile_and_the_account(app, client, session, world):
    from fair.accounts.consent import ConsentPurpose

    login(client, world.candidate.email)
    post_form(client, "/candidate/profile", {**PROFILE, "preferred_contact": "sms", "talent_pool": "y"})
    (pool,) = _records(session, world.candidate, ConsentPurpose.talent_pool)
    (sms,) = _records(session, world.candidate, ConsentPurpose.sms)
    assert "deux ans" in pool.text and pool.withdrawn_at is None
    assert "SMS" in sms.text and sms.withdrawn_at is None
    assert pool.version != sms.version

    # Unticking the pool and choosing email withdraws both; the rows stay as proof.
    post_form(client, "/candidate/profile", {**PROFILE, "preferred_contact": "email"})
    assert all(r.withdrawn_at is not None for r in _records(session, world.candidate))

    # Given again, then withdrawn from the account: SMS is no longer the way to reach them.
    post_form(client, "/candidate/profile", {**PROFILE, "preferred_contact": "sms", "talent_pool": "y"})
    current = {r.purpose: r for r in _records(session, world.candidate) if r.withdrawn_at is None}
    assert set(current) == {ConsentPurpose.talent_pool, ConsentPurpose.sms}
    _withdraw(client, current[ConsentPurpose.sms].id)
    _withdraw(client, current[ConsentPurpose.talent_pool].id)
    assert all(r.withdrawn_at is not None for r in _records(session, world.candidate))
    assert session.get(User, world.candidate.id).notify_by == "email"
    assert len(_records(session, world.candidate)) == 4


def test_withdrawing_a_referral_consent_revokes_the_follow_up(app, client, session, world):
    from fair.accounts.consent import ConsentPurpose
    from fair.candidates.models import Referral, ReferralStatus
    from fair.candidates.services import referral_token

    adviser = app.test_client()
    login(adviser, world.adviser.email)
    post_form(adviser, "/adviser/referrals/new", {"partner_id": str(world.partner.id), "email": world.candidate.email,
                                                  "full_name": "Camille Candidate", "note": ""})
    referral = session.execute(select(Referral)).scalar_one()
    login(client, world.candidate.email)
    path = f"/referrals/confirm/{referral_token(referral)}"
    assert post_form(client, path, {}).status_code == 302
    (record,) = _records(session, world.candidate, ConsentPurpose.referral)
    assert record.organisation_id == world.partner.id and "Adviser One" in record.text
    assert "Mission locale de Lille" in page_text(client.get("/account/consents"))
    assert "Conducteur poids lourd" in page_text(adviser.get(f"/adviser/referrals/{referral.id}"))  # open offers

    assert _withdraw(client, record.id).status_code == 302
    session.expire_all()
    assert session.get(Referral, referral.id).status is ReferralStatus.revoked
    (record,) = _records(session, world.candidate, ConsentPurpose.referral)
    assert record.withdrawn_at is not None
    page = page_text(adviser.get(f"/adviser/referrals/{referral.id}"))
    assert "Le candidat a mis fin à ce suivi" in page and "Conducteur poids lourd" not in page


def test_ending_the_follow_up_from_the_referrals_page_withdraws_the_consent(app, client, session, world):
    from fair.accounts.consent import ConsentPurpose
    from fair.candidates.models import Referral
    from fair.candidates.services import referral_token

    adviser = app.test_client()
    login(adviser, world.adviser.email)
    post_form(adviser, "/adviser/referrals/new", {"partner_id": str(world.partner.id), "email": world.candidate.email,
                                                  "full_name": "Camille Candidate", "note": ""})
    referral = session.execute(select(Referral)).scalar_one()
    login(client, world.candidate.email)
    post_form(client, f"/referrals/confirm/{referral_token(referral)}", {})
    post_form(client, f"/candidate/referrals/{referral.id}/revoke", {}, form_page="/candidate/referrals")
    (record,) = _records(session, world.candidate, ConsentPurpose.referral)
    assert record.withdrawn_at is not None


def test_another_persons_consent_is_not_found(app, client, session, world):
    login(client, world.candidate.email)
    post_form(client, "/candidate/profile", {**PROFILE, "talent_pool": "y"})
    (record,) = _records(session, world.candidate)
    other = app.test_client()
    login(other, world.other_candidate.email)
    assert _withdraw(other, record.id).status_code == 404
    assert record.text not in page_text(other.get("/account/consents"))
    assert _records(session, world.candidate)[0].withdrawn_at is None


def test_the_account_page_summarises_the_consents_in_force(app, client, session, world):
    login(client, world.candidate.email)
    assert "Aucun consentement en vigueur" in page_text(client.get("/account"))
    post_form(client, "/candidate/profile", {**PROFILE, "talent_pool": "y"})
    text = page_text(client.get("/account"))
    assert "Vivier de talents" in text and "Voir ou retirer mes consentements" in text
