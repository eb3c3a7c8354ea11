"""Owner-scoped lookups of the team pages: each returns None for what the person may not reach.

A member reads their organisation's team; only its owners reach its invitations, memberships and
join requests. Views answer None with `fair.access.owned_or_404`.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fair.access import as_id
from fair.accounts.models import JoinRequest, JoinRequestStatus, Membership, MembershipRole, TeamInvitation
from fair.extensions import db


def team_membership(organisation_id: Any, user_id: int) -> Membership | None:
    """This person's membership of the organisation (with the organisation), if they belong to it."""
    wanted = as_id(organisation_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Membership).where(Membership.organisation_id == wanted, Membership.user_id == user_id)
        .options(joinedload(Membership.organisation))
    ).scalars().first()


def owner_membership(organisation_id: Any, user_id: int) -> Membership | None:
    """As `team_membership`, only for an owner."""
    membership = team_membership(organisation_id, user_id)
    return membership if membership is not None and membership.role == MembershipRole.owner else None


def owned_team_invitation(organisation_id: Any, invitation_id: Any, user_id: int) -> TeamInvitation | None:
    if owner_membership(organisation_id, user_id) is None or as_id(invitation_id) is None:
        return None
    return db.session.execute(
        select(TeamInvitation).where(TeamInvitation.id == as_id(invitation_id),
                                     TeamInvitation.organisation_id == as_id(organisation_id))
    ).scalars().first()


def owned_team_member(organisation_id: Any, membership_id: Any, user_id: int) -> Membership | None:
    if owner_membership(organisation_id, user_id) is None or as_id(membership_id) is None:
        return None
    return db.session.execute(
        select(Membership).where(Membership.id == as_id(membership_id),
                                 Membership.organisation_id == as_id(organisation_id))
        .options(joinedload(Membership.user))
    ).scalars().first()


def owned_join_request(organisation_id: Any, request_id: Any, user_id: int) -> JoinRequest | None:
    """A pending join request of an organisation this person owns."""
    if owner_membership(organisation_id, user_id) is None or as_id(request_id) is None:
        return None
    return db.session.execute(
        select(JoinRequest).where(JoinRequest.id == as_id(request_id),
                                  JoinRequest.organisation_id == as_id(organisation_id),
                                  JoinRequest.status == JoinRequestStatus.pending)
    ).scalars().first()
