"""API tokens: made (the secret shown once), listed, revoked, and checked on every request.

Services take plain arguments and never commit. A token is checked against its row on each request
(`authenticate`): a revocation is seen by the very next call, on every node, with no cache to empty.
"""
from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fair import audit
from fair.accounts.models import Organisation, User
from fair.api.models import SCOPES, ApiToken
from fair.clock import now
from fair.forms import FieldErrors
from fair.security import hash_token

log = logging.getLogger("fair.api")

TOKEN_PREFIX = "fair_"
PREFIX_SHOWN = 12               # "fair_" and 7 characters of the secret: enough to tell tokens apart
NAME_MAX = 100
LAST_USED_PRECISION = dt.timedelta(minutes=1)  # a busy token is not written on every request


def tokens_of(session: Session, organisation_id: int) -> list[ApiToken]:
    """The organisation's tokens, live ones first, newest first."""
    return list(session.execute(
        select(ApiToken).where(ApiToken.organisation_id == organisation_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def create_token(session: Session, organisation: Organisation, *, name: str, scopes: Iterable[str],
                 created_by: User | None, expires_on: dt.date | None = None) -> tuple[ApiToken, str]:
    """A new token and its secret in clear (shown once; only its prefix afterwards), or FieldErrors.

    `expires_on`: the token works until the end of that day (UTC), which must be after today."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the token a name, such as the software that will use it.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("At most %(max)d characters.", max=NAME_MAX)]
    chosen = [scope for scope in SCOPES if scope in set(scopes or ())]
    if not chosen:
        errors["scopes"] = [_("Choose at least one permission.")]
    expires_at = None
    if expires_on is not None:
        expires_at = dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)
        if expires_on <= now().date():
            errors["expires_on"] = [_("Choose a date after today.")]
    if errors:
        raise FieldErrors(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(organisation_id=organisation.id, name=name, scopes=chosen, prefix=secret[:PREFIX_SHOWN],
                     token_hash=hash_token(secret), created_by_id=created_by.id if created_by else None,
                     created_at=now(), expires_at=expires_at)
    session.add(token)
    session.flush()
    audit.record(session, "api_token.created", token, label=f"{name} ({token.prefix}…)",
                 organisation_id=organisation.id,
                 details={"scopes": chosen, "expires_at": expires_at.isoformat() if expires_at else None})
    return token, secret


def revoke(session: Session, token: ApiToken, *, by: User | None) -> None:
    """Refused from the next request on. Revoking twice changes nothing (and is not logged twice)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = now()
    token.revoked_by_id = by.id if by else None
    audit.record(session, "api_token.revoked", token, label=f"{token.name} ({token.prefix}…)",
                 organisation_id=token.organisation_id)


def token_of(session: Session, organisation_id: int, token_id: int) -> ApiToken | None:
    return session.execute(select(ApiToken).where(ApiToken.id == token_id, ApiToken.organisation_id == organisation_id)
                           ).scalars().first()


# ---------------------------------------------------------------- cursors

def _cursors() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="fair.api.cursor")


def cursor_for(last_id: int, listing: str) -> str:
    """An opaque cursor: the last id of a page, signed and bound to its list (it opens no other)."""
    return _cursors().dumps([listing, last_id])


def cursor_position(cursor: str, listing: str) -> int | None:
    """The id after which the next page starts: 0 without a cursor, None for a forged or foreign one."""
    if not cursor:
        return 0
    try:
        found_listing, last_id = _cursors().loads(cursor)
    except (BadSignature, ValueError, TypeError):
        return None
    if found_listing != listing or isinstance(last_id, bool) or not isinstance(last_id, int) or last_id < 0:
        return None
    return last_id


# ---------------------------------------------------------------- authentication

def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The live token of an active organisation this secret belongs to, or None.

    The row is found by the secret's SHA-256 (indexed), then the digests are compared in constant
    time, so that the answer's timing tells nothing of how much of a guess was right."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = hash_token(secret)
    token = session.execute(select(ApiToken).where(ApiToken.token_hash == digest)).scalars().first()
    at = now()
    if token is None or not hmac.compare_digest(token.token_hash, digest) or not token.is_live(at):
        return None
    if not token.organisation.is_active:
        return None
    if token.last_used_at is None or at - token.last_used_at > LAST_USED_PRECISION:
        session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=at)
                        .execution_options(synchronize_session=False))
        token.last_used_at = at
    return token
