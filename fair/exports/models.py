"""What the export domain keeps: each file a person asked a job to build."""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fair.db import Base, UTCDateTime, enum_column, utcnow


class ExportState(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Export(Base):
    """One file built by a job for the person who asked (`user_id`), kept 24 hours after it is done.

    The file lives under the instance folder with a random `storage_name`; only its asker may fetch
    it, through a view that checks, until `expires_at`. The sweep deletes the file and the row after.
    """

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[ExportState] = mapped_column(enum_column(ExportState, "export_state"),
                                                default=ExportState.queued, index=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(120))
    download_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10), default="fr")  # the asker's language when they asked
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)

    @property
    def percent(self) -> int | None:
        """0–100 once the build said how much there is to do; None before (an indeterminate bar)."""
        if self.status is ExportState.done:
            return 100
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)
