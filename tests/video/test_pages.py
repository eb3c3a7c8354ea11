"""The call pages over HTTP: a booking's room, who may see it, when, and the switch to phone."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.conftest import login, page_text, post_form


def _room_path(client, booking_id: int) -> str:
    response = client.get(f"/call/booking/{booking_id}")
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def _room(session, booking_id: int):
    from fair.video.models import CallRoom

    session.expire_all()
    return session.execute(select(CallRoom).where(CallRoom.booking_id == booking_id)).scalar_one()


def test_a_video_booking_has_one_room_that_only_its_recruiter_and_candidate_enter(app, session, world):
    from fair.video.models import CallSource

    candidate, recruiter = app.test_client(), app.test_client()
    login(candidate, "candidate@example.org")
    login(recruiter, "recruiter.a@example.org")
    path = _room_path(candidate, world.current.id)
    assert _room_path(recruiter, world.current.id) == path  # the same room for both
    room = _room(session, world.current.id)
    assert path == f"/call/{room.token}"
    assert room.source == CallSource.slot and room.recruiter_id == world.recruiter_a.id
    assert room.opens_at == world.current.starts_at - dt.timedelta(minutes=10)
    assert room.closes_at == world.current.ends_at + dt.timedelta(minutes=15)

    text = page_text(candidate.get(path))
    assert "Entretien avec Transports Rapides" in text and "Le recruteur va vous rejoindre." in text
    text = page_text(recruiter.get(path))
    assert "Entretien avec Samira Candidate" in text and "Le candidat n'est pas encore arrivé." in text
    assert "06 12 34 56 78" not in text  # the number only once the call goes to phone
    assert candidate.get(f"{path}/check").status_code == 200

    for email in ("recruiter.a2@example.org", "recruiter.b@example.org", "other@example.org"):
        third = app.test_client()
        login(third, email)
        assert third.get(f"/call/booking/{world.current.id}").status_code == 404, email
        assert third.get(path).status_code == 404, email
        assert third.get(f"{path}/check").status_code == 404, email
        assert third.post(f"{path}/phone", data={"csrf_token": "x"}).status_code in (400, 404)
    assert app.test_client().get(path).status_code == 302  # anonymous: to the login page


def test_outside_its_window_the_room_says_when_it_opens_or_that_it_has_closed(app, session, world):
    candidate = app.test_client()
    login(candidate, "candidate@example.org")
    later = page_text(candidate.get(_room_path(candidate, world.later.id)))
    assert "La salle ouvre à" in later and "Tester ma caméra et mon micro" in later
    assert "Raccrocher" not in later
    past = page_text(candidate.get(_room_path(candidate, world.past.id)))
    assert "Cette salle d'entretien est fermée." in past and "Raccrocher" not in past
    now = page_text(candidate.get(_room_path(candidate, world.current.id)))
    assert "Raccrocher" in now


def test_a_cancelled_booking_has_no_room(app, session, world):
    from fair.jobdating.models import Booking, BookingStatus

    candidate = app.test_client()
    login(candidate, "candidate@example.org")
    path = _room_path(candidate, world.later.id)
    session.get(Booking, world.later.id).status = BookingStatus.cancelled
    session.commit()
    assert candidate.get(f"/call/booking/{world.later.id}").status_code == 404
    assert "Cette salle d'entretien est fermée." in page_text(candidate.get(path))


def test_my_day_and_the_recruiters_day_link_to_the_room_and_the_calendar_entry_carries_it(app, session, world):
    from fair.calendar.models import CalendarEntry
    from fair.jobdating.services import sync_calendar

    candidate, recruiter = app.test_client(), app.test_client()
    login(candidate, "candidate@example.org")
    login(recruiter, "recruiter.a@example.org")
    day = candidate.get("/interviews/my-day").get_data(as_text=True)
    assert f'href="/call/booking/{world.current.id}"' in day
    assert f'href="/call/booking/{world.current.id}?step=check"' in day
    # The recruiter's day of that interview (near local midnight "today" may be the day after its start).
    from zoneinfo import ZoneInfo

    from fair.jobdating.models import Booking

    booking = session.get(Booking, world.current.id)
    local_day = booking.slot.starts_at.astimezone(ZoneInfo(booking.slot.booth.edition.timezone)).date()
    assert f'href="/call/booking/{world.current.id}"' in recruiter.get(
        f"/recruiter/interviews?day={local_day.isoformat()}").get_data(as_text=True)
    check = candidate.get(f"/call/booking/{world.current.id}?step=check")
    assert check.status_code == 302 and check.headers["Location"].endswith("/check")

    sync_calendar(session, world.current.id)
    session.commit()
    entries = session.execute(select(CalendarEntry).where(CalendarEntry.ref_id == world.current.id)).scalars().all()
    assert {e.user_id for e in entries} == {world.candidate.id, world.recruiter_a.id}
    assert {e.join_url for e in entries} == {f"http://fair.test/call/booking/{world.current.id}"}


def test_the_candidate_asks_for_the_phone_and_the_recruiter_switches(app, session, world):
    from fair.jobdating.models import Slot, SlotMode
    from fair.video.models import CallMode

    candidate, recruiter = app.test_client(), app.test_client()
    login(candidate, "candidate@example.org")
    login(recruiter, "recruiter.a@example.org")
    path = _room_path(candidate, world.current.id)

    asked = post_form(candidate, f"{path}/phone", {}, form_page=path)
    assert asked.status_code == 302
    room = _room(session, world.current.id)
    assert room.mode == CallMode.video and room.phone_requested_by_id == world.candidate.id
    assert "Le recruteur a reçu votre demande de poursuivre par téléphone." in page_text(candidate.get(path))
    recruiter_page = page_text(recruiter.get(path))
    assert "Le candidat demande à poursuivre par téléphone." in recruiter_page
    assert "06 12 34 56 78" not in recruiter_page

    switched = post_form(recruiter, f"{path}/phone", {}, form_page=path, headers={"Accept": "application/json"})
    assert switched.get_json() == {"ok": True, "mode": "phone", "result": "phone"}
    room = _room(session, world.current.id)
    assert room.mode == CallMode.phone and room.phone_since is not None
    assert session.get(Slot, world.current.slot_id).mode == SlotMode.phone  # recorded as a phone interview

    recruiter_page = page_text(recruiter.get(path))
    assert "Entretien par téléphone" in recruiter_page
    assert "Appelez le candidat maintenant : 06 12 34 56 78" in recruiter_page
    assert "Après l'entretien" in recruiter_page  # the outcome form of the booking
    assert f'action="/recruiter/interviews/{world.current.id}/outcome"' in recruiter.get(path).get_data(as_text=True)
    candidate_page = page_text(candidate.get(path))
    assert "Entretien par téléphone" in candidate_page
    assert "Le recruteur va vous appeler au 06 12 34 56 78." in candidate_page
    assert "Après l'entretien" not in candidate_page
    # The candidate's day says it too.
    assert "Le recruteur vous appellera à" in page_text(candidate.get("/interviews/my-day"))


def test_the_recruiter_switches_at_once_and_nothing_changes_outside_the_window(app, session, world):
    from fair.video.models import CallMode

    recruiter = app.test_client()
    login(recruiter, "recruiter.a@example.org")
    later = _room_path(recruiter, world.later.id)
    refused = post_form(recruiter, f"{later}/phone", {}, form_page=f"{later}/check")
    assert refused.status_code == 302
    assert _room(session, world.later.id).mode == CallMode.video
    assert "Cette salle d'entretien n'est pas encore ouverte." in page_text(recruiter.get(later))

    path = _room_path(recruiter, world.current.id)
    post_form(recruiter, f"{path}/phone", {}, form_page=path)
    assert _room(session, world.current.id).mode == CallMode.phone


def test_in_an_anonymised_fair_a_queue_call_shows_a_number_until_the_phone(app, factory, session):
    from fair.video.models import CallSource
    from fair.video.rooms import open_room, room_path
    from tests.video.conftest import build_world

    world = build_world(factory, session, anonymised=True)
    room = open_room(session, source=CallSource.queue, booth_id=world.booth_a.id, recruiter_id=world.recruiter_a.id,
                     candidate_id=world.candidate.id, opens_at=world.now - dt.timedelta(minutes=1),
                     closes_at=world.now + dt.timedelta(minutes=30))
    session.commit()
    recruiter = app.test_client()
    login(recruiter, "recruiter.a@example.org")
    text = page_text(recruiter.get(room_path(room)))
    assert f"Entretien avec Candidat n° {room.id:05d}" in text
    assert "Samira" not in text and "06 12 34 56 78" not in text
    # Issue 14, item 6: the recruiter's ask waits for the candidate's yes; no number meanwhile.
    asked = post_form(recruiter, f"{room_path(room)}/phone", {}, form_page=room_path(room),
                      headers={"Accept": "application/json"})
    assert asked.get_json() == {"ok": True, "mode": "video", "result": "requested"}
    text = page_text(recruiter.get(room_path(room)))
    assert "06 12 34 56 78" not in text and "Samira" not in text
    assert "Nous avons demandé au candidat s'il accepte de poursuivre par téléphone." in text
    again = post_form(recruiter, f"{room_path(room)}/phone", {}, form_page=room_path(room),
                      headers={"Accept": "application/json"})
    assert again.get_json()["mode"] == "video"  # asking twice is no yes
    assert "06 12 34 56 78" not in page_text(recruiter.get(room_path(room)))
    candidate = app.test_client()
    login(candidate, "candidate@example.org")
    offer = page_text(candidate.get(room_path(room)))
    assert "Le recruteur propose de poursuivre par téléphone" in offer and "Accepter de poursuivre" in offer
    agreed = post_form(candidate, f"{room_path(room)}/phone", {}, form_page=room_path(room),
                       headers={"Accept": "application/json"})
    assert agreed.get_json() == {"ok": True, "mode": "phone", "result": "phone"}
    text = page_text(recruiter.get(room_path(room)))
    assert "Appelez le candidat maintenant : 06 12 34 56 78" in text and "Samira" not in text
    assert "Retour au poste du salon en direct" in text  # a queue call's outcome is kept at the live desk


def test_in_an_anonymised_fair_the_candidates_own_ask_is_their_yes(app, factory, session):
    from fair.video.models import CallMode, CallSource
    from fair.video.rooms import open_room, room_path
    from tests.video.conftest import build_world

    world = build_world(factory, session, anonymised=True)
    room = open_room(session, source=CallSource.queue, booth_id=world.booth_a.id, recruiter_id=world.recruiter_a.id,
                     candidate_id=world.candidate.id, opens_at=world.now - dt.timedelta(minutes=1),
                     closes_at=world.now + dt.timedelta(minutes=30))
    session.commit()
    candidate, recruiter = app.test_client(), app.test_client()
    login(candidate, "candidate@example.org")
    login(recruiter, "recruiter.a@example.org")
    post_form(candidate, f"{room_path(room)}/phone", {}, form_page=room_path(room))
    assert "06 12 34 56 78" not in page_text(recruiter.get(room_path(room)))
    post_form(recruiter, f"{room_path(room)}/phone", {}, form_page=room_path(room))
    session.expire_all()
    assert session.get(type(room), room.id).mode == CallMode.phone
    assert "06 12 34 56 78" in page_text(recruiter.get(room_path(room)))


def test_the_adviser_of_the_candidate_sees_the_interview_became_a_phone_one(app, factory, session, world):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow

    partner = factory.organisation("partner", name="Mission locale", partner_type=PartnerType.mission_locale)
    adviser = factory.member(partner, email="adviser@example.org")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=world.candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    session.commit()
    follower, recruiter = app.test_client(), app.test_client()
    login(follower, "adviser@example.org")
    login(recruiter, "recruiter.a@example.org")
    assert page_text(follower.get("/adviser/interviews")).count("· Visio") == 3
    path = _room_path(recruiter, world.current.id)
    assert follower.get(path).status_code == 404  # the room is the recruiter's and the candidate's only
    post_form(recruiter, f"{path}/phone", {}, form_page=path)
    text = page_text(follower.get("/adviser/interviews"))
    assert text.count("· Visio") == 2 and text.count("· Téléphone") == 1


def test_a_booking_moved_to_an_on_site_slot_has_no_video_room(app, session, world):
    from fair.jobdating.models import Slot, SlotMode

    candidate = app.test_client()
    login(candidate, "candidate@example.org")
    path = _room_path(candidate, world.current.id)
    session.get(Slot, world.current.slot_id).mode = SlotMode.onsite
    session.commit()
    assert candidate.get(f"/call/booking/{world.current.id}").status_code == 404
    assert "Cette salle d'entretien est fermée." in page_text(candidate.get(path))


def test_the_room_speaks_english_to_those_who_chose_it(app, session, world):
    candidate = app.test_client()
    login(candidate, "candidate@example.org")
    candidate.get("/lang/en")
    path = _room_path(candidate, world.current.id)
    text = page_text(candidate.get(path))
    assert "Interview with Transports Rapides" in text and "The recruiter will join you." in text
    assert "Hang up" in text and "Ask for a phone interview" in text
    assert "Check my camera and microphone" in page_text(candidate.get(f"{path}/check"))
