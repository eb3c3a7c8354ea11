"""Mail kept by the development mail viewer when no MAIL_URL is set."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fair.db import Base, UTCDateTime, enum_column, utcnow


class DevMail(Base):
    __tablename__ = "dev_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


# ---------------------------------------------------------------- outbox

import enum as _enum  # noqa: E402

from sqlalchemy import ForeignKey as _ForeignKey, Integer as _Integer  # noqa: E402


class OutboxStatus(str, _enum.Enum):
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
    # How it goes out (fair.notify.outbox.CHANNELS): "mail", and whatever channel joins later.
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
    edition_id: Mapped[int | None] = mapped_column(_ForeignKey("editions.id", ondelete="SET NULL"), index=True)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus, "outbox_status"),
                                                 default=OutboxStatus.queued, index=True)
    attempts: Mapped[int] = mapped_column(_Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


# ---------------------------------------------------------------- calendar entries, feeds, reminders, bulk invitations

import enum  # noqa: E402

from sqlalchemy import JSON, ForeignKey, Integer, UniqueConstraint  # noqa: E402


class EntryStatus(str, enum.Enum):
    active = "active"
    cancelled = "cancelled"


class CalendarEntry(Base):
    """One thing a user has in their calendar (a booking, a webinar registration…).

    Other domains create it through `fair.notify.agenda`; `uid` stays the same for the life of the
    entry and `sequence` grows with every change, as iTIP asks, so calendars update the event in place.
    """

    __tablename__ = "calendar_entries"
    __table_args__ = (UniqueConstraint("user_id", "kind", "ref_id", name="uq_calendar_entries_user_kind_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    join_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[EntryStatus] = mapped_column(enum_column(EntryStatus, "calendar_entry_status"),
                                                default=EntryStatus.active)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CalendarFeed(Base):
    """A user's secret calendar subscription address; a new token makes the old address answer 404."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderOffsets(Base):
    """Per-edition override of config REMINDER_OFFSETS: minutes before an entry when a reminder mail goes."""

    __tablename__ = "edition_reminder_offsets"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    minutes: Mapped[list[int]] = mapped_column(JSON, default=list)


class BulkStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    paused = "paused"
    done = "done"


class BulkInvitation(Base):
    """One uploaded list of people invited to register for an edition, sent by a `bulk` job."""

    __tablename__ = "bulk_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[BulkStatus] = mapped_column(enum_column(BulkStatus, "bulk_invitation_status"),
                                               default=BulkStatus.queued)
    total: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class BulkRecipient(Base):
    """One valid, deduplicated row of a bulk invitation; `queued_at` is set once its mail is in the outbox."""

    __tablename__ = "bulk_recipients"
    __table_args__ = (UniqueConstraint("bulk_id", "email", name="uq_bulk_recipients_bulk_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulk_id: Mapped[int] = mapped_column(ForeignKey("bulk_invitations.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    queued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
