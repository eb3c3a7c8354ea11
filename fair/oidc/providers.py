"""The OpenID Connect protocol with the providers the instance configures (OIDC_PROVIDERS).

Authorisation code flow with PKCE (S256), as Authlib's requests client builds it. What one browser's
sign-in needs to check the answer (state, nonce, PKCE verifier) is returned by `begin` for the caller to
keep in the signed session, and given back to `finish`, which refuses a state that is not the one kept
or that was answered already (spent states are kept in Redis for every node),
an `iss` of the authorisation response that is not the provider's (mix-up), an ID token whose signature,
`iss`, `aud`, `exp` or `nonce` is wrong, and a userinfo answer about another subject.

Discovery (`/.well-known/openid-configuration`) and the provider's keys are cached per process; an ID
token signed with a key id the cache does not know fetches the keys again once (key rotation).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken, UserInfo
from flask import current_app
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from redis.exceptions import RedisError

from fair import clock
from fair.redis_conn import get_redis

log = logging.getLogger("fair.oidc")

METADATA_TTL = 3600.0  # seconds a provider's discovery document and keys are trusted before fetching again
PENDING_MINUTES = 10  # a sign-in started longer ago than this is refused
LEEWAY = 60  # seconds of clock difference allowed on exp, iat


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    acr_values: str
    trust_email: bool  # every address it gives is verified (ProConnect), even without `email_verified`
    kind: str  # "proconnect" draws ProConnect's button

    @classmethod
    def from_config(cls, entry: dict) -> "Provider":
        return cls(name=entry["name"], label=entry.get("label") or entry["name"],
                   issuer=str(entry["issuer"]).rstrip("/"), client_id=entry["client_id"],
                   client_secret=entry.get("client_secret") or "",
                   scopes=entry.get("scopes") or "openid email profile", acr_values=entry.get("acr_values") or "",
                   trust_email=bool(entry.get("trust_email")), kind=entry.get("kind") or "")


class SignInRefused(Exception):
    """The provider's answer cannot sign anyone in; `reason` says which check refused it (logged).
    `cancelled`: the provider answered with an error (the person said no, or gave up) for this very
    sign-in, rather than with something that failed a check."""

    def __init__(self, reason: str, *, cancelled: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cancelled = cancelled


class ProviderUnreachable(Exception):
    """Discovery, keys, token or userinfo could not be fetched."""


@dataclass
class SignIn:
    """What a finished sign-in gives: the claims (ID token, then userinfo) and the raw ID token."""

    claims: dict[str, Any]
    id_token: str


def configured() -> list[Provider]:
    return [Provider.from_config(entry) for entry in current_app.config.get("OIDC_PROVIDERS") or []]


def get(name: str) -> Provider | None:
    return next((provider for provider in configured() if provider.name == name), None)


# ---------------------------------------------------------------- discovery and keys, cached

_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _timeout() -> float:
    return float(current_app.config.get("OIDC_TIMEOUT") or 10)


def _fetch_json(url: str) -> dict:
    try:
        answer = requests.get(url, timeout=_timeout(), headers={"Accept": "application/json"})
        answer.raise_for_status()
        return answer.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnreachable(f"{url}: {error}") from error


def _cached(key: str, fetch, force: bool = False) -> Any:
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and not force and now - hit[0] < METADATA_TTL:
        return hit[1]
    value = fetch()
    with _cache_lock:
        _cache[key] = (now, value)
    return value


def forget_cache() -> None:
    with _cache_lock:
        _cache.clear()


def metadata(provider: Provider) -> dict:
    """The provider's discovery document; refused if it names another issuer (OpenID Discovery 4.3)."""
    def fetch() -> dict:
        document = _fetch_json(f"{provider.issuer}/.well-known/openid-configuration")
        if str(document.get("issuer", "")).rstrip("/") != provider.issuer:
            raise ProviderUnreachable(f"discovery of {provider.name} names issuer {document.get('issuer')!r}")
        return document
    return _cached(f"metadata:{provider.issuer}", fetch)


def _keys(provider: Provider, force: bool = False) -> KeySet:
    uri = metadata(provider)["jwks_uri"]
    return KeySet.import_key_set(_cached(f"jwks:{uri}", lambda: _fetch_json(uri), force=force))


def _decode(provider: Provider, token: str) -> jwt.Token:
    """A JWT signed by the provider (with one of the algorithms it announces); never `none`."""
    algorithms = metadata(provider).get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [alg for alg in algorithms if alg.lower() != "none" and not alg.startswith("HS")]
    try:
        try:
            return jwt.decode(token, _keys(provider), algorithms=algorithms)
        except InvalidKeyIdError:  # the provider rotated its keys since they were cached
            log.info("unknown key id from %s: fetching its keys again", provider.name)
            return jwt.decode(token, _keys(provider, force=True), algorithms=algorithms)
    except (JoseError, ValueError) as error:
        raise SignInRefused(f"signature: {error}") from error


# ---------------------------------------------------------------- the flow

def _client(provider: Provider, redirect_uri: str) -> OAuth2Session:
    document = metadata(provider)
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return OAuth2Session(provider.client_id, provider.client_secret, scope=provider.scopes,
                         redirect_uri=redirect_uri, code_challenge_method="S256", token_endpoint_auth_method=method)


def begin(provider: Provider, redirect_uri: str) -> tuple[str, dict]:
    """The provider's authorisation URL, and what to keep until its answer comes back."""
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    extra = {"nonce": nonce}
    if provider.acr_values:
        extra["acr_values"] = provider.acr_values
    with _client(provider, redirect_uri) as client:
        url, _state = client.create_authorization_url(metadata(provider)["authorization_endpoint"], state=state,
                                                      code_verifier=verifier, **extra)
    pending = {"provider": provider.name, "state": state, "nonce": nonce, "verifier": verifier,
               "started_at": clock.now().isoformat()}
    return url, pending


def finish(provider: Provider, pending: dict | None, args: dict, redirect_uri: str) -> SignIn:
    """Check the authorisation response against `pending`, exchange the code, check the ID token."""
    if not isinstance(pending, dict) or pending.get("provider") != provider.name:
        raise SignInRefused("no sign-in was started with this provider in this browser")
    if not hmac.compare_digest(str(args.get("state") or ""), str(pending.get("state") or "")):
        raise SignInRefused("state differs from the one sent")
    try:
        started = dt.datetime.fromisoformat(pending["started_at"])
    except (KeyError, TypeError, ValueError):
        raise SignInRefused("no start time") from None
    if clock.now() - started > dt.timedelta(minutes=PENDING_MINUTES):
        raise SignInRefused("started too long ago")
    _spend(pending["state"])
    if args.get("error"):
        raise SignInRefused(f"provider answered {args.get('error')}: {args.get('error_description', '')}"[:300],
                            cancelled=True)
    if args.get("iss") and str(args["iss"]).rstrip("/") != provider.issuer:
        raise SignInRefused("iss of the authorisation response is another provider's")
    code = args.get("code")
    if not code:
        raise SignInRefused("no code")
    with _client(provider, redirect_uri) as client:
        try:
            token = client.fetch_token(metadata(provider)["token_endpoint"], code=code,
                                       code_verifier=pending["verifier"], timeout=_timeout())
        except AuthlibBaseError as error:  # invalid_grant: a code used already, expired, or another verifier
            raise SignInRefused(f"token endpoint: {error}") from error
        except requests.RequestException as error:
            raise ProviderUnreachable(f"token endpoint: {error}") from error
    id_token = token.get("id_token")
    if not id_token:
        raise SignInRefused("no ID token")
    decoded = _decode(provider, id_token)
    claims = CodeIDToken(decoded.claims, decoded.header,
                         {"iss": {"essential": True, "value": provider.issuer},
                          "aud": {"essential": True, "value": provider.client_id}},
                         {"nonce": pending["nonce"], "client_id": provider.client_id,
                          "access_token": token.get("access_token")})
    try:
        claims.validate(leeway=LEEWAY)
    except (AuthlibBaseError, JoseError) as error:  # Authlib raises joserfc's claim errors
        raise SignInRefused(f"ID token: {error}") from error
    if not hmac.compare_digest(str(claims.get("nonce") or ""), pending["nonce"]):  # said twice: it is the point
        raise SignInRefused("ID token: nonce differs")
    if provider.acr_values and claims.get("acr") not in provider.acr_values.split():
        raise SignInRefused(f"ID token: acr {claims.get('acr')!r} is not one asked for")  # a weaker level
    merged = dict(claims)
    merged.update(_userinfo(provider, token, str(claims["sub"])))
    return SignIn(claims=merged, id_token=id_token)


def _spend(state: str) -> None:
    """A state answers once, on every node: a copied session cookie played again with the same answer
    is refused here, before the provider sees its code a second time (which it refuses too). Without
    Redis the provider's single-use codes still hold: the check is skipped, not the sign-in."""
    key = f"fair:oidc:state:{hashlib.sha256(state.encode()).hexdigest()}"
    try:
        first = get_redis().set(key, b"1", nx=True, ex=PENDING_MINUTES * 60 + LEEWAY)
    except RedisError as error:
        log.warning("state of a sign-in not recorded as spent (Redis: %s)", error)
        return
    if not first:
        raise SignInRefused("state already answered")


def _userinfo(provider: Provider, token: dict, subject: str) -> dict:
    """The userinfo answer (JSON, or a JWT signed by the provider as ProConnect sends it) about `subject`."""
    endpoint = metadata(provider).get("userinfo_endpoint")
    if not endpoint or not token.get("access_token"):
        return {}
    try:
        answer = requests.get(endpoint, timeout=_timeout(),
                              headers={"Authorization": f"Bearer {token['access_token']}"})
        answer.raise_for_status()
    except requests.RequestException as error:
        raise ProviderUnreachable(f"userinfo: {error}") from error
    if answer.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        decoded = _decode(provider, answer.text.strip())
        info = dict(decoded.claims)
        audience = info.get("aud", provider.client_id)
        if str(info.get("iss", provider.issuer)).rstrip("/") != provider.issuer or provider.client_id not in (
                audience if isinstance(audience, list) else [audience]):
            raise SignInRefused("userinfo: iss or aud")
    else:
        try:
            info = dict(UserInfo(answer.json()))
        except ValueError as error:
            raise ProviderUnreachable(f"userinfo: {error}") from error
    if str(info.get("sub")) != subject:
        raise SignInRefused("userinfo is about another subject")
    return {key: value for key, value in info.items() if key not in ("iss", "aud", "exp", "iat", "nonce")}


def end_session_url(provider: Provider, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser so that the provider's session ends too (RP-initiated logout), or None
    when the provider has no end_session_endpoint or cannot be reached: then only ours ends."""
    try:
        endpoint = metadata(provider).get("end_session_endpoint")
    except ProviderUnreachable as error:
        log.warning("signing out of %s locally only: %s", provider.name, error)
        return None
    if not endpoint:
        return None
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": post_logout_redirect_uri,
                       "client_id": provider.client_id, "state": secrets.token_urlsafe(16)})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
