"""Job-dating rules: availability cut into slots, booking, cancel / reschedule, waitlist, outcomes.

Services never commit: the request or the job owns the transaction. A booking never sends mail
itself: once it is committed, a job (`sync_calendar`) creates, moves or cancels both people's
calendar entries through `fair.calendar.agenda`, which queues the invitations and keeps the reminders
in step. Two mails are written straight into the outbox, in the transaction of their cause: the
slot held for the next person of a waitlist (`offer_freed_slot`), and a no-show or an outcome told to
every adviser of the structures that follow the candidate (`record_outcome`, fair.jobdating.notices);
each has its own idempotency key.

Concurrency. `book` and `reschedule` first call `lock_candidate`: on SQLite it opens the transaction
with BEGIN IMMEDIATE (one writer at a time, so "check then insert" cannot interleave); on PostgreSQL it
locks the candidate's row, so one candidate's bookings run one after the other. The database then
holds both invariants whatever the code did: the partial unique index on the active booking of a
slot, and (PostgreSQL) the exclusion constraint on a candidate's overlapping active bookings.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fair import clock
from fair.accounts.models import User
from fair.accounts.reach import Message, phone_text, reach
from fair.accounts.services import lock_user, require_confirmed
from fair.calendar.agenda import cancel_entry, move_entry, schedule_entry, sms_when
from fair.calendar.models import CalendarEntry, EntryStatus
from fair.calendar.texting import send_by_sms
from fair.candidates.models import Application, ApplicationStatus
from fair.candidates.services import mark_interview_booked
from fair.candidates.webhook_audience import emit_booking
from fair.companies.models import Booth, Offer
from fair.fairs.models import BookingPolicy, Edition, EditionStatus
from fair.fairs.rules import RegistrationClosed, check_registration_open, opening_hours_problem
from fair.jobdating import jobs, notices
from fair.jobdating.forms import OUTCOME_LABELS
from fair.jobdating.models import (
    Attendance,
    Availability,
    Booking,
    BookingMove,
    BookingStatus,
    Outcome,
    Slot,
    SlotMode,
    WaitlistEntry,
    WaitlistStatus,
)
from fair.mail.render import mail_url
from fair.needs.models import NeedProposal
from fair.selfservice.links import booking_link, waitlist_link
from fair.timezones import fair_zone, local_span_text, local_time_text
from fair.video import rooms as call_rooms
from fair.webinars.models import RegistrationStatus, Webinar, WebinarRegistration, WebinarStatus

log = logging.getLogger("fair.jobdating")

BOOKING_KIND = "booking"
BOOKABLE_STATUSES = (EditionStatus.published, EditionStatus.live)


class BookingError(Exception):
    """A refusal the user is told about in words; `status` is what the JSON API answers."""

    status = 422
    code = "refused"

    def __init__(self, message) -> None:
        # Kept lazy: worded in the reader's language when shown, never while the session is broken.
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class SlotTaken(BookingError):
    status = 409
    code = "slot_taken"


class Overlap(BookingError):
    status = 409
    code = "overlap"


class NoFittingSlot(BookingError):
    """None of a booth's free slots can be had for the person (booking into "the next free slot")."""

    status = 409
    code = "no_fitting_slot"


class AvailabilityError(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


# ---------------------------------------------------------------- time helpers


def cut_slots(starts_at: dt.datetime, ends_at: dt.datetime, minutes: int,
              buffer: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """Slots of `minutes` real minutes with `buffer` between them, cut in UTC so that a
    daylight-saving change inside the range neither loses nor doubles an interview."""
    slots = []
    length, gap = dt.timedelta(minutes=minutes), dt.timedelta(minutes=buffer)
    start = starts_at
    while start + length <= ends_at:
        slots.append((start, start + length))
        start = start + length + gap
    return slots


# ---------------------------------------------------------------- availability


def open_availability(session: Session, *, booth: Booth, recruiter_id: int, mode: SlotMode, starts_at: dt.datetime,
                      ends_at: dt.datetime, slot_minutes: int | None, buffer_minutes: int,
                      location: str = "") -> Availability:
    edition = booth.edition
    if ends_at <= starts_at:
        raise AvailabilityError(_l("The end must come after the start."))
    outside = opening_hours_problem(edition, starts_at, ends_at)
    if outside is not None:
        raise AvailabilityError(outside)
    minutes = slot_minutes or edition.default_slot_minutes
    pieces = cut_slots(starts_at, ends_at, minutes, buffer_minutes)
    if not pieces:
        raise AvailabilityError(_l("This range is shorter than one interview."))
    clash = session.execute(
        select(Availability.id).where(Availability.recruiter_id == recruiter_id,
                                      Availability.starts_at < ends_at, Availability.ends_at > starts_at)
    ).first()
    if clash:
        raise AvailabilityError(_l("You already have availability at these times."))
    availability = Availability(booth_id=booth.id, recruiter_id=recruiter_id, mode=mode, starts_at=starts_at,
                                ends_at=ends_at, slot_minutes=slot_minutes, buffer_minutes=buffer_minutes,
                                location=location or "")
    session.add(availability)
    session.flush()
    session.add_all([
        Slot(availability_id=availability.id, booth_id=booth.id, edition_id=edition.id, recruiter_id=recruiter_id,
             mode=mode, location=location or "", starts_at=start, ends_at=end)
        for start, end in pieces
    ])
    session.flush()
    return availability


def remove_availability(session: Session, availability: Availability) -> None:
    booked = session.execute(
        select(func.count(Booking.id)).join(Slot, Slot.id == Booking.slot_id)
        .where(Slot.availability_id == availability.id, Booking.status == BookingStatus.active)
    ).scalar_one()
    if booked:
        raise AvailabilityError(_l("Candidates have booked slots in this range: cancel their bookings first."))
    session.delete(availability)
    session.flush()


def booth_availabilities(session: Session, booth_id: int) -> list[Availability]:
    return list(session.execute(
        select(Availability).where(Availability.booth_id == booth_id).order_by(Availability.starts_at)
    ).scalars())


# ---------------------------------------------------------------- locking


def lock_candidate(session: Session, candidate_id: int) -> None:
    """Serialise the bookings of one candidate (and, on SQLite, every writer) until commit."""
    lock_user(session, candidate_id)


# ---------------------------------------------------------------- reading slots


def active_booking_of_slot(session: Session, slot_id: int) -> Booking | None:
    return session.execute(
        select(Booking).where(Booking.slot_id == slot_id, Booking.status == BookingStatus.active)
    ).scalar_one_or_none()


# The statements every attempt of a booking rush reads are built once, with bound parameters: a
# request then pays neither their construction nor their cache key (SQLAlchemy keeps it on them).


@cache
def _slot_and_edition_query():
    taken = select(Booking.id).where(Booking.slot_id == Slot.id, Booking.status == BookingStatus.active).exists()
    return (select(Slot, Edition, taken).join(Edition, Edition.id == Slot.edition_id)
            .where(Slot.id == bindparam("slot_id")))


def slot_and_edition(session: Session, slot_id: int) -> tuple[Slot, Edition, bool] | None:
    """The slot, its edition and whether it has an active booking, in one statement (None if there
    is no such slot): what a booking attempt reads first (give the flag to `book` as `taken`)."""
    row = session.execute(_slot_and_edition_query(), {"slot_id": slot_id}).first()
    return (row[0], row[1], row[2]) if row is not None else None


def _closes_delta() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["BOOKING_CLOSES_MINUTES"])


def _cutoff_delta() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["BOOKING_CHANGE_CUTOFF_MINUTES"])


@cache
def _free_slots_query(for_candidate: bool):
    """The free slots of a booth: no active booking, not held for someone else (`candidate_id`: held
    for them is free for them), opening after `opens_after` (now and the closing delay)."""
    taken = select(Booking.id).where(Booking.slot_id == Slot.id, Booking.status == BookingStatus.active).exists()
    not_held = or_(Slot.held_for_id.is_(None), Slot.held_until <= bindparam("now"))
    if for_candidate:
        not_held = or_(not_held, Slot.held_for_id == bindparam("candidate_id"))
    return (select(Slot).where(Slot.booth_id == bindparam("booth_id"), ~taken, not_held,
                               Slot.starts_at > bindparam("opens_after"))
            .order_by(Slot.starts_at, Slot.id))


def free_slots(session: Session, booth_id: int, *, now: dt.datetime | None = None,
               candidate_id: int | None = None) -> list[Slot]:
    now = now or clock.now()
    parameters = {"booth_id": booth_id, "now": now, "opens_after": now + _closes_delta()}
    if candidate_id is not None:
        parameters["candidate_id"] = candidate_id
    return list(session.execute(_free_slots_query(candidate_id is not None), parameters).scalars())


def nearest_free_slots(session: Session, slot: Slot, *, now: dt.datetime | None = None,
                       candidate_id: int | None = None, limit: int = 3) -> list[Slot]:
    """The free slots of the same booth closest in time to the one that could not be had."""
    slots = [s for s in free_slots(session, slot.booth_id, now=now, candidate_id=candidate_id) if s.id != slot.id]
    slots.sort(key=lambda s: (abs((s.starts_at - slot.starts_at).total_seconds()), s.starts_at))
    return sorted(slots[:limit], key=lambda s: s.starts_at)


def booth_is_full(session: Session, booth_id: int, now: dt.datetime | None = None) -> bool:
    now = now or clock.now()
    has_slots = session.execute(
        select(Slot.id).where(Slot.booth_id == booth_id, Slot.starts_at > now + _closes_delta()).limit(1)
    ).first()
    return bool(has_slots) and not free_slots(session, booth_id, now=now)


# ---------------------------------------------------------------- booking rules


def _check_policy(session: Session, edition: Edition, booth_id: int, candidate_id: int) -> None:
    if edition.booking_policy == BookingPolicy.open:
        return
    wanted = ((ApplicationStatus.invited,) if edition.booking_policy == BookingPolicy.invitation
              else (ApplicationStatus.shortlisted, ApplicationStatus.invited))
    found = session.execute(
        select(Application.id).join(Offer, Offer.id == Application.offer_id)
        .where(Offer.booth_id == booth_id, Application.candidate_id == candidate_id, Application.status.in_(wanted))
        .limit(1)
    ).first()
    if not found:  # a person the company invited from a recruitment need (fair.needs) was invited too
        found = session.execute(select(NeedProposal.id).where(
            NeedProposal.invited_booth_id == booth_id, NeedProposal.candidate_id == candidate_id,
            NeedProposal.invited_at.is_not(None)).limit(1)).first()
    if not found:
        if edition.booking_policy == BookingPolicy.invitation:
            raise BookingError(_l("Only candidates invited by this company can book its interviews."))
        raise BookingError(_l("Only candidates shortlisted by this company can book its interviews."))


def _check_slot_open(slot: Slot, edition: Edition, now: dt.datetime) -> None:
    if edition.status not in BOOKABLE_STATUSES:
        raise BookingError(_l("This fair does not take bookings."))
    _check_registration(edition, now)
    if slot.starts_at <= now + _closes_delta():
        raise BookingError(_l("Booking for this slot has closed: it starts too soon."))


def _check_registration(edition: Edition, now: dt.datetime) -> None:
    """Candidates book (and advisers book for them) only within the edition's registration window."""
    try:
        check_registration_open(edition, now)
    except RegistrationClosed as closed:
        raise BookingError(closed.message) from None


def _check_free(session: Session, slot: Slot, candidate_id: int, now: dt.datetime, own: Booking | None = None) -> None:
    current = active_booking_of_slot(session, slot.id)
    if current is not None and current is not own:
        raise SlotTaken(_l("This slot has just been booked by someone else."))
    _check_not_held(slot, candidate_id, now)


def _check_not_held(slot: Slot, candidate_id: int, now: dt.datetime) -> None:
    if slot.held_for_id and slot.held_for_id != candidate_id and slot.held_until and slot.held_until > now:
        raise SlotTaken(_l("This slot is held for a person of the waiting list."))


def _check_overlap(session: Session, candidate_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                   ignore_id: int | None = None) -> None:
    query = select(Booking.id).where(
        Booking.candidate_id == candidate_id, Booking.status == BookingStatus.active,
        Booking.starts_at < ends_at, Booking.ends_at > starts_at,
    )
    if ignore_id is not None:
        query = query.where(Booking.id != ignore_id)
    if session.execute(query.limit(1)).first():
        raise Overlap(_l("You already have an interview at this time."))


def _check_overlap_and_quota(session: Session, edition: Edition, candidate_id: int, starts_at: dt.datetime,
                             ends_at: dt.datetime) -> None:
    """One statement for two rules of a new booking: no other active interview of the candidate at
    this time, and fewer than the edition's maximum of active interviews."""
    mine = (Booking.candidate_id == candidate_id) & (Booking.status == BookingStatus.active)
    overlapping, of_edition = session.execute(select(
        func.count(Booking.id).filter(Booking.starts_at < ends_at, Booking.ends_at > starts_at),
        func.count(Booking.id).filter(Booking.edition_id == edition.id),
    ).where(mine)).one()
    if overlapping:
        raise Overlap(_l("You already have an interview at this time."))
    if of_edition >= edition.max_bookings_per_candidate:
        raise BookingError(_l("You have reached the maximum of %(n)d interviews for this fair.",
                              n=edition.max_bookings_per_candidate))


def _write_guarded(session: Session, change) -> None:
    """Make `change` (add or move a booking) inside a savepoint, so that the database's refusal rolls
    back only that and becomes a worded error. Whatever was pending is flushed before the savepoint."""
    session.flush()
    try:
        with session.begin_nested():
            change()
            session.flush()
    except IntegrityError as error:
        text = str(error.orig)
        if "ex_jobdating_bookings_candidate_overlap" in text or "exclusion" in text.lower():
            raise Overlap(_l("You already have an interview at this time.")) from error
        raise SlotTaken(_l("This slot has just been booked by someone else.")) from error


def book(session: Session, *, slot_id: int, candidate_id: int, booked_by_id: int | None = None,
         now: dt.datetime | None = None, taken: bool | None = None) -> Booking:
    """Book `slot_id` for the candidate, or raise a `BookingError` saying why not. `taken`: whether
    the caller has just read an active booking of the slot (`slot_and_edition`), else it is read here."""
    now = now or clock.now()
    # A slot already taken is refused before taking any lock: most attempts of a rush end here.
    if taken is None:
        taken = active_booking_of_slot(session, slot_id) is not None
    if taken:
        raise SlotTaken(_l("This slot has just been booked by someone else."))
    lock_candidate(session, candidate_id)
    slot = session.execute(select(Slot).where(Slot.id == slot_id).execution_options(populate_existing=True)
                           ).scalar_one_or_none()
    if slot is None:
        raise BookingError(_l("This slot does not exist."))
    candidate = session.get(User, candidate_id)
    if candidate is None or not candidate.is_candidate:
        raise BookingError(_l("Only candidates can book interviews."))
    require_confirmed(candidate)  # also when an adviser books for them
    edition = session.get(Edition, slot.edition_id)
    _check_slot_open(slot, edition, now)
    # Taken since the check above: the unique index refuses the row below (SlotTaken all the same).
    _check_not_held(slot, candidate_id, now)
    _check_policy(session, edition, slot.booth_id, candidate_id)
    _check_overlap_and_quota(session, edition, candidate_id, slot.starts_at, slot.ends_at)
    booking = Booking(slot_id=slot.id, booth_id=slot.booth_id, edition_id=slot.edition_id, candidate_id=candidate_id,
                      booked_by_id=booked_by_id or candidate_id, starts_at=slot.starts_at, ends_at=slot.ends_at,
                      status=BookingStatus.active)
    _write_guarded(session, lambda: session.add(booking))
    if slot.held_for_id == candidate_id:
        slot.held_for_id, slot.held_until = None, None
        entry = _waitlist_entry(session, slot.booth_id, candidate_id)
        if entry is not None and entry.status == WaitlistStatus.offered:
            entry.status = WaitlistStatus.booked
    _mark_applications_booked(session, slot.booth_id, candidate_id, now)
    sync_calendar_later(session, booking)
    emit_booking(session, "booking.created", booking)
    log.info("booking %s: slot %s for candidate %s", booking.id, slot.id, candidate_id)
    return booking


def book_next_free(session: Session, *, booth_id: int, candidate_id: int, booked_by_id: int | None = None,
                   now: dt.datetime | None = None) -> Booking:
    """Book the earliest free slot of the booth the candidate can take (an adviser booking several
    people into "the next free slots"): a slot taken meanwhile or clashing with the person's other
    interviews is passed over; any other refusal (policy, quota, window) is the answer."""
    now = now or clock.now()
    clashed = False
    for slot in free_slots(session, booth_id, now=now, candidate_id=candidate_id):
        try:
            return book(session, slot_id=slot.id, candidate_id=candidate_id, booked_by_id=booked_by_id, now=now)
        except Overlap:
            clashed = True
        except SlotTaken:
            continue
    if clashed:
        raise NoFittingSlot(_l("Every free slot of this company clashes with another interview of this person."))
    raise NoFittingSlot(_l("No free slot left at this company."))


def _mark_applications_booked(session: Session, booth_id: int, candidate_id: int, now: dt.datetime) -> None:
    """The candidate's applications to this booth's offers: the recruiter now sees who they are."""
    for application in session.execute(
        select(Application).join(Offer, Offer.id == Application.offer_id)
        .where(Offer.booth_id == booth_id, Application.candidate_id == candidate_id,
               Application.interview_booked_at.is_(None))
    ).scalars():
        mark_interview_booked(application)


def cancel_booking(session: Session, booking: Booking, *, by_user_id: int, now: dt.datetime | None = None,
                   reason: str | None = None, by_recruiter: bool = False) -> Booking:
    now = now or clock.now()
    if booking.status != BookingStatus.active:
        raise BookingError(_l("This booking is already cancelled."))
    if booking.starts_at <= now:
        raise BookingError(_l("This interview has already started."))
    if not by_recruiter and booking.starts_at - now < _cutoff_delta():
        raise BookingError(_l("It is too late to cancel or move this interview: please contact the company."))
    if by_recruiter and not (reason or "").strip():
        raise BookingError(_l("Give the candidate a reason."))
    booking.status = BookingStatus.cancelled
    booking.cancelled_at, booking.cancelled_by_id = now, by_user_id
    booking.cancel_reason = (reason or "").strip() or None
    session.flush()
    sync_calendar_later(session, booking)
    call_rooms.booking_changed(session, booking.id, "cancelled")
    emit_booking(session, "booking.cancelled", booking)
    slot = session.get(Slot, booking.slot_id)
    offer_freed_slot(session, slot, now=now, excluding=booking.candidate_id)
    return booking


def cancelled_by_adviser(session: Session, booking: Booking) -> bool:
    """The booking was cancelled by an adviser acting for the candidate (not by them, nor the company)."""
    if booking.cancelled_by_id is None or booking.cancelled_by_id == booking.candidate_id:
        return False
    canceller = session.get(User, booking.cancelled_by_id)
    return canceller is not None and canceller.is_adviser


def reschedule(session: Session, booking: Booking, new_slot_id: int, *, now: dt.datetime | None = None,
               by_user_id: int | None = None) -> Booking:
    """Move a booking to another free slot of the same booth, until the cut-off; the move is kept
    (BookingMove, `by_user_id`: the person or the adviser who moved it)."""
    lock_candidate(session, booking.candidate_id)
    now = now or clock.now()
    session.refresh(booking)
    if booking.status != BookingStatus.active:
        raise BookingError(_l("This booking is already cancelled."))
    if booking.starts_at - now < _cutoff_delta():
        raise BookingError(_l("It is too late to cancel or move this interview: please contact the company."))
    new_slot = session.get(Slot, new_slot_id)
    if new_slot is None or new_slot.booth_id != booking.booth_id:
        raise BookingError(_l("Choose another slot of the same company."))
    if new_slot.id == booking.slot_id:
        return booking
    edition = session.get(Edition, new_slot.edition_id)
    _check_slot_open(new_slot, edition, now)
    _check_free(session, new_slot, booking.candidate_id, now)
    _check_overlap(session, booking.candidate_id, new_slot.starts_at, new_slot.ends_at, ignore_id=booking.id)
    old_slot = session.get(Slot, booking.slot_id)
    old_times = (booking.slot_id, booking.starts_at, booking.ends_at)

    def move() -> None:
        booking.slot_id, booking.starts_at, booking.ends_at = new_slot.id, new_slot.starts_at, new_slot.ends_at

    try:
        _write_guarded(session, move)
    except BookingError:
        booking.slot_id, booking.starts_at, booking.ends_at = old_times
        raise
    if new_slot.held_for_id == booking.candidate_id:
        new_slot.held_for_id, new_slot.held_until = None, None
    session.add(BookingMove(booking_id=booking.id, from_starts_at=old_times[1], to_starts_at=booking.starts_at,
                            moved_by_id=by_user_id, moved_at=now))
    sync_calendar_later(session, booking)
    call_rooms.booking_changed(session, booking.id, "moved")
    emit_booking(session, "booking.created", booking)  # moved: the same booking at its new time (docs/webhooks.md)
    offer_freed_slot(session, old_slot, now=now, excluding=booking.candidate_id)
    return booking


def record_outcome(session: Session, booking: Booking, *, attendance: Attendance, outcome: Outcome | None,
                   now: dt.datetime | None = None) -> Booking:
    now = now or clock.now()
    if booking.status != BookingStatus.active:
        raise BookingError(_l("This booking was cancelled."))
    if booking.starts_at > now:
        raise BookingError(_l("You can record the outcome once the interview has started."))
    if attendance == Attendance.no_show and outcome is not None:
        raise BookingError(_l("A candidate who did not come has no outcome."))
    booking.attendance, booking.outcome = attendance, outcome
    session.flush()
    if attendance == Attendance.no_show:
        _tell_structures_of_no_show(session, booking)
    elif outcome is not None:
        _tell_structures_of_outcome(session, booking)
    return booking


def _tell_structures_of_no_show(session: Session, booking: Booking) -> None:
    """Every adviser of the structures that follow the person hears of the no-show (fair.jobdating.notices),
    in their language, once per booking and adviser (the outbox key), whatever the recruiter changes after."""
    booth = session.get(Booth, booking.booth_id)
    edition = session.get(Edition, booking.edition_id)
    candidate = session.get(User, booking.candidate_id)
    tz = edition.timezone or "Europe/Paris"

    def context(adviser: User) -> dict:
        return {"candidate": candidate.full_name, "company": booth.company.name, "fair": edition.title,
                "when": local_span_text(booking.starts_at, booking.ends_at, tz, adviser.locale or "fr")}

    def sms_text(adviser: User) -> str:
        return _("%(candidate)s did not come to the interview with %(company)s (%(when)s).",
                 candidate=candidate.full_name, company=booth.company.name,
                 when=sms_when(booking.starts_at, tz, adviser.locale or "fr"))

    notices.tell_structures(session, booking.candidate_id, key=f"no-show:{booking.id}", template="no_show_adviser",
                            context=context, sms_text=sms_text, edition_id=edition.id)


def _tell_structures_of_outcome(session: Session, booking: Booking) -> None:
    """The interview's outcome, told as a no-show is; a changed outcome is a new notice, the same one
    recorded again is not (the key names the outcome)."""
    booth = session.get(Booth, booking.booth_id)
    edition = session.get(Edition, booking.edition_id)
    candidate = session.get(User, booking.candidate_id)
    tz = edition.timezone or "Europe/Paris"
    outcome = booking.outcome

    def headline() -> str:
        return _("Interview of %(candidate)s with %(company)s: %(outcome)s", candidate=candidate.full_name,
                 company=booth.company.name, outcome=str(OUTCOME_LABELS[outcome]))

    def context(adviser: User) -> dict:
        return {"candidate": candidate.full_name, "headline": headline(),
                "detail": _("“%(fair)s”, %(when)s.", fair=edition.title,
                            when=local_span_text(booking.starts_at, booking.ends_at, tz, adviser.locale or "fr"))}

    notices.tell_structures(session, booking.candidate_id, key=f"outcome:{booking.id}:{outcome.value}",
                            template="outcome_adviser", context=context, sms_text=lambda adviser: headline(),
                            edition_id=edition.id)


def no_show_count(session: Session, candidate_id: int, edition_id: int | None = None) -> int:
    query = select(func.count(Booking.id)).where(Booking.candidate_id == candidate_id,
                                                 Booking.attendance == Attendance.no_show)
    if edition_id is not None:
        query = query.where(Booking.edition_id == edition_id)
    return session.execute(query).scalar_one()


def phone_visible(slot: Slot, now: dt.datetime | None = None) -> bool:
    """The recruiter sees the candidate's number only while the slot runs."""
    now = now or clock.now()
    return slot.mode == SlotMode.phone and slot.starts_at <= now < slot.ends_at


# ---------------------------------------------------------------- waitlist


def _waitlist_entry(session: Session, booth_id: int, candidate_id: int) -> WaitlistEntry | None:
    return session.execute(
        select(WaitlistEntry).where(WaitlistEntry.booth_id == booth_id, WaitlistEntry.candidate_id == candidate_id)
    ).scalar_one_or_none()


def join_waitlist(session: Session, booth: Booth, candidate_id: int, now: dt.datetime | None = None) -> WaitlistEntry:
    now = now or clock.now()
    candidate = session.get(User, candidate_id)
    if candidate is None or not candidate.is_candidate:
        raise BookingError(_l("Only candidates can book interviews."))
    require_confirmed(candidate)
    _check_registration(booth.edition, now)
    _check_policy(session, booth.edition, booth.id, candidate_id)
    entry = _waitlist_entry(session, booth.id, candidate_id)
    if entry is not None and entry.status in (WaitlistStatus.waiting, WaitlistStatus.offered):
        return entry
    if entry is None:
        entry = WaitlistEntry(booth_id=booth.id, candidate_id=candidate_id)
        session.add(entry)
    entry.status, entry.joined_at = WaitlistStatus.waiting, now
    entry.offered_slot_id, entry.offer_expires_at = None, None
    session.flush()
    return entry


def leave_waitlist(session: Session, entry: WaitlistEntry, now: dt.datetime | None = None) -> None:
    now = now or clock.now()
    was_offered = entry.status == WaitlistStatus.offered
    slot = session.get(Slot, entry.offered_slot_id) if entry.offered_slot_id else None
    entry.status, entry.offered_slot_id, entry.offer_expires_at = WaitlistStatus.left, None, None
    if was_offered and slot is not None:
        slot.held_for_id, slot.held_until = None, None
        session.flush()
        offer_freed_slot(session, slot, now=now, excluding=entry.candidate_id)
    session.flush()


def offer_freed_slot(session: Session, slot: Slot, *, now: dt.datetime | None = None,
                     excluding: int | None = None) -> WaitlistEntry | None:
    """Hold a freed slot for the first person waiting at its booth, for WAITLIST_HOLD_MINUTES."""
    now = now or clock.now()
    if slot is None or slot.starts_at <= now + _closes_delta() or active_booking_of_slot(session, slot.id):
        return None
    query = (select(WaitlistEntry).where(WaitlistEntry.booth_id == slot.booth_id,
                                         WaitlistEntry.status == WaitlistStatus.waiting)
             .order_by(WaitlistEntry.joined_at, WaitlistEntry.id))
    if excluding is not None:
        query = query.where(WaitlistEntry.candidate_id != excluding)
    for entry in session.execute(query).scalars():
        # The next person must be able to take it: no clash with what they hold already.
        clash = session.execute(select(Booking.id).where(
            Booking.candidate_id == entry.candidate_id, Booking.status == BookingStatus.active,
            Booking.starts_at < slot.ends_at, Booking.ends_at > slot.starts_at).limit(1)).first()
        if clash:
            continue
        hold_until = min(now + dt.timedelta(minutes=current_app.config["WAITLIST_HOLD_MINUTES"]),
                         slot.starts_at - _closes_delta())
        slot.held_for_id, slot.held_until = entry.candidate_id, hold_until
        entry.status, entry.offered_slot_id, entry.offer_expires_at = WaitlistStatus.offered, slot.id, hold_until
        session.flush()
        _schedule_expiry(session, entry)
        _mail_waitlist_hold(session, entry, slot)
        log.info("waitlist %s: slot %s held until %s", entry.id, slot.id, hold_until.isoformat())
        return entry
    slot.held_for_id, slot.held_until = None, None
    session.flush()
    return None


def _schedule_expiry(session: Session, entry: WaitlistEntry) -> None:
    """A job at the end of the hold passes the slot on (the offer also lapses by itself when read)."""
    at = entry.offer_expires_at
    jobs.expire_waitlist_offer.after_commit(session, entry.id, at=at,
                                            job_id=f"waitlist-offer-{entry.id}-{int(at.timestamp())}")


def _mail_waitlist_hold(session: Session, entry: WaitlistEntry, slot: Slot) -> None:
    """Tell the person a slot is held for them (fair.accounts.reach: mail and/or SMS): the company,
    when (the fair's zone), until when, and where they take it ("my day" in the mail, the self-service
    link in the SMS). One message per hold: the key names the entry, the slot and the end."""
    candidate = session.get(User, entry.candidate_id)
    booth = session.get(Booth, slot.booth_id)
    edition = booth.edition
    tz = edition.timezone or "Europe/Paris"
    locale = candidate.locale or "fr"
    until = entry.offer_expires_at
    reach(
        session, candidate, key=f"waitlist-hold-{entry.id}-{slot.id}-{int(until.timestamp())}",
        mail=Message("waitlist_hold", {
            "name": candidate.full_name, "company": booth.company.name, "fair": edition.title,
            "when": local_span_text(slot.starts_at, slot.ends_at, tz, locale),
            "until": local_time_text(until, tz, locale), "link": mail_url("jobdating.my_day")}),
        sms=Message("waitlist_offer", lambda: {
            "company": booth.company.name, "when": sms_when(slot.starts_at, tz, locale),
            "until": sms_when(until, tz, locale, day=False), "link": waitlist_link(session, entry)}),
        edition_id=edition.id, urgent_before=until,
    )


def accept_offer(session: Session, entry: WaitlistEntry, now: dt.datetime | None = None) -> Booking:
    now = now or clock.now()
    if entry.status != WaitlistStatus.offered or entry.offer_expires_at is None or entry.offer_expires_at <= now:
        raise BookingError(_l("This offer has expired."))
    return book(session, slot_id=entry.offered_slot_id, candidate_id=entry.candidate_id, now=now)


def expire_offer(session: Session, entry_id: int, now: dt.datetime | None = None) -> bool:
    """An unanswered offer goes to the next person. Does nothing if the offer was answered."""
    now = now or clock.now()
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None or entry.status != WaitlistStatus.offered or entry.offer_expires_at > now:
        return False
    slot = session.get(Slot, entry.offered_slot_id) if entry.offered_slot_id else None
    entry.status, entry.offered_slot_id, entry.offer_expires_at = WaitlistStatus.expired, None, None
    if slot is not None and slot.held_for_id == entry.candidate_id:
        slot.held_for_id, slot.held_until = None, None
    session.flush()
    if slot is not None:
        offer_freed_slot(session, slot, now=now, excluding=entry.candidate_id)
    return True


def candidate_waitlist(session: Session, candidate_id: int) -> list[WaitlistEntry]:
    return list(session.execute(
        select(WaitlistEntry).where(WaitlistEntry.candidate_id == candidate_id,
                                    WaitlistEntry.status.in_((WaitlistStatus.waiting, WaitlistStatus.offered)))
        .order_by(WaitlistEntry.joined_at)
    ).scalars())


# ---------------------------------------------------------------- calendar entries


def _texts(booking: Booking, slot: Slot, for_recruiter: bool) -> tuple[str, str, str, str | None]:
    """What the calendar entry says, in the language of the person whose calendar it is."""
    booth = slot.booth
    company = booth.company.name
    edition = booth.edition
    candidate = booking.candidate
    reader = slot.recruiter if for_recruiter else candidate
    with force_locale(reader.locale or "fr"):
        name = candidate.full_name if for_recruiter else company
        summary = _("Interview — %(name)s", name=name)
        join_url = None
        if slot.mode == SlotMode.phone:
            local = slot.starts_at.astimezone(fair_zone(edition)).strftime("%H:%M")
            if for_recruiter:
                description = _("Phone interview: call %(name)s at %(time)s.", name=candidate.full_name, time=local)
            else:
                description = _("Phone interview: the recruiter will call you at %(time)s on %(phone)s.", time=local,
                                phone=phone_text(candidate.phone) or _("the number of your account"))
            location = _("Phone")
        elif slot.mode == SlotMode.video:
            description = _("Video interview.")
            location = _("Video")
            join_url = slot.location if slot.location.startswith("https://") else None
            if join_url is None:  # no outside meeting link: the fair's own video room of this booking

                join_url = mail_url("video.booking_room", booking_id=booking.id)
        else:
            description = _("On-site interview.")
            location = slot.location or (_("Stand %(n)s", n=booth.stand_number) if booth.stand_number
                                         else edition.venue or "")
        return summary, f"{edition.title} — {company}. {description}", location, join_url


def sync_calendar_later(session: Session, booking: Booking) -> None:
    """Once the booking is committed, a job brings both people's calendars in line with it.

    The booking request stays short (it writes one row); the invitations, their .ics files and the
    reminders are made by `sync_calendar` in the worker, which reads the booking as it then is.
    """
    jobs.sync_booking_calendar.after_commit(session, booking.id)


def sync_calendar(session: Session, booking_id: int) -> list[str]:
    """Make the calendar entries of a booking match it: scheduled for the candidate and the slot's
    recruiter while active (moved if the slot changed), cancelled otherwise. Idempotent: running it
    twice, or after a later change, sends nothing more than the state calls for."""
    booking = session.get(Booking, booking_id)
    if booking is None:
        return []
    lock_candidate(session, booking.candidate_id)
    session.refresh(booking)
    slot = session.get(Slot, booking.slot_id)
    entries = {e.user_id: e for e in session.execute(select(CalendarEntry).where(
        CalendarEntry.kind == BOOKING_KIND, CalendarEntry.ref_id == booking.id)).scalars()}
    wanted = {}
    if booking.status == BookingStatus.active:
        wanted = {booking.candidate_id: False, slot.recruiter_id: True}
    done = []
    for user_id, entry in entries.items():
        if user_id not in wanted and entry.status == EntryStatus.active:
            if (user_id == booking.candidate_id and booking.cancel_reason
                    and booking.cancelled_by_id != booking.candidate_id):
                # The cancellation the candidate receives says who cancelled (the company, or an adviser
                # of the structure that follows them) and why.
                with force_locale(booking.candidate.locale or "fr"):
                    if cancelled_by_adviser(session, booking):
                        entry.summary = _("%(summary)s — cancelled by your adviser: %(reason)s",
                                          summary=entry.summary, reason=booking.cancel_reason)[:300]
                    else:
                        entry.summary = _("%(summary)s — cancelled by the company: %(reason)s",
                                          summary=entry.summary, reason=booking.cancel_reason)[:300]
            cancel_entry(session, entry)
            done.append(f"cancel:{user_id}")
    for user_id, for_recruiter in wanted.items():
        summary, description, location, join_url = _texts(booking, slot, for_recruiter)
        entry = entries.get(user_id)
        if entry is None or entry.status != EntryStatus.active:
            schedule_entry(session, user_id=user_id, edition_id=booking.edition_id, kind=BOOKING_KIND,
                           ref_id=booking.id, starts_at=slot.starts_at, ends_at=slot.ends_at, summary=summary,
                           description=description, location=location, join_url=join_url)
            done.append(f"schedule:{user_id}")
        elif (entry.starts_at, entry.ends_at, entry.location) != (slot.starts_at, slot.ends_at, location):
            move_entry(session, entry, starts_at=slot.starts_at, ends_at=slot.ends_at, location=location)
            done.append(f"move:{user_id}")
    return done


def _booking_sms(session: Session, entry: CalendarEntry):
    """What the SMS about a booking's calendar entry says (fair.calendar.agenda.send_by_sms): only the
    candidate's copy goes by SMS, with a self-service link while the booking is active."""
    booking = session.get(Booking, entry.ref_id)
    if booking is None or entry.user_id != booking.candidate_id:
        return None

    def details() -> dict:
        slot = session.get(Slot, booking.slot_id)
        with force_locale(booking.candidate.locale or "fr"):
            what = _("interview with %(company)s", company=slot.booth.company.name)
        active = booking.status == BookingStatus.active and entry.status == EntryStatus.active
        return {"what": what, "link": booking_link(session, booking) if active else None}

    return details


send_by_sms(BOOKING_KIND, _booking_sms)


# ---------------------------------------------------------------- agendas


def candidate_bookings(session: Session, candidate_id: int, *, start: dt.datetime | None = None,
                       end: dt.datetime | None = None) -> list[Booking]:
    query = select(Booking).where(Booking.candidate_id == candidate_id, Booking.status == BookingStatus.active)
    if start is not None:
        query = query.where(Booking.starts_at >= start)
    if end is not None:
        query = query.where(Booking.starts_at < end)
    return list(session.execute(query.order_by(Booking.starts_at)).scalars())


def person_webinars(session: Session, candidate_id: int) -> list[WebinarRegistration]:
    """The webinars the person is registered to or waiting for (an adviser's view of their agenda)."""
    return list(session.execute(
        select(WebinarRegistration).join(Webinar, Webinar.id == WebinarRegistration.webinar_id)
        .where(WebinarRegistration.user_id == candidate_id,
               WebinarRegistration.status.in_((RegistrationStatus.confirmed, RegistrationStatus.waitlisted)),
               Webinar.status == WebinarStatus.scheduled)
        .order_by(Webinar.starts_at, Webinar.id)
    ).scalars())


def recruiter_day(session: Session, recruiter_id: int, start: dt.datetime,
                  end: dt.datetime) -> list[tuple[Slot, Booking | None]]:
    slots = list(session.execute(
        select(Slot).where(Slot.recruiter_id == recruiter_id, Slot.starts_at >= start, Slot.starts_at < end)
        .order_by(Slot.starts_at)
    ).scalars())
    bookings = {b.slot_id: b for b in session.execute(
        select(Booking).where(Booking.slot_id.in_([s.id for s in slots]), Booking.status == BookingStatus.active)
    ).scalars()} if slots else {}
    return [(slot, bookings.get(slot.id)) for slot in slots]


def recruiter_days(session: Session, recruiter_id: int, tz: ZoneInfo) -> list[dt.date]:
    starts = session.execute(select(Slot.starts_at).where(Slot.recruiter_id == recruiter_id)).scalars()
    return sorted({s.astimezone(tz).date() for s in starts})


@dataclass
class FillRate:
    label: str
    slots: int
    booked: int

    @property
    def percent(self) -> int:
        return round(100 * self.booked / self.slots) if self.slots else 0


def edition_overview(session: Session, edition: Edition) -> dict:
    """Fill rate per booth and per local hour, and the candidates with repeated no-shows."""
    tz = fair_zone(edition)
    rows = session.execute(
        select(Slot, Booking.id)
        .outerjoin(Booking, and_(Booking.slot_id == Slot.id, Booking.status == BookingStatus.active))
        .where(Slot.edition_id == edition.id).order_by(Slot.starts_at)
    ).all()
    per_booth: dict[int, FillRate] = {}
    per_hour: dict[tuple[dt.date, int, int], FillRate] = {}
    for slot, booking_id in rows:
        booth_rate = per_booth.setdefault(slot.booth_id, FillRate(slot.booth.company.name, 0, 0))
        local = slot.starts_at.astimezone(tz)
        # The UTC offset is part of the key: the repeated autumn hour shows as two rows.
        key = (local.date(), local.hour, int(local.utcoffset().total_seconds()))
        hour_rate = per_hour.setdefault(key, FillRate(local.strftime("%d/%m %H:00"), 0, 0))
        for rate in (booth_rate, hour_rate):
            rate.slots += 1
            rate.booked += 1 if booking_id else 0
    # The hour repeated when clocks go back shows its UTC offset, so that its two rows can be told apart.
    repeated = defaultdict(int)
    for day, hour, _offset in per_hour:
        repeated[(day, hour)] += 1
    for (day, hour, offset), rate in per_hour.items():
        if repeated[(day, hour)] > 1:
            sign = "+" if offset >= 0 else "-"
            rate.label += f" (UTC{sign}{abs(offset) // 3600:02d}:{abs(offset) % 3600 // 60:02d})"
    threshold = current_app.config["NO_SHOW_FLAG_COUNT"]
    flagged = session.execute(
        select(User, func.count(Booking.id)).join(Booking, Booking.candidate_id == User.id)
        .where(Booking.edition_id == edition.id, Booking.attendance == Attendance.no_show)
        .group_by(User.id).having(func.count(Booking.id) >= threshold).order_by(User.full_name)
    ).all()
    total_slots = sum(r.slots for r in per_booth.values())
    total_booked = sum(r.booked for r in per_booth.values())
    return {
        "booths": sorted(per_booth.values(), key=lambda r: r.label.lower()),
        "hours": [per_hour[k] for k in sorted(per_hour, key=lambda k: (k[0], k[1], -k[2]))],
        "total": FillRate("", total_slots, total_booked),
        "flagged": flagged,
    }


def slots_by_day(slots: list[Slot], tz: ZoneInfo) -> dict[dt.date, list[Slot]]:
    days: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[slot.starts_at.astimezone(tz).date()].append(slot)
    return dict(days)
