"""Availability ranges, the slots they are cut into, bookings and the per-booth waitlist.

Two invariants are held by the database itself, not by the code that checks them first:
- a slot has at most one active booking (a partial unique index on `bookings.slot_id`);
- a candidate never holds two overlapping active bookings. PostgreSQL keeps it with an exclusion
  constraint over (candidate, time range) written by the migration; on SQLite every booking runs in a
  transaction opened with BEGIN IMMEDIATE, which lets one writer at a time check and insert
  (see `services.lock_candidate`).
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import User
from fair.companies.models import Booth
from fair.db import Base, UTCDateTime, enum_column, utcnow


class SlotMode(str, enum.Enum):
    video = "video"
    phone = "phone"
    onsite = "onsite"  # at the stand or in a room of the venue


class BookingStatus(str, enum.Enum):
    active = "active"
    cancelled = "cancelled"


class Attendance(str, enum.Enum):
    attended = "attended"
    no_show = "no_show"


class Outcome(str, enum.Enum):
    hired = "hired"
    second_interview = "second_interview"
    training_proposed = "training_proposed"
    not_retained = "not_retained"


class WaitlistStatus(str, enum.Enum):
    waiting = "waiting"
    offered = "offered"  # a freed slot is held for this person until offer_expires_at
    booked = "booked"
    expired = "expired"
    left = "left"


class Availability(Base):
    """A time range a recruiter of a booth opens for interviews, cut into `Slot` rows."""

    __tablename__ = "jobdating_availabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mode: Mapped[SlotMode] = mapped_column(enum_column(SlotMode, "slot_mode"))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # None: the edition's default_slot_minutes.
    slot_minutes: Mapped[int | None] = mapped_column(Integer)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # Stand or room for on-site interviews, the meeting link for video ones.
    location: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth: Mapped[Booth] = relationship()
    recruiter: Mapped[User] = relationship()
    slots: Mapped[list[Slot]] = relationship(back_populates="availability", cascade="all, delete-orphan",
                                             order_by="Slot.starts_at")


class Slot(Base):
    __tablename__ = "jobdating_slots"
    __table_args__ = (Index("ix_jobdating_slots_booth_start", "booth_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    availability_id: Mapped[int] = mapped_column(ForeignKey("jobdating_availabilities.id", ondelete="CASCADE"),
                                                 index=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mode: Mapped[SlotMode] = mapped_column(enum_column(SlotMode, "slot_mode"))
    location: Mapped[str] = mapped_column(String(500), default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # A freed slot offered to the next person of the waitlist is held for them until held_until.
    held_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    held_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    availability: Mapped[Availability] = relationship(back_populates="slots")
    booth: Mapped[Booth] = relationship()
    recruiter: Mapped[User] = relationship(foreign_keys=[recruiter_id])


class Booking(Base):
    __tablename__ = "jobdating_bookings"
    __table_args__ = (
        # A slot is booked at most once: only one *active* booking may name it.
        Index("uq_jobdating_bookings_active_slot", "slot_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
        Index("ix_jobdating_bookings_candidate_start", "candidate_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("jobdating_slots.id", ondelete="CASCADE"), index=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The adviser who booked for the candidate, or the candidate themself.
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Copied from the slot (and moved with it on reschedule) so the overlap constraint can see them.
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus, "booking_status"),
                                                  default=BookingStatus.active)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The person said "I'll be there" from their self-service link (fair/selfservice).
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attendance: Mapped[Attendance | None] = mapped_column(enum_column(Attendance, "booking_attendance"))
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome, "booking_outcome"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    slot: Mapped[Slot] = relationship()
    booth: Mapped[Booth] = relationship()
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])


class BookingMove(Base):
    """A booking moved to another slot of its booth (the booking itself keeps only its new time): the
    person's file shows when it was first set and each move, by whom."""

    __tablename__ = "jobdating_booking_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("jobdating_bookings.id", ondelete="CASCADE"), index=True)
    from_starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    to_starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    moved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WaitlistEntry(Base):
    __tablename__ = "jobdating_waitlist"
    __table_args__ = (UniqueConstraint("booth_id", "candidate_id", name="uq_jobdating_waitlist_booth_candidate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[WaitlistStatus] = mapped_column(enum_column(WaitlistStatus, "waitlist_status"),
                                                   default=WaitlistStatus.waiting)
    offered_slot_id: Mapped[int | None] = mapped_column(ForeignKey("jobdating_slots.id", ondelete="SET NULL"))
    offer_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth: Mapped[Booth] = relationship()
    candidate: Mapped[User] = relationship()
    offered_slot: Mapped[Slot | None] = relationship()
