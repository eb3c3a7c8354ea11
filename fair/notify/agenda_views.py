"""Pages of the calendar (a user's entries, their .ics files, the subscription feed) and the
organiser's bulk invitations.

Calendar entries and bulk invitations of another owner answer 404. The feed address is its own
credential: it answers without a session, and 404 once the user has made a new one.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from sqlalchemy import select

from fair.access import owned_or_404, role_required
from fair.accounts.models import OrganisationKind
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.notify import agenda, bulk as bulk_service, feeds
from fair.notify.models import BulkStatus, CalendarEntry
from fair.notify.sockets import bulk_state

log = logging.getLogger("fair.notify")

bp = Blueprint("agenda", __name__)

SCRIPTS = {"live": "notify/agenda/live.js", "socket": "notify/agenda/socket.js", "notices": "notify/agenda/notices.js"}

REASON_LABELS = {
    bulk_service.BAD_EMAIL: _l("this is not a valid email address"),
    bulk_service.MISSING_EMAIL: _l("the email address is missing"),
    bulk_service.DUPLICATE: _l("this address is already on line %(other)s"),
    bulk_service.BAD_LOCALE: _l("the language must be “fr” or “en”"),
    bulk_service.NAME_TOO_LONG: _l("the name is longer than 200 characters"),
    bulk_service.TOO_MANY_COLUMNS: _l("a row holds at most three columns: email, name, language"),
}
FILE_ERRORS = {
    "empty": _l("The file is empty. Choose a CSV file with one email address per line."),
    "encoding": _l("The file could not be read. Save it as CSV (UTF-8) and try again."),
    "too_many_rows": _l("The file holds more than %(max)s rows. Split it into several files."),
    "no_valid_row": _l("No row of the file can be used: see the reasons below."),
    "missing": _l("Choose a CSV file to upload."),
    "not_csv": _l("The file must be a CSV file (.csv or .txt)."),
}
PARTNER_ERRORS = {
    bulk_service.NO_PARTNER: _l("Choose a partner of this fair."),
    bulk_service.UNKNOWN_PARTNER: _l("This organisation is not a partner of this fair. Choose one from the list."),
    bulk_service.NO_CANDIDATE: _l("This partner has no candidate who agreed to be referred yet: nobody to invite."),
}
STATUS_LABELS = {
    BulkStatus.queued: _l("Waiting to start"),
    BulkStatus.running: _l("Sending"),
    BulkStatus.paused: _l("Paused"),
    BulkStatus.done: _l("Finished"),
}


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons."""


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"))


class PartnerForm(FlaskForm):
    # The choices are the edition's partners; the view checks the value itself to word its errors.
    partner = SelectField(_l("Partner"), choices=[], validate_choice=False)


@bp.context_processor
def _labels():
    return {"BULK_STATUS_LABELS": STATUS_LABELS, "BULK_STATUS": BulkStatus, "reason_label": reason_label,
            "bulk_label": bulk_label, "bulk_partner": bulk_service.partner_label}


def bulk_label(bulk) -> str:
    """How a list is named on the pages: its file name, or the partner whose candidates it holds."""
    partner = bulk_service.partner_label(bulk)
    if partner is not None:
        return _("Candidates referred by %(partner)s", partner=partner)
    return bulk.filename or _("List %(id)s", id=bulk.id)


def reason_label(row: dict) -> str:
    label = REASON_LABELS.get(row.get("reason"), row.get("reason", ""))
    return str(label) % {"other": row.get("other_line", "")} if "%(other)s" in str(label) else str(label)


# ---------------------------------------------------------------- my calendar


@bp.route("/calendar/")
@login_required
def my_calendar():
    feed = feeds.feed_of(db.session, current_user.id)
    # The configured public address, not the one this request came through (a proxy may differ).
    feed_url = current_app.config["BASE_URL"] + url_for("agenda.feed", token=feed.token) if feed else None
    from fair.fairs.models import Edition

    entries = agenda.active_entries(db.session, current_user.id)
    zones = dict(db.session.execute(
        select(Edition.id, Edition.timezone).where(Edition.id.in_({e.edition_id for e in entries}))
    ).all())
    from flask_babel import get_locale

    from fair.notify.calendar import local_span_text

    def entry_when(entry) -> str:
        return local_span_text(entry.starts_at, entry.ends_at, zones.get(entry.edition_id) or agenda.DEFAULT_TIMEZONE,
                               str(get_locale() or "fr"))

    return render_template(
        "notify/agenda/calendar.html", entries=entries, entry_when=entry_when,
        feed=feed, feed_url=feed_url, webcal_url=feeds.webcal_url(feed_url) if feed_url else None,
        form=EmptyForm(),
    )


@bp.route("/calendar/feed", methods=["POST"])
@login_required
def renew_feed():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    had_one = feeds.feed_of(db.session, current_user.id) is not None
    feeds.renew_feed(db.session, current_user.id)
    db.session.commit()
    flash(_("Your new calendar address is ready. The previous address no longer works.") if had_one
          else _("Your calendar address is ready."), "success")
    return redirect(url_for("agenda.my_calendar"))


@bp.route("/calendar/entries/<int:entry_id>.ics")
@login_required
def entry_ics(entry_id: int):
    entry = db.session.get(CalendarEntry, entry_id)
    if entry is None or entry.user_id != current_user.id:
        abort(404)
    return _calendar_response(agenda.entry_ics(entry), f"{entry.kind}-{entry.ref_id}.ics", attachment=True)


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    subscription = feeds.feed_by_token(db.session, token)
    if subscription is None:
        abort(404)
    from fair.accounts.models import User

    user = db.session.get(User, subscription.user_id)
    if user is None or not user.is_active:
        abort(404)
    body = agenda.user_feed_ics(db.session, user, _("fair – my calendar"),
                                feed_uid=f"feed-{subscription.id}@{agenda._uid_host()}")
    return _calendar_response(body, "fair.ics", attachment=False)


def _calendar_response(body: bytes, filename: str, attachment: bool) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# ---------------------------------------------------------------- bulk invitations (organiser console)

organiser_required = role_required(OrganisationKind.organiser)


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
            error = FILE_ERRORS["missing"]
        elif Path(upload.filename).suffix.lower() not in (".csv", ".txt"):
            error = FILE_ERRORS["not_csv"]
        else:
            data = upload.read()
            try:
                created = bulk_service.create_bulk(db.session, edition=edition, user_id=current_user.id,
                                                   filename=Path(upload.filename).name, data=data)
            except bulk_service.BulkFileError as problem:
                db.session.rollback()
                error = str(FILE_ERRORS.get(problem.code, FILE_ERRORS["empty"])) % {"max": bulk_service.MAX_ROWS}
                if problem.code == "no_valid_row":
                    rejected = bulk_service.parse_csv(data).rejected
            else:
                bulk_service.start_bulk(db.session, created)
                db.session.commit()
                log.info("bulk invitation %s: %s recipients for edition %s", created.id, created.total, edition.id)
                return redirect(url_for("agenda.bulk_invitation", edition_id=edition.id, bulk_id=created.id))
    return _bulk_list_page(edition, form=form, error=error, rejected=rejected)


def _bulk_list_page(edition, form=None, error=None, rejected=(), partner_form=None, partner_error=None):
    partners = bulk_service.edition_partners(db.session, edition.id)
    partner_form = partner_form or PartnerForm()
    partner_form.partner.choices = [SelectChoice("", _("Choose a partner"))] + [
        SelectChoice(str(partner.id), ngettext("%(name)s (%(num)s candidate)", "%(name)s (%(num)s candidates)",
                                               count, name=partner.organisation.name))
        for partner, count in partners]
    status = 422 if error or partner_error else 200
    return render_template("notify/agenda/bulk_list.html", edition=edition, form=form or UploadForm(), error=error,
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
                                                        edition_partner_id=chosen)
    except bulk_service.BulkFileError as problem:
        db.session.rollback()
        return _bulk_list_page(edition, partner_form=form, partner_error=PARTNER_ERRORS[problem.code])
    bulk_service.start_bulk(db.session, created)
    db.session.commit()
    log.info("bulk invitation %s: %s candidates of a partner for edition %s", created.id, created.total, edition.id)
    return redirect(url_for("agenda.bulk_invitation", edition_id=edition.id, bulk_id=created.id))


@bp.route("/console/editions/<int:edition_id>/bulk-invitations/<int:bulk_id>")
@organiser_required
def bulk_invitation(edition_id: int, bulk_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    bulk = _bulk_or_404(edition.id, bulk_id)
    return render_template("notify/agenda/bulk.html", edition=edition, bulk=bulk, state=bulk_state(bulk),
                           failures=_send_failures(bulk), form=EmptyForm())


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
    if not EmptyForm().validate_on_submit():
        abort(400)
    changed = change(db.session, bulk)
    if changed:
        db.session.commit()
        _announce(bulk)
    if request.accept_mimetypes.best == "application/json":
        return bulk_state(bulk)
    if not changed:
        flash(_("This sending can no longer be paused or resumed."), "info")
    return redirect(url_for("agenda.bulk_invitation", edition_id=edition.id, bulk_id=bulk.id))


def _announce(bulk) -> None:
    from fair.notify.sockets import bulk_room, emit_from_worker

    try:
        emit_from_worker(current_app.config["REDIS_URL"], "bulk_progress", bulk_state(bulk), bulk_room(bulk.id))
    except Exception:  # the page shows the state on reload anyway
        log.exception("could not announce bulk invitation %s", bulk.id)


def _send_failures(bulk) -> list:
    """Mails of this list that the mail server refused for good (the outbox keeps trying the others)."""
    from fair.notify.models import OutboxMessage, OutboxStatus

    return list(db.session.execute(
        select(OutboxMessage).where(OutboxMessage.idempotency_key.like(f"bulk-{bulk.id}-%"),
                                    OutboxMessage.status == OutboxStatus.failed_permanent)
        .order_by(OutboxMessage.id)
    ).scalars())


# ---------------------------------------------------------------- reminder times of an edition

OFFSET_ERRORS = {
    "not_a_number": _l("“%(value)s” is not a number of hours. Write for example: 24, 1"),
    "out_of_range": _l("“%(value)s”: a reminder goes between 5 minutes (0.1) and 30 days (720) before."),
    "too_many": _l("At most 5 reminders."),
}


class OffsetsForm(FlaskForm):
    hours = StringField(_l("Reminder emails, in hours before the appointment"))


def hours_text(minutes: list[int]) -> str:
    return ", ".join(f"{m / 60:g}" for m in minutes)


@bp.route("/console/editions/<int:edition_id>/reminders", methods=["GET", "POST"])
@organiser_required
def reminder_settings(edition_id: int):
    from fair.notify import reminders

    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    current = reminders.reminder_offsets(db.session, edition.id)
    form = OffsetsForm(hours=hours_text(current))
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            minutes = reminders.parse_offsets(form.hours.data or "")
        except reminders.OffsetsError as problem:
            error = str(OFFSET_ERRORS[problem.code]) % {"value": problem.value}
        else:
            reminders.set_reminder_offsets(db.session, edition.id, minutes)
            db.session.flush()
            replanned = reminders.replan_edition(db.session, edition.id)
            db.session.commit()
            log.info("edition %s: reminders at %s minutes, %s entries re-planned", edition.id, minutes, replanned)
            flash(_("Reminder times saved. Appointments already booked follow them too.") if minutes
                  else _("No reminder email will be sent for this fair."), "success")
            return redirect(url_for("agenda.reminder_settings", edition_id=edition.id))
    return render_template("notify/agenda/reminders.html", edition=edition, form=form, error=error,
                           notice_minutes=current_app.config["REMINDER_NOTICE_MINUTES"]), 422 if error else 200


# ---------------------------------------------------------------- page scripts


@bp.route("/notify/js/<name>.js")
def script(name: str):
    template = SCRIPTS.get(name)
    if template is None:
        abort(404)
    response = Response(render_template(template), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # its words follow the reader's language
    return response
