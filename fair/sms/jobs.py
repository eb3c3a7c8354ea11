"""SMS jobs: collect the SMPP delivery receipts that came while no send batch was bound.

Why a periodic job rather than a listener always bound: an SMSC keeps the receipts of a system id
while none of its sessions is bound as a receiver and hands them over at the next bind (that is
what store-and-forward means), so binding once a minute loses nothing, and it needs no process of
its own, no leader among a fleet of workers and no reconnect loop; a send batch (a transceiver)
already takes the receipts that come while it is bound. A few minutes of delay on a "delivered"
mark is fine for people who read it hours later.
"""
from __future__ import annotations

import logging

from flask import current_app

from fair.db import db
from fair.jobs import job
from fair.mail.outbox import ConnectionFailure
from fair.sms import receipts
from fair.sms.smpp import drain

log = logging.getLogger("fair.sms")


@job(queue="default", request_context=False)
def drain_receipts() -> int:
    """Bind as a receiver, take the receipts waiting at the SMSC, apply them (periodic: workers/schedule.py)."""
    url = current_app.config.get("SMS_URL") or ""
    stored = 0
    if url.startswith("smpp://"):
        try:
            stored = drain(db.session, url)
        except ConnectionFailure as exc:
            log.warning("SMS receipts not collected this time: %s", exc)
    receipts.settle(db.session, receipts.apply_receipts(db.session))
    db.session.commit()
    return stored
