"""The CSV of a booth's applications (the recruiter's inbox, filtered), built by an export job."""
from __future__ import annotations

import csv
from typing import Any, BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from fair.candidates import followup, labels, services
from fair.candidates.models import ApplicationStatus, CandidateProfile
from fair.companies.access import recruiter_booth
from fair.companies.models import Booth
from fair.exports.services import ExportKind, Progress, register, text_file
from fair.forms import csv_cell

KIND = "applications.csv"


def params_of(booth_id: int, filters: services.InboxFilters) -> dict[str, Any]:
    return {"booth_id": booth_id, "offer_id": filters.offer_id,
            "status": filters.status.value if filters.status else None, "with_cv": filters.with_cv}


def _filters(params: dict[str, Any]) -> services.InboxFilters:
    status = params.get("status")
    return services.InboxFilters(offer_id=params.get("offer_id"), status=ApplicationStatus(status) if status else None,
                                 with_cv=bool(params.get("with_cv")))


def profiles_of(session: Session, applications) -> dict:
    ids = {a.candidate_id for a in applications}
    if not ids:
        return {}
    rows = session.execute(select(CandidateProfile).where(CandidateProfile.user_id.in_(ids))).scalars()
    return {p.user_id: p for p in rows}


def may_download(session: Session, user_id: int, params: dict[str, Any]) -> bool:
    """Still a member of the booth's company when the job runs."""
    return recruiter_booth(params.get("booth_id"), user_id) is not None


def build(session: Session, params: dict[str, Any], progress: Progress, out: BinaryIO) -> str:
    booth = session.get(Booth, int(params["booth_id"]))
    items, total = services.inbox(booth, _filters(params))
    progress.total(total)
    profiles = profiles_of(session, items)
    referrers = followup.referrers_of(session, [a.candidate_id for a in items])
    with text_file(out) as text:
        writer = csv.writer(text)
        writer.writerow([_("Application"), _("Candidate"), _("Email"), _("Phone"), _("Offer"), _("Status"),
                         _("Skills"), _("Languages"), _("Availability"), _("Sent on"), _("Referred by")])
        for application in items:
            hidden = services.is_anonymised(application)
            profile = profiles.get(application.candidate_id)
            candidate = application.candidate
            writer.writerow([csv_cell(value) for value in [
                services.pseudonym(application),
                _("Anonymous candidate") if hidden else candidate.full_name,
                "" if hidden else candidate.email,
                "" if hidden else (candidate.phone or ""),
                application.offer.title, labels.status_label(application.status),
                profile.skills if profile else "", profile.languages if profile else "",
                profile.availability if profile else "", application.created_at.date().isoformat(),
                "" if hidden else referrers.get(application.candidate_id, ""),
            ]])
            progress.advance()
    return f"applications-booth-{booth.id}.csv"


register(ExportKind(KIND, build, "text/csv; charset=utf-8", may_download))
