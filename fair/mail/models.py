"""What the mail layer keeps: the outbox (every message, written in the transaction that causes it)
and the copies the development mail viewer shows when no MAIL_URL is set."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fair.db import Base, UTCDateTime, enum_column, utcnow


class OutboxStatus(str, enum.Enum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed_temporary = "failed_temporary"
    failed_permanent = "failed_permanent"


# A send job may take a row only from these states (and a failed_temporary one only once its time has come).
CLAIMABLE_STATUSES = (OutboxStatus.queued, OutboxStatus.failed_temporary)


class OutboxMessage(Base):
    """One email, rendered when it was queued, written in the transaction of the change that caused it.

    `idempotency_key` is unique: queueing the same key again returns this row and sends nothing
    more. A send job first claims the row (a conditional UPDATE to `sending` with a lease until
    `claimed_until` and a fresh `claim_token`), so two jobs for one row send it once; the sweeper
    gives back rows whose lease ran out (a worker that died mid-send).
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    # How it goes out (fair.mail.outbox.CHANNELS): "mail", and whatever channel joins later.
    channel: Mapped[str] = mapped_column(String(20), default="mail", server_default="mail")
    to_address: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(16))
    calendar_ics: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Kept from the first attempt, so a message delivered twice (worker killed after DATA) can be
    # recognised as one by the receiving side.
    message_id: Mapped[str] = mapped_column(String(250))
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="SET NULL"), index=True)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus, "outbox_status"),
                                                 default=OutboxStatus.queued, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # When retention emptied the bodies (and their live links) of a sent message.
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Not claimable before this instant (an SMS held through quiet hours): claim and the sweeper wait.
    not_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Channels that hear back from the network (SMS, fair/sms): the provider's id of the message,
    # what its delivery receipt said (sent → delivered / failed / expired…), when and why.
    provider_message_id: Mapped[str | None] = mapped_column(String(100), index=True)
    delivery: Mapped[str | None] = mapped_column(String(20))
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    delivery_error: Mapped[str | None] = mapped_column(Text)
    # SMS only: its size as counted at queue time (fair.sms.encoding), whom it is for, where its text
    # goes by mail if it cannot be delivered, and when that fallback was done (once).
    segments: Mapped[int | None] = mapped_column(Integer)
    encoding: Mapped[str | None] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    fallback_email: Mapped[str | None] = mapped_column(String(254))
    undeliverable_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class DevMail(Base):
    __tablename__ = "dev_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailUnsubscribe(Base):
    """An address that asked for no more bulk mail (RFC 8058 one-click, or the link in the message),
    from one organisation or, with no organisation, from every one. Only the SHA-256 of the lowered
    address is kept. Transactional mail (a booking, a reminder) is not concerned."""

    __tablename__ = "mail_unsubscribes"
    __table_args__ = (Index("ix_mail_unsubscribes_address_org", "address_hash", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
