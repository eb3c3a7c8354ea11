"""(Messages are checked in French, the default language.) Booking rules of an edition, cancel /
reschedule with their cut-off, the calendar entries a booking keeps in step, attendance and outcomes,
and the phone number shown only during the slot."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import run_jobs
from tests.jobdating.conftest import FAIR_DAY
from tests.jobdating.helpers import active_bookings, local, open_range

EARLY = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


def _entries(app, session, booking_id):
    """The booking's calendar entries, once the jobs queued by the booking have run."""
    from fair.calendar.models import CalendarEntry

    run_jobs(app)
    session.expire_all()
    return {e.user_id: e for e in session.execute(
        select(CalendarEntry).where(CalendarEntry.kind == "booking", CalendarEntry.ref_id == booking_id)).scalars()}


def test_slots_are_cut_with_the_edition_length_or_the_override_and_the_buffer(session, world):
    assert len(world.slots) == 9  # 09:00-12:00 in 20-minute slots
    assert [s.starts_at for s in world.slots[:2]] == [local(FAIR_DAY, "09:00"), local(FAIR_DAY, "09:20")]
    other = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "14:00", "15:00", mode="phone",
                       slot_minutes=15, buffer_minutes=5, location="")
    assert [(s.starts_at, s.ends_at) for s in other.slots] == [
        (local(FAIR_DAY, "14:00"), local(FAIR_DAY, "14:15")),
        (local(FAIR_DAY, "14:20"), local(FAIR_DAY, "14:35")),
        (local(FAIR_DAY, "14:40"), local(FAIR_DAY, "14:55")),
    ]


def test_availability_outside_the_fair_days_or_overlapping_is_refused(session, world):
    from fair.jobdating.services import AvailabilityError

    with pytest.raises(AvailabilityError, match="jours du salon"):
        open_range(session, world.booth_a, world.recruiter_a, FAIR_DAY + dt.timedelta(days=1), "09:00", "10:00")
    with pytest.raises(AvailabilityError, match="déjà des disponibilités"):
        open_range(session, world.booth_a, world.recruiter_a, FAIR_DAY, "11:00", "13:00")
    with pytest.raises(AvailabilityError, match="plus courte qu’un entretien"):
        open_range(session, world.booth_a, world.recruiter_a, FAIR_DAY, "13:00", "13:10")


def test_a_booking_puts_the_interview_in_both_calendars(app, session, world):
    from fair.jobdating.services import book

    booking = book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    entries = _entries(app, session, booking.id)
    assert set(entries) == {world.candidate.id, world.recruiter_a.id}
    assert entries[world.candidate.id].starts_at == world.slots[0].starts_at
    assert entries[world.candidate.id].join_url == "https://visio.example.org/a"
    assert entries[world.candidate.id].summary == "Entretien — Transports Rapides"
    assert entries[world.recruiter_a.id].summary == "Entretien — Candidate One"


def test_booking_closes_before_the_slot_and_only_candidates_book(app, session, world):
    from fair.jobdating.services import BookingError, book

    slot = world.slots[0]
    with pytest.raises(BookingError, match="est close"):
        book(session, slot_id=slot.id, candidate_id=world.candidate.id, now=slot.starts_at - dt.timedelta(minutes=29))
    with pytest.raises(BookingError, match="Seuls les candidats"):
        book(session, slot_id=slot.id, candidate_id=world.recruiter_b.id, now=EARLY)
    session.rollback()
    book(session, slot_id=slot.id, candidate_id=world.candidate.id, now=slot.starts_at - dt.timedelta(minutes=31))
    session.commit()


def test_a_candidate_gets_at_most_the_edition_maximum(app, session, world):
    from fair.jobdating.services import BookingError, book

    world.edition.max_bookings_per_candidate = 2
    session.commit()
    for slot in world.slots[:2]:
        book(session, slot_id=slot.id, candidate_id=world.candidate.id, now=EARLY)
        session.commit()
    with pytest.raises(BookingError, match="maximum de 2"):
        book(session, slot_id=world.slots[2].id, candidate_id=world.candidate.id, now=EARLY)
    session.rollback()


def test_shortlisted_only_and_invitation_only(app, session, world):
    from fair.candidates.models import Application, ApplicationStatus
    from fair.fairs.models import BookingPolicy
    from fair.jobdating.services import BookingError, book

    world.edition.booking_policy = BookingPolicy.shortlisted
    application = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id,
                              status=ApplicationStatus.submitted)
    session.add(application)
    session.commit()
    with pytest.raises(BookingError, match="présélectionnés"):
        book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id, now=EARLY)
    session.rollback()
    application.status = ApplicationStatus.shortlisted
    world.edition.booking_policy = BookingPolicy.invitation
    session.commit()
    with pytest.raises(BookingError, match="invités"):
        book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id, now=EARLY)
    session.rollback()
    world.edition.booking_policy = BookingPolicy.shortlisted
    session.commit()
    book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    session.refresh(application)
    assert application.interview_booked_at is not None  # the recruiter now sees who applied


def test_cancel_until_the_cut_off_sends_the_cancellation_and_frees_the_slot(app, session, world):
    from fair.calendar.models import EntryStatus
    from fair.jobdating.services import BookingError, book, cancel_booking

    slot = world.slots[0]
    booking = book(session, slot_id=slot.id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    with pytest.raises(BookingError, match="trop tard"):
        cancel_booking(session, booking, by_user_id=world.candidate.id, now=slot.starts_at - dt.timedelta(minutes=90))
    session.rollback()
    cancel_booking(session, booking, by_user_id=world.candidate.id, now=EARLY)
    session.commit()
    assert all(e.status == EntryStatus.cancelled for e in _entries(app, session, booking.id).values())
    again = book(session, slot_id=slot.id, candidate_id=world.other.id, now=EARLY)
    session.commit()
    assert active_bookings(session, slot_id=slot.id)[0].id == again.id


def test_reschedule_moves_the_calendar_entry_with_a_higher_sequence(app, session, world):
    from fair.jobdating.models import Booking
    from fair.jobdating.services import BookingError, book, reschedule

    slot_ids = [slot.id for slot in world.slots]
    new_start, candidate_id = world.slots[3].starts_at, world.candidate.id
    booking_id = book(session, slot_id=slot_ids[0], candidate_id=candidate_id, now=EARLY).id
    session.commit()
    taken = book(session, slot_id=slot_ids[1], candidate_id=world.other.id, now=EARLY).slot_id
    session.commit()
    assert _entries(app, session, booking_id)[candidate_id].sequence == 0  # the invitation went out
    with pytest.raises(BookingError, match="vient d’être réservé"):
        reschedule(session, session.get(Booking, booking_id), taken, now=EARLY)
    session.rollback()
    reschedule(session, session.get(Booking, booking_id), slot_ids[3], now=EARLY)
    session.commit()
    entry = _entries(app, session, booking_id)[candidate_id]
    assert (entry.starts_at, entry.sequence) == (new_start, 1)
    assert active_bookings(session, slot_id=slot_ids[0]) == []


def test_a_recruiter_cancels_with_a_reason(app, session, world):
    from fair.jobdating.services import BookingError, book, cancel_booking

    slot = world.slots[0]
    booking = book(session, slot_id=slot.id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    with pytest.raises(BookingError, match="motif"):
        cancel_booking(session, booking, by_user_id=world.recruiter_a.id, by_recruiter=True, reason=" ", now=EARLY)
    session.rollback()
    # A recruiter may cancel after the candidate's cut-off.
    cancel_booking(session, booking, by_user_id=world.recruiter_a.id, by_recruiter=True,
                   reason="Poste pourvu", now=slot.starts_at - dt.timedelta(minutes=60))
    session.commit()
    assert booking.cancel_reason == "Poste pourvu"


def test_outcome_after_the_slot_and_no_show_without_outcome(app, session, world):
    from fair.jobdating.models import Attendance, Outcome
    from fair.jobdating.services import BookingError, book, no_show_count, record_outcome

    slot = world.slots[0]
    booking = book(session, slot_id=slot.id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    with pytest.raises(BookingError, match="une fois l’entretien commencé"):
        record_outcome(session, booking, attendance=Attendance.attended, outcome=Outcome.hired, now=EARLY)
    with pytest.raises(BookingError, match="pas de suite donnée"):
        record_outcome(session, booking, attendance=Attendance.no_show, outcome=Outcome.hired, now=slot.ends_at)
    record_outcome(session, booking, attendance=Attendance.no_show, outcome=None, now=slot.ends_at)
    session.commit()
    assert no_show_count(session, world.candidate.id) == 1


def test_calendar_texts_are_in_the_language_of_each_person(app, session, world):
    from fair.jobdating.services import book

    phone = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "14:00", "15:00", mode="phone", location="")
    world.recruiter_b.locale = "en"
    session.commit()
    booking = book(session, slot_id=phone.slots[0].id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    recruiter_id, candidate_id = world.recruiter_b.id, world.candidate.id
    entries = _entries(app, session, booking.id)
    assert entries[candidate_id].description.endswith(
        "Entretien téléphonique : le recruteur vous appellera à 14:00 au 06 12 34 56 78.")
    assert entries[candidate_id].location == "Téléphone"
    assert entries[recruiter_id].summary == "Interview — Candidate One"
    assert entries[recruiter_id].description.endswith("Phone interview: call Candidate One at 14:00.")


def test_the_phone_number_is_visible_only_within_the_slot(session, world):
    from fair.jobdating.services import phone_visible

    phone = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "14:00", "15:00", mode="phone",
                       location="").slots[0]
    assert not phone_visible(phone, phone.starts_at - dt.timedelta(minutes=1))
    assert phone_visible(phone, phone.starts_at)
    assert phone_visible(phone, phone.ends_at - dt.timedelta(seconds=1))
    assert not phone_visible(phone, phone.ends_at)
    assert not phone_visible(world.slots[0], world.slots[0].starts_at)  # video: never


def test_the_calendar_job_is_idempotent_and_follows_the_latest_state(app, session, smtp, world):
    from fair.calendar.models import EntryStatus
    from fair.jobdating.services import book, cancel_booking, sync_calendar

    booking = book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id, now=EARLY)
    session.commit()
    booking_id = booking.id
    assert set(_entries(app, session, booking_id)) == {world.candidate.id, world.recruiter_a.id}
    # Run again: nothing left to do, nothing more queued.
    assert sync_calendar(session, booking_id) == []
    session.commit()
    # Cancelled before its job ran: the job cancels both entries, whatever order the jobs ran in.
    cancel_booking(session, session.get(type(booking), booking_id), by_user_id=world.candidate.id, now=EARLY)
    session.commit()
    entries = _entries(app, session, booking_id)
    assert {e.status for e in entries.values()} == {EntryStatus.cancelled}
    assert sync_calendar(session, booking_id) == []
    session.rollback()
