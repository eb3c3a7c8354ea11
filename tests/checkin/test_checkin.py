"""Check-in at the door of a hybrid fair, through the pages and the scan endpoint (SQLite and PostgreSQL):
a ticket's code counts once however often it is scanned or sent, another edition's or a forged code is
refused and changes nothing, the typed search finds registered people only, and the report counts who came."""
from __future__ import annotations

import datetime as dt

import pytest

from fair.audit import AuditEntry
from fair.checkin import services
from fair.checkin.models import CheckIn
from fair.clock import frozen_at
from tests.checkin.helpers import build
from tests.conftest import count, csrf_token, login, page_text, post_form, run_jobs

DOOR = "/console/editions/{}/checkin"


@pytest.fixture
def world(factory, session):
    return build(factory, session)


def _code(app, edition, user) -> str:
    with app.app_context():
        return services.ticket_code(edition.id, user.id)


def _scan(client, edition, code: str, scanned_at: str | None = None):
    token = csrf_token(client, DOOR.format(edition.id))
    return client.post(f"{DOOR.format(edition.id)}/scans", json={"code": code, "scanned_at": scanned_at},
                       headers={"X-CSRFToken": token})


def test_the_same_ticket_scanned_twice_counts_once(app, client, session, world):
    code = _code(app, world.edition, world.applicant)
    with frozen_at(dt.datetime(2030, 3, 12, 10, 0, tzinfo=dt.timezone.utc)):
        login(client, world.organiser.email)
        first = _scan(client, world.edition, code, "2030-03-12T09:42:10.123Z")
        again = _scan(client, world.edition, code, "2030-03-12T09:55:00.000Z")
    assert first.status_code == 200
    assert first.get_json()["status"] == "checked_in"
    assert first.get_json()["name"] == "Samira Benali"
    # What the door needs to know about the person, from the profile they filled in.
    assert first.get_json()["needs"] == ["A besoin d'un interprète", "Accès sans marche"]
    assert first.get_json()["registered"] is True

    assert again.status_code == 200
    assert again.get_json()["status"] == "already"
    assert again.get_json()["time"] == "10:42"  # the first scan, in the fair's time (Paris, UTC+1)
    assert again.get_json()["present"] == 1
    assert count(session, CheckIn) == 1
    [row] = session.query(CheckIn).all()
    assert row.method == "scan" and row.checked_in_by_id == world.organiser.id


def test_a_scan_sent_again_after_a_lost_answer_is_the_same_scan(app, client, session, world):
    """The page sends a waiting scan again when it never got the answer: the server answers as the
    first time (not "already"), keeps the phone's time of the scan, and holds one row."""
    code = _code(app, world.edition, world.applicant)
    with frozen_at(dt.datetime(2030, 3, 12, 9, 50, tzinfo=dt.timezone.utc)):
        login(client, world.organiser.email)
        answers = [_scan(client, world.edition, code, "2030-03-12T09:41:07.250Z").get_json() for _ in range(2)]
    assert [a["status"] for a in answers] == ["checked_in", "checked_in"]
    assert count(session, CheckIn) == 1
    assert session.query(CheckIn).one().scanned_at == dt.datetime(2030, 3, 12, 9, 41, 7, 250000,
                                                                   tzinfo=dt.timezone.utc)


def test_a_scan_time_from_a_wrong_phone_clock_is_not_believed(app, client, session, world):
    moment = dt.datetime(2030, 3, 12, 9, 50, tzinfo=dt.timezone.utc)
    with frozen_at(moment):
        login(client, world.organiser.email)
        _scan(client, world.edition, _code(app, world.edition, world.applicant), "2031-01-01T00:00:00Z")
    assert session.query(CheckIn).one().scanned_at == moment


def test_a_code_of_another_edition_or_a_forged_one_is_refused(app, client, session, world):
    login(client, world.organiser.email)
    other = _scan(client, world.edition, _code(app, world.other, world.applicant))
    assert other.status_code == 422
    assert other.get_json() == {"ok": False, "code": "other_edition", "error": "Ce billet est pour un autre salon.",
                                "present": 0}

    genuine = _code(app, world.edition, world.applicant)
    forged = genuine.split(".")[0] + "." + "A" * len(genuine.split(".")[1])
    # The value names this edition and a person, but its signature is not the instance's.
    for code in (forged, _code(app, world.edition, world.webinar_guest).split(".")[0] + "." + genuine.split(".")[1],
                 "https://example.org/not-a-ticket"):
        refused = _scan(client, world.edition, code)
        assert refused.status_code == 422
        assert refused.get_json()["code"] == "forged"
        assert "n’est pas un billet" in refused.get_json()["error"]
    empty = _scan(client, world.edition, "  ")
    assert empty.status_code == 422 and empty.get_json()["error"] == "Aucun code n’a été lu."
    assert count(session, CheckIn) == 0


def test_a_walk_in_is_checked_in_and_counted_apart(app, client, session, world):
    """A candidate with nothing booked may open the ticket of a public hybrid fair and come: the door
    lets them in and the report counts them as a walk-in, not among the registered."""
    login(client, world.walk_in.email)
    page = client.get(f"/candidate/editions/{world.edition.id}/ticket")
    assert page.status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, world.organiser.email)
    answer = _scan(client, world.edition, _code(app, world.edition, world.walk_in)).get_json()
    assert answer["status"] == "checked_in" and answer["registered"] is False
    _scan(client, world.edition, _code(app, world.edition, world.applicant))
    text = page_text(client.get(f"/console/editions/{world.edition.id}/report"))
    assert "Présence sur place" in text
    assert "Inscrits venus / inscrits 1 / 2" in text
    assert "Venus sans inscription 1" in text
    assert "Personnes accueillies 2" in text


def test_the_typed_search_finds_registered_people_and_marks_them_present(app, client, session, world):
    login(client, world.organiser.email)
    door = DOOR.format(world.edition.id)
    found = page_text(client.get(door, query_string={"q": "martin"}))
    assert "Louis Martin" in found and "louis@example.org" in found
    # Somebody registered for nothing is no one the door may look up.
    assert "Aucune personne inscrite à ce salon ne correspond à « passant »." in \
        page_text(client.get(door, query_string={"q": "passant"}))
    assert "Tapez au moins 2 caractères." in page_text(client.get(door, query_string={"q": "m"}))

    marked = post_form(client, f"{door}/people/{world.webinar_guest.id}", {"q": "martin"},
                       form_page=f"{door}?q=martin", follow_redirects=True)
    assert "Louis Martin est enregistré·e à l’accueil." in page_text(marked)
    assert "Enregistré·e à" in page_text(marked)  # the result now says when, instead of the button
    again = post_form(client, f"{door}/people/{world.webinar_guest.id}", {}, form_page=door, follow_redirects=True)
    assert "Louis Martin était déjà enregistré·e à l’accueil à" in page_text(again)
    [row] = session.query(CheckIn).all()
    assert row.method == "search" and row.candidate_id == world.webinar_guest.id
    assert count(session, AuditEntry, AuditEntry.action == "checkin.manual") == 1
    # Only a registered candidate can be marked present from the search.
    assert post_form(client, f"{door}/people/{world.walk_in.id}", {}, form_page=door).status_code == 404


def test_another_organiser_and_an_online_edition_have_no_check_in(app, client, session, world):
    login(client, world.organiser.email)
    assert client.get(DOOR.format(world.other.id)).status_code == 404
    assert client.get(DOOR.format(world.online.id)).status_code == 404
    token = csrf_token(client, DOOR.format(world.edition.id))
    refused = client.post(f"{DOOR.format(world.other.id)}/scans",
                          json={"code": _code(app, world.other, world.applicant)}, headers={"X-CSRFToken": token})
    assert refused.status_code == 404
    assert count(session, CheckIn) == 0


def test_the_ticket_page_shows_the_code_the_name_and_the_venue(app, client, session, world):
    login(client, world.applicant.email)
    dashboard = client.get("/candidate/")
    assert "Mon billet pour Forum hybride" in page_text(dashboard)
    assert "Salon en ligne" not in page_text(dashboard)
    assert "Mon billet pour l’accueil sur place" in page_text(client.get("/fairs/forum-hybride"))
    assert "Mon billet pour l’accueil sur place" not in page_text(client.get("/fairs/salon-en-ligne"))
    page = client.get(f"/candidate/editions/{world.edition.id}/ticket")
    text = page_text(page)
    assert "Samira Benali" in text and "Grand Palais, Lille" in text and "Forum hybride" in text
    assert 'src="data:image/svg+xml' in page.get_data(as_text=True)
    assert client.get(f"/candidate/editions/{world.online.id}/ticket").status_code == 404

    organiser = app.test_client()
    login(organiser, world.organiser.email)
    _scan(organiser, world.edition, _code(app, world.edition, world.applicant), None)
    assert "Vous avez été accueilli·e à" in page_text(client.get(f"/candidate/editions/{world.edition.id}/ticket"))


def test_the_booking_mail_of_a_hybrid_fair_links_to_the_ticket(app, session, factory, smtp, world):
    from fair.jobdating import services as jobdating
    from tests.jobdating.helpers import open_range

    recruiter = factory.member(world.booth.company, email="recrutement@example.org")
    availability = open_range(session, world.booth, recruiter, dt.date(2030, 3, 12), "09:00", "09:40")
    session.commit()
    with app.test_request_context():
        jobdating.book(session, slot_id=availability.slots[0].id, candidate_id=world.walk_in.id,
                       booked_by_id=world.walk_in.id)
        session.commit()
    run_jobs(app)
    [mail] = smtp.wait_for("passant@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert f"/candidate/editions/{world.edition.id}/ticket" in text
    assert "Votre billet pour l’entrée" in text
    # The recruiter's copy of the same interview has no ticket.
    [recruiter_mail] = smtp.wait_for("recrutement@example.org")
    assert "/ticket" not in recruiter_mail.get_body(("plain",)).get_content()


def test_the_live_dashboard_shows_attendance(app, client, session, world):
    login(client, world.organiser.email)
    _scan(client, world.edition, _code(app, world.edition, world.webinar_guest))
    text = page_text(client.get(f"/console/editions/{world.edition.id}/live"))
    assert "Présence sur place" in text and "Inscrits venus / inscrits 1 / 2" in text
    assert "Présence sur place" not in page_text(client.get(f"/console/editions/{world.online.id}/live"))


def test_two_phones_scanning_one_person_at_once_make_one_check_in(app, session, world):
    """Two organisers at two doors scan the same ticket at the same moment, each thread with its own
    connection (a barrier releases them together): the database keeps one row, one phone hears
    "checked in" and the other "already", and neither gets an error."""
    import threading

    from fair.extensions import db
    from fair.fairs.models import Edition

    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def scan(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                edition = db.session.get(Edition, world.edition.id)
                arrival = services.check_in(db.session, edition, world.applicant.id, by_id=world.organiser.id,
                                            method="scan")
                db.session.commit()
                results[index] = arrival.created
            except Exception as error:  # the test shows what each thread got
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results, key=str) == [False, True]
    assert count(session, CheckIn) == 1
