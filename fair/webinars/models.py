"""Webinars ("webconférences"), who registered for them, and their live questions and votes.

Invariants held by the database:
- one registration per person and webinar (a unique constraint; cancelling and registering again
  reuses the row, which goes to the back of the waitlist if the webinar is full);
- one vote per person and question (a unique constraint: voting twice changes nothing).
"Never more confirmed seats than the capacity" is held by a locked transaction
(`services.lock_webinar`), proven by the concurrency tests.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import User
from fair.companies.models import Booth
from fair.db import Base, UTCDateTime, enum_column, utcnow
from fair.fairs.models import Edition


class Provider(str, enum.Enum):
    jitsi = "jitsi"
    bbb = "bbb"
    external = "external"


class WebinarStatus(str, enum.Enum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class RegistrationStatus(str, enum.Enum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class Webinar(Base):
    __tablename__ = "webinars"
    __table_args__ = (Index("ix_webinars_edition_start", "edition_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    # The booth of the company that runs it; None for the organiser's own webinars.
    booth_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    speaker: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8), default="fr")
    provider: Mapped[Provider] = mapped_column(enum_column(Provider, "webinar_provider"))
    # Jitsi room name or BigBlueButton meetingID; the address for an external provider.
    room: Mapped[str] = mapped_column(String(200), default="")
    external_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[WebinarStatus] = mapped_column(enum_column(WebinarStatus, "webinar_status"),
                                                  default=WebinarStatus.scheduled)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship()
    booth: Mapped[Booth | None] = relationship()

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def host_name(self) -> str:
        """Who runs it, as candidates read it: the company of the booth, else the organiser."""
        return self.booth.company.name if self.booth else self.edition.organiser.name


class WebinarRegistration(Base):
    __tablename__ = "webinar_registrations"
    __table_args__ = (
        UniqueConstraint("webinar_id", "user_id", name="uq_webinar_registrations_webinar_user"),
        Index("ix_webinar_registrations_webinar_status", "webinar_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "webinar_registration_status"))
    # The waitlist runs in this order; registering again after a cancellation starts afresh.
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Attendance: the first time they went through our join page.
    joined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    webinar: Mapped[Webinar] = relationship()
    user: Mapped[User] = relationship()


class WebinarQuestion(Base):
    __tablename__ = "webinar_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(500))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebinarVote(Base):
    __tablename__ = "webinar_votes"
    __table_args__ = (UniqueConstraint("question_id", "user_id", name="uq_webinar_votes_question_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("webinar_questions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
