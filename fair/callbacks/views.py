"""Pages of "call me back": the person's request at a booth, and the recruiter's list on the live desk.

A person reaches only their own requests, a recruiter only their company's booths: anything else is
404. The desk's list is a fragment the desk reloads when `callbacks_changed` arrives on its staff room.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from fair import clock
from fair.access import candidate_required, owned_or_404
from fair.callbacks import services
from fair.callbacks.forms import CallbackForm, OutcomeForm
from fair.callbacks.models import CallbackRequest, CallbackStatus
from fair.companies.access import recruiter_booth
from fair.extensions import db
from fair.forms import form_status
from fair.live.services import followable_booth
from fair.sms.numbers import InvalidMobile, parse_mobile
from fair.sms.numbers import display as display_number
from fair.timezones import local_to_utc, zone_named

bp = Blueprint("callbacks", __name__)

STATUS_LABELS = {
    CallbackStatus.waiting: _l("Waiting for a call"),
    CallbackStatus.reached: _l("Reached"),
    CallbackStatus.no_answer: _l("Called, no answer: they will try again"),
    CallbackStatus.wrong_number: _l("Wrong number"),
    CallbackStatus.call_again: _l("To call again"),
    CallbackStatus.cancelled: _l("Cancelled by you"),
}


def _booth_of(slug: str, booth_id: int):
    booth = followable_booth(db.session, booth_id)
    if booth is None or booth.edition.slug != slug:
        abort(404)
    return booth


def _window(form: CallbackForm, zone: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """The range the person gave, on today's date in the fair's time zone, as aware UTC."""
    if form.when.data != "range":
        return None
    today = now.astimezone(zone_named(zone)).date()
    return (local_to_utc(dt.datetime.combine(today, form.start.data), zone),
            local_to_utc(dt.datetime.combine(today, form.end.data), zone))


def _known_mobile(user) -> str | None:
    """The account's number to prefill: the one it signs in with, else its phone if that is a mobile."""
    for number in filter(None, (user.mobile, user.phone)):
        try:
            return display_number(parse_mobile(number))
        except InvalidMobile:
            continue
    return None


def _consent(booth) -> str:
    return str(services.CONSENT_TEXT % {"company": booth.company.name})


@bp.route("/fairs/<slug>/booths/<int:booth_id>/call-back", methods=["GET", "POST"])
@candidate_required
def request_page(slug: str, booth_id: int):
    booth = _booth_of(slug, booth_id)
    existing = services.latest_request(db.session, booth.id, current_user.id)
    form = CallbackForm() if request.method == "POST" else CallbackForm(formdata=None)
    if request.method == "GET":
        form.mobile.data = _known_mobile(current_user)
    error = None
    if request.method == "POST" and form.validate_on_submit():
        now = clock.now()
        try:
            services.request_callback(db.session, booth, current_user, mobile=form.mobile.data,
                                      window=_window(form, booth.edition.timezone, now),
                                      consent_text=_consent(booth), now=now)
            db.session.commit()
        except services.CallbackRefused as refused:
            db.session.rollback()
            error = refused.message
        except IntegrityError:
            db.session.rollback()
            error = str(services.CallbackRefused.MESSAGES["already_open"])
        else:
            services.changed(booth.id)
            flash(_("Your request is sent: %(company)s will call you back.", company=booth.company.name), "success")
            return redirect(url_for(".request_page", slug=slug, booth_id=booth.id))
        existing = services.latest_request(db.session, booth.id, current_user.id)
    status = 422 if error else form_status(form)
    return render_template("callbacks/request.html", booth=booth, edition=booth.edition, brand_edition=booth.edition,
                           form=form, existing=existing, error=error, consent=_consent(booth),
                           status_labels=STATUS_LABELS), status


def _own_request(request_id: int) -> CallbackRequest:
    found = db.session.get(CallbackRequest, request_id)
    return owned_or_404(found if found is not None and found.candidate_id == current_user.id else None)


def _back_to_booth(found: CallbackRequest):
    return redirect(url_for(".request_page", slug=found.booth.edition.slug, booth_id=found.booth_id))


def _act(request_id: int, action, done):
    """The person's own request, changed by `action` (a service), then the booth told and `done(found)`
    said; a change the request no longer allows is explained and changes nothing."""
    found = _own_request(request_id)
    try:
        action(db.session, found, clock.now())
    except services.CallbackRefused as refused:
        flash(refused.message, "info")
        return _back_to_booth(found)
    db.session.commit()
    services.changed(found.booth_id)
    flash(done(found), "success")
    return _back_to_booth(found)


@bp.route("/call-backs/<int:request_id>/cancel", methods=["POST"])
@candidate_required
def cancel(request_id: int):
    return _act(request_id, services.cancel, lambda found: _("Your call-back request is cancelled."))


@bp.route("/call-backs/<int:request_id>/share", methods=["POST"])
@candidate_required
def share(request_id: int):
    return _act(request_id, services.share,
                lambda found: _("Your number is shared with %(company)s.", company=found.booth.company.name))


# ---------------------------------------------------------------- the recruiter's desk

def _outcome_form(request_id: int, **kwargs) -> OutcomeForm:
    """One form per request on the desk: the prefix keeps their field ids apart."""
    return OutcomeForm(prefix=f"callback-{request_id}", **kwargs)


def _desk_rows(booth, failed: int | None = None, failed_form: OutcomeForm | None = None) -> list[dict[str, Any]]:
    rows = []
    for item in services.desk_list(db.session, booth):
        visible = services.number_visible(item)
        rows.append({"request": item, "label": services.label(item), "visible": visible,
                     "number": display_number(item.mobile) if visible else None,
                     "status": STATUS_LABELS[item.status],
                     "form": failed_form if failed == item.id else _outcome_form(item.id, formdata=None)})
    return rows


@bp.app_context_processor
def desk_helpers() -> dict[str, Any]:
    return {"callback_desk_rows": _desk_rows}


def _my_booth(booth_id: int):
    return owned_or_404(recruiter_booth(booth_id, current_user.id))


def _my_request(booth, request_id: int) -> CallbackRequest:
    found = db.session.get(CallbackRequest, request_id)
    return owned_or_404(found if found is not None and found.booth_id == booth.id else None)


@bp.route("/recruiter/booths/<int:booth_id>/call-backs")
@login_required
def desk_list(booth_id: int):
    booth = _my_booth(booth_id)
    return render_template("callbacks/desk.html", booth=booth), 200, {"Cache-Control": "no-store"}


def _on_desk(booth, change, done: str):
    """A recruiter's change to a request (`change`, a service call), back to the desk's list: a refusal
    is explained and changes nothing; otherwise committed, the booth's staff told, `done` said."""
    back = redirect(url_for("live.desk", booth_id=booth.id) + "#callbacks-title")
    try:
        change()
    except services.CallbackRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return back
    db.session.commit()
    services.changed(booth.id)
    flash(done, "success")
    return back


@bp.route("/recruiter/booths/<int:booth_id>/call-backs/<int:request_id>/outcome", methods=["POST"])
@login_required
def outcome(booth_id: int, request_id: int):
    booth = _my_booth(booth_id)
    found = _my_request(booth, request_id)
    form = _outcome_form(found.id)
    if not form.validate_on_submit():
        return render_template("callbacks/desk.html", booth=booth, failed=found.id, failed_form=form), 422
    return _on_desk(booth, lambda: services.record_outcome(
        db.session, found, CallbackStatus(form.outcome.data), form.note.data or "", current_user, clock.now()),
        _("The outcome of the call is recorded."))


@bp.route("/recruiter/booths/<int:booth_id>/call-backs/<int:request_id>/ask", methods=["POST"])
@login_required
def ask(booth_id: int, request_id: int):
    booth = _my_booth(booth_id)
    found = _my_request(booth, request_id)
    return _on_desk(booth, lambda: services.ask_to_share(db.session, found, clock.now()),
                    _("We asked the person to share their number with you."))
