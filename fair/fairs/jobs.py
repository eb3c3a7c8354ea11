"""Fair jobs: the invitation mail that brings a company or a partner into a fair, and a bulk
invitation list sent batch by batch."""
from __future__ import annotations

import logging

from flask import current_app, url_for
from rq import get_current_job
from sqlalchemy import select, update

from fair.db import db, utcnow
from fair.fairs import bulk, services
from fair.fairs.models import BulkInvitation, BulkRecipient, BulkStatus, Edition, Invitation
from fair.jobs import job
from fair.mail.outbox import queue_mail
from fair.mail.unsubscribe import unsubscribe_url
from fair.sockets import emit_from_worker
from fair.timezones import local_span_text

log = logging.getLogger("fair.fairs")


@job(queue="mail")
def send_invitation(invitation_id: int) -> bool:
    """Queue the invitation mail in the outbox; nothing if the invitation is gone, accepted or expired.

    The state is checked here, when the job runs, so an invitation accepted meanwhile is not
    mailed. The outbox key holds the RQ job id (kept by a retry of the same job): a retried job
    does not mail twice, while a resend, which is a new job, does mail again. The mail carries the
    edition, so a refused address shows in that edition's failed mail page.
    """
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or services.invitation_state(invitation, utcnow()) != "pending":
        log.info("invitation %s no longer pending: nothing sent", invitation_id)
        return False
    edition = invitation.edition
    current = get_current_job()
    send_id = current.id if current is not None else invitation.expires_at.isoformat()
    link = url_for("fairs.accept_invitation", token=services.invitation_token(invitation.id), _external=True)
    languages = current_app.config["LANGUAGES"]
    # The invitee has no account (so no language) yet: write in the fair's first language.
    locale = next((code for code in (edition.languages or []) if code in languages), "fr")
    row = queue_mail(db.session, to=invitation.email, template="invitation", locale=locale,
                     context={"invitation": invitation, "edition": edition, "link": link},
                     key=f"invitation:{invitation.id}:{send_id}", edition_id=edition.id)
    db.session.commit()
    log.info("invitation %s queued as outbox message %s", invitation_id, row.id)
    return True


@job(queue="bulk")
def send_bulk(bulk_id: int) -> int:
    """Queue the invitation mails of a list batch by batch; the number handed to the outbox by this run.

    Between two batches it reloads the list: a pause stops it there, and resume queues a new job that
    carries on with the rows not handed over yet. Each batch is one transaction (the outbox rows and
    the recipients' marks together), and its progress is emitted to the room `bulk:<id>` after commit.
    """
    handed = 0
    redis_url = current_app.config["REDIS_URL"]
    batch_size = max(1, int(current_app.config.get("BULK_BATCH_SIZE") or 50))
    while True:
        invitation = db.session.get(BulkInvitation, bulk_id, populate_existing=True)
        if invitation is None or invitation.status in (BulkStatus.paused, BulkStatus.done):
            db.session.rollback()
            return handed
        recipients = db.session.execute(
            select(BulkRecipient).where(BulkRecipient.bulk_id == bulk_id, BulkRecipient.queued_at.is_(None))
            .order_by(BulkRecipient.id).limit(batch_size)
        ).scalars().all()
        edition = db.session.get(Edition, invitation.edition_id)
        if recipients:
            link = url_for("accounts.register", next=url_for("public.fair", slug=edition.slug), _external=True)
            stamp = utcnow()
            for recipient in bulk.leave_out_unsubscribed(db.session, invitation, edition, recipients):
                queue_mail(
                    db.session, to=recipient.email, template=bulk.TEMPLATE, locale=recipient.locale,
                    context={"edition": edition, "name": recipient.name, "link": link,
                             "organiser": edition.organiser.name,
                             "unsubscribe": unsubscribe_url(recipient.email, edition.organiser_id),
                             "when": local_span_text(edition.starts_at, edition.ends_at, edition.timezone,
                                                     recipient.locale)},
                    key=f"bulk-{bulk_id}-{recipient.id}", edition_id=edition.id,
                )
                recipient.queued_at = stamp
                handed += 1
            db.session.flush()
        done = bulk.queued_count(db.session, bulk_id)  # handed over, or left out as unsubscribed
        sent = done - len(bulk.unsubscribed_rows(invitation))
        # A conditional update: a pause pressed meanwhile is not overwritten by this batch.
        db.session.execute(
            update(BulkInvitation)
            .where(BulkInvitation.id == bulk_id, BulkInvitation.status.in_((BulkStatus.queued, BulkStatus.running)))
            .values(sent=sent, updated_at=utcnow(),
                    status=BulkStatus.running if recipients and done < invitation.total else BulkStatus.done)
        )
        db.session.execute(update(BulkInvitation).where(BulkInvitation.id == bulk_id).values(sent=sent))
        db.session.commit()
        invitation = db.session.get(BulkInvitation, bulk_id, populate_existing=True)
        emit_from_worker(redis_url, "bulk_progress", bulk.bulk_state(invitation),
                                 bulk.bulk_room(invitation.id))
        if invitation.status == BulkStatus.done:
            log.info("bulk invitation %s: done, %s of %s queued", bulk_id, invitation.sent, invitation.total)
            return handed
