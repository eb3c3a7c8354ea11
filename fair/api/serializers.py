"""Rows as the API's JSON (the shapes of `fair.api.spec.SCHEMAS`)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from fair.accounts.models import User
from fair.candidates import services as candidates
from fair.candidates.models import Application, ApplicationStatus, CandidateProfile
from fair.companies.models import Offer
from fair.extensions import db
from fair.jobdating.models import Booking
from fair.outcomes import services as outcomes
from fair.outcomes.models import Outcome


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _value(member: Any) -> Any:
    return member.value if member is not None else None


def offer(row: Offer) -> dict:
    return {
        "id": row.id, "booth_id": row.booth_id, "edition_id": row.booth.edition_id, "company_id": row.booth.company_id,
        "title": row.title, "contract_type": row.contract_type.value, "positions": row.positions, "place": row.place,
        "remote": row.remote.value, "description": row.description, "requirements": row.requirements or "",
        "rome_code": row.rome_code, "open_to_beginners": bool(row.open_to_beginners),
        "is_published": bool(row.is_published), "created_at": _time(row.created_at),
        "updated_at": _time(row.updated_at),
    }


def profiles_of(user_ids: Iterable[int]) -> dict[int, CandidateProfile]:
    """The profiles of a page's people in one query (else one query per row)."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    return {profile.user_id: profile for profile in db.session.execute(
        select(CandidateProfile).where(CandidateProfile.user_id.in_(wanted))).scalars()}


def _candidate(person: User, label: str, hidden: bool, profiles: dict[int, CandidateProfile] | None) -> dict:
    if hidden:
        return {"anonymised": True, "label": label, "name": None, "email": None, "phone": None, "postcode": None,
                "city": None, "birth_year": None}
    profile = profiles.get(person.id) if profiles is not None else candidates.profile_of(person)
    return {"anonymised": False, "label": person.full_name, "name": person.full_name, "email": person.email,
            "phone": person.phone, "postcode": profile.postcode if profile else None,
            "city": profile.city if profile else None, "birth_year": profile.birth_year if profile else None}


def application(row: Application, *, sees_names: bool, profiles: dict[int, CandidateProfile] | None = None) -> dict:
    """As the recruiter's inbox shows it: in an anonymised edition, no name, contact, place, year of birth
    nor message until an interview is booked (`fair.candidates.services.is_anonymised`). A withdrawn
    application, which the inbox no longer lists, keeps its number and status only."""
    hidden = not sees_names and (candidates.is_anonymised(row) or row.status is ApplicationStatus.withdrawn)
    label = _("Candidate no. %(code)s", code=candidates.pseudonym(row))
    return {
        "id": row.id, "offer_id": row.offer_id, "booth_id": row.offer.booth_id,
        "edition_id": row.offer.booth.edition_id,
        "status": row.status.value, "rejection_reason": _value(row.rejection_reason),
        "message": None if hidden else (row.message or ""), "created_at": _time(row.created_at),
        "status_changed_at": _time(row.status_changed_at), "interview_booked_at": _time(row.interview_booked_at),
        "candidate": _candidate(row.candidate, label, hidden, profiles),
    }


def booking(row: Booking, profiles: dict[int, CandidateProfile] | None = None) -> dict:
    """A booked interview names the person: the booking is what lifts an edition's anonymity."""
    return {
        "id": row.id, "booth_id": row.booth_id, "edition_id": row.edition_id, "status": row.status.value,
        "mode": row.slot.mode.value, "starts_at": _time(row.starts_at), "ends_at": _time(row.ends_at),
        "confirmed_at": _time(row.confirmed_at), "cancelled_at": _time(row.cancelled_at),
        "cancel_reason": row.cancel_reason, "attendance": _value(row.attendance), "outcome": _value(row.outcome),
        "created_at": _time(row.created_at),
        "candidate": _candidate(row.candidate, row.candidate.full_name, False, profiles),
    }


def outcome(row: Outcome) -> dict:
    return {
        "id": row.id, "edition_id": row.edition_id, "company_id": row.company_id,
        "employer_name": outcomes.employer_of(row) or "",
        "booking_id": row.booking_id, "application_id": row.application_id, "contract": row.contract.value,
        "job_title": row.job_title or "", "starts_on": row.starts_on.isoformat(),
        "weekly_hours": row.weekly_hours, "social_clause": bool(row.social_clause),
        "recorded_as": row.recorded_as.value, "created_at": _time(row.created_at),
        "updated_at": _time(row.updated_at),
    }
