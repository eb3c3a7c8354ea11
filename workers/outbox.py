"""Outbox jobs: send claimed rows over one SMTP connection, and sweep what dead workers left behind.

Both take ids only and reload the rows; running either twice is harmless (see fair.notify.outbox).
"""
from __future__ import annotations

import logging

from fair.extensions import db
from workers.app import job_app

log = logging.getLogger("workers.outbox")


def send_messages(ids: list[int]) -> dict[str, int]:
    """Send the outbox rows `ids` that are still due (queue `mail`, or `bulk` for big batches)."""
    from fair.notify.outbox import send_batch

    app = job_app()
    with app.app_context():
        try:
            return send_batch(db.session, [int(i) for i in ids])
        finally:
            db.session.remove()


def sweep() -> list[int]:
    """Re-enqueue rows stuck in queued or in sending past their lease, then schedule the next sweep."""
    from fair.notify.outbox import _SWEEP_FLAG, ensure_sweeper
    from fair.notify.outbox import sweep as sweep_outbox

    app = job_app()
    with app.app_context():
        try:
            ids = sweep_outbox(db.session)
        finally:
            db.session.remove()
        from fair.redis_conn import get_redis

        get_redis().delete(_SWEEP_FLAG)
        ensure_sweeper()
        return ids
