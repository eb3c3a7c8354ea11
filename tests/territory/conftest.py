"""The territory tests' world: a fake of the national address API (a local HTTP server answering as
its documentation says), started once per session, and a small QPV boundary file made for the tests.

Most tests here do not depend on the database: they run on SQLite (the confirmation tests, whose
queries do, ask for both)."""
from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest


def feature(lon: float, lat: float, score: float = 0.93, kind: str = "housenumber", postcode: str = "59000",
            citycode: str = "59350", label: str = "12 Rue des Lilas 59000 Lille") -> dict[str, Any]:
    """One match, as the API's /search/ answers it (GeoJSON Feature, coordinates [lon, lat])."""
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"label": label, "score": score, "housenumber": "12", "id": f"{citycode}_1234_00012",
                           "name": "12 Rue des Lilas", "postcode": postcode, "citycode": citycode,
                           "x": 704000.0, "y": 7059000.0, "city": "Lille", "context": "59, Nord, Hauts-de-France",
                           "type": kind, "importance": 0.6, "street": "Rue des Lilas"}}


def collection(query: str, *features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "version": "draft", "features": list(features),
            "attribution": "BAN", "licence": "ETALAB-2.0", "query": query, "limit": 1}


class FakeAddressApi:
    """Answers GET /search/?q=…: each query has a script of answers, played in order (the last one
    repeats); an unknown query gets an empty FeatureCollection (no match). Every request is recorded."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[tuple[float, dict[str, str]]] = []
        self.release = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query))
                api.requests.append((time.monotonic(), params))
                if url.path != "/search/":
                    self.send_response(404)
                    self.end_headers()
                    return
                script = api.scripts.get(params.get("q", ""), [])
                answer = (script.pop(0) if len(script) > 1 else script[0]) if script else {}
                if answer.get("hang"):
                    api.release.wait(10)
                status = answer.get("status", 200)
                body = json.dumps(answer.get("body", collection(params.get("q", "")))).encode()
                if status != 200:
                    body = b"<html><body>Too Many Requests</body></html>" if status == 429 else b"error"
                self.send_response(status)
                for name, value in answer.get("headers", {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8" if status == 200 else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, query: str, *answers: dict[str, Any]) -> None:
        self.scripts[query] = list(answers)

    def match(self, query: str, lon: float, lat: float, **kw: Any) -> None:
        self.answer(query, {"body": collection(query, feature(lon, lat, **kw))})

    def asked(self, query: str) -> list[float]:
        return [at for at, params in self.requests if params.get("q") == query]

    def reset(self) -> None:
        self.scripts.clear()
        self.requests.clear()
        self.release.clear()


@pytest.fixture(scope="session")
def address_api() -> Iterator[FakeAddressApi]:
    api = FakeAddressApi()
    api.thread.start()
    yield api
    api.release.set()
    api.server.shutdown()
    api.server.server_close()


@pytest.fixture
def geocoder_api(address_api) -> Iterator[FakeAddressApi]:
    address_api.reset()
    yield address_api
    address_api.release.set()


@pytest.fixture
def database_url(sqlite_url) -> str:
    return sqlite_url


@pytest.fixture
def app_config(app_config, address_api) -> dict[str, Any]:
    return {**app_config, "GEOCODER_URL": address_api.url, "GEOCODER_TIMEOUT": 0.5, "GEOCODER_RETRIES": 2,
            "GEOCODER_BACKOFF": 0.05}


# ---------------------------------------------------------------- the boundary file

def square(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


# Zone A: a square near Lille with a hole in its middle; zone B: a multipolygon of two squares.
ZONE_A = {"type": "Polygon", "coordinates": [square(3.00, 50.60, 3.10, 50.70), square(3.04, 50.64, 3.06, 50.66)]}
ZONE_B = {"type": "MultiPolygon", "coordinates": [[square(3.20, 50.60, 3.25, 50.65)],
                                                  [square(3.30, 50.60, 3.35, 50.65)]]}


def boundary_file(*, code_key: str = "code_qp", name_key: str = "lib_qp") -> dict[str, Any]:
    """A small FeatureCollection shaped as the official QPV 2024 file (WGS84, code and name properties)."""
    return {"type": "FeatureCollection", "name": "QP2024_France_Hexagonale_Outre_Mer_WGS84",
            "features": [
                {"type": "Feature", "geometry": ZONE_A,
                 "properties": {code_key: "QN05901M", name_key: "Les Lilas", "lib_com": "Lille"}},
                {"type": "Feature", "geometry": ZONE_B,
                 "properties": {code_key: "QN05902M", name_key: "Les Deux Rives", "lib_com": "Roubaix"}},
            ]}
