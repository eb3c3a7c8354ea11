"""Pages and state endpoints of the live fair.

The state endpoints answer what a page shows right now (the same shapes as the socket acks), for a
page that (re)connects or for a visitor without a socket (anonymous visitors get no socket: they see
the snapshot the page was rendered with, and these endpoints). Drafts answer 404. The recruiter's
desk is for the booth's company only, the dashboard for the edition's organisers only: anyone else
gets 404.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, render_template
from flask_login import current_user, login_required

from fair.access import owned_or_404
from fair.companies.access import recruiter_booth
from fair.db import utcnow
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.live import chat, services

bp = Blueprint("live", __name__)


def _viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


@bp.route("/live/editions/<int:edition_id>/state")
def edition_state(edition_id: int):
    edition = services.followable_edition(db.session, edition_id)
    if edition is None:
        abort(404)
    return _no_store(jsonify(services.edition_state(db.session, edition, utcnow())))


@bp.route("/live/booths/<int:booth_id>/state")
def booth_state(booth_id: int):
    booth = services.followable_booth(db.session, booth_id)
    if booth is None:
        abort(404)
    return _no_store(jsonify(services.booth_state(db.session, booth, _viewer_id(), utcnow())))


@bp.route("/live/booths/<int:booth_id>/desk")
@login_required
def desk(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    now = utcnow()
    return render_template("live/desk.html", booth=booth, edition=booth.edition,
                           state=services.staff_state(db.session, booth, current_user.id, now),
                           presence=services.booth_presence(db.session, booth, now),
                           turn_seconds=current_app.config["LIVE_TURN_SECONDS"])


@bp.route("/console/editions/<int:edition_id>/live")
@login_required
def dashboard(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    return render_template("live/dashboard.html", edition=edition,
                           state=services.dashboard_state(db.session, edition, utcnow()))


@bp.app_context_processor
def live_snapshots() -> dict[str, Any]:
    """Helpers for the public fair and booth pages, which include this domain's partials."""

    def edition_snapshot(edition) -> dict[str, Any]:
        if edition.status not in services.FOLLOWABLE:
            return {"booths": [], "announcements": [], "by_booth": {}}
        state = services.edition_state(db.session, edition, utcnow())
        state["by_booth"] = {row["booth"]: row for row in state["booths"]}
        return state

    def booth_snapshot(booth) -> dict[str, Any] | None:
        if booth.edition.status not in services.FOLLOWABLE:
            return None
        return services.booth_state(db.session, booth, _viewer_id(), utcnow())

    def presence_row(edition, booth_id: int) -> dict[str, Any] | None:
        """One booth card's figures, from one snapshot of the edition per request."""
        cache = g.setdefault("live_edition_snapshots", {})
        if edition.id not in cache:
            cache[edition.id] = edition_snapshot(edition)
        return cache[edition.id]["by_booth"].get(booth_id)

    def chat_me(booth) -> str:
        """The signed-in viewer's chat id on this booth (the chat page compares it with authors'), or ''."""
        return chat.chat_id(booth.id, current_user.id) if current_user.is_authenticated else ""

    return {"live_edition_snapshot": edition_snapshot, "live_booth_snapshot": booth_snapshot, "live_chat_me": chat_me,
            "live_presence_row": presence_row, "live_followable": lambda e: e.status in services.FOLLOWABLE}


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
