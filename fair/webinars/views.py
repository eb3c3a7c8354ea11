"""Pages of the webinars domain.

Candidates list a fair's webinars, register (a seat or the waitlist), cancel and join through
`/webinars/<id>/join`, which records attendance and forwards to the provider. Organisers schedule
webinars for their edition in the console and follow registrations, waitlist and attendance (CSV
too); companies schedule them for their own booth. Every object is looked up among those of the
person asking: another owner's webinar answers 404.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fair import clock
from fair.access import candidate_required, owned_or_404, role_required
from fair.accounts.models import OrganisationKind
from fair.companies.access import recruiter_booth
from fair.companies.models import Booth
from fair.exports.services import request_export
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.fairs.models import PUBLIC_STATUSES, Edition
from fair.forms import ConfirmForm, form_status
from fair.timezones import fair_zone, local_to_utc
from fair.webinars import exports as webinar_exports
from fair.webinars import providers, services
from fair.webinars.access import company_webinar, organiser_webinar
from fair.webinars.forms import LANGUAGE_LABELS, PROVIDER_LABELS, WebinarForm
from fair.webinars.models import Provider, RegistrationStatus, Webinar, WebinarRegistration, WebinarStatus

bp = Blueprint("webinars", __name__)

organiser_only = role_required(OrganisationKind.organiser)
recruiter_only = role_required(OrganisationKind.company)


@bp.app_context_processor
def webinar_labels() -> dict[str, Any]:
    return {"webinar_language_label": lambda code: LANGUAGE_LABELS.get(code, code),
            "webinar_provider_label": lambda p: PROVIDER_LABELS.get(Provider(p), p)}


# ---------------------------------------------------------------- candidates


def _public_edition(slug: str) -> Edition:
    edition = db.session.execute(select(Edition).where(
        Edition.slug == slug, Edition.status.in_(PUBLIC_STATUSES))).scalar_one_or_none()
    if edition is None:
        abort(404)
    return edition


def _public_webinar(webinar_id: int) -> Webinar:
    webinar = db.session.execute(select(Webinar).join(Edition, Edition.id == Webinar.edition_id).where(
        Webinar.id == webinar_id, Edition.status.in_(PUBLIC_STATUSES))).scalar_one_or_none()
    if webinar is None:
        abort(404)
    return webinar


@bp.route("/fairs/<slug>/webinars")
def fair_webinars(slug: str):
    edition = _public_edition(slug)
    webinars = services.edition_webinars(db.session, edition.id)
    mine: dict[int, Any] = {}
    if current_user.is_authenticated:
        mine = {r.webinar_id: r for r in db.session.execute(select(WebinarRegistration).where(
            WebinarRegistration.user_id == current_user.id,
            WebinarRegistration.webinar_id.in_([w.id for w in webinars]))).scalars()} if webinars else {}
    return render_template("webinars/list.html", edition=edition, webinars=webinars, mine=mine, now=clock.now(),
                           counts=services.seat_counts(db.session, [w.id for w in webinars]))


@bp.route("/fairs/<slug>/webinars/<int:webinar_id>")
def webinar_page(slug: str, webinar_id: int):
    edition = _public_edition(slug)
    webinar = _public_webinar(webinar_id)
    if webinar.edition_id != edition.id:
        abort(404)
    registration = position = None
    host = follow = False
    if current_user.is_authenticated:
        registration = services.registration_of(db.session, webinar.id, current_user.id)
        position = services.waitlist_position(db.session, registration) if registration else None
        host = services.is_host(db.session, webinar, current_user.id)
        follow = services.can_follow(db.session, webinar, current_user.id)
    opens, closes = services.join_window(webinar)
    now = clock.now()
    return render_template("webinars/page.html", edition=edition, webinar=webinar, registration=registration,
                           position=position, host=host, follow=follow, now=now,
                           join_open=opens <= now <= closes, opens=opens,
                           counts=services.seat_counts(db.session, [webinar.id])[webinar.id],
                           form=ConfirmForm(formdata=None), RegistrationStatus=RegistrationStatus,
                           WebinarStatus=WebinarStatus, max_chars=services.QUESTION_MAX_CHARS)


def _back_to_page(webinar: Webinar):
    return redirect(url_for(".webinar_page", slug=webinar.edition.slug, webinar_id=webinar.id))


@bp.route("/webinars/<int:webinar_id>/register", methods=["POST"])
@candidate_required
def register(webinar_id: int):
    webinar = _public_webinar(webinar_id)
    try:
        registration = services.register(db.session, webinar.id, current_user)
        db.session.commit()
    except services.WebinarError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back_to_page(webinar)
    if registration.status == RegistrationStatus.confirmed:
        flash(_("Your seat is confirmed. The invitation is on its way to your mailbox."), "success")
    else:
        flash(_("The webinar is full: you are number %(num)d on the waiting list. If a seat frees up, it is yours "
                "and we email you.", num=services.waitlist_position(db.session, registration)), "success")
    return _back_to_page(webinar)


@bp.route("/webinars/<int:webinar_id>/cancel-registration", methods=["POST"])
@candidate_required
def cancel_registration(webinar_id: int):
    webinar = _public_webinar(webinar_id)
    registration = services.registration_of(db.session, webinar.id, current_user.id)
    if registration is None or registration.status == RegistrationStatus.cancelled:
        abort(404)
    services.cancel_registration(db.session, registration)
    db.session.commit()
    flash(_("Your registration has been cancelled."), "success")
    return _back_to_page(webinar)


@bp.route("/webinars/<int:webinar_id>/join")
@login_required
def join(webinar_id: int):
    webinar = db.session.get(Webinar, webinar_id)
    if webinar is None:
        abort(404)
    host = services.is_host(db.session, webinar, current_user.id)
    if not host:
        registration = services.registration_of(db.session, webinar.id, current_user.id)
        if registration is None or webinar.edition.status not in PUBLIC_STATUSES:
            abort(404)
    try:
        url = services.join(db.session, webinar, current_user, host=host)
        db.session.commit()
    except services.WebinarError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back_to_page(webinar)
    except providers.ProviderError:
        db.session.rollback()
        flash(_("The video service is not answering. Please try again in a moment."), "error")
        return _back_to_page(webinar)
    return redirect(url)


# ---------------------------------------------------------------- scheduling (organisers and companies)


def _form_data(form: WebinarForm, edition: Edition) -> services.WebinarData:
    return services.WebinarData(
        title=form.title.data, speaker=form.speaker.data, description=form.description.data or "",
        starts_at=local_to_utc(dt.datetime.combine(form.day.data, form.start.data), fair_zone(edition)),
        duration_minutes=form.duration_minutes.data, capacity=form.capacity.data, language=form.language.data,
        provider=Provider(form.provider.data), room=form.room.data or "", external_url=form.external_url.data or "")


def _prefill(webinar: Webinar) -> dict[str, Any]:
    local = webinar.starts_at.astimezone(fair_zone(webinar.edition))
    return {"title": webinar.title, "speaker": webinar.speaker, "description": webinar.description,
            "day": local.date(), "start": local.time().replace(second=0, microsecond=0),
            "duration_minutes": webinar.duration_minutes, "capacity": webinar.capacity,
            "language": webinar.language, "provider": webinar.provider.value, "room": webinar.room,
            "external_url": webinar.external_url}


def _save(form: WebinarForm, edition: Edition, *, webinar: Webinar | None, booth: Booth | None) -> Webinar | None:
    """Validate and save; on any refusal the errors sit on the form and nothing is saved."""
    if not form.validate():
        return None
    try:
        data = _form_data(form, edition)
        if webinar is None:
            webinar = services.create_webinar(db.session, edition=edition, booth=booth,
                                              created_by_id=current_user.id, data=data)
            promoted = []
        else:
            promoted = services.update_webinar(db.session, webinar, data)
        db.session.commit()
    except services.WebinarError as error:
        db.session.rollback()
        target = {"capacity": form.capacity, "past": form.start, "provider": form.provider}.get(error.code, form.title)
        target.errors = list(target.errors) + [str(error.message)]
        return None
    if promoted:
        flash(_("%(num)d people of the waiting list got a seat and are invited.", num=len(promoted)), "success")
    return webinar


def _render_form(form: WebinarForm, edition: Edition, webinar: Webinar | None, back: str, action: str):
    return render_template("webinars/form.html", form=form, edition=edition, webinar=webinar, back=back,
                           action=action), form_status(form)


def _cancel(webinar: Webinar) -> None:
    told = services.cancel_webinar(db.session, webinar)
    db.session.commit()
    flash(_("The webinar has been cancelled; %(num)d registered people are told.", num=told), "success")


@bp.route("/console/editions/<int:edition_id>/webinars")
@organiser_only
def console_index(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    webinars = services.edition_webinars(db.session, edition.id)
    return render_template("webinars/console_index.html", edition=edition, webinars=webinars,
                           counts=services.seat_counts(db.session, [w.id for w in webinars]),
                           form=ConfirmForm(formdata=None))


@bp.route("/console/editions/<int:edition_id>/webinars/new", methods=["GET", "POST"])
@organiser_only
def console_new(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    return _new_webinar(edition, None, url_for(".console_index", edition_id=edition.id))


@bp.route("/console/webinars/<int:webinar_id>/edit", methods=["GET", "POST"])
@organiser_only
def console_edit(webinar_id: int):
    webinar = owned_or_404(organiser_webinar(webinar_id, current_user.id))
    return _edit_webinar(webinar, url_for(".console_index", edition_id=webinar.edition_id))


@bp.route("/console/webinars/<int:webinar_id>/cancel", methods=["POST"])
@organiser_only
def console_cancel(webinar_id: int):
    webinar = owned_or_404(organiser_webinar(webinar_id, current_user.id))
    _cancel(webinar)
    return redirect(url_for(".console_index", edition_id=webinar.edition_id))


@bp.route("/console/webinars/<int:webinar_id>/registrations")
@organiser_only
def console_registrations(webinar_id: int):
    webinar = owned_or_404(organiser_webinar(webinar_id, current_user.id))
    rows = services.registrations(db.session, webinar.id)
    positions = {r.id: services.waitlist_position(db.session, r) for r in rows}
    return render_template("webinars/registrations.html", webinar=webinar, edition=webinar.edition, rows=rows,
                           positions=positions, counts=services.seat_counts(db.session, [webinar.id])[webinar.id],
                           RegistrationStatus=RegistrationStatus)


@bp.route("/console/webinars/<int:webinar_id>/registrations.csv", methods=["POST"])
@organiser_only
def console_registrations_csv(webinar_id: int):
    """Starts the CSV of the registrations as an export job and leads to its progress page."""
    webinar = owned_or_404(organiser_webinar(webinar_id, current_user.id))
    export = request_export(db.session, user=current_user, kind=webinar_exports.KIND,
                            params={"webinar_id": webinar.id}, locale=str(get_locale()))
    db.session.commit()
    return redirect(url_for("export_files.show", export_id=export.id), 303)


@bp.app_context_processor
def registration_labels() -> dict[str, Any]:
    return {"registration_status_label": lambda s: webinar_exports.status_labels()[RegistrationStatus(s)]}


# ---------------------------------------------------------------- companies


@bp.route("/recruiter/booths/<int:booth_id>/webinars")
@recruiter_only
def booth_index(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    webinars = services.booth_webinars(db.session, booth.id)
    return render_template("webinars/booth_index.html", booth=booth, edition=booth.edition, webinars=webinars,
                           counts=services.seat_counts(db.session, [w.id for w in webinars]),
                           form=ConfirmForm(formdata=None))


@bp.route("/recruiter/booths/<int:booth_id>/webinars/new", methods=["GET", "POST"])
@recruiter_only
def booth_new(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    return _new_webinar(booth.edition, booth, url_for(".booth_index", booth_id=booth.id))


@bp.route("/recruiter/webinars/<int:webinar_id>/edit", methods=["GET", "POST"])
@recruiter_only
def booth_edit(webinar_id: int):
    webinar = owned_or_404(company_webinar(webinar_id, current_user.id))
    return _edit_webinar(webinar, url_for(".booth_index", booth_id=webinar.booth_id))


def _new_webinar(edition, booth, back: str):
    """The scheduling form, for the edition's organisers (booth None) or a company's booth."""
    form = WebinarForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if _save(form, edition, webinar=None, booth=booth) is not None:
            flash(_("The webinar is scheduled."), "success")
            return redirect(back)
        return _render_form(form, edition, None, back, request.path)
    return _render_form(form, edition, None, back, request.path)


def _edit_webinar(webinar, back: str):
    if request.method == "POST":
        form = WebinarForm(formdata=request.form)
        if _save(form, webinar.edition, webinar=webinar, booth=webinar.booth) is not None:
            flash(_("The webinar has been saved."), "success")
            return redirect(back)
        return _render_form(form, webinar.edition, webinar, back, request.path)
    form = WebinarForm(formdata=None, data=_prefill(webinar))
    return _render_form(form, webinar.edition, webinar, back, request.path)


@bp.route("/recruiter/webinars/<int:webinar_id>/cancel", methods=["POST"])
@recruiter_only
def booth_cancel(webinar_id: int):
    webinar = owned_or_404(company_webinar(webinar_id, current_user.id))
    _cancel(webinar)
    return redirect(url_for(".booth_index", booth_id=webinar.booth_id))

