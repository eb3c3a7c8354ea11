"""Candidates' jobs: a CV file is removed once the row that named it is gone."""
from __future__ import annotations

import logging

from sqlalchemy import select

from fair.candidates import storage
from fair.candidates.models import CandidateCv
from fair.db import db
from fair.jobs import job

log = logging.getLogger("fair.candidates")


@job(queue="default", request_context=False)
def remove_cv_file(storage_name: str) -> bool:
    """Delete a CV file whose row was deleted; nothing if a row still names it (a rolled-back delete)."""
    if db.session.execute(select(CandidateCv.id).where(CandidateCv.storage_name == storage_name)).first():
        log.info("CV file %s still in use: kept", storage_name)
        return False
    storage.remove(storage_name)
    log.info("CV file %s removed", storage_name)
    return True
