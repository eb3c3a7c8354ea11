"""The priority neighbourhoods (QPV): importing their official boundaries, and finding the one a point is in.

The boundaries come as a GeoJSON FeatureCollection in WGS84 longitude/latitude (the official QPV 2024
file of data.gouv.fr, or a regional copy of it): Polygon or MultiPolygon features whose properties name
the zone's code and name. The property names differ between copies (`code_qp`, `Code_QP`, `lib_qp`,
`nom_qp`, `lib_com`, `commune_qp`…): every common variant is read. A file in Lambert-93 (EPSG:2154) or
another projected system is refused with a message that says so: no projection library is at hand,
and a silent conversion error would misplace every address.

A point on a boundary, the outer ring's or a hole's, counts as inside the zone (`covers`): the line
belongs to the zone as the decree draws it, and an address geocoded onto that line is counted in the
neighbourhood rather than left out. Strictly inside a hole is outside.

Lookups pick the few zones whose bounding box holds the point (indexed columns), then test them with
prepared geometries kept per process. The cache is keyed by the table's version (the count and the
latest `imported_at`), read at most every few seconds: an import in any process changes it, and every
process rebuilds its cache within those seconds, at its
next lookup.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.prepared import PreparedGeometry, prep
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fair.clock import now
from fair.territory.models import QpvZone

log = logging.getLogger("fair.territory")

CODE_KEYS = ("code_qp", "code_quartier", "cod_qp", "codeqp", "code")
NAME_KEYS = ("lib_qp", "nom_qp", "libelle_qp", "nom_quartier", "nom", "name", "libelle")
COMMUNE_KEYS = ("lib_com", "commune_qp", "nom_com", "lib_commune", "communes", "commune", "nom_commune")
PROJECTED_HINTS = ("2154", "lambert")


class QpvFileError(Exception):
    """The boundary file cannot be imported; the message says why, in words an operator can act on."""


@dataclass(frozen=True)
class ParsedZone:
    code: str
    name: str
    commune: str
    geometry: Polygon | MultiPolygon


@dataclass(frozen=True)
class Zone:
    code: str
    name: str
    commune: str


# ---------------------------------------------------------------- reading the file

def _property(properties: dict[str, Any], keys: tuple[str, ...]) -> str:
    lowered = {str(k).lower(): v for k, v in (properties or {}).items()}
    for key in keys:
        value = lowered.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _declared_crs(collection: dict[str, Any]) -> str:
    crs = collection.get("crs") or {}
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
    return str(name or "")


def _check_lon_lat(geometry: Polygon | MultiPolygon, code: str) -> None:
    min_x, min_y, max_x, max_y = geometry.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise QpvFileError(
            f"zone {code}: coordinates ({min_x:.0f}, {min_y:.0f}) are not longitude/latitude: the file looks "
            "projected (Lambert-93, EPSG:2154?). Export it in WGS84 (EPSG:4326), for example with "
            "`ogr2ogr -t_srs EPSG:4326 qpv-wgs84.geojson qpv.geojson`, and import that file.")


def parse_boundaries(raw: bytes | str) -> list[ParsedZone]:
    """The zones of a GeoJSON FeatureCollection, checked; QpvFileError for anything that cannot be imported."""
    try:
        collection = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise QpvFileError(f"not a JSON file: {error}") from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise QpvFileError("not a GeoJSON FeatureCollection (its \"type\" must be \"FeatureCollection\")")
    crs = _declared_crs(collection)
    if any(hint in crs.lower() for hint in PROJECTED_HINTS):
        raise QpvFileError(
            f"the file is in {crs} (Lambert-93): export it in WGS84 (EPSG:4326), for example with "
            "`ogr2ogr -t_srs EPSG:4326 qpv-wgs84.geojson qpv.geojson`, and import that file.")
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise QpvFileError("the file holds no feature")
    by_code: dict[str, ParsedZone] = {}
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise QpvFileError(f"feature {number} is not a GeoJSON Feature")
        properties = feature.get("properties") or {}
        code = _property(properties, CODE_KEYS)
        if not code:
            raise QpvFileError(f"feature {number} has no zone code (a property such as code_qp)")
        if len(code) > 20:
            raise QpvFileError(f"feature {number}: the code {code[:40]!r} is longer than 20 characters")
        try:
            geometry = shape(feature.get("geometry") or {})
        except Exception as error:  # shapely raises several kinds for a malformed geometry
            raise QpvFileError(f"zone {code}: the geometry cannot be read ({error})") from None
        if not isinstance(geometry, (Polygon, MultiPolygon)) or geometry.is_empty:
            raise QpvFileError(f"zone {code}: a {geometry.geom_type} where a Polygon or MultiPolygon is expected")
        _check_lon_lat(geometry, code)
        if not geometry.is_valid:  # self-touching rings and the like: repaired, keeping the polygons only
            geometry = shapely.make_valid(geometry)
            polygons = [g for g in getattr(geometry, "geoms", [geometry]) if isinstance(g, (Polygon, MultiPolygon))]
            geometry = shapely.union_all(polygons)
        if code in by_code:  # a zone drawn as several features: one zone, all its parts
            first = by_code[code]
            geometry = shapely.union_all([first.geometry, geometry])
        by_code[code] = ParsedZone(code=code, name=_property(properties, NAME_KEYS)[:200] or code,
                                   commune=_property(properties, COMMUNE_KEYS)[:200], geometry=geometry)
    return list(by_code.values())


def replace_zones(session: Session, zones: list[ParsedZone]) -> int:
    """Replace every zone by `zones`, in the caller's transaction (it commits: all or nothing)."""
    session.execute(delete(QpvZone))
    stamp = now()
    for zone in zones:
        min_lon, min_lat, max_lon, max_lat = zone.geometry.bounds
        session.add(QpvZone(code=zone.code, name=zone.name, commune=zone.commune, geometry=zone.geometry.wkb,
                            min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat, imported_at=stamp))
    session.flush()
    _cache["checked_at"] = None  # this process sees its own import at once
    return len(zones)


# ---------------------------------------------------------------- point in polygon

_cache_lock = threading.Lock()
_cache: dict[str, Any] = {"version": None, "prepared": {}, "checked_at": None, "seen": None}
VERSION_CHECK_SECONDS = 5.0  # another process's import is noticed within this


def _current_version(session: Session) -> tuple[int, str] | None:
    """The table's version, asked of the database at most every VERSION_CHECK_SECONDS per process."""
    moment = time.monotonic()
    checked = _cache["checked_at"]
    if checked is not None and moment - checked < VERSION_CHECK_SECONDS:
        return _cache["seen"]
    version = boundaries_version(session)
    _cache["checked_at"], _cache["seen"] = moment, version
    return version


def boundaries_version(session: Session) -> tuple[int, str] | None:
    """What identifies the imported table; None when no boundary was imported."""
    count, latest = session.execute(select(func.count(QpvZone.id), func.max(QpvZone.imported_at))).one()
    return (count, str(latest)) if count else None


def _prepared(session: Session, version: tuple[int, str], zone_id: int) -> PreparedGeometry:
    with _cache_lock:
        if _cache["version"] != version:
            _cache["version"], _cache["prepared"] = version, {}
        prepared = _cache["prepared"].get(zone_id)
    if prepared is None:
        wkb = session.execute(select(QpvZone.geometry).where(QpvZone.id == zone_id)).scalar_one()
        prepared = prep(shapely.from_wkb(wkb))
        with _cache_lock:
            if _cache["version"] == version:
                _cache["prepared"][zone_id] = prepared
    return prepared


def zone_at(session: Session, lon: float, lat: float) -> Zone | None:
    """The zone that holds the point (longitude, latitude in WGS84), None when none does."""
    version = _current_version(session)
    if version is None:
        return None
    candidates = session.execute(
        select(QpvZone.id, QpvZone.code, QpvZone.name, QpvZone.commune)
        .where(QpvZone.min_lon <= lon, QpvZone.max_lon >= lon, QpvZone.min_lat <= lat, QpvZone.max_lat >= lat)
        .order_by(QpvZone.code)
    ).all()
    point = Point(lon, lat)
    for zone_id, code, name, commune in candidates:
        if _prepared(session, version, zone_id).covers(point):
            return Zone(code=code, name=name, commune=commune)
    return None


def zone_named(session: Session, code: str | None) -> Zone | None:
    """The zone of this code, for showing its name; None when unknown (or no longer imported)."""
    if not code:
        return None
    row = session.execute(select(QpvZone.code, QpvZone.name, QpvZone.commune).where(QpvZone.code == code)).first()
    return Zone(*row) if row else None
