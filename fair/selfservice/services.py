"""What a self-service link (`/r/<token>`) shows and does, without signing in.

A link names one purpose and one object of one person (`fair.links`). Opening it spends nothing;
each action spends one use (`links.redeem`, a conditional UPDATE) in the request's transaction and
then calls the job-dating service that does the same for a signed-in person, so the mails, the
calendar updates and the waitlist follow as usual. An object that changed since the link was made
(a cancelled booking, a lapsed offer) is refused with `ObjectChanged`, nothing spent.

Which link acts afterwards: a moved booking keeps its row, so the same link follows it; a cancelled
booking revokes its links; a place taken from the waitlist is a new booking with a new link (the
page goes on to it); a declined offer revokes its links.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import url_for
from sqlalchemy.orm import Session

from fair import clock, links
from fair.jobdating import services as jobdating
from fair.jobdating.models import Booking, BookingStatus, Slot, WaitlistEntry, WaitlistStatus
from fair.outcomes.services import FOLLOW_UP_PURPOSE
from fair.selfservice.links import APPOINTMENT, WAITLIST
from fair.surveys.services import PURPOSE as SURVEY_PURPOSE

# Links whose own page checks and spends the token: purpose → that page's endpoint.
REDIRECTED = {SURVEY_PURPOSE: "surveys.survey", FOLLOW_UP_PURPOSE: "outcomes.follow_up"}

APPOINTMENT_ACTIONS = ("confirm", "cancel", "move")
WAITLIST_ACTIONS = ("take", "decline")
REASON_MAX = 500


class ObjectChanged(Exception):
    """The link is live but what it acts on is not: `reason` is "cancelled" or "offer_gone"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Opened:
    token: links.ActionToken
    booking: Booking | None = None
    entry: WaitlistEntry | None = None

    @property
    def purpose(self) -> str:
        return self.token.purpose


def _booking(session: Session, token: links.ActionToken) -> Booking:
    booking = session.get(Booking, token.subject_id) if token.subject_type == "booking" else None
    if booking is None or booking.candidate_id != token.user_id:
        raise links.LinkRefused(links.LinkRefusal.unknown)
    if booking.status != BookingStatus.active:
        raise ObjectChanged("cancelled")
    return booking


def _entry(session: Session, token: links.ActionToken, now: dt.datetime) -> WaitlistEntry:
    entry = session.get(WaitlistEntry, token.subject_id) if token.subject_type == "waitlist" else None
    if entry is None or entry.candidate_id != token.user_id:
        raise links.LinkRefused(links.LinkRefusal.unknown)
    if (entry.status != WaitlistStatus.offered or entry.offer_expires_at is None
            or entry.offer_expires_at <= now):
        raise ObjectChanged("offer_gone")
    return entry


def _opened(session: Session, token: links.ActionToken) -> Opened:
    if token.purpose == APPOINTMENT:
        return Opened(token, booking=_booking(session, token))
    if token.purpose == WAITLIST:
        return Opened(token, entry=_entry(session, token, clock.now()))
    if token.purpose in REDIRECTED:
        return Opened(token)
    raise links.LinkRefused(links.LinkRefusal.wrong_purpose)


def open_link(session: Session, raw: str) -> Opened:
    """What the link shows; spends nothing. Raises links.LinkRefused or ObjectChanged."""
    return _opened(session, links.peek_any(session, raw))


def redirect_path(opened: Opened, raw: str) -> str | None:
    """The own page of a survey or follow-up link, which checks and spends the token itself."""
    endpoint = REDIRECTED.get(opened.purpose)
    return url_for(endpoint, token=raw) if endpoint else None


def purpose_of_action(action: str) -> str | None:
    if action in APPOINTMENT_ACTIONS:
        return APPOINTMENT
    if action in WAITLIST_ACTIONS:
        return WAITLIST
    return None


def spend(session: Session, raw: str, purpose: str) -> Opened:
    """Spend one use of a link of `purpose` and answer what it acts on (the caller then acts)."""
    token = links.redeem(session, raw, purpose)
    return _opened(session, token)


def move_choices(session: Session, booking: Booking) -> list[Slot]:
    """The booth's free slots the booking may move to (the person's own held slots included)."""
    return [slot for slot in jobdating.free_slots(session, booking.booth_id, candidate_id=booking.candidate_id)
            if slot.id != booking.slot_id]


def confirm(session: Session, booking: Booking) -> Booking:
    """"I'll be there": shown to the recruiter and the adviser. Confirming twice keeps the first time."""
    if booking.confirmed_at is None:
        booking.confirmed_at = clock.now()
    session.flush()
    return booking


def cancel(session: Session, booking: Booking, reason: str | None) -> Booking:
    """The person's own cancellation (the service's cut-off, mails and calendars); its links die with it."""
    jobdating.cancel_booking(session, booking, by_user_id=booking.candidate_id, reason=(reason or "")[:REASON_MAX])
    links.revoke(session, purpose=APPOINTMENT, subject_type="booking", subject_id=booking.id)
    return booking


def move(session: Session, booking: Booking, slot_id: int) -> Booking:
    """The same booth's other slot; the booking (and so this link) follows. A confirmation was for the
    old time, so it is asked again."""
    old_slot = booking.slot_id
    jobdating.reschedule(session, booking, slot_id, by_user_id=booking.candidate_id)
    if booking.slot_id != old_slot:
        booking.confirmed_at = None
    return booking


def take(session: Session, entry: WaitlistEntry) -> Booking:
    """The held place becomes a booking (the service that books a held slot)."""
    booking = jobdating.accept_offer(session, entry)
    links.revoke(session, purpose=WAITLIST, subject_type="waitlist", subject_id=entry.id)
    return booking


def decline(session: Session, entry: WaitlistEntry) -> None:
    """The person gives the place up: it goes to the next one waiting."""
    jobdating.leave_waitlist(session, entry)
    links.revoke(session, purpose=WAITLIST, subject_type="waitlist", subject_id=entry.id)
