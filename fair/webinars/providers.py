"""Where people actually watch a webinar: Jitsi Meet, BigBlueButton or any https address.

Pure functions for the signatures (checked against vectors worked out from each provider's own
documentation), plus the one HTTP call BigBlueButton needs before anyone joins (`create`).

- Jitsi Meet: `JITSI_BASE_URL/<room>`. With `JITSI_APP_ID` and `JITSI_APP_SECRET` set (a Jitsi
  deployment with token authentication), `?jwt=` carries an HS256 token: aud "jitsi", iss the app
  id, sub the Jitsi domain, the room, an expiry, the person's name and email, and `moderator`.
- BigBlueButton: every API call is `BBB_URL/<call>?<query>&checksum=<hash>` where the hash is
  sha1 (or sha256, `BBB_CHECKSUM`) of call name + query string + shared secret. `create` is
  idempotent on BigBlueButton's side (the same meetingID answers SUCCESS again), so it is called
  before each join; hosts join as MODERATOR, candidates as VIEWER.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

log = logging.getLogger("fair.webinars")


class ProviderError(RuntimeError):
    """The provider could not be reached or refused: the person is told to try again shortly."""


@dataclass(frozen=True)
class Viewer:
    """Who is joining, as the provider shows them."""

    user_id: int
    name: str
    email: str
    host: bool


# ---------------------------------------------------------------- Jitsi Meet


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def jwt_hs256(claims: dict, secret: str) -> str:
    """A compact JWS (RFC 7515) signed with HMAC-SHA256, as Jitsi's token authentication reads it."""
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = ".".join(_b64url(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
                             for part in (header, claims))
    signature = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


def jitsi_claims(*, app_id: str, base_url: str, room: str, viewer: Viewer, expires_at: dt.datetime) -> dict:
    domain = urlsplit(base_url).hostname or ""
    return {
        "aud": "jitsi",
        "iss": app_id,
        "sub": domain,
        "room": room,
        "exp": int(expires_at.timestamp()),
        "moderator": viewer.host,
        "context": {"user": {"id": str(viewer.user_id), "name": viewer.name, "email": viewer.email,
                             "moderator": viewer.host}},
    }


def jitsi_join_url(*, base_url: str, room: str, viewer: Viewer, expires_at: dt.datetime,
                   app_id: str = "", app_secret: str = "") -> str:
    url = f"{base_url.rstrip('/')}/{room}"
    if app_id and app_secret:
        token = jwt_hs256(jitsi_claims(app_id=app_id, base_url=base_url, room=room, viewer=viewer,
                                       expires_at=expires_at), app_secret)
        url += "?" + urlencode({"jwt": token})
    return url


# ---------------------------------------------------------------- BigBlueButton


def bbb_checksum(call: str, query: str, secret: str, algorithm: str = "sha1") -> str:
    """BigBlueButton's checksum: hash(call name + query string + shared secret), hex-encoded."""
    if algorithm not in ("sha1", "sha256"):
        raise ValueError(f"unsupported BigBlueButton checksum algorithm: {algorithm}")
    return hashlib.new(algorithm, f"{call}{query}{secret}".encode("utf-8")).hexdigest()


def bbb_url(base_url: str, call: str, params: list[tuple[str, str]], secret: str, algorithm: str = "sha1") -> str:
    """`<base>/<call>?<query>&checksum=…`, the query encoded once and hashed exactly as sent."""
    query = urlencode(params)
    checksum = bbb_checksum(call, query, secret, algorithm)
    return f"{base_url.rstrip('/')}/{call}?{query}{'&' if query else ''}checksum={checksum}"


def bbb_create_url(*, base_url: str, secret: str, algorithm: str, meeting_id: str, name: str,
                   welcome: str = "") -> str:
    params = [("name", name), ("meetingID", meeting_id), ("record", "false")]
    if welcome:
        params.append(("welcome", welcome))
    return bbb_url(base_url, "create", params, secret, algorithm)


def bbb_join_url(*, base_url: str, secret: str, algorithm: str, meeting_id: str, viewer: Viewer) -> str:
    params = [("fullName", viewer.name), ("meetingID", meeting_id),
              ("role", "MODERATOR" if viewer.host else "VIEWER"), ("userID", str(viewer.user_id)),
              ("redirect", "true")]
    return bbb_url(base_url, "join", params, secret, algorithm)


def bbb_create(url: str, timeout: float = 10.0) -> None:
    """Call `create`; raise ProviderError unless BigBlueButton answers returncode SUCCESS."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (https URL from settings)
            body = response.read(200_000)
    except (urllib.error.URLError, OSError) as error:
        log.warning("BigBlueButton create failed: %s", error)
        raise ProviderError(str(error)) from error
    try:
        code = ET.fromstring(body).findtext("returncode")
    except ET.ParseError as error:
        raise ProviderError("BigBlueButton answered something that is not XML") from error
    if code != "SUCCESS":
        log.warning("BigBlueButton create refused: %s", body[:300])
        raise ProviderError(f"BigBlueButton answered {code}")
