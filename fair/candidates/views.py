"""Candidates' pages (profile, CVs, applications, referrals), the recruiter's inbox, the adviser's pages.

Every object is looked up among those of the person asking: another owner's CV, application or
referral answers 404, for GET and POST alike.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from fair import clock
from fair.access import candidate_required, owned_or_404, role_required
from fair.accounts.consent import version_of
from fair.accounts.models import OrganisationKind
from fair.accounts.reach import phone_text
from fair.candidates import exports as candidate_exports
from fair.candidates import followup, labels, mailing, services, storage
from fair.candidates.access import (
    adviser_structure,
    candidate_application,
    candidate_cv,
    candidate_referral,
    referral_by_adviser,
    structure_person,
)
from fair.candidates.forms import (
    ApplyForm,
    CvForm,
    HandoverForm,
    NoteForm,
    OnBehalfForm,
    ProfileForm,
    ReferralForm,
    RejectForm,
    StructureHandoverForm,
)
from fair.candidates.models import ApplicationStatus, CandidateCv, ReferralStatus, RejectionReason
from fair.companies.access import recruiter_booth
from fair.companies.models import Booth
from fair.exports.services import request_export
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.fairs.rules import registration_message
from fair.forms import form_status
from fair.pipeline.forms import PipelineForm
from fair.pipeline.forms import save as save_pipeline
from fair.sms.numbers import display as display_number
from fair.teams.access import owner_membership
from fair.territory import services as territory

log = logging.getLogger("fair.candidates")

bp = Blueprint("candidates", __name__)

recruiter_only = role_required(OrganisationKind.company)
INBOX_PAGE_SIZE = 50
adviser_only = role_required(OrganisationKind.partner)

CV_REFUSALS = {
    "no_name": lambda: _("Choose a file to send."),
    "empty": lambda: _("This file is empty."),
    "bad_name": lambda: _("The file name is not valid: rename the file, for example cv.pdf, and send it again."),
    "too_large": lambda: _("This file is too large: a CV may weigh 5 MB at most."),
    "bad_type": lambda: _("This file is not a PDF, Word (.docx) or OpenDocument (.odt) document. "
                          "Save your CV in one of these formats and send it again."),
    "zip_bomb": lambda: _("This document could not be read safely. Save it again as PDF and send it again."),
    "too_many": lambda: _("You already keep %(count)d CVs, the most allowed. Delete one before sending another.",
                          count=current_app.config["CV_MAX_COUNT"]),
    "quota_full": lambda: _("Your CVs would take more than %(size)s MB in all. Delete one before sending another.",
                            size=f'{current_app.config["CV_MAX_TOTAL_BYTES"] / (1024 * 1024):g}'),
}


@bp.app_context_processor
def candidate_labels() -> dict[str, Any]:
    return {"status_label": labels.status_label, "reason_label": labels.reason_label,
            "referral_label": labels.referral_label, "contact_label": labels.contact_label,
            "situation_labels": labels.SITUATION_LABELS, "situation_consent_text": labels.SITUATION_CONSENT_TEXT,
            "talent_pool_text": labels.TALENT_POOL_TEXT, "sms_consent_text": labels.SMS_CONSENT_TEXT}


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    """A body over MAX_CONTENT_LENGTH is refused before it is read: say so in words, store nothing."""
    if request.endpoint == "candidates.cvs" and current_user.is_authenticated and current_user.is_candidate:
        flash(CV_REFUSALS["too_large"](), "error")
        return _render_cvs(CvForm(formdata=None), status=413)
    return render_template("error.html", title=_("Too large"), text=_("What you sent is too large."), code=413), 413


def _send_cv(cv: CandidateCv, download_name: str, opened_by: int | None = None) -> Response:
    """The file, as an attachment. `opened_by`: the organisation (company, partner) of someone other
    than its owner, recorded for the owner's "who saw my CV"; the owner's own downloads record nothing."""
    try:
        path = storage.path_of(cv.storage_name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    if opened_by is not None:
        services.record_cv_access(cv, current_user, opened_by, "download")
        db.session.commit()
    response = send_file(path, mimetype=storage.MIME_TYPES[cv.kind], as_attachment=True,
                         download_name=download_name, max_age=0, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ================================================================ candidate

@bp.route("/candidate/")
@candidate_required
def dashboard():
    profile = services.profile_of(current_user)
    applications = services.candidate_applications(current_user.id)
    applied = {a.offer_id for a in applications}
    suggested = services.suggestions(profile, services.open_offers(), applied)
    return render_template("candidates/dashboard.html", profile=profile, applications=applications,
                           cvs=services.candidate_cvs(current_user.id), suggestions=suggested,
                           pending_referrals=[r for r in services.candidate_referrals(current_user.id)
                                              if r.status is ReferralStatus.pending])


@bp.route("/candidate/profile", methods=["GET", "POST"])
@candidate_required
def profile():
    existing = services.profile_of(current_user)
    if request.method == "GET":
        form = ProfileForm(formdata=None, obj=existing)
        form.full_name.data = current_user.full_name
        form.phone.data = phone_text(current_user.phone) or None
        form.preferred_contact.data = current_user.notify_by or "email"
        form.talent_pool.data = services.in_talent_pool(current_user.id)
        if existing is not None:
            form.situation_consent.data = existing.situation_consent_at is not None
            form.gender.data = existing.gender.value if existing.gender else ""
        return render_template("candidates/profile.html", form=form, profile=existing,
                               place=territory.profile_place(db.session, existing))
    form = ProfileForm()
    if not form.validate():
        return render_template("candidates/profile.html", form=form, profile=existing,
                               place=territory.profile_place(db.session, existing)), 422
    services.update_profile(current_user, **form.profile_fields())
    db.session.commit()
    flash(_("Your profile has been saved."), "success")
    return redirect(url_for(".profile"))


def _render_cvs(form: CvForm, status: int | None = None):
    cvs = services.candidate_cvs(current_user.id)
    return (render_template("candidates/cvs.html", form=form, cvs=cvs,
                            accesses=services.cv_accesses(cv.id for cv in cvs)),
            status or form_status(form))


@bp.route("/candidate/cvs", methods=["GET", "POST"])
@candidate_required
def cvs():
    if request.method == "GET":
        return _render_cvs(CvForm(formdata=None))
    form = CvForm()
    if not form.validate():
        return _render_cvs(form)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise storage.CvRefused("no_name")
        name = storage.display_name(upload.filename)
        data = storage.read_limited(upload.stream, current_app.config["CV_MAX_BYTES"])
        checked = storage.check_cv(name, data, current_app.config["CV_MAX_BYTES"])
        cv = services.add_cv(current_user, checked)
    except storage.CvRefused as refused:
        form.file.errors = [CV_REFUSALS[refused.reason]()]
        log.info("CV refused for user %s: %s", current_user.id, refused.reason)
        return _render_cvs(form)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.remove(cv.storage_name)
        raise
    flash(_("Your CV “%(name)s” has been saved.", name=cv.original_name), "success")
    return redirect(url_for(".cvs"))


@bp.route("/candidate/cvs/<int:cv_id>")
@candidate_required
def download_cv(cv_id: int):
    cv = owned_or_404(candidate_cv(cv_id, current_user.id))
    return _send_cv(cv, cv.original_name)


@bp.route("/candidate/cvs/<int:cv_id>/delete", methods=["POST"])
@candidate_required
def delete_cv(cv_id: int):
    cv = owned_or_404(candidate_cv(cv_id, current_user.id))
    name = cv.original_name
    services.delete_cv(cv)
    db.session.commit()
    flash(_("Your CV “%(name)s” has been deleted.", name=name), "success")
    return redirect(url_for(".cvs"))


@bp.route("/candidate/applications")
@candidate_required
def applications():
    return render_template("candidates/applications.html",
                           applications=services.candidate_applications(current_user.id),
                           active=services.ACTIVE_STATUSES)


@bp.route("/candidate/offers/<int:offer_id>/apply", methods=["GET", "POST"])
@candidate_required
def apply(offer_id: int):
    offer = services.applicable_offer(offer_id)
    if offer is None:
        abort(404)
    existing = services.existing_application(current_user.id, offer.id)
    cvs = services.candidate_cvs(current_user.id)
    closed = registration_message(offer.booth.edition, clock.now())
    page = {"offer": offer, "existing": existing, "cvs": cvs, "closed": closed, "brand_edition": offer.booth.edition}
    if request.method == "GET":
        form = ApplyForm(cvs, formdata=None)
        if cvs:
            form.cv_id.data = str(cvs[0].id)
        return render_template("candidates/apply.html", form=form, **page)
    form = ApplyForm(cvs)
    if not form.validate():
        return render_template("candidates/apply.html", form=form, **page), 422
    cv = next((c for c in cvs if str(c.id) == form.cv_id.data), None)
    try:
        application = services.apply(current_user, offer, message=form.message.data or "", cv=cv)
        db.session.commit()
    except services.RegistrationClosed as refused:
        db.session.rollback()
        page["closed"] = refused.message
        return render_template("candidates/apply.html", form=form, **page), 422
    except (services.AlreadyApplied, IntegrityError):
        db.session.rollback()
        flash(_("You have already applied to this offer. Its status is in your applications."), "info")
        return redirect(url_for(".applications")), 303
    flash(_("Your application to “%(title)s” has been sent to %(company)s.", title=offer.title,
            company=offer.booth.company.name), "success")
    return redirect(url_for(".applications") + f"#application-{application.id}")


@bp.route("/candidate/applications/<int:application_id>/withdraw", methods=["POST"])
@candidate_required
def withdraw(application_id: int):
    application = owned_or_404(candidate_application(application_id, current_user.id))
    try:
        services.withdraw(application)
    except services.MoveRefused:
        flash(_("This application can no longer be withdrawn."), "error")
        return redirect(url_for(".applications"))
    db.session.commit()
    flash(_("Your application has been withdrawn."), "success")
    return redirect(url_for(".applications"))


@bp.route("/candidate/referrals")
@candidate_required
def referrals():
    return render_template("candidates/referrals.html", referrals=services.candidate_referrals(current_user.id))


@bp.route("/candidate/referrals/<int:referral_id>/revoke", methods=["POST"])
@candidate_required
def revoke_referral(referral_id: int):
    referral = owned_or_404(candidate_referral(referral_id, current_user.id))
    try:
        services.revoke_referral(referral)
    except services.ReferralRefused:
        flash(_("This follow-up has already ended."), "info")
        return redirect(url_for(".referrals"))
    db.session.commit()
    flash(_("%(adviser)s no longer follows your applications.", adviser=referral.adviser.full_name), "success")
    return redirect(url_for(".referrals"))


@bp.route("/referrals/confirm/<token>", methods=["GET", "POST"])
def confirm_referral(token: str):
    """The emailed link: the candidate reads what the adviser will see and agrees (or not)."""
    referral = services.referral_from_token(token)
    if referral is None:
        abort(404)
    consent = str(labels.CONSENT_TEXT % {"adviser": referral.adviser.full_name, "partner": referral.partner.name})
    if request.method == "POST" and referral.status is ReferralStatus.pending:
        invitations = request.form.get("invitations") == "1"  # a separate, optional agreement
        wording = (labels.CONSENT_TEXT, labels.ORGANISER_INVITATIONS_TEXT) if invitations else (labels.CONSENT_TEXT,)
        services.confirm_referral(referral, f"{consent} {labels.ORGANISER_INVITATIONS_TEXT}" if invitations
                                  else consent, version_of(*wording))
        db.session.commit()
        flash(_("Thank you: %(adviser)s can now follow your applications.", adviser=referral.adviser.full_name),
              "success")
        return redirect(url_for(".confirm_referral", token=token))
    return render_template("candidates/confirm_referral.html", referral=referral, consent=consent,
                           invitations_text=labels.ORGANISER_INVITATIONS_TEXT,
                           sms_consent_text=labels.SMS_CONSENT_TEXT)


# ================================================================ recruiter: the inbox

def _inbox_filters(booth: Booth) -> services.InboxFilters:
    filters = services.InboxFilters()
    offer = request.args.get("offer", "")
    if offer.isdigit() and int(offer) in {o.id for o in booth.offers}:
        filters.offer_id = int(offer)
    status = request.args.get("status", "")
    if status in {s.value for s in ApplicationStatus if s is not ApplicationStatus.withdrawn}:
        filters.status = ApplicationStatus(status)
    filters.with_cv = request.args.get("cv") == "1"
    return filters


@bp.route("/recruiter/booths/<int:booth_id>/applications")
@recruiter_only
def inbox(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    filters = _inbox_filters(booth)
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < len(raw) < 6 and int(raw) > 0 else 1
    per_page = INBOX_PAGE_SIZE
    items, total = services.inbox(booth, filters, page, per_page)
    pages = max(1, -(-total // per_page))
    return render_template("candidates/inbox.html", booth=booth, edition=booth.edition, filters=filters,
                           applications=items, total=total, page=page, pages=pages,
                           query={k: v for k, v in request.args.items() if k in ("offer", "status", "cv")},
                           counts=services.inbox_counts(booth),
                           statuses=[s for s in ApplicationStatus if s is not ApplicationStatus.withdrawn],
                           anonymised=services.is_anonymised, pseudonym=services.pseudonym,
                           profiles=_profiles_of(items),
                           referrers=followup.referrers_of(db.session, [a.candidate_id for a in items]))


def _profiles_of(applications) -> dict:
    return candidate_exports.profiles_of(db.session, applications)


@bp.route("/recruiter/booths/<int:booth_id>/applications.csv", methods=["POST"])
@recruiter_only
def inbox_csv(booth_id: int):
    """Starts the CSV of the filtered inbox as an export job and leads to its progress page."""
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    export = request_export(db.session, user=current_user, kind=candidate_exports.KIND,
                            params=candidate_exports.params_of(booth.id, _inbox_filters(booth)),
                            locale=str(get_locale()))
    db.session.commit()
    return redirect(url_for("export_files.show", export_id=export.id), 303)


def _my_application(booth: Booth, application_id: int):
    return owned_or_404(services.application_of_booth(booth, application_id))


@bp.route("/recruiter/booths/<int:booth_id>/applications/<int:application_id>")
@recruiter_only
def inbox_application(booth_id: int, application_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    application = _my_application(booth, application_id)
    return _render_application(booth, application)


def _render_application(booth, application, reject_form=None, pipeline_form=None):
    return render_template(
        "candidates/inbox_application.html", booth=booth, edition=booth.edition, application=application,
        profile=services.profile_of(application.candidate), hidden=services.is_anonymised(application),
        pseudonym=services.pseudonym(application), moves=services.RECRUITER_MOVES[application.status],
        reject_form=reject_form or RejectForm(formdata=None), ApplicationStatus=ApplicationStatus,
        pipeline_form=pipeline_form,
        referrer=followup.referrers_of(db.session, [application.candidate_id]).get(application.candidate_id, ""),
    ), form_status(reject_form, pipeline_form)


@bp.route("/recruiter/booths/<int:booth_id>/applications/<int:application_id>/pipeline", methods=["POST"])
@recruiter_only
def inbox_pipeline(booth_id: int, application_id: int):
    """The company's rating, next step and note on the applicant (by their number in an anonymised fair)."""
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    application = _my_application(booth, application_id)
    form = PipelineForm()
    if not form.validate():
        return _render_application(booth, application, pipeline_form=form)
    save_pipeline(form, db.session, company_id=booth.company_id, candidate_id=application.candidate_id,
                  author_id=current_user.id, source="inbox", edition_id=booth.edition_id)
    db.session.commit()
    flash(_("Saved for your colleagues."), "success")
    return redirect(url_for(".inbox_application", booth_id=booth.id, application_id=application.id) + "#pipeline")


@bp.route("/recruiter/booths/<int:booth_id>/applications/<int:application_id>/cv")
@recruiter_only
def inbox_cv(booth_id: int, application_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    application = _my_application(booth, application_id)
    cv = services.cv_for_recruiter(booth, application)  # None in an anonymised fair before a booking
    if cv is None:
        abort(404)
    return _send_cv(cv, cv.original_name, opened_by=booth.company_id)


def _moved(booth: Booth, application, message: str):
    mailing.application_moved(application)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".inbox_application", booth_id=booth.id, application_id=application.id))


def _refused_move(booth: Booth, application):
    flash(_("This change is not possible from the application's current status."), "error")
    return redirect(url_for(".inbox_application", booth_id=booth.id, application_id=application.id))


@bp.route("/recruiter/booths/<int:booth_id>/applications/<int:application_id>/shortlist", methods=["POST"])
@recruiter_only
def shortlist(booth_id: int, application_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    application = _my_application(booth, application_id)
    try:
        services.move(application, ApplicationStatus.shortlisted)
    except services.MoveRefused:
        return _refused_move(booth, application)
    return _moved(booth, application, _("The application is on your shortlist."))


@bp.route("/recruiter/booths/<int:booth_id>/applications/<int:application_id>/invite", methods=["POST"])
@recruiter_only
def invite(booth_id: int, application_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    application = _my_application(booth, application_id)
    try:
        services.move(application, ApplicationStatus.invited)
    except services.MoveRefused:
        return _refused_move(booth, application)
    return _moved(booth, application, _("The candidate is invited to book an interview; they will be told by email."))


@bp.route("/recruiter/booths/<int:booth_id>/applications/<int:application_id>/reject", methods=["POST"])
@recruiter_only
def reject(booth_id: int, application_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    application = _my_application(booth, application_id)
    form = RejectForm()
    if not form.validate():
        return _render_application(booth, application, reject_form=form)
    try:
        services.move(application, ApplicationStatus.rejected, reason=RejectionReason(form.reason.data))
    except services.MoveRefused:
        return _refused_move(booth, application)
    return _moved(booth, application, _("The application is declined; the candidate will get a kind message."))


# ================================================================ organiser: who the fair reached

@bp.route("/console/editions/<int:edition_id>/candidates")
@role_required(OrganisationKind.organiser)
def edition_statistics(edition_id: int):
    """The old figures page: the edition's report (fair.reports) replaced it."""
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    return redirect(url_for("reports.edition_report", edition_id=edition.id), 301)


# ================================================================ adviser

@bp.route("/adviser/")
@adviser_only
def adviser_home():
    """The people the adviser's structures follow, whoever their adviser is, and the adviser's own
    referrals waiting for consent or ended."""
    referrals = followup.home_referrals(db.session, current_user.id)
    return render_template("candidates/adviser_home.html", referrals=referrals,
                           applications=_applications_by_candidate(referrals),
                           owned_structures=[p for p in services.adviser_partners(current_user)
                                             if owner_membership(p.id, current_user.id) is not None])


def _applications_by_candidate(referrals) -> dict:
    """Applications only of candidates who agreed: nothing is shown while the referral waits."""
    result = {}
    for referral in referrals:
        if referral.status is ReferralStatus.confirmed and referral.candidate_id not in result:
            result[referral.candidate_id] = services.candidate_applications(referral.candidate_id)
    return result


@bp.route("/adviser/referrals/new", methods=["GET", "POST"])
@adviser_only
def new_referral():
    partners = services.adviser_partners(current_user)
    if request.method == "GET":
        return render_template("candidates/referral_form.html", form=ReferralForm(partners, formdata=None))
    form = ReferralForm(partners)
    if not form.validate():
        return render_template("candidates/referral_form.html", form=form), 422
    partner = next(p for p in partners if p.id == form.partner_id.data)
    try:
        referral = services.refer(current_user, partner, email=form.email.data or None,
                                  mobile=form.mobile.data or None, full_name=form.full_name.data,
                                  note=form.note.data or "")
        if referral is not None:
            mailing.referral_confirmation(referral)
        db.session.commit()
    except (services.ReferralRefused, IntegrityError):
        db.session.rollback()
        (form.email if form.email.data else form.mobile).errors = [_("You already follow this candidate.")]
        return render_template("candidates/referral_form.html", form=form), 422
    # One answer whatever the address holds (a candidate, a staff account, nobody): only what the
    # adviser typed, never the stored name, until the candidate agrees.
    if form.email.data:
        flash(_("If this address can receive it, we have emailed %(email)s a link to agree to your follow-up.",
                email=form.email.data), "success")
    else:
        flash(_("If this number can receive it, we have sent %(number)s a link by SMS to agree to your follow-up. "
                "They will log in with a code sent to this number.", number=display_number(form.mobile.data)),
              "success")
    return redirect(url_for(".adviser_home"))


@bp.route("/adviser/referrals/<int:referral_id>", methods=["GET", "POST"])
@adviser_only
def adviser_referral(referral_id: int):
    """The candidate's path, once they agreed; POST applies to an offer on their behalf."""
    referral = owned_or_404(referral_by_adviser(referral_id, current_user.id))
    confirmed = referral.status is ReferralStatus.confirmed
    offers = services.open_offers() if confirmed else []
    form = OnBehalfForm(offers) if request.method == "POST" else OnBehalfForm(offers, formdata=None)
    if request.method == "POST":
        if not confirmed:
            abort(404)
        if form.validate():
            offer = services.applicable_offer(int(form.offer_id.data))
            if offer is None:
                abort(404)
            cvs = services.candidate_cvs(referral.candidate_id)
            try:
                services.apply(referral.candidate, offer, message=form.message.data or "",
                               cv=cvs[0] if cvs else None, applied_by=current_user)
                db.session.commit()
            except services.RegistrationClosed as refused:
                db.session.rollback()
                flash(refused.message, "error")
                return redirect(url_for(".adviser_referral", referral_id=referral.id))
            except (services.AlreadyApplied, IntegrityError):
                db.session.rollback()
                flash(_("%(name)s has already applied to this offer.", name=referral.candidate.full_name), "info")
                return redirect(url_for(".adviser_referral", referral_id=referral.id))
            flash(_("The application to “%(title)s” has been sent for %(name)s.", title=offer.title,
                    name=referral.candidate.full_name), "success")
            return redirect(url_for(".adviser_referral", referral_id=referral.id))
    applications = services.candidate_applications(referral.candidate_id) if confirmed else []
    cvs = services.candidate_cvs(referral.candidate_id) if confirmed else []
    return render_template("candidates/adviser_referral.html", referral=referral, applications=applications,
                           cvs=cvs, form=form, confirmed=confirmed), form_status(form)


@bp.route("/adviser/referrals/<int:referral_id>/cvs/<int:cv_id>")
@adviser_only
def adviser_cv(referral_id: int, cv_id: int):
    referral = owned_or_404(referral_by_adviser(referral_id, current_user.id))
    if referral.status is not ReferralStatus.confirmed:
        abort(404)
    cv = owned_or_404(candidate_cv(cv_id, referral.candidate_id))
    return _send_cv(cv, cv.original_name, opened_by=referral.partner_id)


# ================================================================ adviser: the structure's shared file

def _person_page(referrals, note_form=None, handover_form=None):
    candidate = referrals[0].candidate
    partners = sorted({r.partner for r in referrals}, key=lambda p: (p.name, p.id))
    advisers = sorted({a for r in referrals for a in followup.structure_advisers(db.session, r.partner_id)},
                      key=lambda a: (a.full_name or "", a.id))
    return render_template(
        "candidates/adviser_person.html", candidate=candidate, referrals=referrals,
        timeline=followup.timeline(db.session, candidate.id, referrals),
        note_form=note_form or NoteForm(partners, formdata=None),
        handover_form=handover_form or HandoverForm(referrals, advisers, formdata=None),
    ), form_status(note_form, handover_form)


@bp.route("/adviser/people/<int:candidate_id>")
@adviser_only
def adviser_person(candidate_id: int):
    """The file a structure shares on a person it follows: every adviser of the structure reads it."""
    return _person_page(owned_or_404(structure_person(candidate_id, current_user.id)))


@bp.route("/adviser/people/<int:candidate_id>/notes", methods=["POST"])
@adviser_only
def adviser_note(candidate_id: int):
    referrals = owned_or_404(structure_person(candidate_id, current_user.id))
    form = NoteForm(sorted({r.partner for r in referrals}, key=lambda p: (p.name, p.id)))
    if not form.validate():
        return _person_page(referrals, note_form=form)
    followup.add_note(db.session, partner_id=int(form.partner_id.data), candidate_id=referrals[0].candidate_id,
                      author=current_user, text=form.text.data)
    db.session.commit()
    flash(_("Your note is on the file, for the advisers of your structure."), "success")
    return redirect(url_for(".adviser_person", candidate_id=referrals[0].candidate_id))


@bp.route("/adviser/people/<int:candidate_id>/handover", methods=["POST"])
@adviser_only
def adviser_handover(candidate_id: int):
    """Hand the person to another adviser of the structure: the timeline stays whole, plus one line."""
    referrals = owned_or_404(structure_person(candidate_id, current_user.id))
    advisers = sorted({a for r in referrals for a in followup.structure_advisers(db.session, r.partner_id)},
                      key=lambda a: (a.full_name or "", a.id))
    form = HandoverForm(referrals, advisers)
    if not form.validate():
        return _person_page(referrals, handover_form=form)
    referral = next(r for r in referrals if str(r.id) == form.referral_id.data)
    to = next(a for a in advisers if str(a.id) == form.to_id.data)
    try:
        followup.hand_over(db.session, referral, to, actor=current_user)
    except followup.HandoverRefused as refused:
        db.session.rollback()
        form.to_id.errors = [refused.message]
        return _person_page(owned_or_404(structure_person(candidate_id, current_user.id)), handover_form=form)
    try:
        db.session.commit()
    except IntegrityError:  # a colleague handed the same person to the same adviser at the same moment
        db.session.rollback()
        form.to_id.errors = [_("%(name)s already follows this person.", name=to.full_name)]
        return _person_page(owned_or_404(structure_person(candidate_id, current_user.id)), handover_form=form)
    flash(_("%(adviser)s now follows %(name)s, who will be told.", adviser=to.full_name,
            name=referral.candidate.full_name), "success")
    return redirect(url_for(".adviser_person", candidate_id=referral.candidate_id))


def _structure_handover_page(partner, form=None):
    holders = followup.advisers_with_people(db.session, partner.id)
    advisers = followup.structure_advisers(db.session, partner.id)
    if form is None:
        form = StructureHandoverForm(holders, advisers, formdata=None)
        wanted = request.args.get("from", "")
        if wanted in {str(u.id) for u, _n in holders}:
            form.from_id.data = wanted
    return render_template("candidates/structure_handover.html", partner=partner, form=form,
                           holders=holders), form_status(form)


@bp.route("/adviser/structures/<int:partner_id>/handover", methods=["GET", "POST"])
@adviser_only
def structure_handover(partner_id: int):
    """An owner of the structure hands everyone an adviser follows (someone leaving) to a colleague."""
    partner = owned_or_404(adviser_structure(partner_id, current_user.id, owner=True))
    if request.method == "GET":
        return _structure_handover_page(partner)
    holders = followup.advisers_with_people(db.session, partner.id)
    advisers = followup.structure_advisers(db.session, partner.id)
    form = StructureHandoverForm(holders, advisers)
    if not form.validate():
        return _structure_handover_page(partner, form)
    to = next(a for a in advisers if str(a.id) == form.to_id.data)
    try:
        moved, left = followup.hand_over_all(db.session, partner, int(form.from_id.data), to, actor=current_user)
    except followup.HandoverRefused as refused:
        db.session.rollback()
        form.to_id.errors = [refused.message]
        return _structure_handover_page(partner, form)
    db.session.commit()
    flash(ngettext("%(num)d person handed over to %(adviser)s, who will be told if they agreed to the follow-up.",
                   "%(num)d people handed over to %(adviser)s; each one who agreed to the follow-up will be told.",
                   moved, adviser=to.full_name), "success")
    if left:
        flash(ngettext("%(num)d person was left as they were: %(adviser)s already has a referral of them.",
                       "%(num)d people were left as they were: %(adviser)s already has a referral of them.",
                       left, adviser=to.full_name), "info")
    return redirect(url_for(".structure_handover", partner_id=partner.id))
