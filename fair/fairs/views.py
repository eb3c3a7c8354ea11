"""Organiser console (under /console/) and the invitation links sent to companies and partners.

Every console page is for members of an organiser organisation; an edition of another organiser
answers 404, as if it did not exist.
"""
from __future__ import annotations

import logging
import math
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from fair import clock
from fair.access import member_org_ids, owned_or_404, role_required
from fair.accounts.models import Organisation, OrganisationKind
from fair.calendar.reminders import copy_reminder_offsets
from fair.candidates.services import referred_counts, referred_people
from fair.companies.labels import contract_label
from fair.extensions import db, login_manager
from fair.fairs import bulk as bulk_service
from fair.fairs import copy as copy_service
from fair.fairs import services
from fair.fairs.access import lead_edition, organiser_edition
from fair.fairs.forms import CoOrganiserForm, CopyEditionForm, EditionForm, InvitationForm, StatusForm
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
from fair.fairs.models import BulkStatus, EditionOrganiser, EditionStatus, Invitation, InvitationKind
from fair.forms import ConfirmForm, form_status, select_choices
from fair.mail.models import OutboxMessage, OutboxStatus
from fair.mail.outbox import failed_for_edition
from fair.sms.outbox import segments_used
from fair.sockets import emit_from_worker
from fair.teams.services import pending_join_request, same_address
from fair.webinars.services import copy_webinars

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
    rows = services.organiser_editions(current_user.id)
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
    return _edition_page(edition)


def _co_organiser_form(edition, form: CoOrganiserForm | None = None) -> CoOrganiserForm:
    form = form or CoOrganiserForm()
    form.organisation_id.choices = select_choices(
        [(0, _("Choose an organisation"))] + [(o.id, o.name) for o in services.co_organiser_choices(edition)])
    return form


def _edition_page(edition, co_organiser_form: CoOrganiserForm | None = None, status: int = 200):
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    offers, total = services.edition_offers_page(edition.id, page, OFFERS_PER_PAGE)
    pages = max(math.ceil(total / OFFERS_PER_PAGE), 1)
    if page > pages:
        abort(404)
    is_lead = lead_edition(edition.id, current_user.id) is not None
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
        sms_segments_used=segments_used(db.session, edition.id),
        publishing_problems=services.publishing_problems(edition)
        if edition.status == EditionStatus.draft else [],
        co_organisers=services.edition_co_organisers(edition.id),
        is_lead=is_lead,
        co_organiser_form=_co_organiser_form(edition, co_organiser_form) if is_lead else None,
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/console/editions/<int:edition_id>/co-organisers", methods=["POST"])
@organiser_required
def add_co_organiser(edition_id: int):
    """The lead organiser's members bring in another organiser organisation (a co-organiser)."""
    edition = owned_or_404(lead_edition(edition_id, current_user.id))
    form = CoOrganiserForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        link = services.add_co_organiser(edition, form.organisation_id.data or None)
        db.session.commit()
    except services.CoOrganiserInvalid as exc:
        db.session.rollback()
        form.organisation_id.errors = [exc.message]
        return _edition_page(edition, co_organiser_form=form, status=422)
    except IntegrityError:  # added a moment ago in another tab
        db.session.rollback()
        return redirect(url_for("fairs.edition", edition_id=edition.id) + "#co-organisers-heading")
    flash(_("%(organisation)s now co-organises this fair.", organisation=link.organisation.name), "success")
    return redirect(url_for("fairs.edition", edition_id=edition.id) + "#co-organisers-heading")


@bp.route("/console/editions/<int:edition_id>/co-organisers/<int:link_id>/remove", methods=["POST"])
@organiser_required
def remove_co_organiser(edition_id: int, link_id: int):
    edition = owned_or_404(lead_edition(edition_id, current_user.id))
    link = owned_or_404(db.session.execute(
        select(EditionOrganiser).where(EditionOrganiser.id == link_id, EditionOrganiser.edition_id == edition.id)
    ).scalars().first())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = link.organisation.name
    services.remove_co_organiser(edition, link)
    db.session.commit()
    flash(_("%(organisation)s no longer co-organises this fair.", organisation=name), "success")
    return redirect(url_for("fairs.edition", edition_id=edition.id) + "#co-organisers-heading")


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


@bp.route("/console/editions/<int:edition_id>/copy", methods=["GET", "POST"])
@organiser_required
def copy_edition(edition_id: int):
    """Run this fair again: a draft with the same settings, partners and organiser webinars, its
    companies invited again; the organiser names it and gives its first day."""
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    form = CopyEditionForm() if request.method == "POST" else CopyEditionForm(title=edition.title)
    if request.method == "POST":
        form.validate_on_submit()
        fields = {"title": form.title.data, "slug": form.slug.data, "starts_on": form.starts_on.data}
        errors = copy_service.copy_errors(db.session, edition, **fields)
        if not errors and not form.errors:
            try:
                copied = copy_service.copy_edition(db.session, edition, **fields, by=current_user._get_current_object(),
                                                   steps=(copy_webinars, copy_reminder_offsets))
                db.session.commit()
            except copy_service.CopyInvalid as exc:
                db.session.rollback()
                errors = exc.errors
            except IntegrityError:  # another organiser took the same web address a moment ago
                db.session.rollback()
                errors = {"slug": [_("This web address is already used by another fair. Choose another one.")]}
            else:
                flash(_("The fair “%(title)s” was created as a draft. Its companies were invited again.",
                        title=copied.title), "success")
                return redirect(url_for("fairs.edition", edition_id=copied.id))
        form.add_errors(errors)
    return render_template("fairs/copy_form.html", form=form, edition=edition), form_status(form)


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
    now = clock.now()
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
    # Bound to the address it was sent to: another signed-in person sees why and cannot accept.
    other_address = current_user.is_authenticated and not same_address(invitation.email, current_user.email)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for(login_manager.login_view or "accounts.login", next=here))
        if form.validate_on_submit():
            try:
                accepted = services.accept_invitation(invitation.id, current_user.id)
                db.session.commit()
            except services.InvitationUnusable as exc:
                db.session.rollback()
                if exc.reason == "other_address":
                    other_address = True
                    return _invitation_page(invitation, form, here, other_address), 403
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
            if accepted.join_request is not None:
                flash(_("%(organisation)s already has its own team: your request to join it now waits for "
                        "one of its owners, who have been told by email. Until then you see nothing of it.",
                        organisation=accepted.organisation.name), "info")
                return redirect(url_for("accounts.account"))
            flash(_("Welcome! You are now a member of %(organisation)s for “%(fair)s”.",
                    organisation=accepted.organisation.name, fair=invitation.edition.title), "success")
            if accepted.booth is not None and "companies.dashboard" in current_app.view_functions:
                return redirect(url_for("companies.dashboard"))
            return redirect(url_for("accounts.account"))
    return _invitation_page(invitation, form, here, other_address), form_status(form)


def _invitation_page(invitation: Invitation, form: ConfirmForm, here: str, other_address: bool) -> str:
    return render_template(
        "fairs/invitation.html",
        state="pending",
        invitation=invitation,
        edition=invitation.edition,
        form=form,
        other_address=other_address,
        login_url=url_for("accounts.login", next=here),
        register_url=url_for("accounts.register", next=here, email=invitation.email),
    )


def _unusable_invitation(exc: services.InvitationUnusable):
    invitation = exc.invitation
    accepted_by_me = bool(
        invitation is not None and current_user.is_authenticated and invitation.accepted_by_id == current_user.id
    )
    # Accepted into a company that has its owners: the person is not a member until one approves.
    awaiting_approval = bool(accepted_by_me and invitation.organisation_id and pending_join_request(
        db.session, invitation.organisation_id, current_user.id))
    status = 404 if exc.reason == "invalid" else 410
    return render_template(
        "fairs/invitation.html",
        state=exc.reason,
        invitation=invitation,
        edition=invitation.edition if invitation is not None else None,
        accepted_by_me=accepted_by_me,
        awaiting_approval=awaiting_approval,
        is_company=invitation is not None and invitation.kind == InvitationKind.company,
    ), status


# ---------------------------------------------------------------- bulk invitations (organiser console)

BULK_REASON_LABELS = {
    bulk_service.BAD_EMAIL: _l("this is not a valid email address"),
    bulk_service.MISSING_EMAIL: _l("the email address is missing"),
    bulk_service.DUPLICATE: _l("this address is already on line %(other)s"),
    bulk_service.BAD_LOCALE: _l("the language must be “fr” or “en”"),
    bulk_service.NAME_TOO_LONG: _l("the name is longer than 200 characters"),
    bulk_service.TOO_MANY_COLUMNS: _l("a row holds at most three columns: email, name, language"),
}
BULK_FILE_ERRORS = {
    "empty": _l("The file is empty. Choose a CSV file with one email address per line."),
    "encoding": _l("The file could not be read. Save it as CSV (UTF-8) and try again."),
    "too_many_rows": _l("The file holds more than %(max)s rows. Split it into several files."),
    "no_valid_row": _l("No row of the file can be used: see the reasons below."),
    "missing": _l("Choose a CSV file to upload."),
    "not_csv": _l("The file must be a CSV file (.csv or .txt)."),
}
BULK_PARTNER_ERRORS = {
    bulk_service.NO_PARTNER: _l("Choose a partner of this fair."),
    bulk_service.UNKNOWN_PARTNER: _l("This organisation is not a partner of this fair. Choose one from the list."),
    bulk_service.NO_CANDIDATE: _l("This partner has no candidate who agreed to be referred yet: nobody to invite."),
}
BULK_STATUS_LABELS = {
    BulkStatus.queued: _l("Waiting to start"),
    BulkStatus.running: _l("Sending"),
    BulkStatus.paused: _l("Paused"),
    BulkStatus.done: _l("Finished"),
}


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"))


class PartnerForm(FlaskForm):
    # The choices are the edition's partners; the view checks the value itself to word its errors.
    partner = SelectField(_l("Partner"), choices=[], validate_choice=False)


@bp.context_processor
def _bulk_labels():
    return {"BULK_STATUS_LABELS": BULK_STATUS_LABELS, "BULK_STATUS": BulkStatus, "reason_label": reason_label,
            "bulk_label": bulk_label, "bulk_partner": bulk_service.partner_label}


def bulk_label(bulk) -> str:
    """How a list is named on the pages: its file name, or the partner whose candidates it holds."""
    partner = bulk_service.partner_label(bulk)
    if partner is not None:
        return _("Candidates referred by %(partner)s", partner=partner)
    return bulk.filename or _("List %(id)s", id=bulk.id)


def reason_label(row: dict) -> str:
    label = BULK_REASON_LABELS.get(row.get("reason"), row.get("reason", ""))
    return str(label) % {"other": row.get("other_line", "")} if "%(other)s" in str(label) else str(label)


def _bulk_or_404(edition_id: int, bulk_id: int):
    bulk = bulk_service.bulk_for_organiser(bulk_id, current_user.id)
    return owned_or_404(bulk if bulk is not None and bulk.edition_id == edition_id else None)


@bp.route("/console/editions/<int:edition_id>/bulk-invitations", methods=["GET", "POST"])
@organiser_required
def bulk_invitations(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    form = UploadForm()
    error, rejected = None, []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            error = BULK_FILE_ERRORS["missing"]
        elif Path(upload.filename).suffix.lower() not in (".csv", ".txt"):
            error = BULK_FILE_ERRORS["not_csv"]
        else:
            data = upload.read()
            try:
                created = bulk_service.create_bulk(db.session, edition=edition, user_id=current_user.id,
                                                   filename=Path(upload.filename).name, data=data)
            except bulk_service.BulkFileError as problem:
                db.session.rollback()
                error = (str(BULK_FILE_ERRORS.get(problem.code, BULK_FILE_ERRORS["empty"]))
                         % {"max": bulk_service.MAX_ROWS})
                if problem.code == "no_valid_row":
                    rejected = bulk_service.parse_csv(data).rejected
            else:
                bulk_service.start_bulk(db.session, created)
                db.session.commit()
                log.info("bulk invitation %s: %s recipients for edition %s", created.id, created.total, edition.id)
                return redirect(url_for("fairs.bulk_invitation", edition_id=edition.id, bulk_id=created.id))
    return _bulk_list_page(edition, form=form, error=error, rejected=rejected)


def _bulk_list_page(edition, form=None, error=None, rejected=(), partner_form=None, partner_error=None):
    partners = bulk_service.edition_partners(db.session, edition.id, referred_counts)
    partner_form = partner_form or PartnerForm()
    partner_form.partner.choices = [SelectChoice("", _("Choose a partner"))] + [
        SelectChoice(str(partner.id), ngettext("%(name)s (%(num)s candidate)", "%(name)s (%(num)s candidates)",
                                               count, name=partner.organisation.name))
        for partner, count in partners]
    status = 422 if error or partner_error else 200
    return render_template("fairs/bulk_list.html", edition=edition, form=form or UploadForm(), error=error,
                           rejected=rejected, partners=partners, partner_form=partner_form,
                           partner_error=partner_error,
                           bulks=bulk_service.bulks_of_edition(db.session, edition.id)), status


@bp.route("/console/editions/<int:edition_id>/bulk-invitations/from-partner", methods=["POST"])
@organiser_required
def bulk_from_partner(edition_id: int):
    """A list made of the consenting candidates one of the edition's partners referred."""
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    form = PartnerForm()
    if not form.validate_on_submit():
        abort(400)
    raw = (form.partner.data or "").strip()
    try:
        chosen = int(raw) if raw else None
    except ValueError:
        chosen = -1  # not an id: answered as an unknown partner
    if chosen is not None and not 0 < chosen < 2**31:
        chosen = -1  # beyond an integer column, PostgreSQL would refuse the query
    try:
        created = bulk_service.create_bulk_from_partner(db.session, edition=edition, user_id=current_user.id,
                                                        edition_partner_id=chosen, people_of=referred_people)
    except bulk_service.BulkFileError as problem:
        db.session.rollback()
        return _bulk_list_page(edition, partner_form=form, partner_error=BULK_PARTNER_ERRORS[problem.code])
    bulk_service.start_bulk(db.session, created)
    db.session.commit()
    log.info("bulk invitation %s: %s candidates of a partner for edition %s", created.id, created.total, edition.id)
    return redirect(url_for("fairs.bulk_invitation", edition_id=edition.id, bulk_id=created.id))


@bp.route("/console/editions/<int:edition_id>/bulk-invitations/<int:bulk_id>")
@organiser_required
def bulk_invitation(edition_id: int, bulk_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    bulk = _bulk_or_404(edition.id, bulk_id)
    return render_template("fairs/bulk.html", edition=edition, bulk=bulk, state=bulk_service.bulk_state(bulk),
                           failures=_send_failures(bulk), form=ConfirmForm(),
                           invalid_rows=bulk_service.invalid_rows(bulk),
                           unsubscribed=bulk_service.unsubscribed_rows(bulk))


@bp.route("/console/editions/<int:edition_id>/bulk-invitations/<int:bulk_id>/pause", methods=["POST"])
@organiser_required
def pause_bulk(edition_id: int, bulk_id: int):
    return _change_bulk(edition_id, bulk_id, bulk_service.pause_bulk)


@bp.route("/console/editions/<int:edition_id>/bulk-invitations/<int:bulk_id>/resume", methods=["POST"])
@organiser_required
def resume_bulk(edition_id: int, bulk_id: int):
    return _change_bulk(edition_id, bulk_id, bulk_service.resume_bulk)


def _change_bulk(edition_id: int, bulk_id: int, change):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    bulk = _bulk_or_404(edition.id, bulk_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    changed = change(db.session, bulk)
    if changed:
        db.session.commit()
        _announce(bulk)
    if request.accept_mimetypes.best == "application/json":
        return bulk_service.bulk_state(bulk)
    if not changed:
        flash(_("This sending can no longer be paused or resumed."), "info")
    return redirect(url_for("fairs.bulk_invitation", edition_id=edition.id, bulk_id=bulk.id))


def _announce(bulk) -> None:
    try:
        emit_from_worker(current_app.config["REDIS_URL"], "bulk_progress", bulk_service.bulk_state(bulk),
                         bulk_service.bulk_room(bulk.id))
    except Exception:  # the page shows the state on reload anyway
        log.exception("could not announce bulk invitation %s", bulk.id)


def _send_failures(bulk) -> list:
    """Mails of this list that the mail server refused for good (the outbox keeps trying the others)."""
    return list(db.session.execute(
        select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"bulk-{bulk.id}-%"),
                                    OutboxMessage.status == OutboxStatus.failed_permanent)
        .order_by(OutboxMessage.id)
    ).scalars())


# ---------------------------------------------------------------- organiser console: mail that did not go

@bp.route("/console/editions/<int:edition_id>/mail")
@organiser_required
def failed_mail(edition_id: int):
    """The edition's mail that was refused for good or is waiting for a retry, for its organiser.

    A refused address (550) is something only a person can fix: the organiser sees who did not
    get what, and why, in the server's own words. Another organiser's edition answers 404.
    """
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    messages = failed_for_edition(db.session, edition.id)
    return render_template("fairs/failed_mail.html", edition=edition, messages=messages)
