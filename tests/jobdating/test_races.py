"""The two invariants under real concurrency, on SQLite and PostgreSQL: threads with their own
connections book at the same moment (a barrier releases them together)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from tests.jobdating.conftest import FAIR_DAY
from tests.jobdating.helpers import active_bookings, candidates, open_range


def _race(app, attempts: list[tuple[int, int]]) -> list[object]:
    """Run book(slot, candidate) for every pair in its own thread, all released at once."""
    from fair.extensions import db
    from fair.jobdating.services import BookingError, book

    barrier = threading.Barrier(len(attempts))
    results: list[object] = [None] * len(attempts)

    def attempt(index: int, slot_id: int, candidate_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                booking = book(db.session, slot_id=slot_id, candidate_id=candidate_id)
                db.session.commit()
                results[index] = booking.id
            except BookingError as error:
                db.session.rollback()
                results[index] = error
            except Exception as error:  # anything else is a failure the test shows
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i, slot, cand)) for i, (slot, cand) in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def test_fifty_candidates_booking_the_same_slot_make_exactly_one_booking(app, session, world):
    from fair.jobdating.services import BookingError, SlotTaken

    people = candidates(session, 50)
    slot = world.slots[0]
    results = _race(app, [(slot.id, person.id) for person in people])
    booked = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, BookingError)]
    assert len(booked) == 1
    assert len(refused) == 49, [r for r in results if not isinstance(r, (int, BookingError))]
    assert all(isinstance(r, SlotTaken) for r in refused)
    assert len(active_bookings(session, slot_id=slot.id)) == 1


def test_two_people_booking_one_slot_through_the_api_at_once_get_one_201_and_one_409(app, session, world):
    """As two phones would: two signed-in candidates send the booking request at the same moment."""
    from tests.conftest import csrf_token, login

    slot = world.slots[2]  # 09:40
    barrier = threading.Barrier(2)
    answers: dict[str, object] = {}

    def book_as(client, token: str) -> None:
        barrier.wait(timeout=30)
        response = client.post(f"/api/jobdating/slots/{slot.id}/bookings", json={}, headers={"X-CSRFToken": token})
        answers[token] = (response.status_code, response.get_json())

    clients = []
    for person in (world.candidate, world.other):
        client = app.test_client()
        login(client, person.email)
        clients.append((client, csrf_token(client, "/interviews/my-day")))
    threads = [threading.Thread(target=book_as, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    codes = sorted(code for code, _body in answers.values())
    assert codes == [201, 409], answers
    refused = next(body for code, body in answers.values() if code == 409)
    assert refused["code"] == "slot_taken"
    assert [s["local_time"] for s in refused["nearest"]] == ["09:00", "09:20", "10:00"]
    assert len(active_bookings(session, slot_id=slot.id)) == 1


def test_one_candidate_booking_two_overlapping_slots_at_once_holds_at_most_one(app, session, world):
    from fair.jobdating.services import BookingError

    # Recruiter B opens 09:10-10:10 at booth B: its first slot overlaps slot 09:00-09:20 of booth A.
    other_range = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "09:10", "10:10")
    session.commit()
    for _ in range(5):  # several rounds: each a fresh race between the two threads
        results = _race(app, [(world.slots[0].id, world.candidate.id), (other_range.slots[0].id, world.candidate.id)])
        assert sum(isinstance(r, int) for r in results) == 1, results
        assert all(isinstance(r, (int, BookingError)) for r in results), results
        held = active_bookings(session, candidate_id=world.candidate.id)
        assert len(held) == 1
        from fair.extensions import db
        from fair.jobdating.models import BookingStatus

        held[0].status = BookingStatus.cancelled
        db.session.commit()


def test_the_database_refuses_a_second_active_booking_of_a_slot(app, session, world):
    from fair.jobdating.models import Booking

    slot = world.slots[0]
    for person in (world.candidate, world.other):
        session.add(Booking(slot_id=slot.id, booth_id=slot.booth_id, edition_id=slot.edition_id,
                            candidate_id=person.id, starts_at=slot.starts_at, ends_at=slot.ends_at))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_a_cancelled_booking_leaves_room_for_a_new_one_in_the_database(app, session, world):
    from fair.jobdating.models import Booking, BookingStatus

    slot = world.slots[0]
    session.add(Booking(slot_id=slot.id, booth_id=slot.booth_id, edition_id=slot.edition_id,
                        candidate_id=world.candidate.id, starts_at=slot.starts_at, ends_at=slot.ends_at,
                        status=BookingStatus.cancelled))
    session.add(Booking(slot_id=slot.id, booth_id=slot.booth_id, edition_id=slot.edition_id,
                        candidate_id=world.other.id, starts_at=slot.starts_at, ends_at=slot.ends_at))
    session.commit()
    assert len(active_bookings(session, slot_id=slot.id)) == 1


def test_postgresql_refuses_overlapping_bookings_of_a_candidate_even_without_the_service(app, session, world):
    from fair.extensions import db
    from fair.jobdating.models import Booking

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite holds this invariant with BEGIN IMMEDIATE (the race test above), not a constraint")
    other_range = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "09:10", "10:10")
    session.commit()
    for slot in (world.slots[0], other_range.slots[0]):
        session.add(Booking(slot_id=slot.id, booth_id=slot.booth_id, edition_id=slot.edition_id,
                            candidate_id=world.candidate.id, starts_at=slot.starts_at, ends_at=slot.ends_at))
    with pytest.raises(IntegrityError, match="ex_jobdating_bookings_candidate_overlap"):
        session.commit()
    session.rollback()


def test_sqlite_bookings_take_the_write_lock_before_reading(app, session, world):
    """On SQLite the check-then-insert runs under BEGIN IMMEDIATE: a second writer must wait for it."""
    import sqlite3

    from fair.extensions import db
    from fair.jobdating.services import lock_candidate

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks the candidate's row and has the exclusion constraint")
    lock_candidate(session, world.candidate.id)
    other = sqlite3.connect(db.engine.url.database, timeout=0.2)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        session.rollback()
