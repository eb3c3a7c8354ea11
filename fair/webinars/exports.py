"""The CSV of a webinar's registrations (organiser console), built by an export job."""
from __future__ import annotations

import csv
from typing import Any, BinaryIO

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from fair.exports.services import ExportKind, Progress, register, text_file
from fair.forms import csv_cell
from fair.web import local_datetime
from fair.webinars import services
from fair.webinars.access import organiser_webinar
from fair.webinars.models import RegistrationStatus, Webinar

KIND = "webinar-registrations.csv"


def status_labels() -> dict[RegistrationStatus, str]:
    return {RegistrationStatus.confirmed: _("Seat confirmed"), RegistrationStatus.waitlisted: _("On the waiting list"),
            RegistrationStatus.cancelled: _("Cancelled")}


def may_download(session: Session, user_id: int, params: dict[str, Any]) -> bool:
    """Still an organiser of the webinar's edition when the job runs."""
    return organiser_webinar(params.get("webinar_id"), user_id) is not None


def build(session: Session, params: dict[str, Any], progress: Progress, out: BinaryIO) -> str:
    webinar = session.get(Webinar, int(params["webinar_id"]))
    tz = webinar.edition.timezone
    labels = status_labels()
    rows = services.registrations(session, webinar.id)
    progress.total(len(rows))
    with text_file(out) as text:
        writer = csv.writer(text, delimiter=";")
        writer.writerow([_("Name"), _("Email"), _("Status"), _("Place on the waiting list"), _("Registered on"),
                         _("Joined at")])
        for row in rows:
            writer.writerow([csv_cell(v) for v in (
                row.user.full_name, row.user.email, labels[row.status],
                services.waitlist_position(session, row) or "",
                local_datetime(row.queued_at, tz, "short"), local_datetime(row.joined_at, tz, "short"))])
            progress.advance()
    return f"webinar-{webinar.id}-registrations.csv"


register(ExportKind(KIND, build, "text/csv; charset=utf-8", may_download))
