"""Hypothesis drives book / cancel / reschedule / waitlist join / offer acceptance / time passing
(offer expiry) in any order, on SQLite and PostgreSQL. After every step the database must show:
no slot with two active bookings, no candidate with two overlapping active bookings, a held slot
free of bookings; and a slot freed by a cancellation can be booked again."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, func, select, update

from tests.jobdating.conftest import FAIR_DAY
from tests.jobdating.helpers import candidates, open_range

START = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


def test_bookings_keep_their_invariants_whatever_people_do(app, session, world):
    from fair.calendar.models import CalendarEntry
    from fair.extensions import db
    from fair.fairs.models import Edition
    from fair.jobdating import services
    from fair.jobdating.models import Booking, BookingStatus, Slot, WaitlistEntry, WaitlistStatus

    overlapping = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "09:10", "10:30")
    session.get(Edition, world.edition.id).max_bookings_per_candidate = 4
    session.commit()
    slot_ids = [s.id for s in world.slots[:5]] + [s.id for s in overlapping.slots]
    booths = [world.booth_a.id, world.booth_b.id]
    people = [c.id for c in candidates(session, 3, prefix="machine")]

    class Bookings(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            s = db.session
            s.execute(delete(WaitlistEntry))
            s.execute(delete(Booking))
            s.execute(delete(CalendarEntry))
            s.execute(update(Slot).values(held_for_id=None, held_until=None))
            s.commit()
            self.now = START

        def _try(self, action) -> object:
            try:
                result = action()
                db.session.commit()
                return result
            except services.BookingError:
                db.session.rollback()
                return None

        def _active(self, candidate_id: int) -> list[Booking]:
            return list(db.session.execute(select(Booking).where(
                Booking.candidate_id == candidate_id, Booking.status == BookingStatus.active)
                .order_by(Booking.id)).scalars())

        @rule(slot=st.sampled_from(slot_ids), who=st.sampled_from(people))
        def book(self, slot: int, who: int) -> None:
            self._try(lambda: services.book(db.session, slot_id=slot, candidate_id=who, now=self.now))

        @rule(who=st.sampled_from(people), pick=st.integers(0, 3))
        def cancel(self, who: int, pick: int) -> None:
            held = self._active(who)
            if not held:
                return
            booking = held[pick % len(held)]
            slot_id = booking.slot_id
            self._try(lambda: services.cancel_booking(db.session, booking, by_user_id=who, now=self.now))
            # The freed slot can be booked again: by the person it is now held for, or by anyone.
            slot = db.session.get(Slot, slot_id)
            db.session.refresh(slot)
            taker = slot.held_for_id or next((p for p in people if p != who and not any(
                b.starts_at < slot.ends_at and b.ends_at > slot.starts_at for b in self._active(p))), None)
            if taker is not None:
                offered = [s.id for s in services.free_slots(db.session, slot.booth_id, now=self.now,
                                                             candidate_id=taker)]
                assert slot_id in offered

        @rule(who=st.sampled_from(people), pick=st.integers(0, 3), slot=st.sampled_from(slot_ids))
        def reschedule(self, who: int, pick: int, slot: int) -> None:
            held = self._active(who)
            if held:
                booking = held[pick % len(held)]
                self._try(lambda: services.reschedule(db.session, booking, slot, now=self.now))

        @rule(who=st.sampled_from(people), booth=st.sampled_from(booths))
        def join_waitlist(self, who: int, booth: int) -> None:
            from fair.companies.models import Booth

            self._try(lambda: services.join_waitlist(db.session, db.session.get(Booth, booth), who, now=self.now))

        @rule(who=st.sampled_from(people))
        def accept_offer(self, who: int) -> None:
            entry = db.session.execute(select(WaitlistEntry).where(
                WaitlistEntry.candidate_id == who, WaitlistEntry.status == WaitlistStatus.offered)).scalars().first()
            if entry is not None:
                self._try(lambda: services.accept_offer(db.session, entry, now=self.now))

        @rule(minutes=st.integers(1, 45))
        def time_passes(self, minutes: int) -> None:
            """What the scheduled expiry jobs do when their time comes."""
            self.now += dt.timedelta(minutes=minutes)
            due = db.session.execute(select(WaitlistEntry.id).where(
                WaitlistEntry.status == WaitlistStatus.offered, WaitlistEntry.offer_expires_at <= self.now)).scalars()
            for entry_id in list(due):
                services.expire_offer(db.session, entry_id, now=self.now)
                db.session.commit()

        @invariant()
        def a_slot_is_booked_at_most_once(self) -> None:
            doubled = db.session.execute(
                select(Booking.slot_id).where(Booking.status == BookingStatus.active)
                .group_by(Booking.slot_id).having(func.count(Booking.id) > 1)).all()
            assert doubled == []

        @invariant()
        def no_candidate_holds_overlapping_bookings(self) -> None:
            for person in people:
                held = sorted(self._active(person), key=lambda b: b.starts_at)
                # Each booking with the next one: the shifted list is one shorter on purpose.
                for before, after in zip(held, held[1:], strict=False):
                    assert before.ends_at <= after.starts_at, (before.id, after.id)

        @invariant()
        def a_held_slot_is_free_and_offered_to_its_holder(self) -> None:
            for slot in db.session.execute(select(Slot).where(Slot.held_for_id.is_not(None))).scalars():
                active = db.session.execute(select(Booking.id).where(
                    Booking.slot_id == slot.id, Booking.status == BookingStatus.active)).first()
                assert active is None
                entry = db.session.execute(select(WaitlistEntry).where(
                    WaitlistEntry.candidate_id == slot.held_for_id,
                    WaitlistEntry.offered_slot_id == slot.id)).scalar_one()
                assert entry.status == WaitlistStatus.offered

    run_state_machine_as_test(Bookings, settings=settings(
        max_examples=25, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
