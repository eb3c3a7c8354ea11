"""Calendar subscription feeds: one secret, revocable address per user.

The token is the only credential of the feed (calendar applications fetch it without a session), so
it is long and random, and making a new one replaces the old: the old address then answers 404. Only
its SHA-256 is stored: the address is shown to its owner when it is made, and never again.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from fair.calendar.models import CalendarFeed
from fair.db import utcnow
from fair.security import hash_token, new_token


def feed_of(session: Session, user_id: int) -> CalendarFeed | None:
    return session.execute(select(CalendarFeed).where(CalendarFeed.user_id == user_id)).scalar_one_or_none()


def renew_feed(session: Session, user_id: int) -> str:
    """A new secret for the user's feed, returned once; the previous address stops working at once."""
    feed = feed_of(session, user_id)
    token, digest = new_token()
    if feed is None:
        session.add(CalendarFeed(user_id=user_id, token_hash=digest))
    else:
        feed.token_hash = digest
        feed.created_at = utcnow()
    session.flush()
    return token


def feed_by_token(session: Session, token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return session.execute(select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token))
                           ).scalar_one_or_none()


def webcal_url(https_url: str) -> str:
    """The same address with the webcal scheme, which calendar applications open as a subscription."""
    parts = urlsplit(https_url)
    return urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))
