"""Pages of the video domain: a booking's room, the device check, the waiting room and call, phone.

Only the room's recruiter and candidate see any of them; everyone else, including the other
recruiters of the same company, gets 404.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fair.access import owned_or_404
from fair.db import utcnow
from fair.extensions import db
from fair.jobdating.forms import OutcomeForm
from fair.jobdating.models import Booking
from fair.video import services
from fair.video.models import CallMode, CallRoom, CallSource
from fair.video.rooms import room_path
from fair.video.sockets import mode_changed

bp = Blueprint("video", __name__)


def _room(token: str) -> CallRoom:
    return owned_or_404(services.room_of(db.session, token, current_user.id))


def _timezone(room: CallRoom) -> str:
    return room.booth.edition.timezone or "Europe/Paris"


@bp.route("/call/booking/<int:booking_id>")
@login_required
def booking_room(booking_id: int):
    """A job-dating video booking's room, made the first time one of its two people opens it."""
    room = owned_or_404(services.room_for_booking(db.session, booking_id, current_user.id,
                                                  opens_before=current_app.config["CALL_OPENS_MINUTES_BEFORE"],
                                                  closes_after=current_app.config["CALL_CLOSES_MINUTES_AFTER"]))
    db.session.commit()
    if request.args.get("step") == "check":
        return redirect(url_for(".check", token=room.token))
    return redirect(room_path(room))


@bp.route("/call/<token>/check")
@login_required
def check(token: str):
    """Camera and microphone, tried before the interview (any time: the day before is fine)."""
    room = _room(token)
    return render_template("video/check.html", room=room, timezone=_timezone(room),
                           state=services.window_state(db.session, room), **_words_check())


def _outcome_target(room: CallRoom) -> dict[str, Any]:
    """Where the recruiter records how it went: the job-dating outcome form for a booking, the live
    desk for a queue call."""
    if room.source == CallSource.slot and room.booking_id:
        return {"booking": db.session.get(Booking, room.booking_id), "outcome_form": OutcomeForm(formdata=None)}
    return {"desk_url": f"/live/booths/{room.booth_id}/desk"}


@bp.route("/call/<token>")
@login_required
def room(token: str):
    room = _room(token)
    role = services.role_in(room, current_user.id)
    state = services.window_state(db.session, room)
    context: dict[str, Any] = {"room": room, "role": role, "state": state, "timezone": _timezone(room),
                               "candidate_label": services.candidate_label(db.session, room),
                               "phone": services.phone_view(room, current_user.id)}
    if role == "recruiter":
        context.update(_outcome_target(room))
    if state != "open":
        opens_in = max(0, int((room.opens_at - utcnow()).total_seconds()))
        return render_template("video/window.html", opens_in=opens_in, **context)
    if room.mode == CallMode.phone:
        return render_template("video/phone.html", **context)
    return render_template("video/room.html", words=_words_call(room, role), **context)


@bp.route("/call/<token>/phone", methods=["POST"])
@login_required
def phone(token: str):
    """Switch to phone: the candidate asks, the recruiter switches (or confirms the ask)."""
    room = _room(token)
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        result = services.ask_phone(db.session, room, current_user.id)
        db.session.commit()
    except services.CallRefused as refused:
        db.session.rollback()
        if wants_json:
            return jsonify({"ok": False, "error": str(refused.message), "code": refused.code}), 409
        flash(str(refused.message), "error")
        return redirect(room_path(room))

    mode_changed(room)
    if wants_json:
        return jsonify({"ok": True, "mode": room.mode.value, "result": result})
    if result == "requested":
        flash(_("The candidate has been asked to agree to continue by phone.") if room.recruiter_id == current_user.id
              else _("The recruiter has been asked to continue by phone."), "success")
    return redirect(room_path(room))


def _words_check() -> dict[str, Any]:
    return {"words": {
        "refused": _("You refused access to the camera or microphone. Allow it in your browser's settings "
                     "(the padlock or camera icon next to the address), then reload this page."),
        "no_camera": _("No camera was found. You can still take part with your microphone only, or ask "
                       "for a phone interview."),
        "no_device": _("No camera or microphone was found on this device. Ask for a phone interview: "
                       "the recruiter will call you."),
        "unsupported": _("This browser cannot make video calls. Open this page in a recent Firefox, "
                         "Chrome, Edge or Safari, or ask for a phone interview."),
        "ok": _("Your camera and microphone work."),
        "audio_only": _("Your microphone works (no camera)."),
    }}


def _words_call(room: CallRoom, role: str) -> dict[str, str]:
    peer_name = services.candidate_label(db.session, room) if role == "recruiter" else room.recruiter.full_name
    return {
        "waiting": (_("The candidate is not here yet.") if role == "recruiter"
                    else _("The recruiter will join you.")),
        "connecting": _("Connecting…"),
        "connected": _("In the interview with %(name)s.", name=peer_name),
        "reconnecting": _("The connection was lost: reconnecting…"),
        "peer_left": (_("The candidate has left the call.") if role == "recruiter"
                      else _("The recruiter has left the call.")),
        "left": _("You have left the call."),
        "replaced": _("This call continues in another window."),
        "moved": _("This interview has moved and no longer takes place in this room."),
        "cancelled": _("This interview has been cancelled."),
        "closed": _("This interview room has closed."),
        "refused": _("You refused access to the camera or microphone. Allow it in your browser's settings, "
                     "then reload this page, or ask for a phone interview."),
        "no_media": _("No camera or microphone is available: the other person will not see or hear you. "
                      "Ask for a phone interview."),
        "mute": _("Mute"), "unmute": _("Unmute"),
        "camera_off": _("Turn camera off"), "camera_on": _("Turn camera on"),
        "you": _("You"), "peer": peer_name, "said": _("%(name)s:"),
        "phone_requested": _("The candidate asks to continue by phone."),
        "phone_asked": (_("The candidate has been asked to agree to continue by phone.") if role == "recruiter"
                        else _("The recruiter has been asked to continue by phone.")),
        "phone_agree": _("Agree to continue by phone"),
        "error": _("Something went wrong on our side. Please try again later."),
    }
