"""Fair editions, the partners taking part, and the invitations that bring organisations in."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.db import Base, UTCDateTime, bidi_free, enum_column, utcnow


class EditionStatus(str, enum.Enum):
    draft = "draft"
    published = "published"
    live = "live"
    closed = "closed"
    archived = "archived"


# The only moves an organiser may make; anything else is refused with a message.
STATUS_TRANSITIONS: dict[EditionStatus, tuple[EditionStatus, ...]] = {
    EditionStatus.draft: (EditionStatus.published,),
    EditionStatus.published: (EditionStatus.live, EditionStatus.closed, EditionStatus.draft),
    EditionStatus.live: (EditionStatus.closed,),
    EditionStatus.closed: (EditionStatus.archived, EditionStatus.live),
    EditionStatus.archived: (),
}

PUBLIC_STATUSES = (EditionStatus.published, EditionStatus.live, EditionStatus.closed)


class EditionFormat(str, enum.Enum):
    online = "online"
    hybrid = "hybrid"


class BookingPolicy(str, enum.Enum):
    open = "open"
    shortlisted = "shortlisted"
    invitation = "invitation"


class Edition(Base):
    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    registration_opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[EditionStatus] = mapped_column(
        enum_column(EditionStatus, "edition_status"), default=EditionStatus.draft, index=True
    )
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["fr"])
    format: Mapped[EditionFormat] = mapped_column(
        enum_column(EditionFormat, "edition_format"), default=EditionFormat.online
    )
    venue: Mapped[str | None] = mapped_column(String(300))
    logo_url: Mapped[str | None] = mapped_column(String(500))
    banner_url: Mapped[str | None] = mapped_column(String(500))
    brand_colour: Mapped[str] = mapped_column(String(7), default="#1d4f91")
    booking_policy: Mapped[BookingPolicy] = mapped_column(
        enum_column(BookingPolicy, "booking_policy"), default=BookingPolicy.open
    )
    default_slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    max_bookings_per_candidate: Mapped[int] = mapped_column(Integer, default=3)
    anonymised_applications: Mapped[bool] = mapped_column(Boolean, default=False)
    # The edition's own purposes of processing, added to the instance's privacy notice.
    privacy_purposes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Text-message segments this edition may send (fair.sms.outbox.queue_sms refuses beyond); None: no limit.
    sms_segment_budget: Mapped[int | None] = mapped_column(Integer)
    # The edition this one was copied from (a job dating run again every month).
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organiser: Mapped[Organisation] = relationship()
    partners: Mapped[list[EditionPartner]] = relationship(back_populates="edition", cascade="all, delete-orphan")
    co_organisers: Mapped[list[EditionOrganiser]] = relationship(back_populates="edition",
                                                                 cascade="all, delete-orphan")

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class EditionPartner(Base):
    __tablename__ = "edition_partners"
    __table_args__ = (UniqueConstraint("edition_id", "organisation_id", name="uq_edition_partners_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship()


class EditionOrganiser(Base):
    """Another organiser organisation running the edition with its lead (a Métropole with an agency).

    Its members see and manage the edition as the lead's members do.
    """

    __tablename__ = "edition_organisers"
    __table_args__ = (UniqueConstraint("edition_id", "organisation_id", name="uq_edition_organisers_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship(back_populates="co_organisers")
    organisation: Mapped[Organisation] = relationship()


class InvitationKind(str, enum.Enum):
    company = "company"
    partner = "partner"


class Invitation(Base):
    """An emailed link that makes its holder a member of a company (with a booth) or a partner.

    The link carries a signed, expiring token naming the invitation; accepted_at makes it single use.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[InvitationKind] = mapped_column(enum_column(InvitationKind, "invitation_kind"))
    email: Mapped[str] = mapped_column(String(254))
    organisation_name: Mapped[str] = mapped_column(String(200))
    # Set when the invitation is for an organisation that already exists.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    edition: Mapped[Edition] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    _no_bidi = bidi_free("organisation_name")


# ---------------------------------------------------------------- bulk invitations

class BulkStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    paused = "paused"
    done = "done"


class BulkInvitation(Base):
    """One uploaded list of people invited to register for an edition, sent by a `bulk` job."""

    __tablename__ = "bulk_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[BulkStatus] = mapped_column(enum_column(BulkStatus, "bulk_invitation_status"),
                                               default=BulkStatus.queued)
    total: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class BulkRecipient(Base):
    """One valid, deduplicated row of a bulk invitation; `queued_at` is set once its mail is in the outbox."""

    __tablename__ = "bulk_recipients"
    __table_args__ = (UniqueConstraint("bulk_id", "email", name="uq_bulk_recipients_bulk_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulk_id: Mapped[int] = mapped_column(ForeignKey("bulk_invitations.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    queued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    _no_bidi = bidi_free("name")
