"""Candidates' profiles and CVs, their applications to offers, and the advisers who refer them."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.companies.models import Offer
from fair.db import Base, UTCDateTime, bidi_free, enum_column, utcnow


class PreferredContact(str, enum.Enum):
    """No longer written: how a person is reached is `users.notify_by` (fair.accounts.reach), chosen on
    this profile; migration f7a8b9c0d1e2 carried "sms" over. The column stays until it is dropped."""

    email = "email"
    sms = "sms"
    phone = "phone"


class Situation(str, enum.Enum):
    """Self-declared, optional, used only for the organiser's statistics (with consent)."""

    qpv = "qpv"
    under_26 = "under_26"
    rsa = "rsa"
    rqth = "rqth"
    over_50 = "over_50"
    long_term_unemployed = "long_term_unemployed"


class Gender(str, enum.Enum):
    """Optional, for the funders' figures only; "undisclosed" is an answer ("prefer not to say")."""

    female = "female"
    male = "male"
    other = "other"
    undisclosed = "undisclosed"


class QpvStatus(str, enum.Enum):
    """Whether the person's address lies in a priority neighbourhood, as the address API placed it."""

    inside = "inside"
    outside = "outside"
    unknown = "unknown"  # no geocoder, no match, or the address could not be placed well enough


class CvKind(str, enum.Enum):
    pdf = "pdf"
    docx = "docx"
    odt = "odt"


class ApplicationStatus(str, enum.Enum):
    submitted = "submitted"
    shortlisted = "shortlisted"
    invited = "invited"  # invited to book an interview slot
    rejected = "rejected"
    withdrawn = "withdrawn"


class RejectionReason(str, enum.Enum):
    position_filled = "position_filled"
    experience = "experience"
    qualification = "qualification"
    location = "location"
    availability = "availability"
    other_candidates = "other_candidates"


class ReferralStatus(str, enum.Enum):
    pending = "pending"  # waiting for the candidate to confirm through the emailed link
    confirmed = "confirmed"
    revoked = "revoked"


class CandidateProfile(Base):
    __tablename__ = "candidate_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    preferred_contact: Mapped[PreferredContact] = mapped_column(
        enum_column(PreferredContact, "preferred_contact"), default=PreferredContact.email
    )
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    skills: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(500), default="")
    mobility: Mapped[str] = mapped_column(String(500), default="")
    availability: Mapped[str] = mapped_column(String(500), default="")
    prefers_phone_interview: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    accessibility_needs: Mapped[str] = mapped_column(String(1000), default="")
    situations: Mapped[list[str]] = mapped_column(JSON, default=list)
    # When the candidate agreed to the statistics text; situations are kept only with it.
    situation_consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # An adviser who follows the person confirmed their situations (with the person's consent).
    situations_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    situations_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender, "candidate_gender"))
    # The street line of the address (postcode and city above), used only to place it in or out of a QPV.
    address_line: Mapped[str] = mapped_column(String(200), default="")
    # What geocoding found: the QPV's code when inside; no coordinates are kept.
    qpv_status: Mapped[QpvStatus | None] = mapped_column(enum_column(QpvStatus, "candidate_qpv_status"))
    qpv_code: Mapped[str | None] = mapped_column(String(20))
    geocoded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CandidateCv(Base):
    """An uploaded CV. The file lives under UPLOAD_FOLDER with a random name; never under static/."""

    __tablename__ = "candidate_cvs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CvKind] = mapped_column(enum_column(CvKind, "cv_kind"))
    original_name: Mapped[str] = mapped_column(String(200))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()

    _no_bidi = bidi_free("original_name")


class CvAccess(Base):
    """A recruiter opened or downloaded a CV: shown to its owner (company and time), kept a year."""

    __tablename__ = "candidate_cv_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    cv_id: Mapped[int] = mapped_column(ForeignKey("candidate_cvs.id", ondelete="CASCADE"), index=True)
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10), default="view")  # "view" or "download"
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    company: Mapped[Organisation | None] = relationship()


class Application(Base):
    """A pre-application: at most one per candidate and offer, held by a unique constraint."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("candidate_id", "offer_id", name="uq_applications_candidate_offer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    cv_id: Mapped[int | None] = mapped_column(ForeignKey("candidate_cvs.id", ondelete="SET NULL"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status"), default=ApplicationStatus.submitted, index=True
    )
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(enum_column(RejectionReason, "rejection_reason"))
    # The adviser who applied on the candidate's behalf, if any.
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set by the booking of an interview: from then on recruiters see who the candidate is.
    interview_booked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The recruiter's first answer (shortlisted, invited or declined): reports time it from created_at.
    first_answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    offer: Mapped[Offer] = relationship()
    cv: Mapped[CandidateCv | None] = relationship()


class ApplicationChange(Base):
    """One change of an application's status, kept so that the advisers' timeline tells each step
    (shortlisted, then invited, then declined…), not only the latest. Who changed it is not kept."""

    __tablename__ = "application_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus, "application_status"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Referral(Base):
    """An adviser of a partner organisation puts a candidate forward; the candidate confirms by mail."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("adviser_id", "candidate_id", name="uq_referrals_adviser_candidate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adviser_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, "referral_status"), default=ReferralStatus.pending, index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The consent the candidate gave, as worded when they gave it, and when.
    consent_text: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    adviser: Mapped[User] = relationship(foreign_keys=[adviser_id])
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    partner: Mapped[Organisation] = relationship()

    @property
    def name_for_adviser(self) -> str:
        """What the adviser may read of the person: the stored name once they agreed, before that the
        address the adviser typed (the account's name is the candidate's to give)."""
        return self.candidate.full_name if self.confirmed_at is not None else self.candidate.email


class FileEntryKind(str, enum.Enum):
    note = "note"          # an adviser wrote on the person's file
    handover = "handover"  # the person was handed from one adviser of the structure to another


class AdviserNote(Base):
    """A line the structure writes on a person's shared file: an adviser's note, or a handover.

    Owned by the structure (`partner_id`), not by its author: every adviser of the structure reads it,
    nobody else does (companies never, another structure never). The person gets it in their export."""

    __tablename__ = "adviser_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[FileEntryKind] = mapped_column(enum_column(FileEntryKind, "adviser_note_kind"),
                                                default=FileEntryKind.note)
    text: Mapped[str] = mapped_column(Text, default="")
    # A handover: the referral handed over, who followed the person before, and who follows them now.
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"), index=True)
    handed_from_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handed_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    handed_from: Mapped[User | None] = relationship(foreign_keys=[handed_from_id])
    handed_to: Mapped[User | None] = relationship(foreign_keys=[handed_to_id])

    _no_bidi = bidi_free("text")
