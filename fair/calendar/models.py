"""Calendar entries of people (a booking, a webinar seat…), their secret feeds, and an edition's
reminder times."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fair.db import Base, UTCDateTime, enum_column, utcnow


class EntryStatus(str, enum.Enum):
    active = "active"
    cancelled = "cancelled"


class CalendarEntry(Base):
    """One thing a user has in their calendar (a booking, a webinar registration…).

    Other domains create it through `fair.calendar.agenda`; `uid` stays the same for the life of the
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
    # Only the SHA-256 of the address's secret: a database leak does not hand out anyone's calendar.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderOffsets(Base):
    """Per-edition override of config REMINDER_OFFSETS (minutes before an entry when a reminder mail
    goes) and SMS_REMINDER_OFFSETS (`sms_minutes`: when a reminder text message goes; None: the config's)."""

    __tablename__ = "edition_reminder_offsets"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    minutes: Mapped[list[int]] = mapped_column(JSON, default=list)
    sms_minutes: Mapped[list[int] | None] = mapped_column(JSON)
