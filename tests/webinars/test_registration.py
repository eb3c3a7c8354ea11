"""Registration through the routes: a seat while one remains, then the waitlist with a position;
a cancellation promotes the first waiting person, who is invited by mail with an .ics; capacity
holds under 50 parallel registrations on SQLite and PostgreSQL."""
from __future__ import annotations

import threading

from sqlalchemy import select

from tests.conftest import count, page_text, run_jobs
from tests.jobdating.helpers import candidates
from tests.webinars.conftest import make_webinar, person
from tests.webinars.helpers import form_token, page_path, signed_in_client, statuses


def _register(client, webinar):
    token = form_token(client, page_path(webinar))
    return client.post(f"/webinars/{webinar.id}/register", data={"csrf_token": token})


def _cancel(client, webinar):
    token = form_token(client, page_path(webinar))
    return client.post(f"/webinars/{webinar.id}/cancel-registration", data={"csrf_token": token})


def test_seats_then_waitlist_with_positions(app, session, world):
    clients = {u.id: signed_in_client(app, u) for u in (world.candidate, world.other, world.third)}
    for user in (world.candidate, world.other, world.third):
        assert _register(clients[user.id], world.webinar).status_code == 302
    assert statuses(session, world.webinar.id) == {world.candidate.id: "confirmed", world.other.id: "confirmed",
                                                   world.third.id: "waitlisted"}
    page = page_text(clients[world.third.id].get(page_path(world.webinar)))
    assert "The webinar is full: you are number 1 on the waiting list." in page  # English reader
    assert "Votre place est confirmée." in page_text(clients[world.candidate.id].get(page_path(world.webinar)))
    # Registering again changes nothing.
    assert _register(clients[world.candidate.id], world.webinar).status_code == 302
    from fair.calendar.models import CalendarEntry

    assert count(session, CalendarEntry, CalendarEntry.kind == "webinar") == 2


def test_a_cancelled_seat_goes_to_the_first_waiting_person_who_gets_the_invitation(app, session, world, smtp):
    from fair.calendar.models import CalendarEntry, EntryStatus

    fourth = person(session, "fourth@example.org", "Candidate Four")
    users = (world.candidate, world.other, world.third, fourth)
    clients = {u.id: signed_in_client(app, u) for u in users}
    for user in users:
        _register(clients[user.id], world.webinar)
    run_jobs(app)
    smtp.clear()
    assert _cancel(clients[world.candidate.id], world.webinar).status_code == 302
    assert statuses(session, world.webinar.id) == {world.candidate.id: "cancelled", world.other.id: "confirmed",
                                                   world.third.id: "confirmed", fourth.id: "waitlisted"}
    assert "Vous êtes numéro 1 sur la liste d’attente." in page_text(clients[fourth.id].get(page_path(world.webinar)))
    run_jobs(app)
    [invitation] = smtp.wait_for(world.third.email)
    assert invitation["Subject"] == "In your calendar: Webinar: Découvrir la logistique"
    body = invitation.get_body(("plain",)).get_content()
    assert "A seat has freed up: your place is confirmed." in body
    assert f"http://fair.test/webinars/{world.webinar.id}/join" in body
    ics = [part for part in invitation.walk() if part.get_content_type() == "text/calendar"]
    assert ics, "the invitation carries the calendar file"
    text = ics[0].get_content() if isinstance(ics[0].get_content(), str) else ics[0].get_content().decode()
    assert "METHOD:REQUEST" in text and "DTSTART:20300312T090000Z" in text
    [cancellation] = smtp.wait_for(world.candidate.email)
    assert "METHOD:CANCEL" in "".join(p.get_content() if isinstance(p.get_content(), str) else p.get_content().decode()
                                      for p in cancellation.walk() if p.get_content_type() == "text/calendar")
    session.expire_all()
    entry = session.execute(select(CalendarEntry).where(CalendarEntry.user_id == world.candidate.id)).scalar_one()
    assert entry.status == EntryStatus.cancelled


def test_leaving_the_waitlist_promotes_nobody_and_keeps_the_order(app, session, world):
    fourth = person(session, "fourth@example.org", "Candidate Four")
    users = (world.candidate, world.other, world.third, fourth)
    clients = {u.id: signed_in_client(app, u) for u in users}
    for user in users:
        _register(clients[user.id], world.webinar)
    _cancel(clients[world.third.id], world.webinar)
    assert statuses(session, world.webinar.id)[fourth.id] == "waitlisted"
    assert "Vous êtes numéro 1 sur la liste d’attente." in page_text(clients[fourth.id].get(page_path(world.webinar)))
    # Cancelling what is already cancelled: 404, nothing changes.
    assert _cancel(clients[world.third.id], world.webinar).status_code == 404


def test_registration_is_refused_with_a_reason_when_the_webinar_is_cancelled(app, session, world):
    from fair.webinars.models import WebinarRegistration
    from fair.webinars.services import cancel_webinar

    client = signed_in_client(app, world.candidate)
    token = form_token(client, page_path(world.webinar))
    cancel_webinar(session, world.webinar)
    session.commit()
    response = client.post(f"/webinars/{world.webinar.id}/register", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Ce webinaire a été annulé." in page_text(response)
    assert count(session, WebinarRegistration) == 0


def test_fifty_parallel_registrations_never_exceed_the_capacity(app, session, world):
    from fair.calendar.models import CalendarEntry
    from fair.webinars.models import WebinarRegistration
    from fair.webinars.services import waitlist_position

    webinar = make_webinar(session, world.edition, capacity=10, title="Webinaire très demandé")
    people = candidates(session, 50)
    clients = [signed_in_client(app, person) for person in people]
    tokens = [form_token(c, page_path(webinar)) for c in clients]
    barrier = threading.Barrier(50)
    codes: list[int | None] = [None] * 50
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            codes[i] = clients[i].post(f"/webinars/{webinar.id}/register", data={"csrf_token": tokens[i]}).status_code
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert codes == [302] * 50
    found = statuses(session, webinar.id)
    assert len(found) == 50 and set(found) == {p.id for p in people}  # one row each, nobody twice
    assert sorted(found.values()).count("confirmed") == 10
    assert sorted(found.values()).count("waitlisted") == 40
    waiting = session.execute(select(WebinarRegistration).where(
        WebinarRegistration.webinar_id == webinar.id, WebinarRegistration.status == "waitlisted")).scalars().all()
    assert sorted(waitlist_position(session, r) for r in waiting) == list(range(1, 41))
    assert count(session, CalendarEntry, CalendarEntry.ref_id == webinar.id, CalendarEntry.kind == "webinar") == 10
