"""Ratings, next steps and notes through the pages, on SQLite and PostgreSQL: the three places a
recruiter meets a person record into one entry of the company; colleagues see it, nobody else does
(pages and CSV); anonymised fairs show labels; filters and the to-do list; bad input changes nothing."""
from __future__ import annotations

import csv
import io

from fair import clock
from fair.jobdating.models import Attendance, Booking, Outcome
from fair.pipeline.models import NextStep, PipelineEntry, PipelineNote
from tests.conftest import count, csrf_token, login, page_text, post_form
from tests.exports.helpers import fetch_export
from tests.pipeline.conftest import AFTER_SPRING_INTERVIEW

INBOX = "/recruiter/booths/{booth}/applications/{application}"


def _inbox(pw, application, booth=None):
    return INBOX.format(booth=(booth or pw.booth_a).id, application=application.id)


def _record_from_inbox(client, pw, application, booth=None, **data):
    page = _inbox(pw, application, booth)
    return post_form(client, page + "/pipeline", data, form_page=page)


def signed_in(app, user):
    """A client of its own signed in as `user` (a session row and its cookie: the login form's rate
    limit is for people, not for a test that signs in many)."""
    from tests.live.server import session_cookie

    name, value = session_cookie(app, user).split("=", 1)
    client = app.test_client()
    client.set_cookie(name, value)
    return client


def _logout(client) -> None:
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/account")}).status_code == 302


def _pipeline(pw, company=None, query=""):
    return f"/recruiter/companies/{(company or pw.company_a).id}/pipeline{query}"


def _csv(app, client, pw, company=None, query=""):
    """The pipeline's CSV as its button gives it: an export job, then the download."""
    return fetch_export(app, client, _pipeline(pw, company, ".csv" + query), _pipeline(pw, company))


def _csv_rows(response) -> list[list[str]]:
    return _csv_rows_of(response.get_data(as_text=True))


def _csv_rows_of(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _entry(session, pw, person):
    session.expire_all()
    return session.query(PipelineEntry).filter_by(company_id=pw.company_a.id, candidate_id=person.id).one_or_none()


def test_the_inbox_the_desk_and_the_interview_record_into_one_entry(client, session, pw):
    login(client, pw.ra.email)
    answer = _record_from_inbox(client, pw, pw.application_alice, rating="3", next_step="", note="Bon profil")
    assert answer.status_code == 302
    desk = f"/live/booths/{pw.booth_a.id}/desk"
    answer = post_form(client, f"/live/booths/{pw.booth_a.id}/met/{pw.call_alice.id}",
                       {"rating": "4", "next_step": "", "note": "Passée au stand"}, form_page=desk)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(desk + "#met-title")
    _logout(client)
    with clock.frozen_at(AFTER_SPRING_INTERVIEW):
        login(client, pw.ra.email)
        day = "/recruiter/interviews?day=2030-03-12"
        assert "Passée au stand" in page_text(client.get(day))  # the notes follow the person to the interview
        answer = post_form(client, f"/recruiter/interviews/{pw.booking.id}/outcome",
                           {"attendance": "attended", "outcome": "second_interview", "rating": "5",
                            "next_step": "second_interview", "note": "Très motivée"}, form_page=day)
        assert answer.status_code == 302
    entry = _entry(session, pw, pw.alice)
    assert (entry.rating, entry.next_step) == (5, NextStep.second_interview)
    notes = session.query(PipelineNote).filter_by(entry_id=entry.id).order_by(PipelineNote.id).all()
    assert [(n.source, n.body, n.author_id) for n in notes] == [
        ("inbox", "Bon profil", pw.ra.id), ("desk", "Passée au stand", pw.ra.id),
        ("interview", "Très motivée", pw.ra.id)]
    assert count(session, PipelineEntry) == 1
    booking = session.get(Booking, pw.booking.id)
    assert (booking.attendance, booking.outcome) == (Attendance.attended, Outcome.second_interview)


def test_a_colleague_sees_the_rating_and_notes_and_nobody_else_does(app, client, session, pw):
    login(client, pw.ra.email)
    _record_from_inbox(client, pw, pw.application_alice, rating="4", next_step="interview", note="Note secrète 7431")
    _logout(client)

    login(client, pw.colleague.email)
    for path in (_inbox(pw, pw.application_alice), _pipeline(pw), f"/live/booths/{pw.booth_a.id}/desk"):
        text = page_text(client.get(path))
        assert "Note secrète 7431" in text and "Recruiter A" in text and "4/5" in text, path
    rows = _csv_rows(_csv(app, client, pw))
    alice = next(row for row in rows if row[0] == "Alice Martin")
    assert alice[2] == "4" and "Note secrète 7431" in alice[7] and alice[3] == "Entretien"
    _logout(client)

    login(client, pw.rb.email)
    assert client.get(_pipeline(pw)).status_code == 404
    assert fetch_export(app, client, _pipeline(pw, query=".csv"), _pipeline(pw, pw.company_b)).status_code == 404
    own = client.get(_pipeline(pw, pw.company_b))
    assert own.status_code == 200 and "Emma Leroy" in page_text(own) and "Alice Martin" not in page_text(own)
    assert "Note secrète 7431" not in own.get_data(as_text=True)
    b_csv = _csv(app, client, pw, pw.company_b).get_data(as_text=True)
    assert "Note secrète" not in b_csv and "Alice" not in b_csv
    assert _record_from_inbox(client, pw, pw.application_alice).status_code == 404
    _logout(client)

    for who, pages in ((pw.alice, ["/candidate/", "/candidate/applications", "/calendar/"]),
                       (pw.organiser, ["/console/", f"/console/editions/{pw.spring.id}",
                                       f"/console/editions/{pw.spring.id}/report",
                                       f"/console/editions/{pw.spring.id}/live",
                                       f"/console/editions/{pw.spring.id}/interviews"]),
                       (pw.admin, [f"/admin/people/{pw.alice.id}", f"/admin/organisations/{pw.company_a.id}",
                                   "/admin/audit", "/admin/audit.csv"])):
        other = signed_in(app, who)
        for path in pages:
            response = fetch_export(app, other, path, "/admin/audit") if path.endswith(".csv") else other.get(path)
            body = response.get_data(as_text=True)
            assert response.status_code == 200, (who.email, path, response.status_code)
            assert "Note secrète 7431" not in body and "4/5" not in body, (who.email, path)
        assert other.get(_pipeline(pw)).status_code == 404


def test_anonymised_fairs_show_labels_in_the_pipeline_and_its_csv(app, client, session, pw):
    login(client, pw.ra.email)
    inbox_page = page_text(client.get(_inbox(pw, pw.application_bruno, pw.booth_a_autumn)))
    assert f"Candidat n° {pw.application_bruno.id:05d}" in inbox_page and "Bruno" not in inbox_page
    label_bruno = f"Candidat n° {pw.application_bruno.id:05d} (candidatures)"
    assert _record_from_inbox(client, pw, pw.application_bruno, pw.booth_a_autumn, rating="2",
                              note="Réservé au numéro").status_code == 302
    desk = f"/live/booths/{pw.booth_a_autumn.id}/desk"
    assert f"Candidat n° {pw.call_chloe.id:05d}" in page_text(client.get(desk))
    label_chloe = f"Candidat n° {pw.call_chloe.id:05d} (salon en direct)"
    post_form(client, f"/live/booths/{pw.booth_a_autumn.id}/met/{pw.call_chloe.id}",
              {"rating": "5", "note": "Très à l’aise"}, form_page=desk)

    page = client.get(_pipeline(pw))
    text = page_text(page)
    body = page.get_data(as_text=True)
    assert label_bruno in text and label_chloe in text and "Alice Martin" in text
    assert "Bruno" not in body and "Petit" not in body and "Chloé" not in body and "Durand" not in body
    assert "Réservé au numéro" in text and "Très à l’aise" in text
    # the note written at the desk is shown with the label in the inbox too (same person, same company)
    raw = _csv(app, client, pw).get_data(as_text=True)
    rows = _csv_rows_of(raw)
    names = {row[0] for row in rows[1:]}
    assert names == {"Alice Martin", label_bruno, label_chloe}
    assert "Bruno" not in raw and "Chloé" not in raw and "bruno@" not in raw


def test_filters_and_the_to_do_list_list_exactly_the_expected_people(app, client, session, pw):
    from fair.pipeline.services import record

    record(session, company_id=pw.company_a.id, candidate_id=pw.alice.id, author_id=pw.ra.id, source="inbox",
           rating=4, next_step="interview")
    record(session, company_id=pw.company_a.id, candidate_id=pw.chloe.id, author_id=pw.ra.id, source="desk",
           rating=2)
    session.commit()
    login(client, pw.ra.email)
    label_bruno = f"Candidat n° {pw.application_bruno.id:05d} (candidatures)"
    label_chloe = f"Candidat n° {pw.call_chloe.id:05d} (salon en direct)"

    def people(query: str) -> set[str]:
        rows = _csv_rows(_csv(app, client, pw, query=query))
        return {row[0] for row in rows[1:]}

    assert people("") == {"Alice Martin", label_bruno, label_chloe}
    assert people("?step=none") == {label_bruno, label_chloe}
    assert people("?step=interview") == {"Alice Martin"}
    assert people("?step=training") == set()
    assert people("?rating=3") == {"Alice Martin"}
    assert people("?rating=2") == {"Alice Martin", label_chloe}
    assert people(f"?edition={pw.autumn.id}") == {label_bruno, label_chloe}
    assert people(f"?edition={pw.spring.id}&step=none") == set()
    assert people(f"?edition={pw.autumn.id}&step=none&rating=2") == {label_chloe}
    todo = page_text(client.get(_pipeline(pw, query="?step=none")))
    assert "2 personnes" in todo and "À faire (2 sans prochaine étape)" in todo
    # the latest contact first: autumn's people before spring's
    everyone = page_text(client.get(_pipeline(pw)))
    assert everyone.index(label_chloe) < everyone.index(label_bruno) < everyone.index("Alice Martin")


def test_the_pipeline_is_paginated(client, session, factory, pw):
    import datetime as dt

    from tests.pipeline.conftest import SPRING, apply

    offer = pw.booth_a.offers[0]
    for person in factory.candidates(55, prefix="many"):
        apply(session, person, offer, SPRING - dt.timedelta(days=10))
    login(client, pw.ra.email)
    first = page_text(client.get(_pipeline(pw)))
    assert "58 personnes" in first and "Page 1 sur 2" in first
    second = page_text(client.get(_pipeline(pw, query="?page=2")))
    assert second.count("Dernier contact") + second.count("dernier contact") == 8


def test_the_csv_lists_everyone_once_in_the_pages_order_beyond_one_chunk(app, client, session, factory, pw):
    """The export is written a chunk of people at a time (its memory does not grow with the people
    met): nobody is lost or repeated at a chunk's edge, and the order is the pages' order."""
    import datetime as dt

    from fair.candidates.models import Application, ApplicationStatus
    from fair.pipeline.services import EXPORT_CHUNK
    from tests.pipeline.conftest import SPRING

    offer_id = pw.booth_a.offers[0].id
    people = factory.candidates(EXPORT_CHUNK + 3, prefix="chunk")
    session.add_all([Application(candidate_id=person.id, offer_id=offer_id, status=ApplicationStatus.submitted,
                                 created_at=SPRING - dt.timedelta(days=10, minutes=n),
                                 status_changed_at=SPRING - dt.timedelta(days=10, minutes=n))
                     for n, person in enumerate(people)])
    session.commit()
    login(client, pw.ra.email)
    response = _csv(app, client, pw)
    names = [row[0] for row in _csv_rows(response)[1:]]
    assert len(names) == len(set(names)) == EXPORT_CHUNK + 3 + 3  # and the world's three people
    chunk_names = [f"Candidate {n}" for n in range(EXPORT_CHUNK + 3)]
    assert [name for name in names if name.startswith("Candidate ")] == chunk_names  # latest met first
    first_page = page_text(client.get(_pipeline(pw)))
    assert all(name in first_page for name in names[:3])


def test_a_bad_rating_gets_a_translated_error_and_changes_nothing(app, client, session, pw):
    from fair.pipeline.services import record

    record(session, company_id=pw.company_a.id, candidate_id=pw.alice.id, author_id=pw.ra.id, source="inbox",
           rating=3)
    session.commit()
    login(client, pw.ra.email)
    for bad in ("0", "6", "x"):
        answer = _record_from_inbox(client, pw, pw.application_alice, rating=bad, note=f"Note {bad}")
        assert answer.status_code == 422
        assert "Choisissez une évaluation de 1 à 5." in page_text(answer)
        desk = f"/live/booths/{pw.booth_a.id}/desk"
        answer = post_form(client, f"/live/booths/{pw.booth_a.id}/met/{pw.call_alice.id}",
                           {"rating": bad, "note": f"Desk {bad}"}, form_page=desk)
        assert answer.status_code == 422 and "Choisissez une évaluation de 1 à 5." in page_text(answer)
        answer = post_form(client, _pipeline(pw).replace("/pipeline", f"/pipeline/people/{pw.alice.id}"),
                           {"rating": bad, "next_step": "nonsense"}, form_page=_pipeline(pw))
        assert answer.status_code == 422 and "Choisissez une évaluation de 1 à 5." in page_text(answer)
    with clock.frozen_at(AFTER_SPRING_INTERVIEW):
        client = app.test_client()
        login(client, pw.ra.email)
        day = "/recruiter/interviews?day=2030-03-12"
        answer = post_form(client, f"/recruiter/interviews/{pw.booking.id}/outcome",
                           {"attendance": "attended", "outcome": "hired", "rating": "6"}, form_page=day)
        assert answer.status_code == 422 and "Choisissez une évaluation de 1 à 5." in page_text(answer)
    entry = _entry(session, pw, pw.alice)
    assert entry.rating == 3 and count(session, PipelineNote) == 0
    booking = session.get(Booking, pw.booking.id)
    assert booking.attendance is None and booking.outcome is None


def test_the_service_refuses_a_bad_rating_with_field_errors(app, session, pw):
    import pytest

    from fair.forms import FieldErrors
    from fair.pipeline.services import record

    for bad in (0, 6, "x", "4.5", True):
        with pytest.raises(FieldErrors) as refused:
            record(session, company_id=pw.company_a.id, candidate_id=pw.alice.id, author_id=pw.ra.id,
                   source="inbox", rating=bad, note="x")
        assert "rating" in refused.value.errors
    session.rollback()
    assert count(session, PipelineEntry) == 0


def test_the_desk_form_of_another_booth_or_a_call_that_never_took_place_is_not_found(client, session, pw):
    from tests.pipeline.conftest import desk_call

    login(client, pw.rb.email)
    desk_b = f"/live/booths/{pw.booth_b.id}/desk"
    answer = post_form(client, f"/live/booths/{pw.booth_a.id}/met/{pw.call_alice.id}", {"rating": "1"},
                       form_page=desk_b)
    assert answer.status_code == 404
    answer = post_form(client, f"/live/booths/{pw.booth_b.id}/met/{pw.call_alice.id}", {"rating": "1"},
                       form_page=desk_b)
    assert answer.status_code == 404
    assert client.get(f"/live/booths/{pw.booth_a.id}/met").status_code == 404
    other = desk_call(session, pw.booth_b, pw.emma, pw.spring.starts_at, pw.rb)
    assert "Emma Leroy" in page_text(client.get(f"/live/booths/{pw.booth_b.id}/met"))
    assert "Alice" not in page_text(client.get(f"/live/booths/{pw.booth_b.id}/met"))
    assert other.id
    assert count(session, PipelineEntry) == 0


def test_the_interview_day_shows_the_notes_before_the_interview(client, session, pw):
    from fair.pipeline.services import record

    record(session, company_id=pw.company_a.id, candidate_id=pw.alice.id, author_id=pw.colleague.id,
           source="inbox", rating=4, note="Demander ses disponibilités")
    session.commit()
    login(client, pw.ra.email)  # the wall clock: the interview of 2030 is still to come
    text = page_text(client.get("/recruiter/interviews?day=2030-03-12"))
    assert "Demander ses disponibilités" in text and "Colleague A" in text and "Évaluation : 4/5" in text


def test_an_anonymised_desk_hides_what_was_written_about_a_person_known_by_name(client, session, pw):
    """Alice, met by name in spring, comes to the autumn desk: the desk shows her number and not the
    spring notes (they could name her); what is written there still joins her entry."""
    from fair.pipeline.services import record
    from tests.pipeline.conftest import AUTUMN, desk_call

    record(session, company_id=pw.company_a.id, candidate_id=pw.alice.id, author_id=pw.ra.id, source="inbox",
           rating=4, note="Alice Martin, très motivée")
    session.commit()
    call = desk_call(session, pw.booth_a_autumn, pw.alice, AUTUMN, pw.ra)
    login(client, pw.ra.email)
    desk = f"/live/booths/{pw.booth_a_autumn.id}/desk"
    text = page_text(client.get(desk))
    assert f"Candidat n° {call.id:05d}" in text
    assert "Alice" not in text and "très motivée" not in text and "Évaluation : 4/5" not in text
    post_form(client, f"/live/booths/{pw.booth_a_autumn.id}/met/{call.id}", {"note": "Vue en automne"},
              form_page=desk)
    entry = _entry(session, pw, pw.alice)
    assert entry.rating == 4 and [n.body for n in entry.notes] == ["Alice Martin, très motivée", "Vue en automne"]
    pipeline = page_text(client.get(_pipeline(pw)))
    assert "Alice Martin" in pipeline and "Vue en automne" in pipeline
