"""QPV boundaries: the import command (a good file, a broken one that changes nothing, a projected one
refused) and the point-in-polygon lookup (inside, outside, in a hole, in a multipolygon's second part,
on a boundary)."""
from __future__ import annotations

import json

import pytest

from fair.territory import qpv
from fair.territory.models import QpvZone
from tests.conftest import count
from tests.territory.conftest import boundary_file, square


def _import(app, tmp_path, data, name="qpv.geojson"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return app.test_cli_runner().invoke(args=["fair", "import-qpv", str(path)])


@pytest.fixture
def zones(app, session, tmp_path):
    result = _import(app, tmp_path, boundary_file())
    assert result.exit_code == 0, result.output
    return result


def test_import_prints_counts_and_stores_each_zone_with_its_box(zones, session):
    assert "imported 2 zones (3 polygons)" in zones.output
    stored = {z.code: z for z in session.query(QpvZone)}
    assert set(stored) == {"QN05901M", "QN05902M"}
    assert stored["QN05901M"].name == "Les Lilas" and stored["QN05901M"].commune == "Lille"
    b = stored["QN05902M"]
    assert (b.min_lon, b.min_lat, b.max_lon, b.max_lat) == pytest.approx((3.20, 50.60, 3.35, 50.65))


@pytest.mark.parametrize(("lon", "lat", "expected"), [
    (3.01, 50.61, "QN05901M"),   # inside the outer ring
    (3.05, 50.65, None),         # inside the hole: not in the zone
    (3.15, 50.62, None),         # between the zones (inside no box but the multipolygon's)
    (3.22, 50.62, "QN05902M"),   # first polygon of the multipolygon
    (3.32, 50.62, "QN05902M"),   # second polygon of the multipolygon
    (3.27, 50.62, None),         # between the two parts: inside B's box, outside its polygons
    (3.00, 50.65, "QN05901M"),   # on the outer boundary: counts as inside (covers)
    (3.04, 50.65, "QN05901M"),   # on the hole's edge: the edge belongs to the zone
    (2.35, 48.85, None),         # far away (Paris)
])
def test_point_in_polygon(zones, session, lon, lat, expected):
    zone = qpv.zone_at(session, lon, lat)
    assert (zone.code if zone else None) == expected


def test_a_new_import_replaces_the_table_and_the_cached_geometries(zones, app, session, tmp_path):
    assert qpv.zone_at(session, 3.32, 50.62).code == "QN05902M"  # the cache now holds B
    moved = boundary_file(code_key="Code_QP", name_key="Lib_QP")  # ArcGIS-style property names
    moved["features"] = moved["features"][:1]
    moved["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [square(3.30, 50.60, 3.35, 50.65)]}
    result = _import(app, tmp_path, moved, "qpv2.geojson")
    assert result.exit_code == 0, result.output
    assert "imported 1 zones" in result.output and "2 zones replaced" in result.output
    assert qpv.zone_at(session, 3.32, 50.62).code == "QN05901M"
    assert qpv.zone_at(session, 3.01, 50.61) is None
    assert count(session, QpvZone) == 1


@pytest.mark.parametrize(("data", "said"), [
    ("{not json", "not a JSON file"),
    ({"type": "Feature"}, "not a GeoJSON FeatureCollection"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code_qp": "QN1"},
         "geometry": {"type": "Point", "coordinates": [3.0, 50.6]}}]}, "a Point where a Polygon"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"lib_qp": "Sans code"},
         "geometry": {"type": "Polygon", "coordinates": [square(3, 50, 3.1, 50.1)]}}]}, "no zone code"),
    ({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
      "features": []}, "Lambert-93"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code_qp": "QN1"},
         "geometry": {"type": "Polygon", "coordinates": [square(704000, 7059000, 705000, 7060000)]}}]},
     "not longitude/latitude"),
])
def test_a_broken_file_is_refused_and_changes_nothing(zones, app, session, tmp_path, data, said):
    result = _import(app, tmp_path, data, "broken.geojson")
    assert result.exit_code != 0
    assert said in result.output and "Nothing was changed" in result.output
    assert count(session, QpvZone) == 2
    assert qpv.zone_at(session, 3.32, 50.62).code == "QN05902M"
