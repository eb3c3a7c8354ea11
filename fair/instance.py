"""The instance itself: its name, logo, contact, and the pages every public body must publish.

One row (id 1), edited in the admin console. Every page's header and footer read it, error pages
included, so `current()` never lets a database failure through: it answers the last values it read
(or the defaults) and tries the database again a few seconds later.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy import JSON, String, Text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from fair.db import Base, UTCDateTime, utcnow

log = logging.getLogger("fair.instance")

DEFAULT_NAME = "fair"
CACHE_SECONDS = 10.0


class InstanceSettings(Base):
    __tablename__ = "instance_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default=DEFAULT_NAME)
    logo_url: Mapped[str | None] = mapped_column(String(500))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    legal_notice: Mapped[str] = mapped_column(Text, default="")
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    accessibility_statement: Mapped[str] = mapped_column(Text, default="")
    # Whom to write to about personal data (the data-protection officer), and the retention periods
    # in days that replace the defaults of fair.privacy.retention.
    privacy_contact: Mapped[str | None] = mapped_column(String(254))
    retention: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


@dataclass(frozen=True)
class Instance:
    """What pages show of the instance: a plain value, safe to keep between requests."""

    name: str = DEFAULT_NAME
    logo_url: str | None = None
    contact_email: str | None = None
    legal_notice: str = ""
    privacy_notice: str = ""
    accessibility_statement: str = ""


_cache: dict[str, tuple[float, Instance]] = {}
_lock = threading.Lock()


def settings_row(session: Session) -> InstanceSettings:
    """The one settings row, created with the defaults on first use (the caller commits)."""
    row = session.get(InstanceSettings, 1)
    if row is None:
        row = InstanceSettings(id=1, name=DEFAULT_NAME)
        session.add(row)
        session.flush()
    return row


def current(session: Session, key: str = "default") -> Instance:
    """The instance's settings for a page, from a cache of a few seconds; never raises."""
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        row = session.get(InstanceSettings, 1)
        value = Instance() if row is None else Instance(
            name=row.name or DEFAULT_NAME, logo_url=row.logo_url, contact_email=row.contact_email,
            legal_notice=row.legal_notice or "", privacy_notice=row.privacy_notice or "",
            accessibility_statement=row.accessibility_statement or "")
    except SQLAlchemyError:
        try:
            session.rollback()
        except SQLAlchemyError:
            pass
        log.warning("instance settings unreadable: showing the last known ones")
        return cached[1] if cached is not None else Instance()
    with _lock:
        _cache[key] = (now, value)
    return value


def forget() -> None:
    """Drop the cached settings (after an edit, so that this process shows them at once)."""
    with _lock:
        _cache.clear()
