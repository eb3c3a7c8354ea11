"""Download my data: ask for an export, follow it being built, fetch it once."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from fair.extensions import db
from fair.forms import ConfirmForm
from fair.privacy import export as exports
from fair.privacy.models import DataExport, ExportStatus
from fair.web import local_datetime

bp = Blueprint("exports", __name__)

STATUS_LABELS = {
    ExportStatus.queued: _l("Waiting to start"),
    ExportStatus.building: _l("Being built"),
    ExportStatus.ready: _l("Ready to download"),
    ExportStatus.downloaded: _l("Downloaded"),
    ExportStatus.expired: _l("Link expired"),
    ExportStatus.failed: _l("Failed"),
}


def _state(export: DataExport | None) -> dict:
    """What the page and its script show; the link only to its owner, only while it works."""
    if export is None:
        return {"status": None, "progress": 0, "label": "", "link": None, "until": None}
    usable = exports.active_export(db.session, export.user_id)
    status = export.status
    if status is ExportStatus.ready and (usable is None or usable.id != export.id):
        status = ExportStatus.expired
    ready = status is ExportStatus.ready
    return {"id": export.id, "status": status.value, "progress": export.progress,
            "label": str(STATUS_LABELS[status]),
            "link": exports.download_url(export) if ready else None,
            "until": _("The link works once, until %(time)s.",
                       time=local_datetime(export.expires_at, fmt="short")) if ready else None}


def _page(form: ConfirmForm, error: str | None = None, status: int = 200):
    export = exports.latest_export(db.session, current_user.id)
    state = _state(export)
    return render_template("privacy/export.html", form=form, export=export, state=state, error=error,
                           can_ask=exports.active_export(db.session, current_user.id) is None,
                           hours=int(exports.EXPORT_TTL.total_seconds() // 3600),
                           daily_limit=exports.DAILY_LIMIT), status


@bp.route("/account/export", methods=["GET", "POST"])
@login_required
def export_page():
    form = ConfirmForm()
    if not form.is_submitted():
        return _page(ConfirmForm(formdata=None))
    if not form.validate():
        abort(400)
    try:
        exports.request_export(db.session, current_user._get_current_object())
    except exports.ExportThrottled as throttled:
        db.session.rollback()
        return _page(form, _("You asked for %(num)d exports in the last 24 hours. You can ask again from "
                             "%(time)s.", num=exports.DAILY_LIMIT,
                             time=local_datetime(throttled.retry_at, fmt="short")), 429)
    db.session.commit()
    return redirect(url_for(".export_page"), 303)


@bp.route("/account/export/status")
@login_required
def export_status():
    return jsonify(_state(exports.latest_export(db.session, current_user.id)))


@bp.route("/account/export/download/<secret>")
@login_required
def download(secret: str):
    export = exports.export_for_download(db.session, secret, current_user.id)
    if export is None:
        abort(404)
    refusal = exports.claim_download(db.session, export)
    if refusal is not None:
        db.session.rollback()
        return render_template("privacy/export_gone.html", reason=refusal.value), 410
    db.session.commit()  # spent before the first byte leaves
    path = exports.file_of(export)
    handle = open(path, "rb")  # noqa: SIM115  (closed by the WSGI server once sent)
    path.unlink()  # off the disk now: the open handle still reads it, nothing else can
    response = send_file(handle, mimetype="application/zip", as_attachment=True,
                         download_name=f"my-data-{export.ready_at:%Y-%m-%d}.zip", max_age=0,
                         conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
