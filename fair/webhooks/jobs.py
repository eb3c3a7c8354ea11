"""The webhook jobs: send deliveries once their change is committed, and the periodic sweep that sends
what is due again (retries, and rows whose first job was lost while Redis was down)."""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from fair.clock import now
from fair.db import begin_sqlite_write, db
from fair.jobs import job
from fair.webhooks import services
from fair.webhooks.models import WebhookDelivery

log = logging.getLogger("fair.webhooks")


@job(queue="default")
def send_deliveries(delivery_ids: list[str]) -> int:
    """Send each delivery still due (a delivery sent, taken by another job or paused is skipped)."""
    session = db.session
    return sum(deliver(session, delivery_id) for delivery_id in delivery_ids)


def deliver(session: Session, delivery_id: str) -> bool:
    """Claim (and commit), POST outside any write transaction, then record the answer (and commit)."""
    begin_sqlite_write(session)
    claimed = services.claim(session, delivery_id) is not None
    session.commit()
    if not claimed:
        return False
    delivery = session.get(WebhookDelivery, delivery_id)
    started_at = now()
    answer = services.post(delivery.subscription, delivery)
    session.rollback()  # end the read transaction before taking the writer
    begin_sqlite_write(session)
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # deleted with its subscription meanwhile
        session.rollback()
        return True
    services.record(session, delivery, answer, started_at)
    session.commit()
    return True


@job(queue="default")
def sweep_deliveries() -> list[str]:
    """Queue what is due: a retry's time has come, or a first send never ran."""
    ids = services.due(db.session)
    db.session.rollback()
    for start in range(0, len(ids), 50):
        send_deliveries.enqueue(ids[start:start + 50])
    if ids:
        log.info("webhooks: %d delivery(ies) due queued", len(ids))
    return ids
