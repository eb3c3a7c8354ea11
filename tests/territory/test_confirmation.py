"""An adviser who follows the person confirms or corrects their situations, only while the person's
statistics consent is in force; audited; the person sees who confirmed and when. (SQLite and PostgreSQL:
the consent in force is a query.)"""
from __future__ import annotations

import pytest

from fair.accounts.consent import ConsentPurpose
from fair.audit import AuditEntry
from fair.candidates import services as candidate_services
from fair.candidates.models import CandidateProfile
from tests.conftest import login, page_text, post_form
from tests.territory.helpers import followed_person


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


def _profile(session) -> CandidateProfile:
    session.expire_all()
    return session.query(CandidateProfile).one()


def test_the_adviser_confirms_with_consent_and_the_person_sees_it(app, client, session, factory):
    world = followed_person(factory, session, consenting=True, situations=("rsa",))
    path = f"/adviser/referrals/{world.referral.id}/situations"
    login(client, world.adviser.email)
    assert "Confirmer ou corriger sa situation" in page_text(client.get(f"/adviser/referrals/{world.referral.id}"))
    response = post_form(client, path, {"situations": ["rsa", "rqth"]})
    assert response.status_code == 302
    profile = _profile(session)
    assert profile.situations == ["rqth", "rsa"]
    assert profile.situations_confirmed_by_id == world.adviser.id and profile.situations_confirmed_at is not None
    entry = session.query(AuditEntry).filter_by(action="candidate.situations_confirmed").one()
    assert (entry.actor_id, entry.object_id, entry.organisation_id) == (world.adviser.id, world.person.id,
                                                                        world.partner.id)
    assert entry.details == {"referral_id": world.referral.id, "corrected": True}

    client = app.test_client()
    login(client, world.person.email)
    text = page_text(client.get("/candidate/profile"))
    assert "Votre situation a été confirmée par Adviser One, qui vous accompagne, le" in text


def test_without_consent_the_adviser_is_refused_and_nothing_changes(app, client, session, factory):
    world = followed_person(factory, session, consenting=False)
    path = f"/adviser/referrals/{world.referral.id}/situations"
    login(client, world.adviser.email)
    assert "n’a pas accepté de partager sa situation" in page_text(client.get(path))
    response = post_form(client, path, {"situations": ["rsa"]}, form_page=f"/adviser/referrals/{world.referral.id}")
    assert response.status_code == 422
    assert "rien n’a été enregistré" in page_text(response)
    profile = _profile(session)
    assert profile.situations == [] and profile.situations_confirmed_by_id is None
    assert session.query(AuditEntry).filter_by(action="candidate.situations_confirmed").count() == 0


def test_a_withdrawn_consent_refuses_and_another_adviser_finds_nothing(app, client, session, factory):
    world = followed_person(factory, session, consenting=True)
    record = candidate_services.consent.current(session, world.person.id, ConsentPurpose.situations)
    candidate_services.withdraw_consent(world.person, record)
    session.commit()
    login(client, world.other_adviser.email)
    assert client.get(f"/adviser/referrals/{world.referral.id}/situations").status_code == 404
    client = app.test_client()
    login(client, world.adviser.email)
    path = f"/adviser/referrals/{world.referral.id}/situations"
    response = post_form(client, path, {"situations": ["rsa"]}, form_page=f"/adviser/referrals/{world.referral.id}")
    assert response.status_code == 422
    assert _profile(session).situations == []


def test_the_person_changing_their_situations_ends_the_confirmation(app, client, session, factory):
    world = followed_person(factory, session, consenting=True)
    login(client, world.adviser.email)
    post_form(client, f"/adviser/referrals/{world.referral.id}/situations", {"situations": ["rsa"]})
    assert _profile(session).situations_confirmed_by_id == world.adviser.id
    client = app.test_client()
    login(client, world.person.email)
    post_form(client, "/candidate/profile", {"full_name": "Camille Candidate", "preferred_contact": "email",
                                             "situations": ["rsa", "under_26"], "situation_consent": "y"})
    profile = _profile(session)
    assert profile.situations == ["rsa", "under_26"] and profile.situations_confirmed_by_id is None
