"""Delivery receipts → the status of each SMS, and what happens to an SMS that cannot be delivered.

A receipt (SMPP deliver_sm, or the aggregator's webhook) is first written as an SmsReceipt, then
applied to the outbox row with the same provider id (`apply_receipts`): sent → delivered, or
failed / expired / rejected / undeliverable / deleted. A receipt that comes before its row is
recorded waits for it (two days at most).

An SMS that fails for good (the SMSC refused it for good, or its receipt says it was not
delivered) is handled once (`settle`): its text goes by mail to the row's `fallback_email`; with
none, the handlers registered with `on_undeliverable` are called (the candidates domain tells the
person's advisers). The messaging layer imports no domain: the domain registers itself.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from fair.clock import now
from fair.mail.models import OutboxMessage, OutboxStatus
from fair.mail.outbox import FAILED_DELIVERIES, queue_mail
from fair.sms.models import SmsReceipt

log = logging.getLogger("fair.sms")

CHANNEL = "sms"
FINAL = frozenset({"delivered", *FAILED_DELIVERIES})
UNMATCHED_KEPT = dt.timedelta(days=2)

# SMPP receipt `stat:` (and message_state TLV) → our words
SMPP_STATES = {"DELIVRD": "delivered", "EXPIRED": "expired", "DELETED": "deleted", "UNDELIV": "undeliverable",
               "REJECTD": "rejected", "ACCEPTD": "accepted", "ENROUTE": "sent", "UNKNOWN": "unknown"}
MESSAGE_STATES = {1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD",
                  7: "UNKNOWN", 8: "REJECTD"}
_ID = re.compile(r"\bid:(\S+)", re.I)
_STAT = re.compile(r"\bstat:(\w+)", re.I)
_ERR = re.compile(r"\berr:(\w+)", re.I)


@dataclass(frozen=True)
class Receipt:
    provider_message_id: str
    delivery: str
    error: str | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def parse_receipt(pdu: Any) -> Receipt | None:
    """A deliver_sm that is a delivery receipt (esm_class 0x04) → Receipt; anything else (a text a
    person sent back) → None. The receipted_message_id and message_state TLVs win over the text."""
    if not (int(getattr(pdu, "esm_class", 0) or 0) & 0x04):
        return None
    text = _text(getattr(pdu, "short_message", b""))
    provider_id = _text(getattr(pdu, "receipted_message_id", None)).strip("\x00")
    if not provider_id:
        found = _ID.search(text)
        provider_id = found.group(1) if found else ""
    if not provider_id:
        return None
    state = getattr(pdu, "message_state", None)
    stat = MESSAGE_STATES.get(int(state)) if state else None
    if stat is None:
        found = _STAT.search(text)
        stat = found.group(1).upper() if found else "UNKNOWN"
    delivery = SMPP_STATES.get(stat, "unknown")
    error = None
    if delivery in FAILED_DELIVERIES:
        code = _ERR.search(text)
        error = f"{stat}" + (f" err:{code.group(1)}" if code else "")
    return Receipt(provider_id, delivery, error)


def store_receipts(session: Session, receipts: Iterable[Receipt]) -> None:
    at = now()
    session.add_all(SmsReceipt(provider_message_id=receipt.provider_message_id, delivery=receipt.delivery,
                               error=receipt.error, at=at) for receipt in receipts)


def apply_receipts(session: Session) -> list[int]:
    """Apply the receipts waiting for their row; answers the ids of the rows whose status changed.
    No commit."""
    at = now()
    waiting = session.execute(
        select(SmsReceipt).where(SmsReceipt.applied_at.is_(None)).order_by(SmsReceipt.id).limit(5000)
    ).scalars().all()
    if not waiting:
        return []
    rows = {row.provider_message_id: row for row in session.execute(
        select(OutboxMessage).where(OutboxMessage.channel == CHANNEL,
                                    OutboxMessage.provider_message_id.in_({r.provider_message_id for r in waiting}))
    ).scalars()}
    changed: dict[int, dict[str, Any]] = {}
    applied: list[int] = []
    for receipt in waiting:
        row = rows.get(receipt.provider_message_id)
        if row is None:
            continue
        applied.append(receipt.id)
        current = changed.get(row.id, {}).get("delivery", row.delivery)
        if current in FINAL or (receipt.delivery not in FINAL and current not in (None, "sent")):
            continue  # a final status stays; an intermediate one only replaces "sent"
        changed[row.id] = {"row_id": row.id, "delivery": receipt.delivery, "delivery_error": receipt.error,
                           "delivered_at": receipt.at if receipt.delivery == "delivered" else None}
    # One executemany each, not an UPDATE per object: a batch of 200 texts brings 200 receipts.
    outbox_table, receipt_table = OutboxMessage.__table__, SmsReceipt.__table__
    if changed:
        session.execute(update(outbox_table).where(outbox_table.c.id == bindparam("row_id")).values(
            delivery=bindparam("delivery"), delivery_error=bindparam("delivery_error"),
            delivered_at=bindparam("delivered_at")), list(changed.values()))
    if applied:
        session.execute(update(receipt_table).where(receipt_table.c.id.in_(applied)).values(applied_at=at))
    session.execute(delete(SmsReceipt).where(SmsReceipt.applied_at.is_(None), SmsReceipt.at < at - UNMATCHED_KEPT))
    for row in rows.values():
        if row.id in changed:
            session.expire(row, ["delivery", "delivery_error", "delivered_at"])
    return list(changed)


# ---------------------------------------------------------------- messages that cannot be delivered

Handler = Callable[[Session, OutboxMessage], Any]
_HANDLERS: list[Handler] = []


def on_undeliverable(callback: Handler) -> Handler:
    """Register `callback(session, row)`, called once for an SMS that failed for good and has no
    fallback address. It writes in the session (queue_mail…), never commits. Usable as a decorator."""
    if callback not in _HANDLERS:
        _HANDLERS.append(callback)
    return callback


def settle(session: Session, ids: Iterable[int]) -> int:
    """The SMS among `ids` that failed for good and were not handled yet: their fallback, once.
    No commit. Returns how many were handled."""
    ids = list(ids)
    if not ids:
        return 0
    rows = session.execute(
        select(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.channel == CHANNEL, OutboxMessage.undeliverable_at.is_(None),
            or_(OutboxMessage.status == OutboxStatus.failed_permanent,
                OutboxMessage.delivery.in_(FAILED_DELIVERIES)),
        ).order_by(OutboxMessage.id)
    ).scalars().all()
    for row in rows:
        # Taken by a conditional UPDATE: two workers settling the same row handle it once.
        taken = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.undeliverable_at.is_(None))
            .values(undeliverable_at=now()).execution_options(synchronize_session=False)
        ).rowcount
        if not taken:
            continue
        if row.fallback_email:
            queue_mail(session, to=row.fallback_email, template="sms_fallback", locale=row.locale,
                       context={"text": row.text_body}, key=f"sms-fallback-{row.id}", edition_id=row.edition_id)
            continue
        for handler in list(_HANDLERS):
            try:
                handler(session, row)
            except Exception:
                log.exception("undeliverable SMS %s: handler %r failed", row.id, handler)
    return len(rows)


def after_batch(session: Session, ids: list[int]) -> None:
    """The outbox's hook after an SMS batch: receipts read while bound, then the fallbacks. Commits."""
    changed = apply_receipts(session)
    settle(session, set(ids) | set(changed))
    session.commit()


# ---------------------------------------------------------------- what advisers and organisers see

@dataclass(frozen=True)
class SmsStatus:
    id: int
    to: str
    template: str
    created_at: dt.datetime
    state: str          # queued, held, sent, delivered, failed…
    error: str | None
    at: dt.datetime | None


def state_of(row: OutboxMessage) -> str:
    if row.status == OutboxStatus.failed_permanent:
        return "failed"
    if row.delivery:
        return row.delivery
    if row.status == OutboxStatus.sent:
        return "sent"
    if row.not_before is not None and row.not_before > now():
        return "held"
    return "queued"


def delivery_summary(session: Session, user_id: int, limit: int = 10) -> list[SmsStatus]:
    """The last text messages sent to a person, newest first, with what became of them: for their
    adviser (templates/sms/_delivery_summary.html shows it)."""
    rows = session.execute(
        select(OutboxMessage).where(OutboxMessage.channel == CHANNEL, OutboxMessage.user_id == user_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ).scalars().all()
    return [SmsStatus(row.id, row.to_address, row.template, row.created_at, state_of(row),
                      row.delivery_error or (row.last_error if row.status == OutboxStatus.failed_permanent else None),
                      row.delivered_at or row.sent_at)
            for row in rows]
