"""The official boundaries of the priority neighbourhoods (QPV 2024), imported by `flask fair import-qpv`.

Each zone keeps its geometry as WKB (a polygon or a multipolygon, holes included) and its bounding
box in indexed columns: a point is tested only against the few zones whose box holds it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fair.db import Base, UTCDateTime, utcnow


class QpvZone(Base):
    __tablename__ = "qpv_zones"
    __table_args__ = (Index("ix_qpv_zones_bbox", "min_lon", "max_lon", "min_lat", "max_lat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. QN09301M
    name: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(200), default="")
    geometry: Mapped[bytes] = mapped_column(LargeBinary)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
