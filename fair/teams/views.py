"""An organisation's team page: owners invite and remove colleagues, members leave.

`/organisations/<id>/team` is for the organisation's members (others get 404); its forms that
change something are for its owners. `/team-invitations/<token>` is the link an invitation mail
carries: it works only for the address it was sent to.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError, OperationalError

from fair import clock
from fair.access import owned_or_404
from fair.accounts.models import MembershipRole, OrganisationKind
from fair.extensions import db, login_manager
from fair.fairs import services as fair_services
from fair.forms import ConfirmForm, form_status
from fair.teams import services
from fair.teams.access import (
    owned_join_request,
    owned_team_invitation,
    owned_team_member,
    owner_membership,
    team_membership,
)
from fair.teams.forms import ROLE_LABELS, InviteForm, RoleForm

bp = Blueprint("teams", __name__)

KIND_LABELS = {
    OrganisationKind.organiser: _l("Organiser"),
    OrganisationKind.company: _l("Company"),
    OrganisationKind.partner: _l("Partner"),
    OrganisationKind.network: _l("Network"),
}


@bp.context_processor
def _labels():
    return {"ROLE_LABELS": ROLE_LABELS, "KIND_LABELS": KIND_LABELS}


def _me():
    return current_user._get_current_object()


def _team_page(membership, invite_form: InviteForm | None = None, status: int | None = None):
    organisation = membership.organisation
    is_owner = membership.role == MembershipRole.owner
    now = clock.now()
    team = services.members(db.session, organisation.id)
    invitations = [(i, services.invitation_state(i, now)) for i in services.pending_invitations(
        db.session, organisation.id)] if is_owner else []
    join_requests = services.pending_join_requests(db.session, organisation.id) if is_owner else []
    role_forms = {m.id: RoleForm(formdata=None, prefix=f"m{m.id}", role=m.role.value) for m in team} if is_owner else {}
    invite_form = invite_form or (InviteForm(formdata=None) if is_owner else None)
    return render_template(
        "teams/team.html", organisation=organisation, me=membership, is_owner=is_owner, team=team,
        invitations=invitations, join_requests=join_requests, invite_form=invite_form, role_forms=role_forms,
        confirm_form=ConfirmForm(formdata=None),
    ), status or form_status(invite_form)


@bp.route("/organisations/<int:organisation_id>/team")
@login_required
def team(organisation_id: int):
    return _team_page(owned_or_404(team_membership(organisation_id, current_user.id)))


def _back(organisation_id: int):
    return redirect(url_for("teams.team", organisation_id=organisation_id))


@bp.route("/organisations/<int:organisation_id>/team/invitations", methods=["POST"])
@login_required
def invite(organisation_id: int):
    membership = owned_or_404(owner_membership(organisation_id, current_user.id))
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = services.invite(db.session, membership.organisation, form.email.data,
                                         role=MembershipRole(form.role.data), invited_by=_me())
            db.session.commit()
        except services.TeamError as exc:
            db.session.rollback()
            for name, messages in exc.errors.items():
                getattr(form, name, form.email).errors = list(messages)
        else:
            flash(_("The invitation was sent to %(email)s.", email=invitation.email), "success")
            return _back(organisation_id)
    membership = owned_or_404(owner_membership(organisation_id, current_user.id))
    return _team_page(membership, invite_form=form, status=422)


def _invitation_action(organisation_id: int, invitation_id: int, action, done: str):
    invitation = owned_or_404(owned_team_invitation(organisation_id, invitation_id, current_user.id))
    if ConfirmForm().validate_on_submit():
        try:
            action(db.session, invitation, actor=_me())
            db.session.commit()
        except services.InvitationUnusable:
            db.session.rollback()
            flash(_("This invitation can no longer be changed: it was accepted or withdrawn."), "error")
        else:
            flash(done % {"email": invitation.email}, "success")
    return _back(organisation_id)


@bp.route("/organisations/<int:organisation_id>/team/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(organisation_id: int, invitation_id: int):
    return _invitation_action(organisation_id, invitation_id, services.revoke,
                              _("The invitation to %(email)s was withdrawn: its link no longer works."))


@bp.route("/organisations/<int:organisation_id>/team/invitations/<int:invitation_id>/resend", methods=["POST"])
@login_required
def resend_invitation(organisation_id: int, invitation_id: int):
    return _invitation_action(organisation_id, invitation_id, services.resend,
                              _("A new link was sent to %(email)s; the previous one no longer works."))


def _refused(organisation_id: int, exc: services.TeamError):
    db.session.rollback()
    flash(exc.message, "error")
    return _back(organisation_id)


@bp.route("/organisations/<int:organisation_id>/team/members/<int:membership_id>/remove", methods=["POST"])
@login_required
def remove_member(organisation_id: int, membership_id: int):
    member = owned_or_404(owned_team_member(organisation_id, membership_id, current_user.id))
    if ConfirmForm().validate_on_submit():
        name = member.user.full_name
        leaving = member.user_id == current_user.id
        try:
            services.remove_member(db.session, member, actor=_me())
            db.session.commit()
        except services.TeamError as exc:
            return _refused(organisation_id, exc)
        flash(_("%(name)s is no longer a member.", name=name), "success")
        if leaving:
            return redirect(url_for("accounts.account"))
    return _back(organisation_id)


@bp.route("/organisations/<int:organisation_id>/team/members/<int:membership_id>/role", methods=["POST"])
@login_required
def change_role(organisation_id: int, membership_id: int):
    member = owned_or_404(owned_team_member(organisation_id, membership_id, current_user.id))
    form = RoleForm(prefix=f"m{member.id}")
    if not form.validate_on_submit():
        flash(_("Choose owner or member."), "error")
        return _back(organisation_id)
    try:
        services.change_role(db.session, member, form.role.data, actor=_me())
        db.session.commit()
    except services.TeamError as exc:
        return _refused(organisation_id, exc)
    flash(_("%(name)s is now: %(role)s.", name=member.user.full_name, role=ROLE_LABELS[member.role]), "success")
    return _back(organisation_id)


@bp.route("/organisations/<int:organisation_id>/team/leave", methods=["POST"])
@login_required
def leave(organisation_id: int):
    membership = owned_or_404(team_membership(organisation_id, current_user.id))
    if not ConfirmForm().validate_on_submit():
        return _back(organisation_id)
    name = membership.organisation.name
    try:
        services.leave(db.session, membership, actor=_me())
        db.session.commit()
    except services.TeamError as exc:
        return _refused(organisation_id, exc)
    flash(_("You left %(organisation)s.", organisation=name), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/organisations/<int:organisation_id>/team/join-requests/<int:request_id>/approve", methods=["POST"])
@login_required
def approve_join_request(organisation_id: int, request_id: int):
    join_request = owned_or_404(owned_join_request(organisation_id, request_id, current_user.id))
    if ConfirmForm().validate_on_submit():
        try:
            services.approve_join_request(db.session, join_request, actor=_me())
            if join_request.invitation_id is not None:
                # What the edition invitation brought (the booth, the partnership) comes with the approval.
                fair_services.accept_invitation(join_request.invitation_id, join_request.user_id,
                                                join_request=join_request)
            db.session.commit()
        except services.TeamError as exc:
            return _refused(organisation_id, exc)
        flash(_("%(name)s is now a member.", name=join_request.user.full_name), "success")
    return _back(organisation_id)


@bp.route("/organisations/<int:organisation_id>/team/join-requests/<int:request_id>/refuse", methods=["POST"])
@login_required
def refuse_join_request(organisation_id: int, request_id: int):
    join_request = owned_or_404(owned_join_request(organisation_id, request_id, current_user.id))
    if ConfirmForm().validate_on_submit():
        try:
            services.refuse_join_request(db.session, join_request, actor=_me())
            db.session.commit()
        except services.TeamError as exc:
            return _refused(organisation_id, exc)
        flash(_("The request of %(name)s was refused.", name=join_request.user.full_name), "success")
    return _back(organisation_id)


# ---------------------------------------------------------------- the invitation link


@bp.route("/team-invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """What the invitation is, then log in or register with the invited address, then accept."""
    here = url_for("teams.accept_invitation", token=token)
    try:
        invitation = services.invitation_from_token(db.session, token)
    except services.InvitationUnusable as exc:
        return _unusable(exc)
    form = ConfirmForm()
    other_address = current_user.is_authenticated and not services.same_address(invitation.email,
                                                                               current_user.email)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for(login_manager.login_view or "accounts.login", next=here))
        if form.validate_on_submit():
            try:
                services.accept(db.session, invitation, _me())
                db.session.commit()
            except services.WrongAddress:
                db.session.rollback()
                return _invitation_page(invitation, form, here, other_address=True), 403
            except services.InvitationUnusable as exc:
                db.session.rollback()
                return _unusable(exc)
            except (IntegrityError, OperationalError):
                # A second click racing the first: if the other one accepted, say so.
                db.session.rollback()
                try:
                    services.invitation_from_token(db.session, token)
                except services.InvitationUnusable as exc:
                    return _unusable(exc)
                raise
            flash(_("Welcome! You are now a member of %(organisation)s.",
                    organisation=invitation.organisation.name), "success")
            return redirect(url_for("teams.team", organisation_id=invitation.organisation_id))
    return _invitation_page(invitation, form, here, other_address=other_address), form_status(form)


def _invitation_page(invitation, form, here: str, *, other_address: bool):
    return render_template(
        "teams/invitation.html", state="pending", invitation=invitation, organisation=invitation.organisation,
        form=form, other_address=other_address,
        login_url=url_for("accounts.login", next=here),
        register_url=url_for("accounts.register", next=here, email=invitation.email),
    )


def _unusable(exc: services.InvitationUnusable):
    invitation = exc.invitation
    accepted_by_me = bool(invitation is not None and current_user.is_authenticated
                          and invitation.accepted_by_id == current_user.id)
    still_member = accepted_by_me and team_membership(invitation.organisation_id, current_user.id) is not None
    return render_template(
        "teams/invitation.html", state=exc.reason, invitation=invitation,
        organisation=invitation.organisation if invitation is not None else None,
        still_member=still_member,
    ), 404 if exc.reason == "invalid" else 410
