"""Self-service links (`/r/<token>`) put in an SMS or on a letter: they act for one person on one
appointment or one held waitlist place, without signing in.

The secret is a `fair.links` token (256 bits, only its hash stored), of one purpose per kind of
object, revoked when the object changes hands. Links are short (an SMS counts its characters): the
base address and `/r/` and 43 characters of token.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_request_context, request
from sqlalchemy.orm import Session

from fair import links
from fair.clock import now
from fair.jobdating.models import Booking, WaitlistEntry

APPOINTMENT = "appointment"   # confirm, cancel or move one booking
WAITLIST = "waitlist_offer"   # take (or decline) a place held for the person
APPOINTMENT_USES = 20         # the page is opened several times; each action spends one use
AFTER_START = dt.timedelta(hours=2)


def url(raw: str) -> str:
    base = current_app.config.get("BASE_URL") or (request.url_root if has_request_context() else "")
    return f"{base.rstrip('/')}/r/{raw}"


def booking_link(session: Session, booking: Booking) -> str:
    """A link for the person of `booking`, valid until shortly after the interview starts."""
    ttl = max(booking.starts_at + AFTER_START - now(), dt.timedelta(minutes=5))
    raw = links.issue(session, APPOINTMENT, user_id=booking.candidate_id, ttl=ttl, subject_type="booking",
                      subject_id=booking.id, max_uses=APPOINTMENT_USES)
    return url(raw)


def waitlist_link(session: Session, entry: WaitlistEntry) -> str:
    """A link to take the place held for the person until the offer expires."""
    expires = entry.offer_expires_at or now() + dt.timedelta(hours=1)
    raw = links.issue(session, WAITLIST, user_id=entry.candidate_id, ttl=max(expires - now(), dt.timedelta(minutes=1)),
                      subject_type="waitlist", subject_id=entry.id, max_uses=3)
    return url(raw)
