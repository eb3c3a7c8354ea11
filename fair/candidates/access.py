"""A candidate's own CVs, applications and referrals, and the referrals an adviser made.

Each lookup returns the object only to its owner; anyone else finds nothing (404).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from fair.access import as_id, organisations_of
from fair.accounts.models import Membership, MembershipRole, Organisation, OrganisationKind
from fair.candidates.models import Application, CandidateCv, Referral, ReferralStatus
from fair.extensions import db


def candidate_cv(cv_id: Any, candidate_id: int) -> CandidateCv | None:
    """A CV of this candidate (read by the candidate, or by an adviser they agreed to)."""
    wanted = as_id(cv_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(CandidateCv).where(CandidateCv.id == wanted, CandidateCv.user_id == candidate_id)
    ).scalars().first()


def candidate_application(application_id: Any, candidate_id: int) -> Application | None:
    wanted = as_id(application_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Application).where(Application.id == wanted, Application.candidate_id == candidate_id)
    ).scalars().first()


def candidate_referral(referral_id: Any, candidate_id: int) -> Referral | None:
    """A referral that names this candidate (which they may revoke)."""
    wanted = as_id(referral_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Referral).where(Referral.id == wanted, Referral.candidate_id == candidate_id)
    ).scalars().first()


def referral_by_adviser(referral_id: Any, adviser_id: int) -> Referral | None:
    """A referral this adviser made, whatever its status (the caller checks it is confirmed), or a confirmed
    referral of one of their structures: the person's consent is given to the structure, whose advisers all
    act for them (a colleague's person is followed too). Another structure's referral is not found."""
    wanted = as_id(referral_id)
    if wanted is None:
        return None
    shared = structure_referrals(adviser_id).with_only_columns(Referral.id)
    return db.session.execute(
        select(Referral).where(Referral.id == wanted, or_(Referral.adviser_id == adviser_id, Referral.id.in_(shared)))
        .options(joinedload(Referral.candidate), joinedload(Referral.partner))
    ).scalars().first()


def structure_referrals(adviser_id: int) -> Select:
    """The confirmed referrals of the structures (active partner organisations) the adviser belongs to.

    A candidate's consent is given to the structure, not to one adviser: every adviser of the structure
    shares the file and may act for the person. The ONE answer to "whom may this adviser follow"."""
    return select(Referral).where(
        Referral.status == ReferralStatus.confirmed,
        Referral.partner_id.in_(organisations_of(adviser_id, OrganisationKind.partner)),
    )


def followed_by(adviser_id: int) -> Select:
    """The ids of the candidates the adviser's structures follow (structure_referrals), for WHERE … IN."""
    return structure_referrals(adviser_id).with_only_columns(Referral.candidate_id).distinct()


def structure_person(candidate_id: Any, adviser_id: int) -> list[Referral] | None:
    """The confirmed referrals through which the adviser's structures follow this person (their shared
    file), or None: a person another structure follows, or nobody, is not found (404)."""
    wanted = as_id(candidate_id)
    if wanted is None:
        return None
    found = list(db.session.execute(
        structure_referrals(adviser_id).where(Referral.candidate_id == wanted)
        .options(joinedload(Referral.candidate), joinedload(Referral.partner), joinedload(Referral.adviser))
        .order_by(Referral.id)
    ).scalars())
    return found or None


def adviser_structure(partner_id: Any, adviser_id: int, owner: bool = False) -> Organisation | None:
    """A partner organisation the adviser belongs to (as an owner, with `owner`), else None (404)."""
    wanted = as_id(partner_id)
    if wanted is None:
        return None
    query = (select(Organisation).join(Membership, Membership.organisation_id == Organisation.id)
             .where(Organisation.id == wanted, Organisation.kind == OrganisationKind.partner,
                    Organisation.is_active.is_(True), Membership.user_id == adviser_id))
    if owner:
        query = query.where(Membership.role == MembershipRole.owner)
    return db.session.execute(query).scalars().first()


def structure_advisers(candidate_id: int) -> Select:
    """The ids of the advisers of every structure that follows the person (a confirmed referral to an
    active partner organisation): the reverse of `followed_by`. All of them hear of the person's
    no-shows and outcomes, not only the adviser who made the referral."""
    structures = select(Referral.partner_id).where(Referral.candidate_id == candidate_id,
                                                   Referral.status == ReferralStatus.confirmed)
    return (select(Membership.user_id).join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Organisation.id.in_(structures), Organisation.kind == OrganisationKind.partner,
                   Organisation.is_active.is_(True))
            .distinct())
