"""The company pipeline's CSV, built by an export job (fair/exports): the filtered view, everyone in it."""
from __future__ import annotations

import csv
from typing import Any, BinaryIO

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from fair.candidates import followup
from fair.candidates.labels import status_label
from fair.companies.access import member_company
from fair.exports.services import ExportKind, Progress, register, text_file
from fair.forms import csv_cell
from fair.jobdating.forms import ATTENDANCE_LABELS, OUTCOME_LABELS
from fair.pipeline import services
from fair.web import local_date

KIND = "pipeline.csv"


def params_of(company_id: int, filters: services.PipelineFilters) -> dict[str, Any]:
    return {"company_id": company_id, "edition_id": filters.edition_id, "next_step": filters.next_step,
            "min_rating": filters.min_rating}


def _filters(params: dict[str, Any]) -> services.PipelineFilters:
    return services.PipelineFilters(edition_id=params.get("edition_id"), next_step=params.get("next_step"),
                                    min_rating=params.get("min_rating"))


def status_text(row: services.PipelineRow) -> tuple[str, str]:
    """The status (the latest application's, else the interview's attendance) and the interview's outcome."""
    booking = row.booking
    status = status_label(row.status) if row.status else ""
    if not status and booking is not None and booking.attendance:
        status = str(ATTENDANCE_LABELS[booking.attendance])
    elif not status and booking is not None:
        status = _("Interview booked")
    outcome = str(OUTCOME_LABELS[booking.outcome]) if booking is not None and booking.outcome else ""
    return status, outcome


def _csv_values(row: services.PipelineRow, referrers: dict[int, str]) -> list:
    status, outcome = status_text(row)
    tz = row.edition.timezone if row.edition else None
    notes = "\n".join(f"{note.author.full_name if note.author else _('A former colleague')} "
                      f"({local_date(note.created_at, tz, 'short')}): {note.body}" for note in row.notes)
    return [row.name, row.edition.title if row.edition else "", row.rating or "",
            services.next_step_label(row.next_step), status, outcome,
            row.last_contact.date().isoformat() if row.last_contact else "", notes,
            referrers.get(row.candidate_id, "") if row.named else ""]


def may_download(session: Session, user_id: int, params: dict[str, Any]) -> bool:
    """Still a member of the company when the job runs."""
    return member_company(params.get("company_id"), user_id) is not None


def build(session: Session, params: dict[str, Any], progress: Progress, out: BinaryIO) -> str:
    """A chunk of people at a time: memory does not grow with the people met."""
    company_id, filters = int(params["company_id"]), _filters(params)
    progress.total(services.pipeline(session, company_id, filters, 1, 1)[1])
    with text_file(out) as text:
        writer = csv.writer(text)
        writer.writerow([_("Person"), _("Fair"), _("Rating"), _("Next step"), _("Status"), _("Outcome"),
                         _("Last contact"), _("Notes"), _("Referred by")])
        for rows in services.pipeline_in_chunks(session, company_id, filters):
            referrers = followup.referrers_of(session, [row.candidate_id for row in rows if row.named])
            for row in rows:
                writer.writerow([csv_cell(value) for value in _csv_values(row, referrers)])
            progress.advance(len(rows))
    return f"pipeline-{company_id}.csv"


register(ExportKind(KIND, build, "text/csv; charset=utf-8", may_download))
