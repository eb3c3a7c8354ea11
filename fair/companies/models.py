"""A company's booth in an edition and the job offers it publishes."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.db import Base, UTCDateTime, bidi_free, enum_column, utcnow
from fair.fairs.models import Edition


class ContractType(str, enum.Enum):
    cdi = "cdi"
    cdd = "cdd"
    interim = "interim"
    alternance = "alternance"
    stage = "stage"
    insertion = "insertion"
    training = "training"  # training / POEC
    other = "other"  # an imported contract fair has no word for (its own label kept in contract_label_original)


class RemoteMode(str, enum.Enum):
    none = "none"
    partial = "partial"
    full = "full"


class Booth(Base):
    __tablename__ = "booths"
    __table_args__ = (UniqueConstraint("edition_id", "company_id", name="uq_booths_edition_company"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    pitch: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str | None] = mapped_column(String(500))
    stand_number: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship()
    company: Mapped[Organisation] = relationship()
    offers: Mapped[list[Offer]] = relationship(back_populates="booth", cascade="all, delete-orphan")
    documents: Mapped[list[BoothDocument]] = relationship(back_populates="booth", cascade="all, delete-orphan")
    staff: Mapped[list[BoothStaff]] = relationship(back_populates="booth", cascade="all, delete-orphan")


class BoothDocument(Base):
    """A link to a brochure, a video or a page that the company shows on its booth."""

    __tablename__ = "booth_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))

    booth: Mapped[Booth] = relationship(back_populates="documents")


class BoothStaff(Base):
    """A recruiter of the company who staffs the booth, with the job title shown to candidates."""

    __tablename__ = "booth_staff"
    __table_args__ = (UniqueConstraint("booth_id", "user_id", name="uq_booth_staff_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    job_title: Mapped[str | None] = mapped_column(String(120))

    booth: Mapped[Booth] = relationship(back_populates="staff")

    _no_bidi = bidi_free("job_title")
    user: Mapped[User] = relationship()


class OfferSource(str, enum.Enum):
    """Where an offer was written: in fair, or imported from a job board (fair/francetravail)."""

    france_travail = "france_travail"


class Offer(Base):
    __tablename__ = "offers"
    # Re-importing the same offer updates it: one row per booth, source and external id.
    __table_args__ = (UniqueConstraint("booth_id", "source", "external_id", name="uq_offers_booth_source_external"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    contract_type: Mapped[ContractType] = mapped_column(enum_column(ContractType, "contract_type"), index=True)
    positions: Mapped[int] = mapped_column(Integer, default=1)
    place: Mapped[str] = mapped_column(String(120), index=True)
    remote: Mapped[RemoteMode] = mapped_column(enum_column(RemoteMode, "remote_mode"), default=RemoteMode.none)
    description: Mapped[str] = mapped_column(Text, default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    rome_code: Mapped[str | None] = mapped_column(String(5))
    open_to_beginners: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Imported offers (fair/francetravail): where from, their id and page there, and what fair has no
    # field for otherwise. `withdrawn_at` is set when the source no longer lists the offer.
    source: Mapped[OfferSource | None] = mapped_column(enum_column(OfferSource, "offer_source"))
    external_id: Mapped[str | None] = mapped_column(String(40))
    external_url: Mapped[str | None] = mapped_column(String(500))
    rome_label: Mapped[str | None] = mapped_column(String(200))
    contract_label_original: Mapped[str | None] = mapped_column(String(120))
    working_hours: Mapped[str | None] = mapped_column(String(200))
    salary_text: Mapped[str | None] = mapped_column(String(300))
    imported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    booth: Mapped[Booth] = relationship(back_populates="offers")
