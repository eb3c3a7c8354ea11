"""Provider addresses against vectors worked out from each provider's documented algorithm."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from fair.webinars import providers

HOST = providers.Viewer(user_id=7, name="Awa Diallo", email="awa@example.org", host=True)
GUEST = providers.Viewer(user_id=8, name="Élodie Martin", email="elodie@example.org", host=False)


def test_bigbluebutton_checksum_matches_the_documented_example():
    # BigBlueButton's API documentation: callName "create", this query string, this shared secret.
    query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    secret = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
    written_out = b"createname=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444" \
                  b"639259d4-9dd8-4b25-bf01-95f9567eaf4b"
    expected = hashlib.sha1(written_out).hexdigest()
    assert expected == "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"  # the value the documentation prints
    assert providers.bbb_checksum("create", query, secret) == expected
    assert providers.bbb_checksum("create", query, secret, "sha256") == hashlib.sha256(written_out).hexdigest()
    with pytest.raises(ValueError):
        providers.bbb_checksum("create", query, secret, "md5")


def test_bigbluebutton_urls_hash_the_query_exactly_as_sent():
    url = providers.bbb_join_url(base_url="https://bbb.example.org/bigbluebutton/api/", secret="s3cret",
                                 algorithm="sha1", meeting_id="salon-1", viewer=GUEST)
    parts = urlsplit(url)
    assert parts.path == "/bigbluebutton/api/join"
    query, checksum = parts.query.rsplit("&checksum=", 1)
    assert query == "fullName=%C3%89lodie+Martin&meetingID=salon-1&role=VIEWER&userID=8&redirect=true"
    assert checksum == hashlib.sha1(("join" + query + "s3cret").encode()).hexdigest()
    host_url = providers.bbb_join_url(base_url="https://bbb.example.org/bigbluebutton/api", secret="s3cret",
                                      algorithm="sha256", meeting_id="salon-1", viewer=HOST)
    host_query, host_checksum = urlsplit(host_url).query.rsplit("&checksum=", 1)
    assert parse_qs(host_query)["role"] == ["MODERATOR"]
    assert host_checksum == hashlib.sha256(("join" + host_query + "s3cret").encode()).hexdigest()


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_jitsi_jwt_is_signed_hs256_with_the_documented_claims():
    expires = dt.datetime(2030, 3, 12, 11, 0, tzinfo=dt.timezone.utc)
    url = providers.jitsi_join_url(base_url="https://meet.example.org", room="salon-logistique", viewer=HOST,
                                   expires_at=expires, app_id="fair-app", app_secret="jitsi-secret")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "meet.example.org", "/salon-logistique")
    [token] = parse_qs(parts.query)["jwt"]
    header_b64, payload_b64, signature_b64 = token.split(".")
    # Verified by hand: HMAC-SHA256 of "header.payload" with the app secret.
    expected = hmac.new(b"jitsi-secret", f"{header_b64}.{payload_b64}".encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(_b64decode(signature_b64), expected)
    assert json.loads(_b64decode(header_b64)) == {"alg": "HS256", "typ": "JWT"}
    claims = json.loads(_b64decode(payload_b64))
    assert claims["aud"] == "jitsi" and claims["iss"] == "fair-app" and claims["sub"] == "meet.example.org"
    assert claims["room"] == "salon-logistique" and claims["exp"] == int(expires.timestamp())
    assert claims["context"]["user"]["name"] == "Awa Diallo"
    assert claims["context"]["user"]["email"] == "awa@example.org"
    assert claims["moderator"] is True and claims["context"]["user"]["moderator"] is True
    guest = providers.jitsi_join_url(base_url="https://meet.example.org", room="salon-logistique", viewer=GUEST,
                                     expires_at=expires, app_id="fair-app", app_secret="jitsi-secret")
    guest_claims = json.loads(_b64decode(parse_qs(urlsplit(guest).query)["jwt"][0].split(".")[1]))
    assert guest_claims["moderator"] is False and guest_claims["context"]["user"]["name"] == "Élodie Martin"
    # A forged secret does not give the same signature.
    forged = hmac.new(b"other-secret", f"{header_b64}.{payload_b64}".encode(), hashlib.sha256).digest()
    assert not hmac.compare_digest(_b64decode(signature_b64), forged)


def test_jitsi_without_an_app_secret_is_the_plain_room_address():
    url = providers.jitsi_join_url(base_url="https://meet.jit.si/", room="salon-logistique", viewer=GUEST,
                                   expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc))
    assert url == "https://meet.jit.si/salon-logistique"
