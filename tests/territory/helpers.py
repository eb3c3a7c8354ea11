"""A person followed by an adviser (a confirmed referral), with or without their statistics consent."""
from __future__ import annotations

from types import SimpleNamespace

from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose
from fair.candidates import labels
from fair.candidates.models import CandidateProfile, Referral, ReferralStatus
from fair.db import utcnow


def followed_person(factory, session, *, consenting: bool, situations=("rsa",)) -> SimpleNamespace:
    partner = factory.organisation("partner", name="Mission locale de Lille")
    adviser = factory.member(partner, email="adviser@example.org", full_name="Adviser One")
    other_partner = factory.organisation("partner", name="Association Tremplin")
    other_adviser = factory.member(other_partner, email="adviser.two@example.org", full_name="Adviser Two")
    person = factory.user(email="camille@example.org", full_name="Camille Candidate")
    referral = Referral(adviser=adviser, partner=partner, candidate=person, status=ReferralStatus.confirmed,
                        confirmed_at=utcnow(), consent_text="ok")
    session.add(referral)
    profile = CandidateProfile(user=person, situations=list(situations) if consenting else [])
    session.add(profile)
    session.flush()
    if consenting:
        profile.situation_consent_at = utcnow()
        consent.give(session, person.id, ConsentPurpose.situations, str(labels.SITUATION_CONSENT_TEXT),
                     consent.version_of(labels.SITUATION_CONSENT_TEXT), locale="fr")
    session.commit()
    return SimpleNamespace(partner=partner, adviser=adviser, other_adviser=other_adviser, person=person,
                           referral=referral, profile=profile)
