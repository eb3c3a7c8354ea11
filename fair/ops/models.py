"""Jobs a web node could not hand to Redis (it was down): kept in the database until it answers.

A row outlives the node that wrote it: if that node dies before Redis is back, the worker's
catch-up enqueues the row instead (fair/ops/resilience.py).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from fair.db import Base, UTCDateTime, utcnow


class HeldJob(Base):
    __tablename__ = "held_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(40))
    func: Mapped[str] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    held_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
