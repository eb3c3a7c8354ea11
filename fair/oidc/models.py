"""Which account a provider's subject signs in to."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import User
from fair.db import Base, UTCDateTime, utcnow


class OidcIdentity(Base):
    """`subject` at the provider named `provider` (OIDC_PROVIDERS) is the account `user_id`, since
    `linked_at`. One identity per provider and subject, and one per provider and account."""

    __tablename__ = "oidc_identities"
    __table_args__ = (
        UniqueConstraint("provider", "subject", name="uq_oidc_identities_provider_subject"),
        UniqueConstraint("provider", "user_id", name="uq_oidc_identities_provider_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The address the provider gave when the link was made (it proved that address then).
    email: Mapped[str] = mapped_column(String(254), default="")
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
