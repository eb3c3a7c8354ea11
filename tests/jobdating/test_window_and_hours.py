"""An edition's registration window and opening hours hold: candidates (and advisers for them) apply,
book and join waitlists only while registration is open, and are told when it opens or that it
closed; recruiters open slots only within the fair's days and hours (08:00–18:00 in Paris here)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fair import clock
from tests.conftest import login, post_form
from tests.jobdating.conftest import FAIR_DAY
from tests.jobdating.helpers import active_bookings, open_range

UTC = dt.timezone.utc
OPENS = dt.datetime(2030, 3, 1, 9, 0, tzinfo=UTC)     # 10:00 in Paris
CLOSES = dt.datetime(2030, 3, 11, 18, 0, tzinfo=UTC)  # 19:00 in Paris
BEFORE, DURING, AFTER = (dt.datetime(2030, 2, 20, 12, 0, tzinfo=UTC), dt.datetime(2030, 3, 5, 12, 0, tzinfo=UTC),
                         dt.datetime(2030, 3, 11, 20, 0, tzinfo=UTC))
NOT_YET = "Les inscriptions ouvrent le vendredi 1 mars 2030, 10:00 (heure de Paris)."
CLOSED = "Les inscriptions ont fermé le lundi 11 mars 2030, 19:00 (heure de Paris)."


@pytest.fixture
def windowed(world, session):
    from fair.fairs.models import Edition

    edition = session.get(Edition, world.edition.id)
    edition.registration_opens_at, edition.registration_closes_at = OPENS, CLOSES
    session.commit()
    return world


def test_registration_state_says_not_yet_open_closed(windowed, session):
    from fair.fairs.models import Edition
    from fair.fairs.rules import RegistrationState, registration_state

    edition = session.get(Edition, windowed.edition.id)
    assert [registration_state(edition, moment) for moment in (BEFORE, OPENS, DURING, CLOSES, AFTER)] == [
        RegistrationState.not_yet, RegistrationState.open, RegistrationState.open, RegistrationState.closed,
        RegistrationState.closed]


@pytest.mark.parametrize("moment, message", [(BEFORE, NOT_YET), (AFTER, CLOSED)])
def test_booking_outside_the_window_is_refused_with_the_date(app, client, windowed, session, moment, message):
    slot_id = windowed.slots[0].id
    with clock.frozen_at(moment):  # signed in then: a session lives on the clock the rules read
        login(client, "candidate@example.org")
        response = post_form(client, f"/interviews/slots/{slot_id}/book", {},
                             form_page=f"/fairs/job-dating/booths/{windowed.booth_a.id}/interviews")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert active_bookings(session) == []
    with clock.frozen_at(DURING):
        client = app.test_client()  # the same person, signed in anew at this moment
        login(client, "candidate@example.org")
        response = post_form(client, f"/interviews/slots/{slot_id}/book", {},
                             form_page=f"/fairs/job-dating/booths/{windowed.booth_a.id}/interviews")
    assert response.status_code == 302
    assert len(active_bookings(session)) == 1


def test_an_adviser_booking_for_a_candidate_follows_the_same_window(windowed, session, factory):
    from fair.jobdating.services import BookingError, book

    adviser = factory.member(factory.organisation("partner", name="Mission locale"), email="adviser@example.org")
    with clock.frozen_at(BEFORE), pytest.raises(BookingError) as refused:
        book(session, slot_id=windowed.slots[0].id, candidate_id=windowed.candidate.id, booked_by_id=adviser.id)
    session.rollback()
    assert str(refused.value) == NOT_YET


def test_joining_a_waitlist_outside_the_window_is_refused(windowed, session):
    from fair.companies.models import Booth
    from fair.jobdating.services import BookingError, join_waitlist

    booth = session.get(Booth, windowed.booth_a.id)
    with clock.frozen_at(AFTER), pytest.raises(BookingError) as refused:
        join_waitlist(session, booth, windowed.candidate.id)
    session.rollback()
    assert str(refused.value) == CLOSED


def test_applying_outside_the_window_is_refused_and_creates_nothing(client, windowed, session):
    from fair.candidates.models import Application

    path = f"/candidate/offers/{windowed.offer_a.id}/apply"
    with clock.frozen_at(BEFORE):  # signed in then: a session lives on the clock the rules read
        login(client, "candidate@example.org")
        assert NOT_YET in client.get(path).get_data(as_text=True)
        response = post_form(client, path, {"message": "Bonjour", "cv_id": ""})
    assert response.status_code == 422
    assert NOT_YET in response.get_data(as_text=True)
    assert session.execute(select(Application)).scalars().all() == []
    with clock.frozen_at(DURING):
        login(client, "candidate@example.org")
        assert post_form(client, path, {"message": "Bonjour", "cv_id": ""}).status_code == 302


def test_the_public_page_says_when_registration_opens_or_that_it_closed(client, windowed):
    with clock.frozen_at(BEFORE):
        assert NOT_YET in client.get("/fairs/job-dating").get_data(as_text=True)
    with clock.frozen_at(AFTER):
        assert CLOSED in client.get("/fairs/job-dating").get_data(as_text=True)


@pytest.mark.parametrize("start, end", [("01:50", "02:30"), ("21:55", "22:35"), ("17:40", "18:20"),
                                        ("07:30", "08:30")])
def test_slots_outside_the_opening_hours_are_refused_naming_them(world, session, start, end):
    from fair.jobdating.services import AvailabilityError

    with pytest.raises(AvailabilityError) as refused:
        open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, start, end)
    session.rollback()
    assert refused.value.message == (
        "Choisissez des horaires dans les heures d’ouverture du salon, de 08:00 à 18:00 chaque jour.")


def test_slots_inside_the_opening_hours_are_accepted(world, session):
    availability = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "16:00", "18:00")
    session.commit()
    assert len(availability.slots) == 6


def test_a_recruiter_is_told_the_hours_on_the_availability_page(client, world):
    page = f"/recruiter/booths/{world.booth_b.id}/availability"
    login(client, "recruiter.b@example.org")
    response = post_form(client, page, {"day": "2030-03-12", "start": "21:55", "end": "22:35", "mode": "video",
                                        "slot_minutes": "20", "buffer_minutes": "0",
                                        "location": "https://visio.example.org/b"})
    assert response.status_code == 422
    assert "de 08:00 à 18:00 chaque jour" in response.get_data(as_text=True)
