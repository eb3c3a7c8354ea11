"""Who came to the venue: one row per edition and candidate, however many times the code is scanned."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import User
from fair.db import Base, UTCDateTime, utcnow


class CheckIn(Base):
    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("edition_id", "candidate_id", name="uq_checkins_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "scan" or "search"; and when the staff's phone saw the code (it may send it later, after a network loss).
    method: Mapped[str] = mapped_column(String(10), default="scan")
    scanned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
