"""The export jobs: build one file, and the periodic sweep of files past their 24 hours."""
from __future__ import annotations

import logging

from flask_babel import force_locale

from fair.db import begin_sqlite_write, db
from fair.exports import services
from fair.exports.models import Export
from fair.jobs import job

log = logging.getLogger("fair.exports")


@job(queue="bulk")
def build_export(export_id: int) -> bool:
    """Build the file of a queued export. Does nothing for one already claimed, done or failed; a
    build that raises fails the export for good (its partial file removed) rather than retrying."""
    session = db.session
    begin_sqlite_write(session)
    started = services.start(session, export_id)
    session.commit()
    if started is None:
        return False
    export, kind = started
    try:
        with force_locale(export.locale or "fr"):
            name, size = services.write_file(session, export, kind)
    except Exception:
        log.exception("export %s (%s) failed", export_id, kind.name)
        session.rollback()
        export = session.get(Export, export_id)
        begin_sqlite_write(session)
        services.fail(session, export, services.ERROR_FAILED)
        session.commit()
        return False
    session.rollback()  # end the build's read transaction before taking the writer
    export = session.get(Export, export_id)
    begin_sqlite_write(session)
    services.finish(export, name, size)
    session.commit()
    return True


@job(queue="default", request_context=False)
def sweep_exports() -> int:
    session = db.session
    begin_sqlite_write(session)
    deleted = services.sweep(session)
    session.commit()
    return deleted


@job(queue="default", request_context=False)
def remove_export_files(storage_name: str) -> int:
    """Delete an export's file once the change that dropped its row commits (erasure queues it)."""
    return services.remove_files(storage_name)
