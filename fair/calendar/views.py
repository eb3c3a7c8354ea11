"""Pages of the calendar (a user's entries, their .ics files, the subscription feed) and the
reminder times an organiser sets for an edition.

Calendar entries and editions of another owner answer 404. The feed address is its own
credential: it answers without a session, and 404 once the user has made a new one.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from fair.access import owned_or_404, role_required
from fair.accounts.models import OrganisationKind, User
from fair.calendar import agenda, feeds, reminders
from fair.calendar.models import CalendarEntry
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.fairs.models import Edition
from fair.forms import ConfirmForm
from fair.timezones import local_span_text

log = logging.getLogger("fair.calendar")

bp = Blueprint("agenda", __name__)
FEED_TOKEN_KEY = "calendar_feed_token"

# ---------------------------------------------------------------- my calendar


@bp.route("/calendar/")
@login_required
def my_calendar():
    feed = feeds.feed_of(db.session, current_user.id)
    # The secret exists only in the page that follows its making (kept in the signed session cookie
    # for that one view); afterwards the owner can make a new address. The configured public address,
    # not the one this request came through (a proxy may differ).
    token = session.pop(FEED_TOKEN_KEY, None)
    feed_url = current_app.config["BASE_URL"] + url_for("agenda.feed", token=token) if feed and token else None

    entries = agenda.active_entries(db.session, current_user.id)
    zones = dict(db.session.execute(
        select(Edition.id, Edition.timezone).where(Edition.id.in_({e.edition_id for e in entries}))
    ).all())

    def entry_when(entry) -> str:
        return local_span_text(entry.starts_at, entry.ends_at, zones.get(entry.edition_id) or agenda.DEFAULT_TIMEZONE,
                               str(get_locale() or "fr"))

    return render_template(
        "calendar/calendar.html", entries=entries, entry_when=entry_when,
        feed=feed, feed_url=feed_url, webcal_url=feeds.webcal_url(feed_url) if feed_url else None,
        form=ConfirmForm(),
    )


@bp.route("/calendar/feed", methods=["POST"])
@login_required
def renew_feed():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    had_one = feeds.feed_of(db.session, current_user.id) is not None
    session[FEED_TOKEN_KEY] = feeds.renew_feed(db.session, current_user.id)
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


# ---------------------------------------------------------------- reminder times of an edition

organiser_required = role_required(OrganisationKind.organiser)


OFFSET_ERRORS = {
    "not_a_number": _l("“%(value)s” is not a number of hours. Write for example: 24, 1"),
    "out_of_range": _l("“%(value)s”: a reminder goes between 5 minutes (0.1) and 30 days (720) before."),
    "too_many": _l("At most 5 reminders."),
}


class OffsetsForm(FlaskForm):
    hours = StringField(_l("Reminder emails, in hours before the appointment"))
    sms_hours = StringField(_l("Reminder text messages (SMS), in hours before the interview"))


def hours_text(minutes: list[int]) -> str:
    return ", ".join(f"{m / 60:g}" for m in minutes)


@bp.route("/console/editions/<int:edition_id>/reminders", methods=["GET", "POST"])
@organiser_required
def reminder_settings(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    current = reminders.reminder_offsets(db.session, edition.id)
    form = OffsetsForm(hours=hours_text(current),
                       sms_hours=hours_text(reminders.sms_reminder_offsets(db.session, edition.id)))
    error = sms_error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        minutes, error = _parsed(form.hours.data)
        sms_minutes, sms_error = _parsed(form.sms_hours.data) if "sms_hours" in request.form else (None, None)
        if not (error or sms_error):
            reminders.set_reminder_offsets(db.session, edition.id, minutes, sms_minutes)
            db.session.flush()
            replanned = reminders.replan_edition(db.session, edition.id)
            db.session.commit()
            log.info("edition %s: reminders at %s minutes (SMS %s), %s entries re-planned", edition.id, minutes,
                     sms_minutes, replanned)
            flash(_("Reminder times saved. Appointments already booked follow them too.") if minutes
                  else _("No reminder email will be sent for this fair."), "success")
            return redirect(url_for("agenda.reminder_settings", edition_id=edition.id))
    failed = bool(error or sms_error)
    return render_template("calendar/reminders.html", edition=edition, form=form, error=error, sms_error=sms_error,
                           notice_minutes=current_app.config["REMINDER_NOTICE_MINUTES"]), 422 if failed else 200


def _parsed(text: str | None) -> tuple[list[int], str | None]:
    """Reminder times typed by the organiser, or the translated reason they cannot be used."""
    try:
        return reminders.parse_offsets(text or ""), None
    except reminders.OffsetsError as problem:
        return [], str(OFFSET_ERRORS[problem.code]) % {"value": problem.value}
