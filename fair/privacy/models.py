"""What the personal-data domain keeps of its own: each export a person asked for."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fair.db import Base, UTCDateTime, enum_column, utcnow


class ExportStatus(str, enum.Enum):
    queued = "queued"
    building = "building"
    ready = "ready"
    downloaded = "downloaded"
    expired = "expired"
    failed = "failed"


class DataExport(Base):
    """A person's "download my data": built by a job into a zip under UPLOAD_FOLDER, fetched once
    through a link whose secret only the person received (its SHA-256 is kept), within 24 hours."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ExportStatus] = mapped_column(enum_column(ExportStatus, "export_status"),
                                                 default=ExportStatus.queued, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    storage_name: Mapped[str | None] = mapped_column(String(80))
    size: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ready_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    downloaded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
