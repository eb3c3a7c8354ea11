"""Placing a profile's address in or out of a QPV: the rule the job, the command and the save share."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fair.candidates.models import CandidateProfile, QpvStatus
from fair.clock import now
from fair.territory import qpv
from fair.territory.geocoding import Geocoder


def address_of(profile: CandidateProfile) -> tuple[str, str, str]:
    return ((profile.address_line or "").strip(), (profile.postcode or "").strip(), (profile.city or "").strip())


def clear_placement(profile: CandidateProfile) -> None:
    profile.qpv_status = None
    profile.qpv_code = None
    profile.geocoded_at = None


def place_profile(session: Session, profile: CandidateProfile, geocoder: Geocoder) -> QpvStatus | None:
    """Geocode the profile's address and set its QPV answer; None (nothing set) while no boundary is
    imported or no street line is given. Raises GeocoderUnavailable (nothing set) when the service fails."""
    line, postcode, city = address_of(profile)
    if not line or qpv.boundaries_version(session) is None:
        return None
    placement = geocoder.locate(line, postcode, city)
    zone = qpv.zone_at(session, placement.lon, placement.lat) if placement is not None else None
    if placement is None:
        profile.qpv_status, profile.qpv_code = QpvStatus.unknown, None
    elif zone is None:
        profile.qpv_status, profile.qpv_code = QpvStatus.outside, None
    else:
        profile.qpv_status, profile.qpv_code = QpvStatus.inside, zone.code
    profile.geocoded_at = now()
    return profile.qpv_status


def profiles_to_place(session: Session, limit: int, *, everyone: bool = False) -> list[CandidateProfile]:
    """Profiles with a street line never placed (or, `everyone`, all of them), oldest first."""
    query = select(CandidateProfile).where(CandidateProfile.address_line != "")
    if not everyone:
        query = query.where(CandidateProfile.geocoded_at.is_(None))
    return list(session.execute(query.order_by(CandidateProfile.id).limit(limit)).scalars())
