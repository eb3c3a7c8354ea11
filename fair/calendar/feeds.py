"""Calendar subscription feeds: one secret, revocable address per user.

The token is the only credential of the feed (calendar applications fetch it without a session), so
it is long and random, and making a new one replaces the old: the old address then answers 404.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from fair.calendar.models import CalendarFeed
from fair.db import utcnow

TOKEN_BYTES = 32


def feed_of(session: Session, user_id: int) -> CalendarFeed | None:
    return session.execute(select(CalendarFeed).where(CalendarFeed.user_id == user_id)).scalar_one_or_none()


def renew_feed(session: Session, user_id: int) -> CalendarFeed:
    """A new secret address for the user's feed; the previous one stops working at once."""
    feed = feed_of(session, user_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    if feed is None:
        feed = CalendarFeed(user_id=user_id, token=token)
        session.add(feed)
    else:
        feed.token = token
        feed.created_at = utcnow()
    session.flush()
    return feed


def feed_by_token(session: Session, token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return session.execute(select(CalendarFeed).where(CalendarFeed.token == token)).scalar_one_or_none()


def webcal_url(https_url: str) -> str:
    """The same address with the webcal scheme, which calendar applications open as a subscription."""
    parts = urlsplit(https_url)
    return urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))
