"""People and the organisations they act for."""
from __future__ import annotations

import datetime as dt
import enum

from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, func, true
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.db import Base, UTCDateTime, bidi_free, enum_column, utcnow


class OrganisationKind(str, enum.Enum):
    organiser = "organiser"
    company = "company"
    partner = "partner"
    network = "network"  # a union of associations, a group of employers: structures acting together


class PartnerType(str, enum.Enum):
    association = "association"
    mission_locale = "mission_locale"
    employment_agency = "employment_agency"
    other = "other"
    # Kinds whose name alone says something about the people they refer: companies see them only as
    # "a partner" (SENSITIVE_PARTNER_TYPES).
    justice = "justice"  # probation and youth justice services
    addiction_care = "addiction_care"
    health = "health"  # mental health and care services


SENSITIVE_PARTNER_TYPES = frozenset({PartnerType.justice, PartnerType.addiction_care, PartnerType.health})


class NetworkType(str, enum.Enum):
    union_of_associations = "union_of_associations"
    employers_group = "employers_group"
    other = "other"


class MembershipRole(str, enum.Enum):
    owner = "owner"  # manages the organisation and its people
    member = "member"  # recruiter of a company, organiser staff, adviser of a partner


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a phone-only account (created by an adviser for a person without email): such a
    # person signs in with a code sent to `mobile`.
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Read and written as `full_name` (below): an erased account answers "Deleted account" everywhere.
    _full_name: Mapped[str] = mapped_column("full_name", String(200))
    # As typed, except a mobile number, kept in E.164 (fair.sms.numbers.parse_mobile): only such a
    # number receives text messages. A landline stays as typed, for a recruiter to call.
    phone: Mapped[str | None] = mapped_column(String(32))
    # The verified mobile number the person signs in with (E.164, fair.sms.numbers.parse_mobile), apart
    # from `phone`, the free text anyone types on their profile: that one is neither checked nor unique.
    mobile: Mapped[str | None] = mapped_column(String(16), unique=True)
    # How the person is reached (fair.accounts.reach): "email", "sms" or "both" (Reach below).
    notify_by: Mapped[str] = mapped_column(String(8), default="email", server_default="email")
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    email_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Bumped when the password changes: it invalidates reset links and other sessions.
    security_stamp: Mapped[str] = mapped_column(String(64))
    # Second factor (RFC 6238 TOTP): the secret, encrypted with a key derived from SECRET_KEY; the last
    # time step used, so that one code cannot be replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The last sign-in or action of the person: accounts inactive for long are warned, then anonymised.
    last_active_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    inactivity_warned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Set when the account was erased (by its owner, an administrator or retention): the row stays, with
    # nothing personal left, so that anonymous statistics and the audit log keep their links.
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    _no_bidi = bidi_free("_full_name")

    @hybrid_property
    def full_name(self) -> str:
        """The person's name; "Deleted account" (translated) once the account is erased, on every page
        and in every mail that names them. In queries, the column itself."""
        if self.erased_at is not None:
            return gettext("Deleted account")
        return self._full_name

    @full_name.inplace.setter
    def _full_name_setter(self, value: str) -> None:
        self._full_name = value

    @full_name.inplace.expression
    @classmethod
    def _full_name_expression(cls):
        return cls._full_name

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def get_id(self) -> str:  # Flask-Login: the stamp logs out old sessions after a password change
        return f"{self.id}:{self.security_stamp}"

    def organisations_of_kind(self, kind: OrganisationKind) -> list[Organisation]:
        """Active ones only, as `fair.access.organisations_of`: a deactivated organisation gives no role."""
        return [m.organisation for m in self.memberships
                if m.organisation.kind == kind and m.organisation.is_active]

    @property
    def is_organiser(self) -> bool:
        return bool(self.organisations_of_kind(OrganisationKind.organiser))

    @property
    def is_recruiter(self) -> bool:
        return bool(self.organisations_of_kind(OrganisationKind.company))

    @property
    def is_adviser(self) -> bool:
        return bool(self.organisations_of_kind(OrganisationKind.partner))

    @property
    def is_candidate(self) -> bool:
        return not self.memberships and not self.is_admin


# Case-insensitive uniqueness of emails, held by the database on SQLite and PostgreSQL alike.
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, "organisation_kind"))
    partner_type: Mapped[PartnerType | None] = mapped_column(enum_column(PartnerType, "partner_type"))
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(120))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(String(4000))
    network_type: Mapped[NetworkType | None] = mapped_column(enum_column(NetworkType, "network_type"))
    # A deactivated organisation keeps its history but takes part in nothing new.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Set when an administrator merged this duplicate into another organisation.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    # An organiser's own retention periods, overriding the instance's (fair.privacy.retention), in days.
    retention: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    _no_bidi = bidi_free("name")

    @property
    def is_sensitive(self) -> bool:
        """A partner whose kind must not be told to companies (SENSITIVE_PARTNER_TYPES)."""
        return self.kind == OrganisationKind.partner and self.partner_type in SENSITIVE_PARTNER_TYPES


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_memberships_user_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(
        enum_column(MembershipRole, "membership_role"), default=MembershipRole.member
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class PasswordResetToken(Base):
    """Single use: the row is marked used; expiry is checked against created_at."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class TeamInvitation(Base):
    """An owner's invitation of a colleague into their organisation, bound to the address it went to.

    Only the SHA-256 of the link's secret is stored; accepting, revoking or expiring ends it.
    """

    __tablename__ = "team_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[MembershipRole] = mapped_column(
        enum_column(MembershipRole, "membership_role"), default=MembershipRole.member
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class JoinRequestStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


class JoinRequest(Base):
    """A person put into an organisation that already exists by someone who is not its owner.

    An organiser's invitation into an existing company, accepted, becomes one of these: nothing of the
    company opens to that person until one of its owners approves.
    """

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The edition invitation that led here, if any (its booth or partnership follows the approval).
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[JoinRequestStatus] = mapped_column(
        enum_column(JoinRequestStatus, "join_request_status"), default=JoinRequestStatus.pending, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class UserSession(Base):
    """One signed-in browser: the cookie carries a secret whose SHA-256 is `token_hash`.

    Ending it on the server (logout, a password change, a disabled account, "end all sessions") makes
    the cookie worthless at once on every node; idle and absolute limits end it by themselves.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    # When the second factor was given in this session (None: not yet, or not needed).
    mfa_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app; only its SHA-256 is kept."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class PhoneSignInCode(Base):
    """The one live sign-in code of a mobile number (fair/accounts/phone.py): a new code replaces it.

    Only an HMAC of the code is kept; it dies after its time or its last allowed attempt.
    """

    __tablename__ = "phone_sign_in_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    mobile: Mapped[str] = mapped_column(String(16), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
