"""Opening a call room: the one entry point the job-dating and live-fair domains call."""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy.orm import Session

from fair.video.models import CallRoom, CallSource


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
