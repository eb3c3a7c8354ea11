"""Files built by a job: the one mechanism behind every export of the product.

A domain registers a kind once (`register(ExportKind(...))`, at import of its module); a view calls
`request_export`, which writes an `Export` row and queues `fair.exports.jobs.build_export` after the
commit. The job checks again that the asker may still see the data (`may_download`), then calls the
kind's `build(session, params, progress, out)`, which writes the file to `out` and answers its
download name; `progress.total(n)` and `progress.advance(k)` are written in their own short
transactions, at most a few times a second, so the progress page sees them while the job runs.

The file is kept under a random name beside the uploads (shared by every web node and worker, never
under static/), served only to its asker by `/exports/<id>/download`, for EXPORT_TTL after it is
done; the periodic sweep deletes files and rows past their time.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from fair.clock import now
from fair.db import begin_sqlite_write
from fair.exports import jobs
from fair.exports.models import Export, ExportState

log = logging.getLogger("fair.exports")

EXPORT_TTL = dt.timedelta(hours=24)
STALE_RUN = dt.timedelta(hours=2)  # a job still queued or running after this lost its worker
PROGRESS_EVERY = 0.5  # seconds between two progress writes, at most
ACTIVE = (ExportState.queued, ExportState.running)

# What `Export.error` holds: a code the pages turn into words (never an exception's text).
ERROR_FAILED = "failed"
ERROR_FORBIDDEN = "forbidden"
ERROR_UNKNOWN_KIND = "unknown_kind"
ERROR_STALE = "stale"


class UnknownKind(ValueError):
    """No kind of export registered under this name."""


# ---------------------------------------------------------------- kinds

Build = Callable[[Session, dict[str, Any], "Progress", BinaryIO], str]
MayDownload = Callable[[Session, int, dict[str, Any]], bool]


@dataclass(frozen=True)
class ExportKind:
    """A kind of file. `build` writes it and answers its download name; `may_download(session,
    user_id, params)` says whether that person may (still) have it, asked again when the job runs."""

    name: str
    build: Build
    content_type: str
    may_download: MayDownload


_KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    """Make a kind known (at import of the module that defines it; registering it again replaces it)."""
    _KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> ExportKind | None:
    return _KINDS.get(name)


def kinds() -> list[str]:
    return sorted(_KINDS)


# ---------------------------------------------------------------- progress

class Progress:
    """How far a build is, written to its row in a separate short transaction at most every
    `every` seconds (and at `total`, and at the end), so readers see it while the job's own
    transaction is still open."""

    def __init__(self, bind: Any, export_id: int, every: float = PROGRESS_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.bind, self.export_id, self.every, self.clock = bind, export_id, every, clock
        self.done, self.count = 0, None
        self._written_at: float | None = None

    def total(self, n: int) -> None:
        self.count = max(0, int(n))
        self.flush()

    def advance(self, k: int = 1) -> None:
        self.done += k
        if self._written_at is None or self.clock() - self._written_at >= self.every:
            self.flush()

    def flush(self) -> None:
        self._written_at = self.clock()
        with Session(self.bind) as session:
            begin_sqlite_write(session)
            session.execute(update(Export).where(Export.id == self.export_id, Export.status == ExportState.running)
                            .values(progress_done=self.done, progress_total=self.count)
                            .execution_options(synchronize_session=False))
            session.commit()


# ---------------------------------------------------------------- files

@contextmanager
def text_file(out: BinaryIO, *, bom: bool = True) -> Iterator[TextIO]:
    """`out` as UTF-8 text for the csv module (newline="" as it asks), opened by a byte-order mark
    so that Excel reads the accents; `out` stays open for the caller."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        if bom:
            text.write("\ufeff")
        yield text
        text.flush()
    finally:
        text.detach()


def exports_folder() -> Path:
    """Beside the uploads (one folder every node and worker shares), never under static/."""
    uploads = current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")
    return Path(uploads) / "export-files"


def path_of(storage_name: str | None) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", storage_name or ""):
        raise ValueError("not a storage name")
    return exports_folder() / storage_name


def remove_files(storage_name: str | None) -> int:
    """Delete an export's file and any partial one; answers how many were there."""
    try:
        path = path_of(storage_name)
    except ValueError:
        return 0
    removed = 0
    for candidate in (path, path.with_suffix(".part")):
        if candidate.exists():
            candidate.unlink(missing_ok=True)
            removed += 1
    return removed


# ---------------------------------------------------------------- asking and reading

def request_export(session: Session, *, user: Any, kind: str, params: dict[str, Any] | None = None,
                   locale: str | None = None) -> Export:
    """A new export queued for its job after the commit, or the same one already under way (a
    second click). `locale` is the language the file is written in (the page's). Raises UnknownKind."""
    found = kind_of(kind)
    if found is None:
        raise UnknownKind(kind)
    params = dict(params or {})
    waiting = session.execute(select(Export).where(Export.user_id == user.id, Export.kind == kind,
                                                   Export.status.in_(ACTIVE))
                              .order_by(Export.id.desc())).scalars().all()
    for export in waiting:
        if export.params == params:
            return export
    export = Export(user_id=user.id, kind=kind, params=params, status=ExportState.queued, progress_done=0,
                    storage_name=secrets.token_hex(16), content_type=found.content_type,
                    locale=locale or getattr(user, "locale", None) or "fr", created_at=now())
    session.add(export)
    session.flush()
    jobs.build_export.after_commit(session, export.id)
    return export


def export_of(session: Session, export_id: int, user_id: int) -> Export | None:
    """The export for its asker; None (the view answers 404) for anyone else's or a swept one."""
    export = session.get(Export, export_id)
    return export if export is not None and export.user_id == user_id else None


def my_exports(session: Session, user_id: int) -> list[Export]:
    return list(session.execute(select(Export).where(Export.user_id == user_id)
                                .order_by(Export.created_at.desc(), Export.id.desc()).limit(100)).scalars())


def is_expired(export: Export) -> bool:
    return export.status is ExportState.done and (export.expires_at is None or export.expires_at <= now())


def downloadable(export: Export) -> bool:
    """Done, within its 24 hours, and its file still on disk."""
    if export.status is not ExportState.done or is_expired(export):
        return False
    try:
        return path_of(export.storage_name).is_file()
    except ValueError:
        return False


# ---------------------------------------------------------------- the build (the job owns the commits)

def start(session: Session, export_id: int) -> tuple[Export, ExportKind] | None:
    """Claim a queued export for building (conditional update: a duplicate job finds nothing), or
    fail it when its kind is gone or its asker may no longer see the data. The caller commits."""
    export = session.get(Export, export_id)
    if export is None or export.status is not ExportState.queued:
        return None
    kind = kind_of(export.kind)
    if kind is None:
        fail(session, export, ERROR_UNKNOWN_KIND)
        return None
    try:
        allowed = kind.may_download(session, export.user_id, dict(export.params or {}))
    except Exception:
        log.exception("export %s: could not tell whether its asker may have it", export.id)
        fail(session, export, ERROR_FAILED)
        return None
    if not allowed:
        fail(session, export, ERROR_FORBIDDEN)
        return None
    claimed = session.execute(update(Export).where(Export.id == export.id, Export.status == ExportState.queued)
                              .values(status=ExportState.running, progress_done=0)
                              .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return None
    session.refresh(export)
    return export, kind


def write_file(session: Session, export: Export, kind: ExportKind) -> tuple[str, int]:
    """Build the file under a temporary name, renamed once complete; answers (download name, size)."""
    folder = exports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = path_of(export.storage_name)
    partial = target.with_suffix(".part")
    progress = Progress(session.get_bind(), export.id)
    with open(partial, "wb") as out:
        name = kind.build(session, dict(export.params or {}), progress, out)
    progress.done = progress.count if progress.count is not None else progress.done
    progress.flush()
    os.chmod(partial, 0o600)
    partial.replace(target)
    return name, target.stat().st_size


def finish(export: Export, download_name: str, size: int) -> None:
    export.status, export.size, export.download_name = ExportState.done, size, download_name
    export.finished_at = now()
    export.expires_at = export.finished_at + EXPORT_TTL
    if export.progress_total is not None:
        export.progress_done = export.progress_total


def fail(session: Session, export: Export, code: str) -> None:
    """Failed for good: nothing kept but the reason's code (the asker may start again)."""
    remove_files(export.storage_name)
    export.status, export.error, export.finished_at = ExportState.failed, code, now()
    export.expires_at = now() + EXPORT_TTL  # the row says what happened for a day, then goes


def sweep(session: Session) -> int:
    """Fail builds a dead worker left, delete files and rows past their time. Answers the files deleted."""
    moment = now()
    for export in session.execute(select(Export).where(Export.status.in_(ACTIVE),
                                                       Export.created_at <= moment - STALE_RUN)).scalars():
        fail(session, export, ERROR_STALE)
    deleted = 0
    gone = select(Export.id, Export.storage_name).where(
        Export.status.in_((ExportState.done, ExportState.failed)),
        or_(Export.expires_at <= moment, Export.expires_at.is_(None)))
    rows = session.execute(gone).all()
    for _id, storage_name in rows:
        deleted += remove_files(storage_name)
    if rows:
        session.execute(delete(Export).where(Export.id.in_([row[0] for row in rows]))
                        .execution_options(synchronize_session=False))
    return deleted
