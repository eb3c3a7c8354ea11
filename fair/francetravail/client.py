"""France Travail's "Offres d'emploi v2" API, as its documentation describes it.

- **Token**: OAuth2 client credentials (Authlib), posted to `FRANCE_TRAVAIL_TOKEN_URL` (realm
  `/partenaire`) with the scope `api_offresdemploiv2 o2dsoffre`. The token is kept, per client id,
  until `TOKEN_LEEWAY` seconds before its `expires_in` (read on `fair.clock`), then fetched again.
- **Search**: `GET <API_URL>/offres/search?siret=…` (or `motsCles`, `codeROME`, `commune`,
  `departement`) pages by `range=p-d`, 150 offers at most a page; `p` may not pass 3,000 nor `d`
  3,149 (the API's index limit): past it the search stops and says it was cut. 200 answers every
  offer left, 206 one page (`Content-Range: offres 0-149/1234`), 204 none, 400 a bad range or
  criterion.
- **One offer**: `GET <API_URL>/offres/<id>`: 200 the offer, 204 or 404 when it is closed there.
- 429 waits what `Retry-After` says (at most `FRANCE_TRAVAIL_MAX_WAIT` seconds) and retries; a 5xx,
  a timeout or a refused connection is retried `FRANCE_TRAVAIL_RETRIES` times with a growing delay;
  then `FranceTravailUnavailable`. Calls are spaced by `FRANCE_TRAVAIL_MIN_INTERVAL` seconds (the API
  allows a few calls a second).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session

from fair import clock

log = logging.getLogger("fair.francetravail")

SCOPE = "api_offresdemploiv2 o2dsoffre"
PAGE_SIZE = 150
LAST_INDEX = 3149  # the API's index limit: no range may end past it
LAST_START = 3000
_CONTENT_RANGE = re.compile(r"^\s*offres\s+(\d+)-(\d+)/(\d+)\s*$")

# Tokens per (token URL, client id), shared by every client of the process, so imports and the daily
# job ask for one only when the last one is about to expire.
_TOKENS: dict[tuple[str, str], tuple[str, dt.datetime]] = {}
_TOKENS_LOCK = threading.Lock()


class FranceTravailError(Exception):
    """The API refused or failed: `status` is what people are told (see views)."""

    def __init__(self, status: str, detail: str = "") -> None:
        super().__init__(f"{status}: {detail}" if detail else status)
        self.status = status
        self.detail = detail


class FranceTravailUnavailable(FranceTravailError):
    """No usable answer after the retries (5xx, 429 too long, no connection)."""


@dataclass
class SearchResult:
    offers: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    truncated: bool = False  # the API's index limit cut the list


def forget_tokens() -> None:
    """Drop every kept token (tests; a changed secret)."""
    with _TOKENS_LOCK:
        _TOKENS.clear()


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0


@dataclass
class FranceTravailClient:
    client_id: str
    client_secret: str
    token_url: str
    api_url: str
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 30.0
    min_interval: float = 0.25
    token_leeway: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    _last_call: float = 0.0

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> FranceTravailClient | None:
        """The configured client, None when the instance has no France Travail credentials."""
        if not (config.get("FRANCE_TRAVAIL_CLIENT_ID") and config.get("FRANCE_TRAVAIL_CLIENT_SECRET")):
            return None
        return cls(client_id=config["FRANCE_TRAVAIL_CLIENT_ID"], client_secret=config["FRANCE_TRAVAIL_CLIENT_SECRET"],
                   token_url=config["FRANCE_TRAVAIL_TOKEN_URL"], api_url=config["FRANCE_TRAVAIL_API_URL"].rstrip("/"),
                   timeout=float(config.get("FRANCE_TRAVAIL_TIMEOUT", 10)),
                   retries=int(config.get("FRANCE_TRAVAIL_RETRIES", 3)),
                   backoff=float(config.get("FRANCE_TRAVAIL_BACKOFF", 0.5)),
                   max_wait=float(config.get("FRANCE_TRAVAIL_MAX_WAIT", 30)),
                   min_interval=float(config.get("FRANCE_TRAVAIL_MIN_INTERVAL", 0.25)))

    # ---------------------------------------------------------------- token

    def access_token(self) -> str:
        key = (self.token_url, self.client_id)
        with _TOKENS_LOCK:
            kept = _TOKENS.get(key)
            if kept and clock.now() < kept[1]:
                return kept[0]
            oauth = OAuth2Session(self.client_id, self.client_secret, scope=SCOPE,
                                  token_endpoint_auth_method="client_secret_post")
            try:
                token = oauth.fetch_token(self.token_url, grant_type="client_credentials", timeout=self.timeout)
            except Exception as error:  # Authlib raises OAuthError, requests its own: both mean "no token"
                raise FranceTravailUnavailable("token", str(error)) from None
            finally:
                oauth.close()
            lifetime = float(token.get("expires_in") or 0)
            until = clock.now() + dt.timedelta(seconds=max(0.0, lifetime - self.token_leeway))
            _TOKENS[key] = (token["access_token"], until)
            return token["access_token"]

    # ---------------------------------------------------------------- calls

    def _throttle(self) -> None:
        wait = self._last_call + self.min_interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last_call = time.monotonic()

    def _get(self, path: str, params: dict[str, str] | None = None) -> requests.Response:
        failures = 0
        while True:
            self._throttle()
            try:
                response = requests.get(f"{self.api_url}{path}", params=params, timeout=self.timeout, headers={
                    "Authorization": f"Bearer {self.access_token()}", "Accept": "application/json"})
            except requests.RequestException as error:
                reason = str(error)
            else:
                if response.status_code == 429:
                    wait = _retry_after(response.headers.get("Retry-After"))
                    failures += 1
                    if wait > self.max_wait or failures > self.retries:
                        raise FranceTravailUnavailable("rate_limited", f"asked to wait {wait:g} s")
                    log.info("france travail: 429, waiting %g s as Retry-After says", wait)
                    self.sleep(wait)
                    continue
                if response.status_code == 401 and failures == 0:
                    forget_tokens()  # revoked or expired early: one new token, one more try
                    failures += 1
                    continue
                if response.status_code < 500:
                    return response
                reason = f"HTTP {response.status_code}"
            failures += 1
            if failures > self.retries:
                raise FranceTravailUnavailable("unavailable", reason)
            log.info("france travail: %s, retry %d of %d", reason, failures, self.retries)
            self.sleep(self.backoff * 2 ** (failures - 1))

    def search(self, criteria: dict[str, str]) -> SearchResult:
        """Every offer matching `criteria` (API parameter names), page by page up to the index limit."""
        result = SearchResult()
        start = 0
        while True:
            end = min(start + PAGE_SIZE - 1, LAST_INDEX)
            response = self._get("/offres/search", {**criteria, "range": f"{start}-{end}"})
            if response.status_code == 204:
                return result
            if response.status_code == 400:
                raise FranceTravailError("bad_request", _message(response))
            if response.status_code not in (200, 206):
                raise FranceTravailError("unexpected", f"HTTP {response.status_code}")
            try:
                page = response.json().get("resultats") or []
            except ValueError:
                raise FranceTravailError("unexpected", "the answer is not JSON") from None
            result.offers.extend(page)
            total = _total(response.headers.get("Content-Range"))
            result.total = total if total is not None else len(result.offers)
            if response.status_code == 200 or not page or len(result.offers) >= result.total:
                return result
            start = end + 1
            if start > LAST_START or start > LAST_INDEX:
                result.truncated = True
                log.info("france travail: search cut at the API's index limit (%d of %d)",
                         len(result.offers), result.total)
                return result

    def offer(self, offer_id: str) -> dict[str, Any] | None:
        """The offer as France Travail shows it today; None when it is closed there."""
        response = self._get(f"/offres/{requests.utils.quote(offer_id, safe='')}")
        if response.status_code in (204, 404):
            return None
        if response.status_code != 200:
            raise FranceTravailError("unexpected", f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise FranceTravailError("unexpected", "the answer is not JSON") from None


def _total(content_range: str | None) -> int | None:
    match = _CONTENT_RANGE.match(content_range or "")
    return int(match.group(3)) if match else None


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("message") or body)[:200] if isinstance(body, dict) else str(body)[:200]
