"""The export pages: one export's progress (`/exports/<id>`, live through `/exports/<id>.json`), its
download, and the person's list of exports. Only the person who asked sees any of it: 404 for others.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from fair.access import owned_or_404
from fair.exports import services
from fair.exports.models import Export, ExportState
from fair.extensions import db
from fair.web import local_datetime

bp = Blueprint("export_files", __name__)

STATUS_LABELS = {
    ExportState.queued: _l("Waiting to start"),
    ExportState.running: _l("Being prepared"),
    ExportState.done: _l("Ready to download"),
    ExportState.failed: _l("Failed"),
}
ERRORS = {
    services.ERROR_FORBIDDEN: _l("You can no longer see this data, so the file was not made."),
    services.ERROR_UNKNOWN_KIND: _l("This kind of file can no longer be made."),
    services.ERROR_STALE: _l("It took too long and was stopped. Start it again from the page you came from."),
    services.ERROR_FAILED: _l("Something went wrong while preparing the file, and nothing was kept. Start it "
                              "again from the page you came from; if it fails again, contact the administrator "
                              "of the platform."),
}


def state(export: Export) -> dict:
    """What the page and its script show."""
    expired = services.is_expired(export)
    ready = services.downloadable(export)
    status = "expired" if expired or (export.status is ExportState.done and not ready) else export.status.value
    label = _("No longer kept") if status == "expired" else str(STATUS_LABELS[export.status])
    return {
        "id": export.id, "status": status, "label": label, "done": export.progress_done,
        "total": export.progress_total, "percent": export.percent,
        "counted": _("%(done)s of %(total)s", done=export.progress_done, total=export.progress_total)
        if export.progress_total else "",
        "download": url_for(".download", export_id=export.id) if ready else None,
        "name": export.download_name or "",
        "until": _("Kept until %(time)s.", time=local_datetime(export.expires_at, fmt="short")) if ready else "",
        "error": str(ERRORS.get(export.error or "", ERRORS[services.ERROR_FAILED]))
        if export.status is ExportState.failed else "",
    }


@bp.route("/exports")
@login_required
def mine():
    exports = services.my_exports(db.session, current_user.id)
    return render_template("exports/list.html", exports=exports, states={e.id: state(e) for e in exports},
                           hours=int(services.EXPORT_TTL.total_seconds() // 3600))


@bp.route("/exports/<int:export_id>")
@login_required
def show(export_id: int):
    export = owned_or_404(services.export_of(db.session, export_id, current_user.id))
    return render_template("exports/export.html", export=export, state=state(export),
                           hours=int(services.EXPORT_TTL.total_seconds() // 3600))


@bp.route("/exports/<int:export_id>.json")
@login_required
def status(export_id: int):
    export = owned_or_404(services.export_of(db.session, export_id, current_user.id))
    response = jsonify(state(export))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/exports/<int:export_id>/download")
@login_required
def download(export_id: int):
    export = owned_or_404(services.export_of(db.session, export_id, current_user.id))
    if not services.downloadable(export):
        if export.status is ExportState.done:
            return render_template("exports/export.html", export=export, state=state(export),
                                   hours=int(services.EXPORT_TTL.total_seconds() // 3600)), 410
        abort(404)
    response = send_file(services.path_of(export.storage_name), mimetype=export.content_type, as_attachment=True,
                         download_name=export.download_name or "export", max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
