"""The audit log's CSV (administrators), built by an export job."""
from __future__ import annotations

import csv
import datetime as dt
from typing import Any, BinaryIO

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fair.accounts.models import User
from fair.admin import services
from fair.audit import AuditEntry
from fair.exports.services import ExportKind, Progress, register, text_file
from fair.forms import csv_cell

KIND = "audit.csv"
CHUNK = 1000


def params_of(filters: services.AuditFilters) -> dict[str, Any]:
    return {"actor": filters.actor, "action": filters.action, "object_type": filters.object_type,
            "date_from": filters.date_from.isoformat() if filters.date_from else None,
            "date_to": filters.date_to.isoformat() if filters.date_to else None, "zone": filters.zone}


def _filters(params: dict[str, Any]) -> services.AuditFilters:
    day = lambda value: dt.date.fromisoformat(value) if value else None  # noqa: E731
    return services.AuditFilters(actor=params.get("actor") or "", action=params.get("action") or "",
                                 object_type=params.get("object_type") or "", date_from=day(params.get("date_from")),
                                 date_to=day(params.get("date_to")), zone=params.get("zone") or services.DEFAULT_ZONE)


def details_text(entry: AuditEntry) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted((entry.details or {}).items()))


def may_download(session: Session, user_id: int, params: dict[str, Any]) -> bool:
    """Still an administrator when the job runs."""
    user = session.get(User, user_id)
    return user is not None and bool(user.is_admin)


def build(session: Session, params: dict[str, Any], progress: Progress, out: BinaryIO) -> str:
    query = services.audit_query(_filters(params))
    progress.total(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    with text_file(out) as text:
        writer = csv.writer(text)
        writer.writerow([_("When (UTC)"), _("Actor"), _("Action"), _("Object type"), _("Object id"), _("Object"),
                         _("Organisation id"), _("Address"), _("Details")])
        for entry in session.execute(query.execution_options(yield_per=CHUNK)).scalars():
            writer.writerow([csv_cell(value) for value in (
                entry.created_at.isoformat(timespec="seconds"), entry.actor_email or _("command line"), entry.action,
                entry.object_type, entry.object_id, entry.object_label, entry.organisation_id, entry.ip_address,
                details_text(entry))])
            progress.advance()
    return "audit-log.csv"


register(ExportKind(KIND, build, "text/csv; charset=utf-8", may_download))
