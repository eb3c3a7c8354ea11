"""Call rooms: who may enter, when, with which ICE servers, and the switch to phone.

Services take plain arguments and never commit (the request or the socket handler owns the
transaction). A job-dating video booking gets its room the first time either participant opens it
(`room_for_booking`); a queue call's room is opened by the live domain through `rooms.open_room`.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fair.db import utcnow
from fair.jobdating.models import Booking, BookingStatus, Slot, SlotMode
from fair.video.models import CallMode, CallRoom, CallSource
from fair.video.rooms import open_room

log = logging.getLogger("fair.video")


class CallRefused(Exception):
    """A refusal worded for the person asking; `code` is what a socket acknowledgement carries."""

    def __init__(self, message: Any, code: str = "refused") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


# ---------------------------------------------------------------- who and when


def role_in(room: CallRoom, user_id: int) -> str | None:
    """"recruiter", "candidate" or None: only the room's own two people have a role (not the other
    recruiters of the company, not the organisers)."""
    if user_id == room.recruiter_id:
        return "recruiter"
    if user_id == room.candidate_id:
        return "candidate"
    return None


def room_of(session: Session, token: str, user_id: int) -> CallRoom | None:
    """The room behind `token` if `user_id` takes part in it; None (a 404) for everyone else."""
    if not token or len(token) > 64:
        return None
    room = session.execute(select(CallRoom).where(CallRoom.token == token)).scalar_one_or_none()
    if room is None or role_in(room, user_id) is None:
        return None
    return room


def _booking_of(session: Session, room: CallRoom):
    return session.get(Booking, room.booking_id) if room.booking_id else None


def window_state(session: Session, room: CallRoom, now: dt.datetime | None = None) -> str:
    """"early" before it opens, "open", or "closed" (past its end, ended, or its booking cancelled)."""
    now = now or utcnow()
    booking = _booking_of(session, room)
    if booking is not None and (booking.status != BookingStatus.active or not _still_a_call(session, booking, room)):
        return "closed"
    if room.ended_at is not None or now >= room.closes_at:
        return "closed"
    if now < room.opens_at:
        return "early"
    return "open"


def _still_a_call(session: Session, booking, room: CallRoom) -> bool:
    """A booking moved to an on-site (or phone) slot no longer has a video room; one switched to
    phone from its room keeps it (its page says "phone interview")."""
    return room.mode == CallMode.phone or session.get(Slot, booking.slot_id).mode == SlotMode.video


def check_open(session: Session, room: CallRoom, now: dt.datetime | None = None) -> None:
    state = window_state(session, room, now)
    if state == "early":
        raise CallRefused(_l("This interview room is not open yet."), "closed")
    if state == "closed":
        raise CallRefused(_l("This interview room has closed."), "closed")


# ---------------------------------------------------------------- job-dating bookings


def booking_window(starts_at: dt.datetime, ends_at: dt.datetime, opens_before: int,
                   closes_after: int) -> tuple[dt.datetime, dt.datetime]:
    return starts_at - dt.timedelta(minutes=opens_before), ends_at + dt.timedelta(minutes=closes_after)


def room_for_booking(session: Session, booking_id: int, user_id: int, *, opens_before: int,
                     closes_after: int) -> CallRoom | None:
    """The booking's room, made on first use, for its candidate or its slot's recruiter only.

    None (a 404) for anyone else, for a cancelled booking and for a slot that is not a video one
    (a room already switched to phone stays reachable: its page says "phone interview"). The window
    follows the booking, so a rescheduled interview moves its room with it.
    """
    booking = session.get(Booking, booking_id)
    if booking is None or booking.status != BookingStatus.active:
        return None
    slot = session.get(Slot, booking.slot_id)
    if user_id not in (booking.candidate_id, slot.recruiter_id):
        return None
    opens_at, closes_at = booking_window(booking.starts_at, booking.ends_at, opens_before, closes_after)
    room = session.execute(select(CallRoom).where(CallRoom.booking_id == booking.id)).scalar_one_or_none()
    if room is None:
        if slot.mode != SlotMode.video:
            return None
        try:
            with session.begin_nested():  # both people may open it first at the same moment
                return open_room(session, source=CallSource.slot, booth_id=booking.booth_id,
                                 recruiter_id=slot.recruiter_id, candidate_id=booking.candidate_id,
                                 opens_at=opens_at, closes_at=closes_at, booking_id=booking.id)
        except IntegrityError:
            room = session.execute(select(CallRoom).where(CallRoom.booking_id == booking.id)).scalar_one()
    if not _still_a_call(session, booking, room):
        return None
    if (room.opens_at, room.closes_at, room.recruiter_id) != (opens_at, closes_at, slot.recruiter_id):
        room.opens_at, room.closes_at, room.recruiter_id = opens_at, closes_at, slot.recruiter_id
        session.flush()
    return room


# ---------------------------------------------------------------- ICE servers


def turn_credentials(secret: str, user_id: int, now: dt.datetime, ttl_seconds: int) -> tuple[str, str]:
    """coturn's `use-auth-secret` (TURN REST API): username "<unix expiry>:<user id>",
    credential base64(HMAC-SHA1(secret, username)). coturn recomputes it and checks the expiry."""
    expiry = int(now.timestamp()) + ttl_seconds
    username = f"{expiry}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(config: dict, user_id: int, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """What RTCPeerConnection gets: the STUN URLs, and the TURN URLs with fresh credentials.

    Nothing configured gives []: two browsers on one network (or loopback) connect with host
    candidates alone."""
    servers: list[dict[str, Any]] = []
    if config.get("STUN_URLS"):
        servers.append({"urls": list(config["STUN_URLS"])})
    if config.get("TURN_URLS") and config.get("TURN_SECRET"):
        username, credential = turn_credentials(config["TURN_SECRET"], user_id, now or utcnow(),
                                                int(config.get("TURN_TTL_SECONDS") or 3600))
        servers.append({"urls": list(config["TURN_URLS"]), "username": username, "credential": credential})
    return servers


def relay_only(config: dict) -> bool:
    """Whether media must go through TURN (`FORCE_TURN_RELAY`, and TURN configured to make it possible)."""
    return bool(config.get("FORCE_TURN_RELAY") and config.get("TURN_URLS") and config.get("TURN_SECRET"))


def ice_transport_policy(config: dict) -> str:
    """RTCPeerConnection's `iceTransportPolicy`: "relay" hides each side's address from the other."""
    return "relay" if relay_only(config) else "all"


def relayed_candidate(candidate: str) -> bool:
    """An ICE candidate line of type relay (the end-of-candidates "" passes too)."""
    fields = candidate.split()
    return not fields or ("typ" in fields and fields.index("typ") + 1 < len(fields)
                          and fields[fields.index("typ") + 1] == "relay")


def relayed_sdp(sdp: str) -> str:
    """The SDP without the candidates that are not relayed (a browser that ignored the policy)."""
    lines = sdp.split("\r\n")
    kept = [line for line in lines
            if not line.startswith("a=candidate:") or relayed_candidate(line[len("a="):])]
    return "\r\n".join(kept)


# ---------------------------------------------------------------- what each side sees


def candidate_label(session: Session, room: CallRoom) -> str:
    """The candidate's name, except in an anonymised fair's queue call, where the recruiter sees a
    number (a booked interview has lifted the anonymity already)."""
    edition = room.booth.edition
    if room.source == CallSource.queue and edition.anonymised_applications:
        return _("Candidate no. %(number)s", number=f"{room.id:05d}")
    return room.candidate.full_name


@dataclass
class PhoneView:
    """What the page says once the call went to phone."""

    number: str | None  # the candidate's number, for the recruiter only
    candidate_number: str | None  # the candidate's own number, reminded to them


def phone_view(room: CallRoom, user_id: int) -> PhoneView | None:
    if room.mode != CallMode.phone:
        return None
    if user_id == room.recruiter_id:
        return PhoneView(number=room.candidate.phone or "", candidate_number=None)
    return PhoneView(number=None, candidate_number=room.candidate.phone or "")


# ---------------------------------------------------------------- switching to phone


def needs_candidate_yes(room: CallRoom) -> bool:
    """In an anonymised fair's queue call the phone shows the recruiter the candidate's number: the
    switch then waits for the candidate's yes (their own ask counts as one)."""
    return room.source == CallSource.queue and bool(room.booth.edition.anonymised_applications)


def recruiter_waits(room: CallRoom) -> bool:
    """The recruiter asked for the phone and the candidate has not answered yet."""
    return room.mode == CallMode.video and room.phone_requested_by_id == room.recruiter_id


def ask_phone(session: Session, room: CallRoom, user_id: int, now: dt.datetime | None = None) -> str:
    """The candidate asks, the recruiter decides: the recruiter's ask switches at once, except where
    the switch needs the candidate's yes (`needs_candidate_yes`): there the recruiter's ask waits,
    and the candidate's ask (or acceptance) is the yes.

    Returns "phone" (switched, or already) or "requested". On a switch the booking's slot becomes a
    phone one, so "my day", the recruiter's day and the figures record a phone interview.
    """
    now = now or utcnow()
    role = role_in(room, user_id)
    if role is None:
        raise CallRefused(_l("This page does not exist or is not available to you."), "not_found")
    check_open(session, room, now)
    if room.mode == CallMode.phone:
        return "phone"
    if role == "candidate":
        if needs_candidate_yes(room) and recruiter_waits(room):
            return _switch(session, room, user_id, now)
        room.phone_requested_by_id, room.phone_requested_at = user_id, now
        session.flush()
        return "requested"
    if needs_candidate_yes(room) and room.phone_requested_by_id != room.candidate_id:
        room.phone_requested_by_id, room.phone_requested_at = user_id, now
        session.flush()
        return "requested"
    if room.phone_requested_by_id is None:
        room.phone_requested_by_id, room.phone_requested_at = user_id, now
    return _switch(session, room, user_id, now)


def _switch(session: Session, room: CallRoom, user_id: int, now: dt.datetime) -> str:
    room.mode, room.phone_since = CallMode.phone, now
    booking = _booking_of(session, room)
    if booking is not None:
        slot = session.get(Slot, booking.slot_id)
        slot.mode = SlotMode.phone
    session.flush()
    log.info("call room %s switched to phone by %s", room.id, user_id)
    return "phone"
