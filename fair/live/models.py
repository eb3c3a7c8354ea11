"""The live fair's lasting state: each booth's walk-in queue, its live settings, and announcements.

The queue lives in the database, not in a web process, so that it survives a restart and every web
node sees the same line. Two invariants are held by the database itself:
- a ticket number is given once per booth (`uq_live_queue_booth_ticket`): two processes never hand
  out the same place in line;
- a candidate holds at most one open entry (waiting, called or in a call) per booth (a partial
  unique index), so a double click or two tabs never queue them twice.
Every change of a booth's queue runs under a lock on that booth (see `services.lock_booth`), so
"call the next person" never calls the same person twice.

Who is *available* at a booth is presence, not lasting state: it lives in Redis (`fair.live.presence`).
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import User
from fair.companies.models import Booth
from fair.db import Base, UTCDateTime, enum_column, utcnow


class QueueStatus(str, enum.Enum):
    waiting = "waiting"
    called = "called"    # "your turn": the candidate has until turn_expires_at to accept
    in_call = "in_call"  # accepted: a call room is open
    done = "done"
    skipped = "skipped"  # did not accept in time
    left = "left"


OPEN_STATUSES = (QueueStatus.waiting, QueueStatus.called, QueueStatus.in_call)
_OPEN_SQL = "status IN ('waiting', 'called', 'in_call')"


class LiveBooth(Base):
    """A booth's live settings and counters, created the first time its queue or presence changes."""

    __tablename__ = "live_booths"

    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), primary_key=True)
    queue_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # None: LIVE_QUEUE_MAX.
    queue_max: Mapped[int | None] = mapped_column(Integer)
    # Grows with every change of the queue or of presence; clients drop an update older than what they show.
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_ticket: Mapped[int] = mapped_column(Integer, default=0)
    # Observed average length of this booth's calls (the estimated wait uses it); None: the default.
    average_call_seconds: Mapped[int | None] = mapped_column(Integer)
    # Since when no recruiter is available (None: one is); the organiser's dashboard flags long gaps.
    unstaffed_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    booth: Mapped[Booth] = relationship()


class QueueEntry(Base):
    __tablename__ = "live_queue_entries"
    __table_args__ = (
        UniqueConstraint("booth_id", "ticket", name="uq_live_queue_booth_ticket"),
        Index("uq_live_queue_open_candidate", "booth_id", "candidate_id", unique=True,
              sqlite_where=text(_OPEN_SQL), postgresql_where=text(_OPEN_SQL)),
        Index("ix_live_queue_booth_status", "booth_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The place in line given on joining, growing per booth; the position shown is the rank among those waiting.
    ticket: Mapped[int] = mapped_column(Integer)
    status: Mapped[QueueStatus] = mapped_column(enum_column(QueueStatus, "live_queue_status"),
                                                default=QueueStatus.waiting)
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    turn_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The call room (fair.video): no foreign key, as call_rooms is created later in the migration chain.
    room_id: Mapped[int | None] = mapped_column(Integer)
    room_path: Mapped[str | None] = mapped_column(String(120))
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    booth: Mapped[Booth] = relationship()
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])


class Announcement(Base):
    """An organiser's message to the whole fair (booth_id None) or to one booth, shown on arrival too."""

    __tablename__ = "live_announcements"
    __table_args__ = (Index("ix_live_announcements_edition_created", "edition_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    booth_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
