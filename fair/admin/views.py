"""The admin console, for the instance's administrators only (others get 404).

Every change is a POST with its CSRF token, writes one audit row (in the service) and commits here; a
refusal shows the page again with its reason, answers 422 and changes nothing.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import func, select

from fair import jobs
from fair.access import admin_required, as_id, owned_or_404
from fair.accounts.models import (
    Membership,
    MembershipRole,
    NetworkType,
    Organisation,
    OrganisationKind,
    PartnerType,
    User,
)
from fair.admin import exports as audit_exports
from fair.admin import services
from fair.admin.forms import (
    KIND_LABELS,
    NETWORK_TYPE_LABELS,
    AuditFilterForm,
    InstanceForm,
    MergeForm,
    OrganisationForm,
    OwnerInviteForm,
    RetryForm,
)
from fair.audit import AuditEntry
from fair.exports.services import request_export
from fair.extensions import db
from fair.fairs.labels import PARTNER_TYPE_LABELS
from fair.forms import ConfirmForm, form_status, select_choices
from fair.instance import settings_row
from fair.mail.models import OutboxStatus
from fair.privacy.forms import fill_retention, retention_values, with_retention_fields
from fair.privacy.retention import RULES
from fair.teams import services as teams

log = logging.getLogger("fair.admin")

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.context_processor
def _labels():
    return {"KIND_LABELS": KIND_LABELS, "PARTNER_TYPE_LABELS": PARTNER_TYPE_LABELS,
            "NETWORK_TYPE_LABELS": NETWORK_TYPE_LABELS}


def _page() -> int:
    return as_id(request.args.get("page")) or 1


@bp.route("/")
@admin_required
def home():
    counts = {
        "organisations": db.session.execute(select(func.count()).select_from(Organisation)
                                            .where(Organisation.is_active.is_(True))).scalar_one(),
        "people": db.session.execute(select(func.count()).select_from(User)).scalar_one(),
        "admins": db.session.execute(select(func.count()).select_from(User).where(User.is_admin.is_(True)))
        .scalar_one(),
    }
    return render_template("admin/home.html", counts=counts)


# ---------------------------------------------------------------- organisations

@bp.route("/organisations")
@admin_required
def organisations():
    name = request.args.get("q", "")[:200]
    kind = request.args.get("kind", "")
    state = request.args.get("state", "active")
    wanted_kind = OrganisationKind(kind) if kind in {k.value for k in OrganisationKind} else None
    active = {"active": True, "inactive": False}.get(state)
    rows, pages = services.page_of(db.session, services.organisations_query(name, wanted_kind, active), _page())
    return render_template("admin/organisations.html", rows=rows, pages=pages, page=_page(),
                           filters={"q": name, "kind": kind if wanted_kind else "", "state": state})


def _organisation_data(form: OrganisationForm, kind: OrganisationKind) -> services.OrganisationData:
    return services.OrganisationData(
        name=form.name.data or "", kind=kind,
        partner_type=PartnerType(form.partner_type.data) if form.partner_type.data else None,
        network_type=NetworkType(form.network_type.data) if form.network_type.data else None,
        city=form.city.data, website=form.website.data, description=form.description.data)


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_required
def new_organisation():
    form = OrganisationForm(kind=request.args.get("kind", OrganisationKind.organiser.value))
    if form.validate_on_submit():
        organisation = services.create_organisation(db.session, _organisation_data(
            form, OrganisationKind(form.kind.data)))
        db.session.commit()
        flash(_("The organisation %(name)s is created.", name=organisation.name), "success")
        return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template("admin/organisation_form.html", form=form), form_status(form)


def _organisation_page(organisation: Organisation, *, form: OrganisationForm | None = None,
                       merge_form: MergeForm | None = None, invite_form: OwnerInviteForm | None = None,
                       error: str | None = None):
    if form is None:
        form = OrganisationForm(obj=organisation, partner_type=(organisation.partner_type.value
                                                                 if organisation.partner_type else ""),
                                network_type=(organisation.network_type.value if organisation.network_type else ""))
    del form.kind
    targets = services.merge_targets(db.session, organisation)
    merge_form = merge_form or MergeForm()
    merge_form.target_id.choices = select_choices(
        [("", _("Choose an organisation"))] + [(str(t.id), f"{t.name} ({t.city})" if t.city else t.name)
                                               for t in targets])
    members = db.session.execute(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation.id).order_by(func.lower(User.full_name))
    ).scalars().all()
    merged_into = db.session.get(Organisation, organisation.merged_into_id) if organisation.merged_into_id else None
    invite_form = invite_form or OwnerInviteForm(formdata=None)
    status = 422 if error else form_status(form, merge_form, invite_form)
    return render_template("admin/organisation.html", organisation=organisation, form=form, merge_form=merge_form,
                           invite_form=invite_form, confirm_form=ConfirmForm(), members=members,
                           merged_into=merged_into, error=error), status


def _organisation_or_404(organisation_id: int) -> Organisation:
    return owned_or_404(db.session.get(Organisation, organisation_id))


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@admin_required
def organisation(organisation_id: int):
    found = _organisation_or_404(organisation_id)
    if request.method == "GET":
        return _organisation_page(found)
    form = OrganisationForm()
    form.kind.data = found.kind.value  # the kind stays: the page does not offer to change it
    if not form.validate_on_submit():
        return _organisation_page(found, form=form)
    services.update_organisation(db.session, found, _organisation_data(form, found.kind))
    db.session.commit()
    flash(_("The organisation %(name)s is saved.", name=found.name), "success")
    return redirect(url_for("admin.organisation", organisation_id=found.id))


@bp.route("/organisations/<int:organisation_id>/merge", methods=["POST"])
@admin_required
def merge_organisation(organisation_id: int):
    duplicate = _organisation_or_404(organisation_id)
    form = MergeForm()
    form.target_id.choices = select_choices((str(t.id), t.name) for t in services.merge_targets(db.session, duplicate))
    if not form.validate_on_submit():
        return _organisation_page(duplicate, merge_form=form,
                                  error=_("Choose the organisation to merge this duplicate into."))
    target = _organisation_or_404(int(form.target_id.data))
    try:
        services.merge_organisation(db.session, duplicate, target)
    except services.AdminRefused as refused:
        db.session.rollback()
        return _organisation_page(duplicate, error=str(refused))
    db.session.commit()
    flash(_("%(duplicate)s is merged into %(target)s.", duplicate=duplicate.name, target=target.name), "success")
    return redirect(url_for("admin.organisation", organisation_id=target.id))


@bp.route("/organisations/<int:organisation_id>/invite-owner", methods=["POST"])
@admin_required
def invite_owner(organisation_id: int):
    """Invite an owner by email: the invitation is bound to that address, the owner then builds the team."""
    found = _organisation_or_404(organisation_id)
    form = OwnerInviteForm()
    if not found.is_active:
        return _organisation_page(found, invite_form=form,
                                  error=_("This organisation is inactive: reactivate it before inviting anyone."))
    if not form.validate_on_submit():
        return _organisation_page(found, invite_form=form, error=_("The form was no longer valid: try again."))
    try:
        invitation = teams.invite(db.session, found, form.email.data or "", role=MembershipRole.owner,
                                  invited_by=current_user._get_current_object())
    except teams.TeamError as refused:
        db.session.rollback()
        form.email.errors = list(refused.errors.get("email", [])) or [refused.message]
        return _organisation_page(found, invite_form=form)
    db.session.commit()
    flash(_("The invitation was sent to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("admin.organisation", organisation_id=found.id))


def _set_organisation_active(organisation_id: int, active: bool):
    found = _organisation_or_404(organisation_id)
    if not ConfirmForm().validate_on_submit():
        return _organisation_page(found, error=_("The form was no longer valid: try again."))
    try:
        services.set_organisation_active(db.session, found, active)
    except services.AdminRefused as refused:
        db.session.rollback()
        return _organisation_page(found, error=str(refused))
    db.session.commit()
    flash(_("%(name)s is active again.", name=found.name) if active
          else _("%(name)s is deactivated: its members no longer act for it.", name=found.name), "success")
    return redirect(url_for("admin.organisation", organisation_id=found.id))


@bp.route("/organisations/<int:organisation_id>/deactivate", methods=["POST"])
@admin_required
def deactivate_organisation(organisation_id: int):
    return _set_organisation_active(organisation_id, False)


@bp.route("/organisations/<int:organisation_id>/reactivate", methods=["POST"])
@admin_required
def reactivate_organisation(organisation_id: int):
    return _set_organisation_active(organisation_id, True)


# ---------------------------------------------------------------- people

@bp.route("/people")
@admin_required
def people():
    text = request.args.get("q", "")[:254]
    rows, pages = services.page_of(db.session, services.people_query(text), _page())
    return render_template("admin/people.html", rows=rows, pages=pages, page=_page(), q=text)


def _person_page(user: User, error: str | None = None):
    memberships = db.session.execute(
        select(Membership).join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.id).order_by(Organisation.kind, Organisation.name)
    ).scalars().all()
    return render_template("admin/person.html", person=user, memberships=memberships, confirm_form=ConfirmForm(),
                           error=error), 422 if error else 200


@bp.route("/people/<int:user_id>")
@admin_required
def person(user_id: int):
    return _person_page(owned_or_404(db.session.get(User, user_id)))


def _person_action(user_id: int, act, done: str):
    """Run one service on a person; its refusal shows the page again with the reason (422)."""
    user = owned_or_404(db.session.get(User, user_id))
    if not ConfirmForm().validate_on_submit():
        return _person_page(user, error=_("The form was no longer valid: try again."))
    try:
        act(user)
    except services.AdminRefused as refused:
        db.session.rollback()
        return _person_page(user, error=str(refused))
    db.session.commit()
    flash(done % {"name": user.full_name}, "success")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.route("/people/<int:user_id>/disable", methods=["POST"])
@admin_required
def disable_person(user_id: int):
    return _person_action(user_id, lambda u: services.set_account_active(db.session, u, False),
                          _("The account of %(name)s is disabled and all their sessions are ended."))


@bp.route("/people/<int:user_id>/enable", methods=["POST"])
@admin_required
def enable_person(user_id: int):
    return _person_action(user_id, lambda u: services.set_account_active(db.session, u, True),
                          _("The account of %(name)s is enabled."))


@bp.route("/people/<int:user_id>/end-sessions", methods=["POST"])
@admin_required
def end_sessions(user_id: int):
    return _person_action(user_id, lambda u: services.end_sessions(db.session, u),
                          _("Every session of %(name)s is ended: they must log in again."))


@bp.route("/people/<int:user_id>/password-reset", methods=["POST"])
@admin_required
def send_password_reset(user_id: int):
    return _person_action(user_id, lambda u: services.send_password_reset(db.session, u),
                          _("A password reset link is on its way to %(name)s."))


@bp.route("/people/<int:user_id>/reset-mfa", methods=["POST"])
@admin_required
def reset_mfa(user_id: int):
    return _person_action(user_id, lambda u: services.reset_mfa(db.session, u),
                          _("The two-step verification of %(name)s is reset: they will set it up again."))


@bp.route("/people/<int:user_id>/grant-admin", methods=["POST"])
@admin_required
def grant_admin(user_id: int):
    return _person_action(user_id, lambda u: services.set_admin(db.session, u, True),
                          _("%(name)s is now an administrator of the instance."))


@bp.route("/people/<int:user_id>/revoke-admin", methods=["POST"])
@admin_required
def revoke_admin(user_id: int):
    return _person_action(user_id, lambda u: services.set_admin(db.session, u, False),
                          _("%(name)s is no longer an administrator of the instance."))


# ---------------------------------------------------------------- the instance

@bp.route("/instance", methods=["GET", "POST"])
@admin_required
def instance():
    row = settings_row(db.session)
    form = with_retention_fields(InstanceForm, RULES)(obj=row if request.method == "GET" else None)
    if request.method == "GET":
        fill_retention(form, RULES, row.retention or {})
    if form.validate_on_submit():
        services.save_instance(db.session, services.InstanceData(
            name=form.name.data.strip(), logo_url=(form.logo_url.data or "").strip() or None,
            contact_email=(form.contact_email.data or "").strip() or None,
            legal_notice=form.legal_notice.data or "", privacy_notice=form.privacy_notice.data or "",
            accessibility_statement=form.accessibility_statement.data or "",
            privacy_contact=(form.privacy_contact.data or "").strip() or None,
            retention={key: days for key, days in retention_values(form, RULES).items() if days is not None}))
        db.session.commit()
        flash(_("The instance's settings are saved."), "success")
        return redirect(url_for("admin.instance"))
    db.session.commit()  # the settings row, created on first visit
    return render_template("admin/instance.html", form=form, retention_rules=RULES), form_status(form)


# ---------------------------------------------------------------- jobs

def _jobs_page(error: str | None = None):
    redis_url = current_app.config["REDIS_URL"]
    try:
        counts, failed, redis_ok = jobs.job_counts(redis_url), jobs.failed_jobs(redis_url), True
    except (RedisError, OSError) as problem:
        log.warning("job counts unavailable: %s", problem)
        counts, failed, redis_ok = {}, [], False
    return render_template("admin/jobs.html", counts=counts, failed=failed, redis_ok=redis_ok,
                           held=jobs.held_count(db.session), outbox=services.outbox_counts(db.session),
                           OutboxStatus=OutboxStatus, form=RetryForm(), error=error), 422 if error else 200


@bp.route("/jobs")
@admin_required
def jobs_page():
    return _jobs_page()


@bp.route("/jobs/retry", methods=["POST"])
@admin_required
def retry_jobs():
    form = RetryForm()
    if not form.validate_on_submit():
        return _jobs_page(error=_("The form was no longer valid: try again."))
    wanted = (form.job_id.data or "").strip()
    try:
        requeued = jobs.retry_failed(current_app.config["REDIS_URL"], [wanted] if wanted else None)
    except (RedisError, OSError):
        return _jobs_page(error=_("Redis does not answer: no job could be retried. Try again later."))
    if wanted and not requeued:
        return _jobs_page(error=_("This job is no longer among the failed jobs."))
    if not requeued:
        return _jobs_page(error=_("There is no failed job to retry."))
    services.record_retry(db.session, requeued, retry_all=not wanted)
    db.session.commit()
    flash(ngettext("%(num)d job put back in its queue.", "%(num)d jobs put back in their queue.", len(requeued)),
          "success")
    return redirect(url_for("admin.jobs_page"))


# ---------------------------------------------------------------- the audit log

def _audit_filters() -> tuple[AuditFilterForm, services.AuditFilters | None]:
    form = AuditFilterForm(request.args)
    actions, types = services.audit_choices(db.session)
    form.action.choices = select_choices([("", _("Every action"))] + [(a, a) for a in actions])
    form.object_type.choices = select_choices([("", _("Every type"))] + [(t, t) for t in types])
    if not form.validate():
        # An action or type the log does not hold simply finds nothing; a bad date is an error.
        form.action.errors = form.object_type.errors = []
        if form.errors:
            return form, None
    args = {name: request.args.get(name, "") for name in ("actor", "action", "object_type", "date_from", "date_to")}
    return form, services.AuditFilters(
        actor=form.actor.data or "", action=request.args.get("action", ""), object_type=request.args.get(
            "object_type", ""), date_from=form.date_from.data, date_to=form.date_to.data,
        query_args={k: v for k, v in args.items() if v})


@bp.route("/audit")
@admin_required
def audit():
    form, filters = _audit_filters()
    if filters is None:
        return render_template("admin/audit.html", form=form, rows=[], pages=1, page=1, query_args={}), 422
    rows, pages = services.page_of(db.session, services.audit_query(filters), _page())
    return render_template("admin/audit.html", form=form, rows=rows, pages=pages, page=_page(),
                           query_args=filters.query_args)


@bp.route("/audit.csv", methods=["POST"])
@admin_required
def audit_csv():
    """Starts the CSV of the filtered log as an export job and leads to its progress page."""
    form, filters = _audit_filters()
    if filters is None:
        return render_template("admin/audit.html", form=form, rows=[], pages=1, page=1, query_args={}), 422
    export = request_export(db.session, user=current_user, kind=audit_exports.KIND,
                            params=audit_exports.params_of(filters), locale=str(get_locale()))
    db.session.commit()
    return redirect(url_for("export_files.show", export_id=export.id), 303)


@bp.app_template_filter("audit_details")
def audit_details(entry: AuditEntry) -> str:
    return audit_exports.details_text(entry)
