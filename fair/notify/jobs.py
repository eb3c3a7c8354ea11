"""Messaging jobs: send outbox rows, sweep what dead workers left, reminders and live notices of
calendar entries, a bulk invitation list sent batch by batch, and the periodic reconcile that plans
reminders again after Redis lost them.

Each takes ids, reloads the rows and does nothing when the state no longer calls for it; running
any of them twice is harmless (see fair/notify/outbox.py and fair/notify/reminders.py).
"""
from __future__ import annotations

import logging

from flask import current_app, url_for
from sqlalchemy import select, update

from fair.accounts.models import User
from fair.db import db, utcnow
from fair.fairs.models import Edition
from fair.jobs import job
from fair.notify import agenda, bulk, outbox, reminders, sockets
from fair.notify.calendar import local_span_text
from fair.notify.models import BulkInvitation, BulkRecipient, BulkStatus, CalendarEntry

log = logging.getLogger("fair.notify")


# ---------------------------------------------------------------- the outbox

@job(queue="mail", request_context=False)
def send_messages(ids: list[int]) -> dict[str, int]:
    """Send the outbox rows `ids` that are still due (queue `mail`, or `bulk` for big batches)."""
    return outbox.send_batch(db.session, [int(i) for i in ids])


@job(queue="default", request_context=False)
def sweep_outbox() -> list[int]:
    """Re-enqueue rows stuck in queued, or in sending past their lease (periodic: workers/schedule.py)."""
    return outbox.sweep(db.session)


# ---------------------------------------------------------------- reminders

@job(queue="default")
def send_reminder(entry_id: int, starts_at_iso: str, minutes_before: int) -> bool:
    """Queue the reminder mail (idempotent: one per entry, start and offset)."""
    entry = db.session.get(CalendarEntry, entry_id)
    if not reminders.still_due(entry, starts_at_iso):
        log.info("calendar entry %s moved or cancelled: reminder dropped", entry_id)
        return False
    user = db.session.get(User, entry.user_id)
    edition = db.session.get(Edition, entry.edition_id)
    outbox.queue_mail(
        db.session, to=user.email, template="reminder", locale=user.locale or "fr",
        context={**agenda.mail_context(entry, edition, user), "minutes_before": minutes_before},
        key=f"reminder-{entry.id}-{starts_at_iso}-{minutes_before}", edition_id=entry.edition_id,
    )
    db.session.commit()
    return True


@job(queue="default", request_context=False)
def send_notice(entry_id: int, starts_at_iso: str) -> bool:
    """The in-app notice a few minutes before: emitted live to the room `user:<id>`."""
    entry = db.session.get(CalendarEntry, entry_id)
    if not reminders.still_due(entry, starts_at_iso):
        return False
    sockets.emit_from_worker(current_app.config["REDIS_URL"], "notice", {
        "kind": "starting_soon", "entry": entry.id, "summary": entry.summary,
        "starts_at": entry.starts_at.isoformat(), "join_url": entry.join_url,
        "location": entry.location,
    }, sockets.user_room(entry.user_id))
    return True


@job(queue="default", request_context=False)
def reconcile_reminders() -> int:
    """Plan again the reminder jobs of future entries that Redis no longer holds (periodic)."""
    return reminders.reconcile(db.session, current_app.config["REDIS_URL"])


# ---------------------------------------------------------------- bulk invitations

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
            for recipient in recipients:
                outbox.queue_mail(
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
        sent = bulk.queued_count(db.session, bulk_id)
        # A conditional update: a pause pressed meanwhile is not overwritten by this batch.
        db.session.execute(
            update(BulkInvitation)
            .where(BulkInvitation.id == bulk_id, BulkInvitation.status.in_((BulkStatus.queued, BulkStatus.running)))
            .values(sent=sent, updated_at=utcnow(),
                    status=BulkStatus.running if recipients and sent < invitation.total else BulkStatus.done)
        )
        db.session.execute(update(BulkInvitation).where(BulkInvitation.id == bulk_id).values(sent=sent))
        db.session.commit()
        invitation = db.session.get(BulkInvitation, bulk_id, populate_existing=True)
        sockets.emit_from_worker(redis_url, "bulk_progress", sockets.bulk_state(invitation),
                                 sockets.bulk_room(invitation.id))
        if invitation.status == BulkStatus.done:
            log.info("bulk invitation %s: done, %s of %s queued", bulk_id, invitation.sent, invitation.total)
            return handed
