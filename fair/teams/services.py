"""Teams: who belongs to an organisation, and how people come in and go out.

Owners invite colleagues by email; an invitation is bound to the address it was sent to and only
the SHA-256 of its link's secret is kept. Anyone may leave, owners remove members and change roles,
but an organisation never loses its last owner. A person put into an organisation that already has
owners by someone who is not one of them (an organiser's invitation into an existing company) waits
as a `JoinRequest` until an owner approves.

Services take a session and never commit: the request owns the transaction. Every change writes
one audit row. Bad input raises `TeamError` with translated messages per form field.
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from fair import audit, clock
from fair.accounts.models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    TeamInvitation,
    User,
)
from fair.accounts.services import mark_email_confirmed, normalise_email
from fair.db import begin_sqlite_write
from fair.forms import EMAIL_RE, FieldErrors
from fair.jobs import after_commit
from fair.mail.outbox import queue_mail
from fair.mail.render import mail_url
from fair.security import hash_token, new_token
from fair.sockets import disconnect_user

log = logging.getLogger("fair.teams")

class TeamError(FieldErrors):
    """Bad input or a refused change, as translated messages per form field (`errors`)."""


class LastOwner(TeamError):
    """The change would leave the organisation without an owner."""

    def __init__(self, message: str) -> None:
        super().__init__({"role": [message]})


class InvitationUnusable(Exception):
    """A team invitation link that cannot be used; `reason` is invalid, expired, revoked or used."""

    def __init__(self, reason: str, invitation: TeamInvitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


class WrongAddress(Exception):
    """The signed-in person's address is not the one the invitation was sent to."""

    def __init__(self, invited: str, signed_in: str) -> None:
        super().__init__("invitation sent to another address")
        self.invited = invited
        self.signed_in = signed_in


# ---------------------------------------------------------------- reading


def same_address(a: str, b: str) -> bool:
    """Two addresses name the same mailbox for us: normalised, compared without case."""
    return normalise_email(a).lower() == normalise_email(b).lower()


def membership_of(session: Session, organisation_id: int, user_id: int) -> Membership | None:
    return session.execute(
        select(Membership).where(Membership.organisation_id == organisation_id, Membership.user_id == user_id)
    ).scalars().first()


def members(session: Session, organisation_id: int) -> list[Membership]:
    """Owners first, then members, each by name."""
    rows = session.execute(
        select(Membership).join(Membership.user).where(Membership.organisation_id == organisation_id)
        .options(joinedload(Membership.user))
        .order_by(func.lower(User.full_name), User.id)
    ).scalars().all()
    return sorted(rows, key=lambda m: m.role != MembershipRole.owner)


def is_member_address(session: Session, organisation_id: int, email: str) -> bool:
    """Someone with this address (normalised, without case) already belongs to the organisation."""
    return session.execute(
        select(Membership.id).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation_id,
               func.lower(User.email) == normalise_email(email).lower())
    ).first() is not None


def owners(session: Session, organisation_id: int) -> list[User]:
    return list(session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, Membership.role == MembershipRole.owner)
        .order_by(User.id)
    ).scalars())


def has_owners(session: Session, organisation_id: int) -> bool:
    return session.execute(
        select(Membership.id).where(Membership.organisation_id == organisation_id,
                                    Membership.role == MembershipRole.owner).limit(1)
    ).first() is not None


def invitation_state(invitation: TeamInvitation, now: dt.datetime | None = None) -> str:
    if invitation.accepted_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= (now or clock.now()):
        return "expired"
    return "pending"


def pending_invitations(session: Session, organisation_id: int, now: dt.datetime | None = None
                        ) -> list[TeamInvitation]:
    """Invitations not accepted nor revoked (expired ones too: an owner may send them again)."""
    return list(session.execute(
        select(TeamInvitation).where(TeamInvitation.organisation_id == organisation_id,
                                     TeamInvitation.accepted_at.is_(None), TeamInvitation.revoked_at.is_(None))
        .order_by(TeamInvitation.created_at.desc(), TeamInvitation.id.desc())
    ).scalars())


def pending_join_requests(session: Session, organisation_id: int) -> list[JoinRequest]:
    return list(session.execute(
        select(JoinRequest).where(JoinRequest.organisation_id == organisation_id,
                                  JoinRequest.status == JoinRequestStatus.pending)
        .options(joinedload(JoinRequest.user)).order_by(JoinRequest.created_at, JoinRequest.id)
    ).scalars())


def pending_join_request(session: Session, organisation_id: int, user_id: int) -> JoinRequest | None:
    return session.execute(
        select(JoinRequest).where(JoinRequest.organisation_id == organisation_id, JoinRequest.user_id == user_id,
                                  JoinRequest.status == JoinRequestStatus.pending)
    ).scalars().first()


# ---------------------------------------------------------------- invitations


def _lock_organisation(session: Session, organisation_id: int) -> None:
    """One change of an organisation's people at a time, so two owners can't both step down at once."""
    if not begin_sqlite_write(session):
        session.execute(select(Organisation.id).where(Organisation.id == organisation_id).with_for_update())


def invite(session: Session, organisation: Organisation, email: str, *, role: MembershipRole = MembershipRole.member,
           invited_by: User | None = None) -> TeamInvitation:
    """Invite `email` into `organisation` with `role` and queue the mail with its link.

    Refused (TeamError on `email`): an invalid address, a person already a member, an invitation
    already waiting for that address. The admin console calls this to invite a first owner.
    """
    now = clock.now()
    email = normalise_email(email or "")
    try:
        role = MembershipRole(role)
    except ValueError:
        raise TeamError({"role": [_("Choose owner or member.")]}) from None
    if not email:
        raise TeamError({"email": [_("Enter the email address of the person to invite.")]})
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise TeamError({"email": [_("Enter a valid email address, like name@example.org.")]})
    _lock_organisation(session, organisation.id)
    if is_member_address(session, organisation.id, email):
        raise TeamError({"email": [_("This person is already a member of %(organisation)s.",
                                     organisation=organisation.name)]})
    waiting = session.execute(
        select(TeamInvitation.id).where(
            TeamInvitation.organisation_id == organisation.id, func.lower(TeamInvitation.email) == email.lower(),
            TeamInvitation.accepted_at.is_(None), TeamInvitation.revoked_at.is_(None),
            TeamInvitation.expires_at > now)
    ).first()
    if waiting is not None:
        raise TeamError({"email": [_("An invitation to this address is already waiting for an answer. "
                                     "You can send it again from the list below.")]})
    token, token_hash = new_token()
    invitation = TeamInvitation(
        organisation_id=organisation.id, email=email, role=role, token_hash=token_hash,
        invited_by_id=invited_by.id if invited_by is not None else None, created_at=now,
        expires_at=now + dt.timedelta(seconds=current_app.config["TEAM_INVITATION_MAX_AGE"]),
    )
    session.add(invitation)
    session.flush()
    _mail_invitation(session, invitation, organisation, token, invited_by)
    audit.record(session, "team.invite", invitation, organisation_id=organisation.id, actor=invited_by,
                 details={"role": role.value})
    log.info("team invitation %s to organisation %s queued", invitation.id, organisation.id)
    return invitation


def _mail_invitation(session: Session, invitation: TeamInvitation, organisation: Organisation, token: str,
                     invited_by: User | None) -> None:
    """The link holds the secret, which is never stored: the mail is rendered now, in this transaction."""
    locale = invited_by.locale if invited_by is not None and invited_by.locale else "fr"
    queue_mail(session, to=invitation.email, template="team_invitation", locale=locale,
               context={"invitation": invitation, "organisation": organisation, "invited_by": invited_by,
                        "owner": invitation.role == MembershipRole.owner,
                        "link": mail_url("teams.accept_invitation", token=token)},
               key=f"team-invitation:{invitation.id}:{invitation.token_hash[:16]}")


def resend(session: Session, invitation: TeamInvitation, *, actor: User | None = None) -> TeamInvitation:
    """Mail a new link with a new validity period; the old link stops working."""
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationUnusable(invitation_state(invitation), invitation)
    token, token_hash = new_token()
    invitation.token_hash = token_hash
    invitation.expires_at = clock.now() + dt.timedelta(seconds=current_app.config["TEAM_INVITATION_MAX_AGE"])
    session.flush()
    _mail_invitation(session, invitation, invitation.organisation, token, actor)
    audit.record(session, "team.invitation_resend", invitation, organisation_id=invitation.organisation_id,
                 actor=actor)
    return invitation


def revoke(session: Session, invitation: TeamInvitation, *, actor: User | None = None) -> TeamInvitation:
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationUnusable(invitation_state(invitation), invitation)
    invitation.revoked_at = clock.now()
    session.flush()
    audit.record(session, "team.invitation_revoke", invitation, organisation_id=invitation.organisation_id,
                 actor=actor)
    return invitation


def invitation_from_token(session: Session, token: str, now: dt.datetime | None = None) -> TeamInvitation:
    """The invitation a link names if it can still be used; InvitationUnusable tells why not."""
    if not token or len(token) > 100:
        raise InvitationUnusable("invalid")
    invitation = session.execute(
        select(TeamInvitation).where(TeamInvitation.token_hash == hash_token(token))
        .options(joinedload(TeamInvitation.organisation))
    ).scalars().first()
    if invitation is None:
        raise InvitationUnusable("invalid")
    state = invitation_state(invitation, now)
    if state != "pending":
        raise InvitationUnusable(state, invitation)
    return invitation


def accept(session: Session, invitation: TeamInvitation, user: User) -> Membership:
    """Make `user` a member with the invited role, once; only for the address the invitation went to.

    The invitation is claimed with a conditional UPDATE, so two clicks racing each other cannot
    both succeed. A person another address refuses (WrongAddress) and nothing changes.
    """
    if not same_address(invitation.email, user.email):
        raise WrongAddress(invitation.email, user.email)
    now = clock.now()
    state = invitation_state(invitation, now)
    if state != "pending":
        raise InvitationUnusable(state, invitation)
    claimed = session.execute(
        update(TeamInvitation)
        .where(TeamInvitation.id == invitation.id, TeamInvitation.accepted_at.is_(None),
               TeamInvitation.revoked_at.is_(None), TeamInvitation.expires_at > now)
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise InvitationUnusable("used", invitation)
    session.refresh(invitation)
    mark_email_confirmed(user, invitation.email)  # the link reached that mailbox
    membership = membership_of(session, invitation.organisation_id, user.id)
    if membership is None:
        membership = Membership(user_id=user.id, organisation_id=invitation.organisation_id, role=invitation.role)
        session.add(membership)
    elif invitation.role == MembershipRole.owner:
        membership.role = MembershipRole.owner
    # A join request waiting for the same person is answered by this invitation.
    waiting = pending_join_request(session, invitation.organisation_id, user.id)
    if waiting is not None:
        waiting.status, waiting.decided_at, waiting.decided_by_id = (JoinRequestStatus.approved, now,
                                                                     invitation.invited_by_id)
    session.flush()
    audit.record(session, "team.accept", invitation, organisation_id=invitation.organisation_id, actor=user,
                 details={"role": invitation.role.value})
    return membership


# ---------------------------------------------------------------- members


def _other_owners(session: Session, membership: Membership) -> int:
    return int(session.execute(
        select(func.count(Membership.id)).where(
            Membership.organisation_id == membership.organisation_id, Membership.role == MembershipRole.owner,
            Membership.id != membership.id)
    ).scalar_one())


def _keep_an_owner(session: Session, membership: Membership, message: str) -> None:
    _lock_organisation(session, membership.organisation_id)
    session.refresh(membership)
    if membership.role == MembershipRole.owner and _other_owners(session, membership) == 0:
        raise LastOwner(message)


def _disconnect_later(session: Session, user_id: int) -> None:
    """Pages of the organisation open in the person's browser stop once the change is committed."""
    after_commit(session, lambda: disconnect_user(user_id))


def remove_member(session: Session, membership: Membership, *, actor: User | None = None) -> None:
    _keep_an_owner(session, membership, _("The last owner can't be removed: make someone else an owner first."))
    organisation_id, user_id = membership.organisation_id, membership.user_id
    audit.record(session, "team.remove", membership.user, object_type="memberships", object_id=membership.id,
                 organisation_id=organisation_id, actor=actor, details={"role": membership.role.value})
    session.delete(membership)
    session.flush()
    _disconnect_later(session, user_id)


def change_role(session: Session, membership: Membership, role: MembershipRole | str, *,
                actor: User | None = None) -> Membership:
    try:
        role = MembershipRole(role)
    except ValueError:
        raise TeamError({"role": [_("Choose owner or member.")]}) from None
    if role == membership.role:
        return membership
    if role == MembershipRole.member:
        _keep_an_owner(session, membership,
                       _("The last owner can't become a member: make someone else an owner first."))
    before = membership.role
    membership.role = role
    session.flush()
    audit.record(session, "team.role_change", membership.user, object_type="memberships", object_id=membership.id,
                 organisation_id=membership.organisation_id, actor=actor,
                 details={"from": before.value, "to": role.value})
    return membership


def leave(session: Session, membership: Membership, *, actor: User | None = None) -> None:
    _keep_an_owner(session, membership, _("The last owner can't leave: make someone else an owner first."))
    organisation_id, user_id = membership.organisation_id, membership.user_id
    audit.record(session, "team.leave", membership.user, object_type="memberships", object_id=membership.id,
                 organisation_id=organisation_id, actor=actor or membership.user)
    session.delete(membership)
    session.flush()
    _disconnect_later(session, user_id)


# ---------------------------------------------------------------- join requests


def needs_owner_approval(session: Session, organisation: Organisation, user_id: int) -> bool:
    """Someone not yet a member, put into an organisation that already has owners, waits for one of them."""
    return has_owners(session, organisation.id) and membership_of(session, organisation.id, user_id) is None


def request_to_join(session: Session, organisation: Organisation, user: User, *, invitation_id: int | None = None,
                    requested_by_id: int | None = None) -> JoinRequest:
    """A pending join request (the one already waiting, if any), mailed to the organisation's owners."""
    existing = pending_join_request(session, organisation.id, user.id)
    if existing is not None:
        return existing
    join_request = JoinRequest(organisation_id=organisation.id, user_id=user.id, invitation_id=invitation_id,
                               requested_by_id=requested_by_id, status=JoinRequestStatus.pending,
                               created_at=clock.now())
    session.add(join_request)
    session.flush()
    requested_by = session.get(User, requested_by_id) if requested_by_id else None
    link = mail_url("teams.team", organisation_id=organisation.id)
    for owner in owners(session, organisation.id):
        queue_mail(session, to=owner.email, template="join_request", locale=owner.locale or "fr",
                   context={"organisation": organisation, "person": user, "requested_by": requested_by,
                            "link": link},
                   key=f"join-request:{join_request.id}:{owner.id}")
    audit.record(session, "team.join_request", user, object_type="join_requests", object_id=join_request.id,
                 organisation_id=organisation.id, actor=user)
    log.info("join request %s of user %s into organisation %s", join_request.id, user.id, organisation.id)
    return join_request


def _decide(join_request: JoinRequest, status: JoinRequestStatus, actor: User | None) -> None:
    if join_request.status != JoinRequestStatus.pending:
        raise TeamError({"join_request": [_("This request has already been answered.")]})
    join_request.status = status
    join_request.decided_at = clock.now()
    join_request.decided_by_id = actor.id if actor is not None else None


def approve_join_request(session: Session, join_request: JoinRequest, *, actor: User | None = None) -> Membership:
    """The person becomes a member. What an edition invitation brought (booth, partnership) is the
    caller's to add: fairs sit above teams (`fair.fairs.services.accept_invitation(join_request=…)`)."""
    _decide(join_request, JoinRequestStatus.approved, actor)
    membership = membership_of(session, join_request.organisation_id, join_request.user_id)
    if membership is None:
        membership = Membership(user_id=join_request.user_id, organisation_id=join_request.organisation_id,
                                role=MembershipRole.member)
        session.add(membership)
    session.flush()
    audit.record(session, "team.join_approve", join_request.user, object_type="join_requests",
                 object_id=join_request.id, organisation_id=join_request.organisation_id, actor=actor)
    return membership


def refuse_join_request(session: Session, join_request: JoinRequest, *, actor: User | None = None) -> JoinRequest:
    _decide(join_request, JoinRequestStatus.refused, actor)
    session.flush()
    audit.record(session, "team.join_refuse", join_request.user, object_type="join_requests",
                 object_id=join_request.id, organisation_id=join_request.organisation_id, actor=actor)
    return join_request
