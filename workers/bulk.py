"""Bulk invitation job (queue `bulk`): hands a list's invitations to the outbox, batch by batch.

Between two batches it reloads the list: a pause stops it there, and resume queues a new job that
carries on with the rows not handed over yet. Each batch is one transaction (the outbox rows and the
recipients' marks together), and its progress is emitted to the room `bulk:<id>` after commit.
"""
from __future__ import annotations

import logging

from flask import url_for
from sqlalchemy import select, update

from fair.extensions import db
from workers.app import job_app

log = logging.getLogger("workers.bulk")


def send_bulk(bulk_id: int) -> int:
    """Queue the invitation mails of a list; the number handed to the outbox by this run."""
    from fair.db import utcnow
    from fair.fairs.models import Edition
    from fair.notify.bulk import queued_count
    from fair.notify.calendar import local_span_text
    from fair.notify.models import BulkInvitation, BulkRecipient, BulkStatus
    from fair.notify.outbox import queue_mail
    from fair.notify.sockets import bulk_room, bulk_state, emit_from_worker

    app = job_app()
    handed = 0
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        redis_url = app.config["REDIS_URL"]
        batch_size = max(1, int(app.config.get("BULK_BATCH_SIZE") or 50))
        while True:
            bulk = db.session.get(BulkInvitation, bulk_id, populate_existing=True)
            if bulk is None or bulk.status in (BulkStatus.paused, BulkStatus.done):
                db.session.rollback()
                return handed
            recipients = db.session.execute(
                select(BulkRecipient).where(BulkRecipient.bulk_id == bulk_id, BulkRecipient.queued_at.is_(None))
                .order_by(BulkRecipient.id).limit(batch_size)
            ).scalars().all()
            edition = db.session.get(Edition, bulk.edition_id)
            if recipients:
                link = url_for("accounts.register", next=url_for("public.fair", slug=edition.slug), _external=True)
                stamp = utcnow()
                for recipient in recipients:
                    queue_mail(
                        db.session, to=recipient.email, template="bulk_invitation", locale=recipient.locale,
                        context={"edition": edition, "name": recipient.name, "link": link,
                                 "organiser": edition.organiser.name,
                                 "when": local_span_text(edition.starts_at, edition.ends_at, edition.timezone,
                                                         recipient.locale)},
                        key=f"bulk-{bulk_id}-{recipient.id}", edition_id=edition.id,
                    )
                    recipient.queued_at = stamp
                handed += len(recipients)
                db.session.flush()
            sent = queued_count(db.session, bulk_id)
            # A conditional update: a pause pressed meanwhile is not overwritten by this batch.
            db.session.execute(
                update(BulkInvitation)
                .where(BulkInvitation.id == bulk_id, BulkInvitation.status.in_((BulkStatus.queued, BulkStatus.running)))
                .values(sent=sent, updated_at=utcnow(),
                        status=BulkStatus.running if recipients and sent < bulk.total else BulkStatus.done)
            )
            db.session.execute(update(BulkInvitation).where(BulkInvitation.id == bulk_id).values(sent=sent))
            db.session.commit()
            bulk = db.session.get(BulkInvitation, bulk_id, populate_existing=True)
            emit_from_worker(redis_url, "bulk_progress", bulk_state(bulk), bulk_room(bulk.id))
            if bulk.status == BulkStatus.done:
                log.info("bulk invitation %s: done, %s of %s queued", bulk_id, bulk.sent, bulk.total)
                return handed
