"""What the API keeps: an organisation's tokens. The secret itself is never stored: only its SHA-256
(a 256-bit random secret needs no slow hash) and its first characters, so that owners recognise it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.db import Base, UTCDateTime, utcnow

# Each resource is read or written; a write scope also reads its resource.
RESOURCES = ("offers", "applications", "bookings", "outcomes")
SCOPES = tuple(f"{resource}:{access}" for resource in RESOURCES for access in ("read", "write"))


class ApiToken(Base):
    """A bearer token of an organisation, with the scopes its owners chose. Revoked or expired, it is
    refused from the next request on: each request reads this row, nothing caches it."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def allows(self, scope: str) -> bool:
        """`offers:read` is given by `offers:read` or `offers:write`; `offers:write` only by itself."""
        resource, _, access = scope.partition(":")
        return scope in self.scopes or (access == "read" and f"{resource}:write" in self.scopes)

    def is_live(self, at: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)
