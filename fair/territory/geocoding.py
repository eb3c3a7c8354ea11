"""Placing an address with the national address base's API (BAN, served by the Géoplateforme).

`GET <GEOCODER_URL>/search/?q=<street line, postcode and town>&postcode=<postcode>&limit=1` answers a
GeoJSON FeatureCollection; its first feature's `geometry.coordinates` are `[longitude, latitude]`
(WGS84) and its `properties` hold `score` (0 to 1), `type` (housenumber, street, locality,
municipality), `postcode` and `citycode`. No feature: no match.

- Only a placement precise enough to tell a neighbourhood counts: a house number, a street or a
  locality, with a score of at least `GEOCODER_MIN_SCORE`. A town alone (type "municipality", its
  centre) or a weak score is "not placed": the person's QPV stays unknown, their own answer stands.
- The service allows 50 requests per second per IP address and answers 429 with a `Retry-After`
  header (in seconds) past it: requests are spaced across every process by a counter per second in
  Redis (`GEOCODER_RATE` a second, below the limit), and a 429 is waited out as it says (up to
  `GEOCODER_MAX_WAIT` seconds) before the one retry it calls for.
- A 5xx answer, a timeout or a refused connection is retried `GEOCODER_RETRIES` times with a growing
  delay; then `GeocoderUnavailable` (the profile stays "not geocoded" and a later run tries again).
- Answers are cached in Redis for `GEOCODER_CACHE_DAYS` days under a hash of the normalised address,
  never the person's id: the same address is asked once, whoever lives there. A miss is cached too.
"""
from __future__ import annotations

import hashlib
import json
import logging
import socket
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger("fair.territory")

PLACED_TYPES = ("housenumber", "street", "locality")
CACHE_PREFIX = "fair:geocode:"
RATE_PREFIX = "fair:geocode-rate:"
USER_AGENT = "fair (recruitment fairs; QPV of candidates' addresses)"


class GeocoderUnavailable(Exception):
    """The service did not answer usably after the retries: nothing is concluded about the address."""


@dataclass(frozen=True)
class Placement:
    lon: float
    lat: float
    score: float
    kind: str
    citycode: str


def normalise_address(line: str, postcode: str | None, city: str | None) -> str:
    """One spelling per address: accents and case folded, punctuation and spaces collapsed."""
    text = " ".join(part for part in (line, postcode or "", city or "") if part)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(text.split())


def address_key(line: str, postcode: str | None, city: str | None) -> str:
    """The cache key of an address: a hash of its normalised form (the address itself is not a key)."""
    return hashlib.sha256(normalise_address(line, postcode, city).encode("utf-8")).hexdigest()


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value is not None else 5.0
    except ValueError:
        return 5.0  # an HTTP date, or garbage: the documented blocking time


def _kept(feature: Any) -> dict[str, Any] | None:
    """What the cache keeps of a match: the point and how good it is, not the address's wording."""
    if not isinstance(feature, dict):
        return None
    properties = feature.get("properties") or {}
    return {"geometry": feature.get("geometry"),
            "properties": {k: properties.get(k) for k in ("score", "type", "citycode")}}


@dataclass
class Geocoder:
    url: str
    redis: Redis | None = None
    min_score: float = 0.5
    timeout: float = 5.0
    retries: int = 3
    backoff: float = 0.5
    rate: int = 40
    max_wait: float = 30.0
    cache_seconds: int = 30 * 24 * 3600
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_config(cls, config: dict[str, Any], redis: Redis | None) -> Geocoder | None:
        """The configured geocoder, None when GEOCODER_URL is empty (self-declaration stands)."""
        if not config.get("GEOCODER_URL"):
            return None
        return cls(url=config["GEOCODER_URL"].rstrip("/"), redis=redis,
                   min_score=float(config.get("GEOCODER_MIN_SCORE", 0.5)),
                   timeout=float(config.get("GEOCODER_TIMEOUT", 5.0)),
                   retries=int(config.get("GEOCODER_RETRIES", 3)),
                   backoff=float(config.get("GEOCODER_BACKOFF", 0.5)),
                   rate=int(config.get("GEOCODER_RATE", 40)),
                   max_wait=float(config.get("GEOCODER_MAX_WAIT", 30.0)),
                   cache_seconds=int(float(config.get("GEOCODER_CACHE_DAYS", 30)) * 24 * 3600))

    # ---------------------------------------------------------------- the one call

    def locate(self, line: str, postcode: str | None, city: str | None) -> Placement | None:
        """Where the address is, or None when the service cannot place it well enough."""
        key = CACHE_PREFIX + address_key(line, postcode, city)
        cached = self._cache_get(key)
        if cached is not None:
            feature = cached.get("feature")
        else:
            feature = self._search(" ".join(p for p in (line, postcode or "", city or "") if p), postcode)
            self._cache_set(key, {"feature": feature})
        return self._placement(feature)

    def _placement(self, feature: dict[str, Any] | None) -> Placement | None:
        if not feature:
            return None
        properties = feature.get("properties") or {}
        try:
            lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
            score = float(properties.get("score") or 0)
        except (KeyError, TypeError, ValueError):
            return None
        kind = str(properties.get("type") or "")
        if score < self.min_score or kind not in PLACED_TYPES:
            return None
        return Placement(lon=lon, lat=lat, score=score, kind=kind, citycode=str(properties.get("citycode") or ""))

    def _search(self, query: str, postcode: str | None) -> dict[str, Any] | None:
        params = {"q": query[:200], "limit": "1"}
        if postcode:
            params["postcode"] = postcode
        request = urllib.request.Request(f"{self.url}/search/?{urllib.parse.urlencode(params)}",
                                         headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        failures = 0
        while True:
            self._throttle()
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = json.loads(response.read().decode("utf-8"))
                features = body.get("features") if isinstance(body, dict) else None
                if not isinstance(features, list):
                    raise GeocoderUnavailable("the answer is not a GeoJSON FeatureCollection")
                return _kept(features[0]) if features else None
            except urllib.error.HTTPError as error:
                if error.code == 429:
                    wait = _retry_after(error.headers.get("Retry-After"))
                    failures += 1
                    if wait > self.max_wait or failures > self.retries:
                        raise GeocoderUnavailable(f"429, asked to wait {wait:g} s") from None
                    log.info("geocoder: 429, waiting %g s as Retry-After says", wait)
                    self.sleep(wait)
                    continue
                if error.code < 500:
                    raise GeocoderUnavailable(f"HTTP {error.code}") from None
                reason = f"HTTP {error.code}"
            except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as error:
                reason = str(getattr(error, "reason", error))
            except ValueError as error:
                raise GeocoderUnavailable(f"unreadable answer: {error}") from None
            failures += 1
            if failures > self.retries:
                raise GeocoderUnavailable(reason)
            log.info("geocoder: %s, retry %d of %d", reason, failures, self.retries)
            self.sleep(self.backoff * 2 ** (failures - 1))

    # ---------------------------------------------------------------- rate and cache

    def _throttle(self) -> None:
        """At most `rate` requests in any second, counted across processes in Redis."""
        if self.redis is None or self.rate <= 0:
            return
        while True:
            second = int(time.time())
            try:
                pipe = self.redis.pipeline()
                pipe.incr(f"{RATE_PREFIX}{second}")
                pipe.expire(f"{RATE_PREFIX}{second}", 5)
                used = pipe.execute()[0]
            except RedisError:
                return
            if used <= self.rate:
                return
            self.sleep(max(0.01, second + 1 - time.time()))

    def _cache_get(self, key: str) -> dict[str, Any] | None:
        if self.redis is None:
            return None
        try:
            raw = self.redis.get(key)
            return json.loads(raw) if raw else None
        except (RedisError, ValueError):
            return None

    def _cache_set(self, key: str, value: dict[str, Any]) -> None:
        if self.redis is None:
            return
        try:
            self.redis.set(key, json.dumps(value), ex=self.cache_seconds)
        except RedisError:
            log.warning("geocoder: the cache refused a value")
