"""The person's territory and situations: placing their address in or out of a QPV, and an adviser's
confirmation of their situations.

Services take plain arguments and never commit: the request or the job owns the transaction.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session

from fair import audit
from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose
from fair.accounts.models import User
from fair.candidates.models import CandidateProfile, QpvStatus, Referral, ReferralStatus, Situation
from fair.clock import now
from fair.territory import qpv
from fair.territory.geocoding import address_key
from fair.territory.jobs import geocode_profile
from fair.territory.placing import address_of, clear_placement

log = logging.getLogger("fair.territory")


class ConsentMissing(Exception):
    """The person's consent to the statistics text is not in force: nobody may record their situations."""


class NotFollowed(Exception):
    """The adviser does not follow this person (the referral is not confirmed)."""


# ---------------------------------------------------------------- the address and its QPV

def address_saved(session: Session, profile: CandidateProfile, before: tuple[str, str, str]) -> bool:
    """The profile's address may have changed: a changed one loses its placement and is placed again
    after the commit (when a geocoder is configured); an emptied street line leaves nothing. True when
    a placement was asked for."""
    after = address_of(profile)
    if after == before and (profile.geocoded_at is not None or not after[0]):
        return False
    clear_placement(profile)
    line, postcode, city = after
    if not line or not (postcode or city) or not current_app.config.get("GEOCODER_URL"):
        return False
    geocode_profile.after_commit(session, profile.user_id, address_key(line, postcode, city))
    return True


# ---------------------------------------------------------------- an adviser confirms the situations

def statistics_consent_in_force(session: Session, profile: CandidateProfile | None) -> bool:
    return (profile is not None and profile.situation_consent_at is not None
            and consent.current(session, profile.user_id, ConsentPurpose.situations) is not None)


def confirm_situations(session: Session, adviser: User, referral: Referral, situations: Iterable[str],
                       profile: CandidateProfile | None) -> CandidateProfile:
    """The adviser who follows the person confirms (or corrects) their situations: only while the
    person's statistics consent is in force (ConsentMissing otherwise, nothing changed). Audited."""
    if referral.status is not ReferralStatus.confirmed or referral.adviser_id != adviser.id:
        raise NotFollowed()
    if profile is None or not statistics_consent_in_force(session, profile):
        raise ConsentMissing()
    known = {s.value for s in Situation}
    chosen = sorted({s for s in situations if s in known})
    before = sorted(profile.situations or [])
    profile.situations = chosen
    profile.situations_confirmed_by_id = adviser.id
    profile.situations_confirmed_at = now()
    audit.record(session, "candidate.situations_confirmed", referral.candidate, actor=adviser,
                 organisation_id=referral.partner_id,
                 details={"referral_id": referral.id, "corrected": chosen != before})
    return profile


def situations_changed_by_person(profile: CandidateProfile, before: list[str]) -> None:
    """The person changed their situations themselves: an adviser's earlier confirmation no longer holds."""
    if sorted(profile.situations or []) != sorted(before or []):
        profile.situations_confirmed_by_id = None
        profile.situations_confirmed_at = None


# ---------------------------------------------------------------- what the person sees

@dataclass(frozen=True)
class ProfilePlace:
    """What the profile page tells the person (and only them) of their QPV and of the confirmation."""

    status: QpvStatus | None
    zone: qpv.Zone | None
    confirmed_by: User | None
    confirmed_at: dt.datetime | None


def profile_place(session: Session, profile: CandidateProfile | None) -> ProfilePlace:
    if profile is None:
        return ProfilePlace(None, None, None, None)
    status = QpvStatus(profile.qpv_status) if profile.qpv_status else None
    zone = qpv.zone_named(session, profile.qpv_code) if status is QpvStatus.inside else None
    if status is QpvStatus.inside and zone is None and profile.qpv_code:
        zone = qpv.Zone(code=profile.qpv_code, name=profile.qpv_code, commune="")
    adviser = session.get(User, profile.situations_confirmed_by_id) if profile.situations_confirmed_by_id else None
    return ProfilePlace(status, zone, adviser, profile.situations_confirmed_at if adviser else None)
