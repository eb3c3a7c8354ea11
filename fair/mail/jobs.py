"""Mail jobs: send outbox rows, and sweep what dead workers or lost enqueues left behind.

Both take ids only and reload the rows; running either twice is harmless (see outbox.py).
"""
from __future__ import annotations

from fair.db import db
from fair.jobs import job
from fair.mail import outbox


@job(queue="mail", request_context=False)
def send_messages(ids: list[int]) -> dict[str, int]:
    """Send the outbox rows `ids` that are still due (queue `mail`, or `bulk` for big batches)."""
    return outbox.send_batch(db.session, [int(i) for i in ids])


@job(queue="default", request_context=False)
def sweep_outbox() -> list[int]:
    """Re-enqueue rows stuck in queued, or in sending past their lease (periodic: workers/schedule.py)."""
    return outbox.sweep(db.session)
