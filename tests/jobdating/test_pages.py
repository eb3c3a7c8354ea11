"""The pages and the JSON API as people use them: booking, the 409 with the nearest free slots in
JSON and in words, availability forms, "my day", the recruiter's day, the phone number window."""
from __future__ import annotations

import datetime as dt

from tests.conftest import login, page_text, post_form, run_jobs
from tests.jobdating.conftest import FAIR_DAY
from tests.jobdating.helpers import active_bookings, open_range


def _api_book(client, slot_id: int, page: str = "/interviews/my-day", **payload):
    from tests.conftest import csrf_token

    token = csrf_token(client, page)
    return client.post(f"/api/jobdating/slots/{slot_id}/bookings", json=payload, headers={"X-CSRFToken": token})


def test_the_api_books_and_answers_409_with_the_nearest_free_slots(app, session, world):
    first, second = app.test_client(), app.test_client()
    login(first, world.candidate.email)
    login(second, world.other.email)
    slot = world.slots[4]  # 10:20
    response = _api_book(first, slot.id)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["slot"]["local_time"] == "10:20"
    response = _api_book(second, slot.id)
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "slot_taken"
    assert body["error"] == "Ce créneau vient d’être réservé par quelqu’un d’autre."
    # 20 minutes away on each side, then the earlier of the two 40 minutes away.
    assert [s["local_time"] for s in body["nearest"]] == ["09:40", "10:00", "10:40"]
    assert len(active_bookings(session, slot_id=slot.id)) == 1


def test_the_api_refuses_overlap_with_409_and_rules_with_422(app, session, world):
    other = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "09:10", "10:10")
    session.commit()
    other_slot = other.slots[0].id
    client = app.test_client()
    login(client, world.candidate.email)
    assert _api_book(client, world.slots[0].id).status_code == 201
    response = _api_book(client, other_slot)
    assert response.status_code == 409 and response.get_json()["code"] == "overlap"
    from fair.fairs.models import Edition

    session.get(Edition, world.edition.id).max_bookings_per_candidate = 1
    session.commit()
    response = _api_book(client, world.slots[5].id)
    assert response.status_code == 422
    assert response.get_json()["error"] == "Vous avez atteint le maximum de 1 entretiens pour ce salon."


def test_the_page_says_in_words_that_the_slot_was_taken_and_offers_the_nearest(app, session, world):
    first, second = app.test_client(), app.test_client()
    login(first, world.candidate.email)
    login(second, world.other.email)
    page = f"/fairs/{world.edition.slug}/booths/{world.booth_a.id}/interviews"
    slot = world.slots[0]
    booked = post_form(first, f"/interviews/slots/{slot.id}/book", {"slot_id": slot.id}, form_page=page)
    assert booked.status_code == 302
    response = post_form(second, f"/interviews/slots/{slot.id}/book", {"slot_id": slot.id}, form_page=page)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Ce créneau vient d’être réservé par quelqu’un d’autre." in text
    assert "Les créneaux libres les plus proches chez Transports Rapides sont à 09:20, 09:40, 10:00." in text


def test_the_candidate_sees_the_booking_in_my_day_and_the_recruiter_in_theirs(app, session, world):
    candidate, recruiter = app.test_client(), app.test_client()
    login(candidate, world.candidate.email)
    login(recruiter, world.recruiter_a.email)
    page = f"/fairs/{world.edition.slug}/booths/{world.booth_a.id}/interviews"
    assert "09:00" in candidate.get(page).get_data(as_text=True)
    response = post_form(candidate, f"/interviews/slots/{world.slots[1].id}/book", {"slot_id": world.slots[1].id},
                         form_page=page)
    assert response.headers["Location"].endswith("/interviews/my-day")
    day = candidate.get("/interviews/my-day").get_data(as_text=True)
    assert "09:20 – 09:40" in day and "Transports Rapides" in day
    assert 'href="https://visio.example.org/a"' in day
    # The booked slot is no longer offered to others.
    assert f'value="{world.slots[1].id}"' not in candidate.get(page).get_data(as_text=True)
    agenda = recruiter.get(f"/recruiter/interviews?day={FAIR_DAY.isoformat()}").get_data(as_text=True)
    assert "Candidate One" in agenda and "09:20 – 09:40" in agenda


def test_availability_form_errors_are_in_french_and_change_nothing(app, session, world):
    from fair.jobdating.models import Slot

    client = app.test_client()
    login(client, world.recruiter_a.email)
    path = f"/recruiter/booths/{world.booth_a.id}/availability"
    before = session.query(Slot).count()
    response = post_form(client, path, {"day": FAIR_DAY.isoformat(), "start": "14:00", "end": "13:00", "mode": "video"})
    assert response.status_code == 422
    assert "La fin doit venir après le début." in response.get_data(as_text=True)
    response = post_form(client, path, {"day": FAIR_DAY.isoformat(), "start": "14:00", "end": "15:00", "mode": "video",
                                        "location": "http://insecure.example.org"})
    assert "commençant par https://" in response.get_data(as_text=True)
    response = post_form(client, path, {"day": "2031-01-01", "start": "14:00", "end": "15:00", "mode": "fax"})
    assert response.get_data(as_text=True).count("Choisissez dans la liste.") == 2
    assert session.query(Slot).count() == before
    response = post_form(client, path, {"day": FAIR_DAY.isoformat(), "start": "14:00", "end": "15:00", "mode": "onsite",
                                        "slot_minutes": "30", "buffer_minutes": "0", "location": "Salle 2"})
    assert response.status_code == 302
    session.expire_all()
    assert session.query(Slot).count() == before + 2


def test_phone_interviews_tell_the_time_and_show_the_number_only_during_the_slot(app, session, world):
    from fair import clock
    from fair.jobdating.services import book

    phone = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "14:00", "15:00", mode="phone", location="")
    session.commit()
    book(session, slot_id=phone.slots[1].id, candidate_id=world.candidate.id)
    session.commit()
    phone_start = phone.slots[1].starts_at
    candidate, recruiter = app.test_client(), app.test_client()
    login(candidate, world.candidate.email)
    login(recruiter, world.recruiter_b.email)
    assert "Le recruteur vous appellera à 14:20 au 06 12 34 56 78." in \
        candidate.get("/interviews/my-day").get_data(as_text=True)
    path = f"/recruiter/interviews?day={FAIR_DAY.isoformat()}"
    with clock.frozen_at(phone_start - dt.timedelta(minutes=1)):
        login(recruiter, world.recruiter_b.email)  # a session lives on the clock the rules read
        page = recruiter.get(path).get_data(as_text=True)
    assert "06 12 34 56 78" not in page
    assert "n’est affiché que pendant le créneau" in page
    with clock.frozen_at(phone_start + dt.timedelta(minutes=3)):
        page = recruiter.get(path).get_data(as_text=True)
    assert "Appelez maintenant : 06 12 34 56 78" in page


def test_an_adviser_books_for_a_referred_candidate_only(app, session, factory, world):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow

    partner = factory.organisation("partner", name="Mission locale", partner_type=PartnerType.mission_locale)
    adviser = factory.member(partner, email="adviser@example.org")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=world.candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    session.commit()
    client = app.test_client()
    login(client, adviser.email)
    page = f"/fairs/{world.edition.slug}/booths/{world.booth_a.id}/interviews"
    assert "Candidate One" in client.get(page).get_data(as_text=True)
    slot = world.slots[2]
    refused = post_form(client, f"/interviews/slots/{slot.id}/book",
                        {"slot_id": slot.id, "candidate_id": world.other.id}, form_page=page)
    assert refused.status_code == 422
    assert "Choisissez le candidat pour qui vous réservez." in page_text(refused)
    assert active_bookings(session, slot_id=slot.id) == []
    post_form(client, f"/interviews/slots/{slot.id}/book", {"slot_id": slot.id, "candidate_id": world.candidate.id},
              form_page=page)
    [booking] = active_bookings(session, slot_id=slot.id)
    assert (booking.candidate_id, booking.booked_by_id) == (world.candidate.id, adviser.id)


def test_the_organiser_sees_fill_rates_and_repeated_no_shows(app, session, world):
    from fair.jobdating.models import Attendance
    from fair.jobdating.services import book

    for slot in world.slots[:2]:
        booking = book(session, slot_id=slot.id, candidate_id=world.candidate.id)
        booking.attendance = Attendance.no_show
    session.commit()
    client = app.test_client()
    login(client, world.organiser.email)
    page = client.get(f"/console/editions/{world.edition.id}/interviews").get_data(as_text=True)
    assert "2 créneaux réservés sur 9 (22 %)." in page
    assert "Candidate One" in page and "2 absences" in page


def test_a_recruiter_cancels_with_a_reason_and_the_candidate_is_offered_other_slots(app, session, smtp, world):
    from fair.jobdating.services import book

    booking = book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id)
    session.commit()
    booking_id = booking.id
    run_jobs(app)  # the invitations go out
    recruiter, candidate = app.test_client(), app.test_client()
    login(recruiter, world.recruiter_a.email)
    login(candidate, world.candidate.email)
    day = f"/recruiter/interviews?day={FAIR_DAY.isoformat()}"
    response = post_form(recruiter, f"/recruiter/interviews/{booking_id}/cancel", {"reason": ""}, form_page=day)
    assert response.status_code == 422
    assert "Donnez un motif au candidat." in response.get_data(as_text=True)
    assert len(active_bookings(session, candidate_id=world.candidate.id)) == 1
    post_form(recruiter, f"/recruiter/interviews/{booking_id}/cancel", {"reason": "Poste pourvu ce matin"},
              form_page=day)
    assert active_bookings(session, candidate_id=world.candidate.id) == []
    page = candidate.get("/interviews/my-day").get_data(as_text=True)
    assert "Transports Rapides a annulé votre entretien de 09:00." in page
    assert "Motif : Poste pourvu ce matin" in page and "Choisir un autre créneau" in page
    # The calendar job sends the invitation, then the cancellation that says why.
    run_jobs(app)
    run_jobs(app)
    subjects = [m["Subject"] for m in smtp.wait_for("candidate@example.org", 2)]
    assert "Annulé : Entretien — Transports Rapides — annulé par l’entreprise : Poste pourvu ce matin" in subjects


def test_the_referring_adviser_sees_no_shows_and_outcomes(app, session, factory, world):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow
    from fair.jobdating.models import Attendance, Outcome
    from fair.jobdating.services import book

    partner = factory.organisation("partner", name="Mission locale", partner_type=PartnerType.mission_locale)
    adviser = factory.member(partner, email="adviser@example.org")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=world.candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    first = book(session, slot_id=world.slots[0].id, candidate_id=world.candidate.id)
    second = book(session, slot_id=world.slots[1].id, candidate_id=world.candidate.id)
    third = book(session, slot_id=world.slots[2].id, candidate_id=world.other.id)  # not referred
    first.attendance = second.attendance = Attendance.no_show
    third.attendance, third.outcome = Attendance.attended, Outcome.hired
    session.commit()
    client = app.test_client()
    login(client, adviser.email)
    page = client.get("/adviser/interviews").get_data(as_text=True)
    assert page.count("Absent") == 2 and "(2 absences)" in page
    assert "Candidate Two" not in page


def test_when_the_checks_are_outrun_the_database_refusal_still_answers_409(app, session, world, monkeypatch):
    """The service checks first, but two requests can pass the checks together: the database's own
    refusal (unique index; exclusion constraint on PostgreSQL) must give the same worded 409."""
    from fair.extensions import db
    from fair.jobdating import services

    other = open_range(session, world.booth_b, world.recruiter_b, FAIR_DAY, "09:10", "10:10")
    session.commit()
    other_slot, taken = other.slots[0].id, world.slots[0].id
    first, second = app.test_client(), app.test_client()
    login(first, world.candidate.email)
    login(second, world.other.email)
    assert _api_book(first, taken).status_code == 201
    monkeypatch.setattr(services, "_check_free", lambda *a, **k: None)
    monkeypatch.setattr(services, "_check_overlap", lambda *a, **k: None)
    response = _api_book(second, taken)
    assert response.status_code == 409
    assert response.get_json()["error"] == "Ce créneau vient d’être réservé par quelqu’un d’autre."
    assert len(response.get_json()["nearest"]) == 3
    if db.engine.dialect.name == "postgresql":
        response = _api_book(first, other_slot)
        assert response.status_code == 409 and response.get_json()["code"] == "overlap"
        assert len(active_bookings(session, candidate_id=world.candidate.id)) == 1
