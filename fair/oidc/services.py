"""Whose account a provider's answer opens: the linked subject, else an account of the same verified
address (linked now), else a new account for a person a team invitation waits for. Nothing else.

An address the provider does not vouch for (`email_verified` not true, and the provider not trusted
for its addresses) never links nor creates: whoever controls an account at the provider could otherwise
type someone else's address there and walk into their account here.

Services take a session and never commit; every link, creation and sign-in writes an audit row.
"""
from __future__ import annotations

import logging
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fair import audit, clock
from fair.accounts.models import TeamInvitation, User
from fair.accounts.services import find_user_by_email, new_security_stamp, normalise_email
from fair.oidc.models import OidcIdentity
from fair.oidc.providers import Provider
from fair.security import hash_password
from fair.teams import services as teams

log = logging.getLogger("fair.oidc")

UNVERIFIED = _l("Your provider has not verified this email address, so we cannot use it to sign you in. "
                "Verify it with your provider, or log in with your password.")
NO_EMAIL = _l("Your provider did not give us your email address, so we cannot find your account. "
              "Log in with your password.")
NO_ACCOUNT = _l("No account uses this email address, and no organisation has invited it. Ask the organisation "
                "you work with to invite you, or create a candidate account.")
DISABLED = _l("This account is disabled. Please contact the organiser of your fair.")
OTHER_IDENTITY = _l("Your account is already linked to another account of this provider. Sign in with that "
                    "one, or log in with your password.")


class Refused(Exception):
    """The answer was genuine but opens no account here; `message` tells the person why (translated)."""

    def __init__(self, message: Any, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


def email_is_verified(provider: Provider, claims: dict) -> bool:
    """`email_verified` true; or, for a provider trusted for its addresses, anything but an explicit false."""
    value = claims.get("email_verified")
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value.lower())
    return value is True or (provider.trust_email and value is not False)


def full_name(claims: dict) -> str:
    """ProConnect says `usual_name`, most providers `family_name`; `name` when given whole."""
    name = str(claims.get("name") or "").strip()
    if not name:
        family = claims.get("usual_name") or claims.get("family_name") or ""
        name = f"{claims.get('given_name') or ''} {family}".strip()
    return (name or str(claims.get("email") or "").split("@")[0])[:200]


def pending_invitations(session: Session, email: str) -> list[TeamInvitation]:
    now = clock.now()
    return list(session.execute(
        select(TeamInvitation).where(func.lower(TeamInvitation.email) == email.lower(),
                                     TeamInvitation.accepted_at.is_(None), TeamInvitation.revoked_at.is_(None),
                                     TeamInvitation.expires_at > now)
        .order_by(TeamInvitation.created_at, TeamInvitation.id)
    ).scalars())


def sign_in(session: Session, provider: Provider, claims: dict) -> User:
    """The account `claims` (checked by fair.oidc.providers) open, linked or created now if need be.
    Raises Refused, changing nothing."""
    subject = str(claims.get("sub") or "")
    identity = session.execute(
        select(OidcIdentity).where(OidcIdentity.provider == provider.name, OidcIdentity.subject == subject)
    ).scalars().first()
    if identity is None:
        identity = _link_or_create(session, provider, subject, claims)
    user = identity.user
    if not user.is_active or user.erased_at is not None:
        raise Refused(DISABLED, "account disabled")
    identity.last_sign_in_at = clock.now()
    audit.record(session, "oidc.sign_in", user, actor=user, details={"provider": provider.name})
    return user


def _link_or_create(session: Session, provider: Provider, subject: str, claims: dict) -> OidcIdentity:
    email = normalise_email(str(claims.get("email") or ""))
    if not email:
        raise Refused(NO_EMAIL, "no email")
    if not email_is_verified(provider, claims):
        raise Refused(UNVERIFIED, "email not verified")
    user = find_user_by_email(email)
    action = "oidc.link"
    if user is None:
        user = _create_for_invitations(session, email, claims)
        action = "oidc.create"
    elif not user.is_active or user.erased_at is not None:
        raise Refused(DISABLED, "account disabled")
    elif session.execute(select(OidcIdentity.id).where(OidcIdentity.provider == provider.name,
                                                       OidcIdentity.user_id == user.id)).first() is not None:
        raise Refused(OTHER_IDENTITY, "account linked to another subject")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = clock.now()  # the provider vouches for the address
    identity = OidcIdentity(provider=provider.name, subject=subject, user_id=user.id, email=email,
                            linked_at=clock.now())
    session.add(identity)
    try:
        session.flush()
    except IntegrityError:  # the same subject linked by a sign-in racing this one: the caller rolls back
        raise Refused(OTHER_IDENTITY, "linked meanwhile") from None
    audit.record(session, action, user, actor=user, details={"provider": provider.name})
    log.info("account %s linked to a subject of %s (%s)", user.id, provider.name, action)
    return identity


def _create_for_invitations(session: Session, email: str, claims: dict) -> User:
    """A new account only for an address a team is waiting for; it joins every such team at once.
    It has no usable password: "forgot your password" gives it one if the person wants one."""
    invitations = pending_invitations(session, email)
    if not invitations:
        raise Refused(NO_ACCOUNT, "unknown address, no invitation")
    user = User(email=email, password_hash=hash_password(secrets.token_urlsafe(32)), full_name=full_name(claims),
                locale="fr", security_stamp=new_security_stamp(), email_confirmed_at=clock.now())
    session.add(user)
    session.flush()
    for invitation in invitations:
        teams.accept(session, invitation, user)
    return user
