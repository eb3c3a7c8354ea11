"""Candidates' jobs (queue `default`): files removed once the rows that named them are gone."""
from __future__ import annotations

import logging

from workers.app import job_app

log = logging.getLogger("workers.candidates")


def remove_cv_file(storage_name: str) -> bool:
    """Delete a CV file whose row was deleted; nothing if a row still names it (a rolled-back delete)."""
    from sqlalchemy import select

    from fair.candidates import storage
    from fair.candidates.models import CandidateCv
    from fair.extensions import db

    app = job_app()
    with app.app_context():
        if db.session.execute(select(CandidateCv.id).where(CandidateCv.storage_name == storage_name)).first():
            log.info("CV file %s still in use: kept", storage_name)
            return False
        storage.remove(storage_name)
        log.info("CV file %s removed", storage_name)
        return True
