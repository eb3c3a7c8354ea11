"""What the SMS channel keeps besides the outbox rows: the delivery receipts as they arrive.

A receipt is written first, then applied to the outbox row with the same provider id
(`fair.sms.receipts.apply_receipts`): a receipt may come before the worker has recorded that id
(SMPP answers within the batch; an aggregator's webhook may beat the worker's commit), and it is
kept until its row shows up.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fair.db import Base, UTCDateTime, utcnow


class SmsReceipt(Base):
    __tablename__ = "sms_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_message_id: Mapped[str] = mapped_column(String(100), index=True)
    # delivered, failed, expired, rejected, unknown (fair.sms.receipts.DELIVERY)
    delivery: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    applied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
