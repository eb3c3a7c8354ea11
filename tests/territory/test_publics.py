"""`publics_of` on a hand-built set: the QPV placed by geocoding prevails over the tick (both ways), an
address not placed leaves the tick standing, the birth year gives the age band, gender as given, and a
withdrawn consent takes the person out of every public."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose
from fair.accounts.models import User
from fair.candidates import labels
from fair.candidates.models import CandidateProfile, Gender, QpvStatus
from fair.db import utcnow
from fair.territory.publics import Publics, age_band, publics_of

ON = dt.date(2026, 12, 7)


def _person(factory, session, email, *, situations=(), qpv=None, birth_year=None, gender=None, consenting=True):
    user = factory.user(email=email)
    session.add(CandidateProfile(user=user, situations=list(situations), qpv_status=qpv, birth_year=birth_year,
                                 gender=gender, situation_consent_at=utcnow() if consenting else None))
    session.flush()
    if consenting:
        consent.give(session, user.id, ConsentPurpose.situations, str(labels.SITUATION_CONSENT_TEXT),
                     consent.version_of(labels.SITUATION_CONSENT_TEXT), locale="fr")
    session.commit()
    return user


def test_publics_of_a_hand_built_set(app, session, factory):
    placed_in = _person(factory, session, "in@example.org", situations=["rsa"], qpv=QpvStatus.inside,
                        birth_year=2003, gender=Gender.female)
    ticked_but_outside = _person(factory, session, "out@example.org", situations=["qpv", "rqth"],
                                 qpv=QpvStatus.outside, birth_year=1970, gender=Gender.undisclosed)
    ticked_unknown = _person(factory, session, "unknown@example.org", situations=["qpv"], qpv=QpvStatus.unknown,
                             birth_year=1990)
    ticked_not_geocoded = _person(factory, session, "never@example.org", situations=["qpv", "under_26"])
    withdrawn = _person(factory, session, "withdrawn@example.org", situations=["qpv"], qpv=QpvStatus.inside)
    consent.withdraw(session, withdrawn.id, ConsentPurpose.situations)
    session.commit()
    no_consent = _person(factory, session, "none@example.org", qpv=QpvStatus.inside, consenting=False)

    result = publics_of(session, select(User.id), ON)

    assert result[placed_in.id] == Publics(frozenset({"rsa", "qpv", "under_26"}), "female", "under_26")
    assert result[ticked_but_outside.id] == Publics(frozenset({"rqth", "over_50"}), "undisclosed", "50_and_over")
    assert result[ticked_unknown.id] == Publics(frozenset({"qpv"}), None, "26_to_49")
    assert result[ticked_not_geocoded.id] == Publics(frozenset({"qpv", "under_26"}), None, None)
    assert withdrawn.id not in result and no_consent.id not in result
    assert len(result) == 4


def test_age_bands_at_their_limits():
    assert [age_band(y, ON) for y in (2001, 2000, 1977, 1976, None)] == [
        "under_26", "26_to_49", "26_to_49", "50_and_over", None]
