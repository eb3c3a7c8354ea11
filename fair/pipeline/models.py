"""One entry per company and person met, and the notes its recruiters write about them."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.db import Base, UTCDateTime, enum_column, utcnow


class NextStep(str, enum.Enum):
    interview = "interview"
    second_interview = "second_interview"
    training = "training"
    keep_in_pool = "keep_in_pool"
    not_a_fit = "not_a_fit"


class PipelineEntry(Base):
    """What a company thinks of a person it met: seen by the company's members and no one else."""

    __tablename__ = "pipeline_entries"
    __table_args__ = (
        UniqueConstraint("company_id", "candidate_id", name="uq_pipeline_entries_pair"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The edition where the company last met the person (anonymised editions show its label only).
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="SET NULL"), index=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    next_step: Mapped[NextStep | None] = mapped_column(enum_column(NextStep, "pipeline_next_step"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    company: Mapped[Organisation] = relationship()
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    notes: Mapped[list[PipelineNote]] = relationship(back_populates="entry", cascade="all, delete-orphan",
                                                     order_by="PipelineNote.created_at")


class PipelineNote(Base):
    __tablename__ = "pipeline_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("pipeline_entries.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Where it was written: "desk", "interview", "inbox", "pipeline".
    source: Mapped[str] = mapped_column(String(20), default="pipeline")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[PipelineEntry] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()
