"""A person's "download my data" (right of access): the request, the job that builds the zip, the
one-time link, and the sweep that removes what is no longer wanted.

- **One export at a time.** Asking while one is queued, building or ready (and not expired) answers
  that one. New requests are limited to `DAILY_LIMIT` a day: each build reads every table about
  the person and writes their CVs again.
- **The link.** Its secret is an HMAC of the export's random storage name under SECRET_KEY, so the
  page and the ready mail show the same link without the secret being stored anywhere: the database
  keeps its SHA-256 (`DataExport.token_hash`), and the job's arguments are ids only. The link works
  for the signed-in owner only, once, until `expires_at` (24 hours after the zip is ready).
- **The file leaves the disk as the download starts.** The download marks the export downloaded and
  commits, opens the file, unlinks it and streams from the open handle (a broken transfer means
  asking again: the data must not outlive the link's one use). The periodic
  sweep (`sweep_exports`, workers/schedule.py) deletes the files of exports downloaded, expired or
  failed whose file is still there (a process that died mid-stream), marks ready exports past
  their time expired, and fails builds a dead worker left behind.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Table, false, func, or_, select, update
from sqlalchemy.orm import Session

from fair import (
    instance,
    models,  # noqa: F401  (every table in Base.metadata before the walk)
)
from fair.accounts.models import User
from fair.accounts.services import lock_user
from fair.candidates import storage
from fair.candidates.models import CandidateCv
from fair.clock import now
from fair.db import Base, db
from fair.jobs import job
from fair.mail.models import OutboxMessage
from fair.mail.outbox import queue_mail
from fair.privacy import export_fields as fields
from fair.privacy.models import DataExport, ExportStatus
from fair.security import hash_token

log = logging.getLogger("fair.privacy")

EXPORT_TTL = dt.timedelta(hours=24)
DAILY_LIMIT = 3
STALE_BUILD = dt.timedelta(hours=2)  # a build still running after this lost its worker
SWEEP_LOOKBACK = dt.timedelta(days=7)  # older exports had their files removed by earlier sweeps
ACTIVE = (ExportStatus.queued, ExportStatus.building, ExportStatus.ready)
GONE = (ExportStatus.downloaded, ExportStatus.expired, ExportStatus.failed)


class ExportThrottled(Exception):
    """Too many exports asked for in a day; `retry_at` says when the next one may be asked for."""

    def __init__(self, retry_at: dt.datetime) -> None:
        super().__init__(retry_at.isoformat())
        self.retry_at = retry_at


class DownloadRefusal(str, enum.Enum):
    downloaded = "downloaded"
    expired = "expired"
    not_ready = "not_ready"


# ---------------------------------------------------------------- files and the link secret

def exports_folder() -> Path:
    """Beside the CVs under UPLOAD_FOLDER (never under static/): files only a checked view reads."""
    return storage.upload_folder().parent / "exports"


def path_of(storage_name: str | None) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", storage_name or ""):
        raise ValueError("not a storage name")
    return exports_folder() / f"{storage_name}.zip"


def file_of(export: DataExport) -> Path:
    return path_of(export.storage_name)


def remove_file(export: DataExport) -> None:
    remove_export_file(export.storage_name)


@job(queue="default", request_context=False)
def remove_export_file(storage_name: str | None) -> bool:
    """Delete an export's zip (nothing if it is already gone); erasure queues it after its commit."""
    try:
        path_of(storage_name).unlink()
    except (FileNotFoundError, ValueError):
        return False
    return True


def link_secret(export: DataExport) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"data-export:{export.storage_name}".encode(), hashlib.sha256).hexdigest()


def download_url(export: DataExport, external: bool = False) -> str:
    return url_for("exports.download", secret=link_secret(export), _external=external)


# ---------------------------------------------------------------- asking and reading

def latest_export(session: Session, user_id: int) -> DataExport | None:
    return session.execute(select(DataExport).where(DataExport.user_id == user_id)
                           .order_by(DataExport.created_at.desc(), DataExport.id.desc()).limit(1)).scalar()


def active_export(session: Session, user_id: int) -> DataExport | None:
    """The export the person is waiting for or may still download, if any."""
    export = latest_export(session, user_id)
    if export is None or export.status not in ACTIVE:
        return None
    if export.status is ExportStatus.ready and export.expires_at and export.expires_at <= now():
        return None
    return export


def request_export(session: Session, user: User) -> DataExport:
    """A new export queued for building, or the one already under way. Raises ExportThrottled."""
    lock_user(session, user.id)  # two clicks at once make one export
    running = active_export(session, user.id)
    if running is not None:
        return running
    since = now() - dt.timedelta(days=1)
    recent = session.execute(select(DataExport.created_at).where(DataExport.user_id == user.id,
                                                                 DataExport.created_at > since)
                             .order_by(DataExport.created_at)).scalars().all()
    if len(recent) >= DAILY_LIMIT:
        raise ExportThrottled(recent[-DAILY_LIMIT] + dt.timedelta(days=1))
    export = DataExport(user_id=user.id, status=ExportStatus.queued, progress=0,
                        storage_name=secrets.token_hex(16), created_at=now())
    export.token_hash = hash_token(link_secret(export))
    session.add(export)
    session.flush()
    build_export.after_commit(session, export.id)
    return export


def export_for_download(session: Session, secret: str, user_id: int) -> DataExport | None:
    """The export this link opens for this person; None (the view answers 404) for anyone else's."""
    export = session.execute(select(DataExport).where(DataExport.token_hash == hash_token(secret))).scalar()
    return export if export is not None and export.user_id == user_id else None


def claim_download(session: Session, export: DataExport) -> DownloadRefusal | None:
    """Mark the export downloaded (the caller commits before streaming); or say why it cannot be."""
    if export.status is ExportStatus.downloaded:
        return DownloadRefusal.downloaded
    if export.status is ExportStatus.expired or (
            export.status is ExportStatus.ready and export.expires_at and export.expires_at <= now()):
        return DownloadRefusal.expired
    if export.status is not ExportStatus.ready or not file_of(export).is_file():
        return DownloadRefusal.not_ready
    claimed = session.execute(update(DataExport).where(DataExport.id == export.id,
                                                       DataExport.status == ExportStatus.ready)
                              .values(status=ExportStatus.downloaded, downloaded_at=now())
                              .execution_options(synchronize_session=False)).rowcount
    if not claimed:  # another request took it first
        return DownloadRefusal.downloaded
    session.refresh(export)
    return None


# ---------------------------------------------------------------- what is about the person

def user_tables() -> list[tuple[Table, list[str]]]:
    """Every table with a foreign key to users.id, and those columns, from the schema itself."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = sorted({fk.parent.name for fk in table.foreign_keys
                          if fk.column.table.name == "users" and fk.column.name == "id"})
        if columns:
            found.append((table, columns))
    return found


def _user_columns(table: Table) -> set[str]:
    return {fk.parent.name for fk in table.foreign_keys if fk.column.table.name == "users"}


def _is_excluded(table: str, column: str) -> bool:
    return ("*", column) in fields.EXCLUDED or (table, column) in fields.EXCLUDED


def exported_name(table: Table, column: str) -> str:
    """The field name a column takes in the export: a user key becomes `<role>_name`."""
    if column in _user_columns(table):
        return column.removesuffix("_id") + "_name"
    return column


def exported_fields(table: Table) -> list[str]:
    return [exported_name(table, c.name) for c in table.columns if not _is_excluded(table.name, c.name)]


def rows_about(session: Session, table: Table, user: User) -> list[dict[str, Any]]:
    """The rows of `table` about the person, as they leave: see fair/privacy/export_fields.py."""
    if table.name == "users":
        where = table.c.id == user.id
    elif table.name in fields.REACHABLE:
        how = fields.REACHABLE[table.name]
        if how[0] == "via":
            _, column, parent_name, parent_column = how
            parent = Base.metadata.tables[parent_name]
            parents = select(parent.c.id).where(parent.c[parent_column] == user.id)
            where = table.c[column].in_(parents)
        elif how[0] == "object":
            where = (table.c.object_type == how[1]) & (table.c.object_id == user.id)
        else:
            where = func.lower(table.c[how[1]]) == user.email.lower() if user.email else false()
        own = [table.c[name] == user.id for name in _user_columns(table)]
        where = or_(where, *own)
    else:
        where = or_(*[table.c[name] == user.id for name in _user_columns(table)])
    rows = session.execute(select(table).where(where).order_by(*table.primary_key.columns)).mappings().all()
    names = _names(session, table, rows)
    result = []
    for row in rows:
        item = {}
        for column in table.columns:
            name = column.name
            if _is_excluded(table.name, name):
                continue
            value = row[name]
            owner = fields.OWNED_BY.get((table.name, name))
            if owner is not None and row[owner] != user.id:
                value = None
            if name in _user_columns(table) and table.name != "users":
                value = names.get(value)
            item[exported_name(table, name)] = _plain(value)
        result.append(item)
    return result


def _names(session: Session, table: Table, rows) -> dict[int, str]:
    ids = {row[name] for row in rows for name in _user_columns(table) if row[name] is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def exported_tables() -> list[Table]:
    """The tables whose rows an export carries: the user walk, the reachable ones, the account row."""
    tables = [Base.metadata.tables["users"]] + [table for table, _ in user_tables()]
    tables += [Base.metadata.tables[name] for name in fields.REACHABLE
               if Base.metadata.tables[name] not in tables]
    return tables


def mails_to(session: Session, user: User) -> list[OutboxMessage]:
    if not user.email:  # a phone-only account: no mail
        return []
    return list(session.execute(select(OutboxMessage)
                                .where(func.lower(OutboxMessage.to_address) == user.email.lower(),
                                       OutboxMessage.channel == "mail")
                                .order_by(OutboxMessage.created_at, OutboxMessage.id)).scalars())


def safe_file_name(name: str, fallback: str) -> str:
    """A name that is one plain path component in every unzip tool."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", name).strip(" .")
    return name[:120] or fallback


# ---------------------------------------------------------------- the documentation of the zip

def field_description(table: str, field: str) -> str | None:
    text = fields.TABLE_FIELDS.get((table, field)) or fields.FIELDS.get(field)
    return str(text) if text is not None else None


def documentation() -> dict[str, Any]:
    """file → {"description", "fields": {field: meaning}}, in the current language."""
    files: dict[str, Any] = {}
    for table in exported_tables():
        files[f"{table.name}.json"] = {
            "description": str(fields.TABLES.get(table.name, "")),
            "fields": {name: field_description(table.name, name) or "" for name in exported_fields(table)},
        }
    for name, text in fields.OTHER_FILES.items():
        files[name] = {"description": str(text), "fields": {}}
    return files


def excluded_columns() -> list[tuple[str, str, str]]:
    return [(table, column, str(why)) for (table, column), why in fields.EXCLUDED.items()]


def readme_text(built_at: dt.datetime) -> str:
    site = instance.current(db.session).name
    lines = [_("Your data on %(site)s, as of %(date)s (times in UTC, ISO 8601).", site=site, date=_plain(built_at)),
             "",
             _("Each .json file is a list of rows: one object per row, field → value. Other people "
               "appear only by the name the platform showed you."), ""]
    for name, doc in documentation().items():
        lines.append(f"{name}: {doc['description']}")
        for field, meaning in doc["fields"].items():
            lines.append(f"  - {field}: {meaning}")
        lines.append("")
    lines.append(_("Never exported, and why:"))
    for table, column, why in excluded_columns():
        lines.append(f"  - {'*' if table == '*' else table}.{column}: {why}")
    return "\n".join(lines) + "\n"


def docs_markdown() -> str:
    """The section of docs/personal-data.md, in English, from the same source as README.txt."""
    with force_locale("en"):
        out = ["| File | Holds | Fields |", "|---|---|---|"]
        for name, doc in documentation().items():
            described = "; ".join(f"`{f}` {m[:1].lower()}{m[1:]}" if m else f"`{f}`"
                                  for f, m in doc["fields"].items())
            out.append(f"| `{name}` | {doc['description']} | {described} |")
        out += ["", "Never exported:", ""]
        out += [f"- `{table}.{column}`: {why}" for table, column, why in excluded_columns()]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- building

def _steps() -> Iterator[tuple[str, Table | None]]:
    for table in exported_tables():
        yield "table", table
    yield "cvs", None
    yield "mails", None
    yield "readme", None


def build(session: Session, export: DataExport, user: User) -> Path:
    """Write the zip (to a temporary name, renamed when complete), committing progress as it goes."""
    folder = exports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = file_of(export)
    partial = target.with_suffix(".part")
    steps = list(_steps())
    named: dict[str, set[int]] = {name: set() for name in fields.NAMED}
    with force_locale(user.locale or "fr"), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, (kind, table) in enumerate(steps, start=1):
            if kind == "table":
                rows = rows_about(session, table, user)
                if rows:
                    archive.writestr(f"{table.name}.json", json.dumps(rows, ensure_ascii=False, indent=2))
                    _collect_references(table, rows, named)
            elif kind == "cvs":
                _write_cvs(session, archive, user)
            elif kind == "mails":
                _write_mails(session, archive, user)
            else:
                archive.writestr("README.txt", readme_text(now()))
                archive.writestr("fields.json", json.dumps(documentation(), ensure_ascii=False, indent=2))
                archive.writestr("references.json", json.dumps(references(session, named), ensure_ascii=False,
                                                               indent=2))
            export.progress = min(99, done * 100 // len(steps))
            session.commit()
    os.chmod(partial, 0o600)
    partial.replace(target)
    return target


def _collect_references(table: Table, rows: list[dict[str, Any]], named: dict[str, set[int]]) -> None:
    for fk in table.foreign_keys:
        target = fk.column.table.name
        if target in named and fk.parent.name in rows[0]:
            named[target].update(row[fk.parent.name] for row in rows if row[fk.parent.name] is not None)


def references(session: Session, named: dict[str, set[int]]) -> dict[str, dict[str, str]]:
    """table → number → name, for the public things the rows point at (a company, a fair, an offer)."""
    result = {}
    for name, ids in named.items():
        table = Base.metadata.tables[name]
        label = table.c[fields.NAMED[name]]
        found = session.execute(select(table.c.id, label).where(table.c.id.in_(ids))).all() if ids else []
        result[name] = {str(number): text for number, text in sorted(found)}
    return result


def _write_cvs(session: Session, archive: zipfile.ZipFile, user: User) -> None:
    cvs = session.execute(select(CandidateCv).where(CandidateCv.user_id == user.id)
                          .order_by(CandidateCv.id)).scalars()
    for cv in cvs:
        try:
            path = storage.path_of(cv.storage_name)
        except ValueError:
            continue
        if path.is_file():
            name = safe_file_name(cv.original_name, f"cv.{cv.kind.value}")
            archive.write(path, f"cvs/{cv.id}-{name}")


def _write_mails(session: Session, archive: zipfile.ZipFile, user: User) -> None:
    for number, mail in enumerate(mails_to(session, user), start=1):
        when = mail.sent_at or mail.created_at
        head = [f"Subject: {mail.subject}", f"Date: {_plain(when)}", f"To: {mail.to_address}", ""]
        archive.writestr(f"mails/{number:04d}-{when:%Y%m%d-%H%M%S}.txt",
                         "\n".join(head) + "\n" + (mail.text_body or "") + "\n")


def mark_ready(session: Session, export: DataExport, user: User, size: int) -> None:
    """Ready for 24 hours; the mail with the link goes through the outbox in the same transaction."""
    export.status, export.progress, export.size = ExportStatus.ready, 100, size
    export.ready_at = now()
    export.expires_at = export.ready_at + EXPORT_TTL
    queue_mail(session, to=user.email, template="export_ready", locale=user.locale or "fr",
               key=f"export-ready-{export.id}",
               context={"user": user, "link": download_url(export, external=True),
                        "hours": int(EXPORT_TTL.total_seconds() // 3600)})


# ---------------------------------------------------------------- jobs

@job(queue="default")
def build_export(export_id: int) -> bool:
    session = db.session
    export = session.get(DataExport, export_id)
    if export is None or export.status not in (ExportStatus.queued, ExportStatus.building):
        return False
    user = session.get(User, export.user_id)
    export.status, export.progress = ExportStatus.building, 0
    session.commit()
    try:
        path = build(session, export, user)
    except Exception as error:
        session.rollback()
        log.exception("export %s failed", export_id)
        export = session.get(DataExport, export_id)
        export.status, export.error = ExportStatus.failed, type(error).__name__
        remove_file(export)
        session.commit()
        return False
    mark_ready(session, export, user, path.stat().st_size)
    session.commit()
    return True


def sweep(session: Session) -> int:
    """Expire what is past its time, fail builds left behind, delete files nobody may fetch. Answers
    the number of files deleted."""
    moment = now()
    session.execute(update(DataExport).where(DataExport.status == ExportStatus.ready,
                                             DataExport.expires_at <= moment)
                    .values(status=ExportStatus.expired).execution_options(synchronize_session=False))
    session.execute(update(DataExport).where(DataExport.status.in_((ExportStatus.queued, ExportStatus.building)),
                                             DataExport.created_at <= moment - STALE_BUILD)
                    .values(status=ExportStatus.failed, error="stale")
                    .execution_options(synchronize_session=False))
    deleted = 0
    recent = or_(DataExport.created_at > moment - SWEEP_LOOKBACK, DataExport.expires_at > moment - SWEEP_LOOKBACK)
    for export in session.execute(select(DataExport).where(DataExport.status.in_(GONE), recent)).scalars():
        try:
            path = file_of(export)
        except ValueError:
            continue
        for candidate in (path, path.with_suffix(".part")):
            if candidate.exists():
                candidate.unlink(missing_ok=True)
                deleted += 1
    return deleted


@job(queue="default", request_context=False)
def sweep_exports() -> int:
    deleted = sweep(db.session)
    db.session.commit()
    return deleted
