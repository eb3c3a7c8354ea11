"""Which priority publics a person belongs to, for the figures of reports, worked out in one place.

A person counts in a public only while their consent to the statistics text is in force (given and
not withdrawn, or given before consents were recorded): a withdrawn consent takes them out of every
public at once, and they stay in the totals. Within that consent:

- the situations they ticked (RSA, RQTH, long-term unemployed…), or that their adviser confirmed;
- QPV: where geocoding placed their address (inside or outside a zone) that answer prevails; an
  address that could not be placed ("unknown") or no geocoding leaves the self-declaration standing;
- under 26 and over 50: from the birth year on the report's reference date when it is known, else as
  ticked;
- gender, if they gave it ("undisclosed" is an answer of its own).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fair.candidates.models import CandidateProfile, QpvStatus, Situation
from fair.candidates.services import situations_consent_in_force

AGE_BANDS = ("under_26", "26_to_49", "50_and_over")


@dataclass(frozen=True)
class Publics:
    situations: frozenset[str]  # Situation values
    gender: str | None          # Gender value, None when not given
    age_band: str | None        # one of AGE_BANDS, None when the birth year is unknown


NONE = Publics(frozenset(), None, None)


def age_band(birth_year: int | None, on: dt.date) -> str | None:
    """The band of the age reached during the year of `on` (a birth year is all the profile keeps)."""
    if not birth_year:
        return None
    age = on.year - birth_year
    if age < 26:
        return "under_26"
    return "50_and_over" if age >= 50 else "26_to_49"


def publics_of(session: Session, candidate_ids: Select, on: dt.date) -> dict[int, Publics]:
    """candidate id → their publics, for the ids of `candidate_ids` (a SELECT of user ids) whose
    statistics consent is in force; the others are absent (they count in totals only)."""
    rows = session.execute(
        select(CandidateProfile.user_id, CandidateProfile.situations, CandidateProfile.qpv_status,
               CandidateProfile.gender, CandidateProfile.birth_year)
        .where(CandidateProfile.user_id.in_(candidate_ids), CandidateProfile.situation_consent_at.is_not(None),
               situations_consent_in_force())
    ).all()
    result: dict[int, Publics] = {}
    for user_id, situations, qpv_status, gender, birth_year in rows:
        declared = set(situations or [])
        if qpv_status is QpvStatus.inside:
            declared.add(Situation.qpv.value)
        elif qpv_status is QpvStatus.outside:
            declared.discard(Situation.qpv.value)
        band = age_band(birth_year, on)
        if band is not None:
            declared.discard(Situation.under_26.value)
            declared.discard(Situation.over_50.value)
            if band == "under_26":
                declared.add(Situation.under_26.value)
            elif band == "50_and_over":
                declared.add(Situation.over_50.value)
        result[user_id] = Publics(frozenset(declared), gender.value if gender else None, band)
    return result
