"""Organiser console (under /console/) and the invitation links sent to companies and partners.

Every console page is for members of an organiser organisation; an edition of another organiser
answers 404, as if it did not exist.
"""
from __future__ import annotations

import logging
import math

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from fair.access import member_org_ids, owned_or_404, role_required
from fair.accounts.models import Organisation, OrganisationKind
from fair.companies.labels import contract_label
from fair.extensions import db, login_manager
from fair.fairs import services
from fair.fairs.access import organiser_edition
from fair.fairs.forms import ConfirmForm, EditionForm, InvitationForm, StatusForm
from fair.fairs.labels import (
    AUDIENCE_LABELS,
    BOOKING_POLICY_LABELS,
    FORMAT_LABELS,
    INVITATION_KIND_LABELS,
    LANGUAGE_LABELS,
    PARTNER_TYPE_LABELS,
    STATUS_ACTION_LABELS,
    STATUS_LABELS,
    label,
)
from fair.fairs.models import EditionStatus, Invitation, InvitationKind
from fair.forms import form_status, select_choices

log = logging.getLogger("fair.fairs")

# No url_prefix: the console lives under /console/, the invitation links under /invitations/.
bp = Blueprint("fairs", __name__)

OFFERS_PER_PAGE = 50
organiser_required = role_required(OrganisationKind.organiser)


@bp.context_processor
def _labels():
    return {"fair_label": label, "STATUS_LABELS": STATUS_LABELS, "AUDIENCE_LABELS": AUDIENCE_LABELS,
            "LANGUAGE_LABELS": LANGUAGE_LABELS, "FORMAT_LABELS": FORMAT_LABELS,
            "BOOKING_POLICY_LABELS": BOOKING_POLICY_LABELS, "PARTNER_TYPE_LABELS": PARTNER_TYPE_LABELS,
            "INVITATION_KIND_LABELS": INVITATION_KIND_LABELS}


def _organiser_ids() -> list[int]:
    return member_org_ids(OrganisationKind.organiser)


# ---------------------------------------------------------------- console and editions


@bp.route("/console/")
@organiser_required
def console():
    rows = services.organiser_editions(_organiser_ids())
    return render_template("fairs/console.html", rows=rows)


@bp.route("/console/editions/new", methods=["GET", "POST"])
@organiser_required
def new_edition():
    organisers = db.session.execute(
        select(Organisation).where(Organisation.id.in_(_organiser_ids())).order_by(Organisation.name)
    ).scalars().all()
    form = EditionForm()
    if len(organisers) > 1:
        form.organiser_id.choices = select_choices((o.id, o.name) for o in organisers)
    else:
        del form.organiser_id
    if request.method == "POST":
        organiser_id = form.organiser_id.data if "organiser_id" in form else organisers[0].id
        form.validate_on_submit()
        saved = _save_edition(form, organiser_id=organiser_id)
        if saved is not None:
            return redirect(url_for("fairs.edition", edition_id=saved.id))
    return render_template("fairs/edition_form.html", form=form, edition=None), form_status(form)


@bp.route("/console/editions/<int:edition_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_edition(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    if request.method == "POST":
        form = EditionForm(timezone=edition.timezone)
    else:
        form = EditionForm(obj=services.edition_form_data(edition), timezone=edition.timezone)
    del form.organiser_id
    if request.method == "POST":
        form.validate_on_submit()
        if _save_edition(form, edition=edition) is not None:
            return redirect(url_for("fairs.edition", edition_id=edition.id))
    return render_template("fairs/edition_form.html", form=form, edition=edition), form_status(form)


def _save_edition(form: EditionForm, organiser_id: int | None = None, edition=None):
    """Check every rule, show all problems at once, save only when there is none; the saved edition.

    Called even when the form itself found errors, so that date order, time zone and web address
    problems appear together with missing fields.
    """
    data = form.edition_data()
    errors, _values = services.edition_errors(data, edition_id=edition.id if edition else None)
    if edition is None and organiser_id not in _organiser_ids():
        errors.setdefault("organiser_id", []).append(_("Choose one of your organisations."))
    if errors or form.errors:
        form.add_errors(errors)
        return None
    try:
        if edition is None:
            edition = services.create_edition(organiser_id, data)
            message = _("The fair “%(title)s” was created as a draft.", title=edition.title)
        else:
            services.update_edition(edition, data)
            message = _("Your changes were saved.")
        db.session.commit()
    except services.EditionInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        return None
    except IntegrityError:  # another organiser took the same web address a moment ago
        db.session.rollback()
        form.add_errors({"slug": [_("This web address is already used by another fair. Choose another one.")]})
        return None
    flash(message, "success")
    return edition


@bp.route("/console/editions/<int:edition_id>")
@organiser_required
def edition(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    offers, total = services.edition_offers_page(edition.id, page, OFFERS_PER_PAGE)
    pages = max(math.ceil(total / OFFERS_PER_PAGE), 1)
    if page > pages:
        abort(404)
    return render_template(
        "fairs/edition.html",
        edition=edition,
        booths=services.edition_booths(edition.id),
        partners=services.edition_partners(edition.id),
        offers=offers,
        total_offers=total,
        page=page,
        pages=pages,
        contract_label=contract_label,
        transitions=[(s, STATUS_ACTION_LABELS[s]) for s in services.allowed_statuses(edition)],
        status_form=StatusForm(),
        publishing_problems=services.publishing_problems(edition)
        if edition.status == EditionStatus.draft else [],
    )


@bp.route("/console/editions/<int:edition_id>/status", methods=["POST"])
@organiser_required
def change_status(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.change_status(edition, form.status.data or "")
            db.session.commit()
        except services.StatusChangeRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("The fair is now “%(status)s”.", status=STATUS_LABELS[edition.status]), "success")
    return redirect(url_for("fairs.edition", edition_id=edition.id))


# ---------------------------------------------------------------- invitations (organiser side)


@bp.route("/console/editions/<int:edition_id>/invitations", methods=["GET", "POST"])
@organiser_required
def invitations(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    existing = services.invitation_organisation_choices(edition.id)
    form = InvitationForm()
    form.organisation_id.choices = select_choices(
        [(0, _("A new organisation"))]
        + [(o.id, f"{o.name} ({label(INVITATION_KIND_LABELS, o.kind.value)})") for o in existing]
    )
    if form.validate_on_submit():
        try:
            invitation = services.invite(
                edition,
                kind=form.kind.data,
                email=form.email.data,
                organisation_name=form.organisation_name.data,
                partner_type=form.partner_type.data or None,
                organisation_id=form.organisation_id.data or None,
                invited_by_id=current_user.id,
            )
            db.session.commit()
        except services.InvitationInvalid as exc:
            db.session.rollback()
            form.add_errors(exc.errors)
        else:
            flash(_("The invitation was sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("fairs.invitations", edition_id=edition.id))
    rows = db.session.execute(
        select(Invitation).where(Invitation.edition_id == edition.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).scalars().all()
    now = services.utcnow()
    return render_template(
        "fairs/invitations.html",
        edition=edition,
        form=form,
        confirm_form=ConfirmForm(),
        invitations=[(inv, services.invitation_state(inv, now)) for inv in rows],
    ), form_status(form)


@bp.route("/console/editions/<int:edition_id>/invitations/<int:invitation_id>/resend", methods=["POST"])
@organiser_required
def resend_invitation(edition_id: int, invitation_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    invitation = owned_or_404(db.session.execute(
        select(Invitation).where(Invitation.id == invitation_id, Invitation.edition_id == edition.id)
    ).scalars().first())
    if ConfirmForm().validate_on_submit():
        try:
            services.resend_invitation(invitation)
            db.session.commit()
        except services.InvitationUnusable:
            db.session.rollback()
            flash(_("This invitation was already accepted: there is nothing to send."), "error")
        else:
            flash(_("The invitation was sent again to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("fairs.invitations", edition_id=edition.id))


# ---------------------------------------------------------------- invitations (invitee side)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The page an invitation email links to: what it is, then log in or sign up, then accept."""
    here = url_for("fairs.accept_invitation", token=token)
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationUnusable as exc:
        return _unusable_invitation(exc)
    form = ConfirmForm()
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for(login_manager.login_view or "accounts.login", next=here))
        if form.validate_on_submit():
            try:
                accepted = services.accept_invitation(invitation.id, current_user.id)
                db.session.commit()
            except services.InvitationUnusable as exc:
                db.session.rollback()
                return _unusable_invitation(exc)
            except (IntegrityError, OperationalError):
                # A second click racing the first one (SQLite reports a stale snapshot, PostgreSQL a
                # duplicate): if the other one accepted, say so; anything else is a real failure.
                db.session.rollback()
                try:
                    services.invitation_from_token(token)
                except services.InvitationUnusable as exc:
                    return _unusable_invitation(exc)
                raise
            flash(_("Welcome! You are now a member of %(organisation)s for “%(fair)s”.",
                    organisation=accepted.organisation.name, fair=invitation.edition.title), "success")
            if accepted.booth is not None and "companies.dashboard" in current_app.view_functions:
                return redirect(url_for("companies.dashboard"))
            return redirect(url_for("accounts.account"))
    return render_template(
        "fairs/invitation.html",
        state="pending",
        invitation=invitation,
        edition=invitation.edition,
        form=form,
        login_url=url_for("accounts.login", next=here),
        register_url=url_for("accounts.register", next=here),
    ), form_status(form)


def _unusable_invitation(exc: services.InvitationUnusable):
    invitation = exc.invitation
    accepted_by_me = bool(
        invitation is not None and current_user.is_authenticated and invitation.accepted_by_id == current_user.id
    )
    status = 404 if exc.reason == "invalid" else 410
    return render_template(
        "fairs/invitation.html",
        state=exc.reason,
        invitation=invitation,
        edition=invitation.edition if invitation is not None else None,
        accepted_by_me=accepted_by_me,
        is_company=invitation is not None and invitation.kind == InvitationKind.company,
    ), status
