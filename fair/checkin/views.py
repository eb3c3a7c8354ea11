"""The candidate's ticket for a hybrid edition, and the door's check-in page for the edition's organisers.

The check-in page is for the members of the edition's lead organiser and co-organisers
(`fair.fairs.access.organiser_edition`); booth staff do not check people in. An online edition has
no check-in: its page answers 404, as anyone else's edition does. Scans are posted as JSON with the
page's CSRF token, one request per scan, and the answer is the same however often a scan is sent.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fair.access import as_id, candidate_required, owned_or_404
from fair.checkin import services
from fair.checkin.models import CheckIn
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.forms import ConfirmForm
from fair.jobdating.services import BOOKING_KIND
from fair.mail.render import mail_url
from fair.web import local_time

bp = Blueprint("checkin", __name__)


def _door_edition(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    if not services.is_hybrid(edition):
        abort(404)
    return edition


# ---------------------------------------------------------------- the candidate's ticket

@bp.route("/candidate/editions/<int:edition_id>/ticket")
@candidate_required
def ticket(edition_id: int):
    edition = owned_or_404(services.ticket_edition(db.session, edition_id))
    code = services.ticket_code(edition.id, current_user.id)
    arrival = db.session.execute(select(CheckIn).where(CheckIn.edition_id == edition.id,
                                                       CheckIn.candidate_id == current_user.id)).scalars().first()
    return render_template("checkin/ticket.html", edition=edition, qr=services.qr_svg(code), arrival=arrival,
                           registered=services.is_registered(db.session, edition.id, current_user.id))


# ---------------------------------------------------------------- the door

@bp.route("/console/editions/<int:edition_id>/checkin")
@login_required
def door(edition_id: int):
    edition = _door_edition(edition_id)
    query = (request.args.get("q") or "").strip()[:100]
    found = services.search(db.session, edition, query) if query else []
    return render_template("checkin/door.html", edition=edition, query=query, found=found,
                           too_short=bool(query) and len(query) < services.SEARCH_MIN_CHARS,
                           form=ConfirmForm(), figures=services.attendance(db.session, edition))


@bp.route("/console/editions/<int:edition_id>/checkin/scans", methods=["POST"])
@login_required
def scan(edition_id: int):
    edition = _door_edition(edition_id)
    payload = request.get_json(silent=True) or {}
    code = payload.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 500:
        return jsonify({"ok": False, "code": "empty", "error": _("No code was read.")}), 422
    scanned_at = services.parse_scan_time(payload.get("scanned_at"))
    try:
        arrival = services.check_in_code(db.session, edition, code, by_id=current_user.id, scanned_at=scanned_at)
    except services.CheckInRefused as refused:
        db.session.rollback()
        return jsonify({"ok": False, "code": refused.code, "error": str(refused.message),
                        "present": services.present_count(db.session, edition.id)}), 422
    db.session.commit()
    return jsonify({**_arrival_json(edition, arrival, scanned_at),
                    "present": services.present_count(db.session, edition.id)})


@bp.route("/console/editions/<int:edition_id>/checkin/people/<int:candidate_id>", methods=["POST"])
@login_required
def mark_present(edition_id: int, candidate_id: int):
    edition = _door_edition(edition_id)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    wanted = as_id(candidate_id)
    if wanted is None or not services.is_registered(db.session, edition.id, wanted):
        abort(404)
    try:
        arrival = services.check_in(db.session, edition, wanted, by_id=current_user.id, method="search")
    except services.CheckInRefused:
        db.session.rollback()
        abort(404)
    db.session.commit()
    when = local_time(arrival.checkin.scanned_at, edition.timezone)
    if arrival.created:
        flash(_("%(name)s is checked in.", name=arrival.person.full_name), "success")
    else:
        flash(_("%(name)s was already checked in at %(time)s.", name=arrival.person.full_name, time=when), "info")
    return redirect(url_for("checkin.door", edition_id=edition.id, q=request.form.get("q") or None))


def _arrival_json(edition, arrival: services.Arrival, sent_scan_time) -> dict[str, Any]:
    checkin = arrival.checkin
    # The very scan this phone made, sent again after a lost answer, is not "already": same scanner, same time.
    same_scan = (not arrival.created and sent_scan_time is not None and checkin.checked_in_by_id == current_user.id
                 and abs((checkin.scanned_at - sent_scan_time).total_seconds()) < 0.002)
    profile = arrival.profile
    needs = []
    if profile is not None and profile.needs_interpreter:
        needs.append(_("Needs an interpreter"))
    if profile is not None and profile.accessibility_needs:
        needs.append(profile.accessibility_needs)
    return {"ok": True, "status": "checked_in" if arrival.created or same_scan else "already",
            "name": arrival.person.full_name, "registered": arrival.registered, "needs": needs,
            "time": local_time(checkin.scanned_at, edition.timezone)}


# ---------------------------------------------------------------- what other pages include

@bp.app_context_processor
def checkin_includes() -> dict[str, Any]:
    """Helpers for the pages and mails that include this domain's partials (templates/checkin/_*.html)."""

    def attendance(edition) -> dict[str, Any] | None:
        return services.attendance(db.session, edition) if services.is_hybrid(edition) else None

    def my_tickets() -> list:
        if not (current_user.is_authenticated and current_user.is_candidate):
            return []
        return services.hybrid_editions_of(db.session, current_user.id)

    def ticket_link(edition) -> bool:
        """Whether the fair page offers the signed-in candidate their ticket."""
        return (current_user.is_authenticated and current_user.is_candidate and edition.is_public
                and services.is_hybrid(edition))

    def mail_ticket_url(edition, user, entry) -> str | None:
        """The ticket's address in a candidate's booking mail for a hybrid edition."""
        if edition is None or entry.kind != BOOKING_KIND or not services.is_hybrid(edition) or not user.is_candidate:
            return None
        return mail_url("checkin.ticket", edition_id=edition.id)

    return {"checkin_attendance": attendance, "checkin_my_tickets": my_tickets, "checkin_ticket_link": ticket_link,
            "checkin_mail_ticket_url": mail_ticket_url}
