"""Call rooms: one private 1:1 room per job-dating booking or walk-in queue call.

A room is known by an unguessable token (its Socket.IO room is `call:<token>`); only its recruiter
and its candidate may join it, and only between `opens_at` and `closes_at`.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import User
from fair.companies.models import Booth
from fair.db import Base, UTCDateTime, enum_column, utcnow


class CallSource(str, enum.Enum):
    slot = "slot"    # a job-dating booking
    queue = "queue"  # a walk-in queue call


class CallMode(str, enum.Enum):
    video = "video"
    phone = "phone"


class CallRoom(Base):
    __tablename__ = "call_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[CallSource] = mapped_column(enum_column(CallSource, "call_source"))
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobdating_bookings.id", ondelete="CASCADE"), unique=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mode: Mapped[CallMode] = mapped_column(enum_column(CallMode, "call_mode"), default=CallMode.video)
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Switching to phone: either participant asks, the recruiter confirms (a recruiter's own ask is
    # its confirmation). From `phone_since` the recruiter sees the candidate's number.
    phone_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    phone_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    phone_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth: Mapped[Booth] = relationship()
    recruiter: Mapped[User] = relationship(foreign_keys=[recruiter_id])
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])

    @property
    def channel(self) -> str:
        """The Socket.IO room of this call: only its two participants are ever let in."""
        return f"call:{self.token}"
