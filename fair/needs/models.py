"""A recruitment need posted to a network, and the people its member structures propose for it."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.candidates.models import RejectionReason
from fair.companies.models import Booth
from fair.db import Base, UTCDateTime, bidi_free, enum_column, utcnow


class NeedStatus(str, enum.Enum):
    open = "open"
    closed = "closed"


class ProposalStatus(str, enum.Enum):
    proposed = "proposed"  # waiting for the company's answer
    accepted = "accepted"
    declined = "declined"


class RecruitmentNeed(Base):
    """What a company (or a group of employers) of a network wants to hire: the network's member
    structures see it while it is open and propose people from their files."""

    __tablename__ = "recruitment_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    job_title: Mapped[str] = mapped_column(String(200))
    rome_code: Mapped[str] = mapped_column(String(5), default="")
    posts: Mapped[int] = mapped_column(Integer, default=1)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    training_possible: Mapped[bool] = mapped_column(Boolean, default=False)
    social_clause: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[NeedStatus] = mapped_column(enum_column(NeedStatus, "need_status"), default=NeedStatus.open,
                                               index=True)
    # A coordinator may post on behalf of a member company: who wrote it is kept apart from the company.
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    network: Mapped[Organisation] = relationship(foreign_keys=[network_id])
    company: Mapped[Organisation] = relationship(foreign_keys=[company_id])
    posted_by: Mapped[User | None] = relationship(foreign_keys=[posted_by_id])

    _no_bidi = bidi_free("job_title", "place")


class NeedProposal(Base):
    """A person a member structure proposes for a need: one per person and need (a unique pair), answered
    once by the company (a conditional UPDATE from `proposed`)."""

    __tablename__ = "need_proposals"
    __table_args__ = (UniqueConstraint("need_id", "candidate_id", name="uq_need_proposals_need_candidate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("recruitment_needs.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    adviser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, "need_proposal_status"), default=ProposalStatus.proposed, index=True)
    decline_reason: Mapped[RejectionReason | None] = mapped_column(
        enum_column(RejectionReason, "need_decline_reason"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set when the company turned the need into interviews: invited to book at this booth.
    invited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    invited_booth_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    need: Mapped[RecruitmentNeed] = relationship()
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    structure: Mapped[Organisation] = relationship(foreign_keys=[structure_id])
    adviser: Mapped[User | None] = relationship(foreign_keys=[adviser_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    invited_booth: Mapped[Booth | None] = relationship()
