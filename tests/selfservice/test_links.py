"""Self-service links (`/r/<token>`), used as a person would from an SMS or a letter, signed in as
nobody: the page shows the interview; confirming is seen by the recruiter and the adviser; cancelling
sends the usual cancellation mail and kills the link; moving keeps the link on the moved booking;
a held waitlist place is taken and leads to the new booking's page. Every refusal (used up, expired,
revoked, wrong purpose, another person's object, an object that changed) shows a translated page and
changes nothing, and refused links from one address end in 429 while another address goes on."""
from __future__ import annotations

import datetime as dt

from tests.conftest import login, page_text, post_form, run_jobs
from tests.selfservice.helpers import EARLY, book, link_of


def _booking(session, booking_id):
    from fair.jobdating.models import Booking

    session.expire_all()
    return session.get(Booking, booking_id)


def test_the_page_shows_the_interview_privately_and_confirming_reaches_the_recruiter_and_adviser(
        app, client, session, world):
    booking = book(session, world.slots[0], world.candidate)
    path = link_of(session, booking)

    page = client.get(path)
    assert page.status_code == 200
    text = page_text(page)
    assert "Alpha Logistique" in text and "Forum de l’emploi de Roubaix" in text.replace("'", "’")
    assert "mardi 12 mars 2030, 09:00 – 09:20" in text
    assert "Entretien sur place." in text and "Salle 3" in text
    assert page.headers["X-Robots-Tag"].startswith("noindex")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex' in page.get_data(as_text=True)
    assert "<script" not in page.get_data(as_text=True).split("</main>")[0].split("<main")[-1]

    done = post_form(client, path, {"action": "confirm"})
    assert done.status_code == 303
    assert _booking(session, booking.id).confirmed_at is not None
    assert "Vous avez confirmé votre présence." in page_text(client.get(path))

    recruiter = app.test_client()
    login(recruiter, world.recruiter.email)
    assert "Présence confirmée par la personne" in page_text(recruiter.get("/recruiter/interviews?day=2030-03-12"))
    adviser = app.test_client()
    login(adviser, world.adviser.email)
    assert "présence confirmée" in page_text(adviser.get("/adviser/interviews"))


def test_cancelling_sends_the_cancellation_and_the_link_dies_with_the_booking(app, client, session, world, smtp):
    from fair.jobdating.models import BookingStatus

    booking = book(session, world.slots[0], world.candidate)
    run_jobs(app)  # the invitations of both people
    path = link_of(session, booking)
    done = post_form(client, path, {"action": "cancel", "reason": "Pas de garde d’enfant ce jour-là"})
    assert done.status_code == 200
    assert "Votre entretien est annulé" in page_text(done)
    cancelled = _booking(session, booking.id)
    assert cancelled.status == BookingStatus.cancelled
    assert cancelled.cancelled_by_id == world.candidate.id
    assert cancelled.cancel_reason == "Pas de garde d’enfant ce jour-là"

    run_jobs(app)
    subjects = [m["Subject"] for m in smtp.wait_for(world.recruiter.email, count=2)]
    assert any(s.startswith("Annulé") for s in subjects), subjects
    assert any(m["Subject"].startswith("Annulé") for m in smtp.wait_for(world.candidate.email, count=2))

    again = client.get(path)
    assert again.status_code == 410
    assert "Ce lien a été retiré" in page_text(again)


def test_moving_keeps_the_same_link_on_the_moved_booking(client, session, world):
    booking = book(session, world.slots[0], world.candidate)
    path = link_of(session, booking)
    post_form(client, path, {"action": "confirm"})
    new_slot = world.slots[2]  # 09:40
    done = post_form(client, path, {"action": "move", "slot_id": str(new_slot.id)})
    assert done.status_code == 303
    moved = _booking(session, booking.id)
    assert moved.slot_id == new_slot.id
    assert moved.confirmed_at is None  # confirmed for the old time: asked again
    text = page_text(client.get(path))
    assert "09:40 – 10:00" in text and "Confirmer : je serai là" in text

    english = link_of(session, book(session, world.slots[4], world.english))
    assert "My interview" in page_text(client.get(english))  # in the language of the person it is for

    refused = post_form(client, path, {"action": "move", "slot_id": "abc"})
    assert refused.status_code == 422 and "Choisissez un créneau dans la liste." in page_text(refused)
    assert _booking(session, booking.id).slot_id == new_slot.id


def test_a_held_waitlist_place_is_taken_from_its_link(client, session, world):
    from fair import clock
    from fair.jobdating.models import WaitlistEntry, WaitlistStatus
    from fair.jobdating.services import cancel_booking, join_waitlist
    from fair.selfservice.links import waitlist_link
    from tests.jobdating.helpers import active_bookings

    freed = world.slots[0]
    other_booking = book(session, freed, world.other)
    with clock.frozen_at(EARLY):
        entry = join_waitlist(session, world.booth, world.candidate.id)
        session.commit()
        entry_id = entry.id
        cancel_booking(session, _booking(session, other_booking.id), by_user_id=world.other.id)
        session.commit()
        path = waitlist_link(session, session.get(WaitlistEntry, entry_id)).removeprefix("http://fair.test")
        session.commit()

        page = client.get(path)
        assert page.status_code == 200
        assert "Une place vous est réservée" in page_text(page)
        taken = post_form(client, path, {"action": "take"})
        assert taken.status_code == 303
        assert taken.headers["Location"].startswith("http://fair.test/r/")
        [booking] = active_bookings(session, candidate_id=world.candidate.id)
        assert booking.slot_id == freed.id
        assert session.get(WaitlistEntry, entry_id).status == WaitlistStatus.booked
        follow = client.get(taken.headers["Location"].removeprefix("http://fair.test"))
        assert follow.status_code == 200 and "Mon entretien" in page_text(follow)
        assert client.get(path).status_code == 410  # the offer's link is spent with the offer


def test_every_refused_link_says_why_and_changes_nothing(client, session, world):
    from fair import clock, links
    from fair.jobdating.models import BookingStatus
    from fair.jobdating.services import cancel_booking

    booking = book(session, world.slots[0], world.candidate)
    once = links.issue(session, "appointment", user_id=world.candidate.id, ttl=dt.timedelta(days=30),
                       subject_type="booking", subject_id=booking.id, max_uses=1)
    not_theirs = links.issue(session, "appointment", user_id=world.other.id, ttl=dt.timedelta(days=30),
                             subject_type="booking", subject_id=booking.id, max_uses=5)
    other_purpose = links.issue(session, "unsubscribe", user_id=world.candidate.id, ttl=dt.timedelta(days=30))
    session.commit()
    path = link_of(session, booking)

    assert post_form(client, f"/r/{once}", {"action": "confirm"}).status_code == 303
    used = post_form(client, f"/r/{once}", {"action": "confirm"}, form_page=path)
    assert used.status_code == 410 and "Ce lien a servi trop de fois." in page_text(used)

    theirs = client.get(f"/r/{not_theirs}")
    assert theirs.status_code == 404 and "Ce lien est inconnu" in page_text(theirs)
    assert post_form(client, f"/r/{not_theirs}", {"action": "cancel"}, form_page=path).status_code == 404
    assert client.get(f"/r/{other_purpose}").status_code == 404
    # An appointment link asked to take a waitlist place: the wrong purpose.
    assert post_form(client, path, {"action": "take"}).status_code == 404

    with clock.frozen_at(dt.datetime(2030, 3, 12, 11, 0, tzinfo=dt.timezone.utc)):
        expired = client.get(path)
    assert expired.status_code == 410 and "Ce lien a expiré." in page_text(expired)

    cancel_booking(session, _booking(session, booking.id), by_user_id=world.candidate.id, now=EARLY)
    session.commit()
    changed = client.get(path)
    assert changed.status_code == 409 and "Cet entretien a été annulé" in page_text(changed)

    fresh = book(session, world.slots[1], world.candidate)
    fresh_path = link_of(session, fresh)
    form_page = client.get(fresh_path)
    assert form_page.status_code == 200
    links.revoke(session, purpose="appointment", subject_type="booking", subject_id=fresh.id)
    session.commit()
    # The page was open before the link was withdrawn: its button no longer acts.
    revoked = client.post(fresh_path, data={"action": "cancel", "csrf_token": _token(form_page)})
    assert revoked.status_code == 410 and "Ce lien a été retiré" in page_text(revoked)
    assert _booking(session, fresh.id).status == BookingStatus.active


def _token(page) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_guessing_links_is_throttled_per_address(app, client, session, world):
    booking = book(session, world.slots[0], world.candidate)
    path = link_of(session, booking)
    for n in range(10):
        assert client.get(f"/r/guess{n:040d}").status_code == 404
    blocked = client.get("/r/guess-eleven")
    assert blocked.status_code == 429
    assert "Trop de tentatives depuis votre connexion" in page_text(blocked)
    assert blocked.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(path).status_code == 429  # the guessing address gets nothing more, good links included
    elsewhere = app.test_client()
    assert elsewhere.get(path, environ_base={"REMOTE_ADDR": "127.0.0.2"}).status_code == 200


def test_survey_and_follow_up_links_go_on_to_their_own_pages(client, session, world):
    from fair import links

    survey = links.issue(session, "survey", user_id=world.candidate.id, ttl=dt.timedelta(days=30),
                         subject_type="edition", subject_id=world.edition.id, max_uses=50)
    follow_up = links.issue(session, "follow_up", user_id=world.candidate.id, ttl=dt.timedelta(days=30))
    session.commit()
    to_survey = client.get(f"/r/{survey}")
    assert to_survey.status_code == 303 and to_survey.headers["Location"].endswith(f"/surveys/{survey}")
    assert to_survey.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(to_survey.headers["Location"]).status_code == 200
    assert client.get(f"/r/{follow_up}").headers["Location"].endswith(f"/follow-up/{follow_up}")
