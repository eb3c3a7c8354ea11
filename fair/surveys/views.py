"""The survey links (no sign-in): `/surveys/<token>/overall/<code>` records the first answer in one
tap from the mail and shows the rest; `/surveys/<token>` shows and saves the whole survey. A link that
is unknown, of another purpose, expired, revoked or used up, and an answer that is not one of the
choices, get a page saying so and change nothing. Both are throttled per address.

The edition's report (the organiser's statistics page) includes `surveys/_report.html`, fed by the
`edition_survey_report` template function registered here.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from fair import links
from fair.extensions import db, limiter
from fair.fairs.access import organiser_edition
from fair.forms import form_status
from fair.surveys import services
from fair.surveys.forms import survey_form
from fair.web import no_store

bp = Blueprint("surveys", __name__)


def _rate_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT"]


@bp.app_context_processor
def _report_function():
    """`edition_survey_report(edition)` for the statistics page: organisers of the edition only."""
    def edition_survey_report(edition):
        if not current_user.is_authenticated or organiser_edition(edition.id, current_user.id) is None:
            return None
        return services.edition_report(db.session, edition.id)
    return {"edition_survey_report": edition_survey_report,
            "survey_average": lambda value: format_decimal(value, format="0.0")}


def _refused(reason: links.LinkRefusal):
    db.session.rollback()
    return no_store(current_app.make_response(
        (render_template("surveys/refused.html", reason=reason.value), links.REFUSAL_STATUS[reason])))


def _page(opened: services.Opened, form, token: str, status: int = 200, recorded: bool = False):
    return no_store(current_app.make_response((render_template(
        "surveys/survey.html", opened=opened, form=form, token=token, recorded=recorded), status)))


def _record(token: str, answers: dict, comment: str | None) -> services.Opened:
    """Spend one use and save; two taps racing on a first answer: the loser reads the winner's row."""
    for attempt in (1, 2):
        opened = services.open_link(db.session, token, use=True)
        try:
            services.record(db.session, opened, answers, comment)
            db.session.commit()
            return opened
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@bp.route("/surveys/<token>/overall/<code>")
@limiter.limit(_rate_limit)
def one_tap(token: str, code: str):
    try:
        opened = services.open_link(db.session, token, use=False)
    except links.LinkRefused as exc:
        return _refused(exc.reason)
    if code not in services.SCALE:
        db.session.rollback()
        return no_store(current_app.make_response((render_template("surveys/refused.html", reason="answer"), 400)))
    try:
        opened = _record(token, {services.FIRST: code}, None)
    except links.LinkRefused as exc:
        return _refused(exc.reason)
    return _page(opened, survey_form(opened.role, opened.response), token, recorded=True)


@bp.route("/surveys/<token>", methods=["GET", "POST"])
@limiter.limit(_rate_limit)
def survey(token: str):
    try:
        opened = services.open_link(db.session, token, use=False)
    except links.LinkRefused as exc:
        return _refused(exc.reason)
    if request.method == "GET":
        return _page(opened, survey_form(opened.role, opened.response), token)
    form = survey_form(opened.role, formdata=request.form)
    if not form.validate():
        db.session.rollback()
        return _page(opened, form, token, status=form_status(form))
    answers = {field.name: field.data or "" for field in form.question_fields}
    try:
        _record(token, answers, form.comment.data or "")
    except links.LinkRefused as exc:
        return _refused(exc.reason)
    flash(_("Thank you: your answers are saved. You can change them with the same link."), "success")
    return no_store(redirect(url_for(".survey", token=token)))
