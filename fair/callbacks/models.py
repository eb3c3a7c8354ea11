"""A person's request to be called back by a booth's company, for those who can't use video or chat."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import User
from fair.companies.models import Booth
from fair.db import Base, UTCDateTime, enum_column, utcnow


class CallbackStatus(str, enum.Enum):
    waiting = "waiting"  # nobody called yet
    reached = "reached"
    no_answer = "no_answer"
    wrong_number = "wrong_number"
    call_again = "call_again"
    cancelled = "cancelled"  # by the person


# What leaves the request open (the company should still call); the rest close it.
OPEN_STATUSES = (CallbackStatus.waiting, CallbackStatus.no_answer, CallbackStatus.call_again)


class CallbackRequest(Base):
    """One open request per person and booth (a partial unique index on `is_open`).

    `mobile` is given to the company with the person's consent; in an anonymised edition the desk shows
    it only once the person agreed to reveal it (`shared_at`), their label until then.
    """

    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mobile: Mapped[str] = mapped_column(String(16))
    # None: as soon as possible; else the range of that day the person is free (aware UTC).
    window_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    window_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    consent_text: Mapped[str] = mapped_column(String(500))
    status: Mapped[CallbackStatus] = mapped_column(enum_column(CallbackStatus, "callback_status"),
                                                   default=CallbackStatus.waiting)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # Anonymised editions: the company asked to see the number, and the person agreed.
    share_asked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    shared_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    calls: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(1000), default="")
    outcome_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    booth: Mapped[Booth] = relationship()
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])


Index("uq_callback_requests_open", CallbackRequest.booth_id, CallbackRequest.candidate_id, unique=True,
      sqlite_where=text("is_open"), postgresql_where=text("is_open"))
