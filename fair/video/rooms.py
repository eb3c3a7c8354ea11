"""Opening a call room, and who belongs in it: the entry points the job-dating and live-fair domains call.

Membership is read from the database, never from what a socket remembered when it joined: a booking
moved to another recruiter's slot takes its room with it (`booking_changed`), and the signalling
checks `participants` on every message.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from fair.extensions import socketio
from fair.jobdating.models import Booking, BookingStatus, Slot
from fair.jobs import after_commit
from fair.sockets import broadcast
from fair.video import presence
from fair.video.models import CallRoom, CallSource

log = logging.getLogger("fair.video")


def open_room(session: Session, *, source: CallSource, booth_id: int, recruiter_id: int,
              candidate_id: int, opens_at: dt.datetime, closes_at: dt.datetime,
              booking_id: int | None = None) -> CallRoom:
    """Add a room for these two people (never commits: the caller's transaction owns it)."""
    room = CallRoom(token=secrets.token_hex(16), source=source, booth_id=booth_id,
                    booking_id=booking_id, recruiter_id=recruiter_id, candidate_id=candidate_id,
                    opens_at=opens_at, closes_at=closes_at)
    session.add(room)
    session.flush()
    return room


def room_path(room: CallRoom) -> str:
    """Where both participants go: the device check, then the waiting room, then the call."""
    return f"/call/{room.token}"


def participants(session: Session, room: CallRoom) -> set[int]:
    """Who belongs in the room now: a booking's candidate and its slot's current recruiter while the
    booking is active (nobody once it is cancelled); a queue call's two people."""
    if room.booking_id is None:
        return {room.recruiter_id, room.candidate_id}
    booking = session.get(Booking, room.booking_id)
    if booking is None or booking.status != BookingStatus.active:
        return set()
    return {booking.candidate_id, session.get(Slot, booking.slot_id).recruiter_id}


def booking_changed(session: Session, booking_id: int, reason: str) -> None:
    """A booking moved ("moved") or was cancelled ("cancelled"): its room follows the slot's recruiter,
    and once committed the sockets of whoever no longer belongs leave it (`evict`)."""
    room = session.execute(select(CallRoom).where(CallRoom.booking_id == booking_id)).scalar_one_or_none()
    if room is None:
        return
    members = participants(session, room)
    if members:
        booking = session.get(Booking, booking_id)
        room.recruiter_id = session.get(Slot, booking.slot_id).recruiter_id
        session.flush()
    token, channel = room.token, room.channel
    after_commit(session, lambda: evict(token, channel, members, reason), key=("call-members", token))


def evict(token: str, channel: str, keep: set[int], reason: str) -> list[str]:
    """Take the sockets of people not in `keep` out of the room, on whichever node holds them (the
    message queue carries `leave_room`), and tell their page why (`call_moved`)."""
    gone = []
    for sid, user_id in presence.members(token).items():
        if user_id in keep:
            continue
        presence.remove(token, sid)
        if socketio.server is not None:
            try:
                socketio.server.leave_room(sid, channel, namespace="/")
            except Exception:
                log.warning("socket %s not taken out of %s", sid, channel, exc_info=True)
        broadcast("call_moved", {"room": token, "reason": reason}, sid)
        broadcast("call_peer", {"present": False}, channel)
        gone.append(sid)
    return gone
