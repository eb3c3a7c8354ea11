"""Issue 17 item 7: "call me back" at a booth of a live fair, and the list on the recruiter's desk.

One open request per person and booth; the number is shown to the booth's company only, and in an
anonymised edition only once the person agreed; each outcome is recorded and audited; other
companies get 404.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fair import clock
from fair.audit import AuditEntry
from fair.callbacks.models import CallbackRequest, CallbackStatus
from tests.conftest import count, login, page_text, post_form
from tests.webinars.helpers import signed_in_client

VALID = {"mobile": "06 12 34 56 78", "when": "now", "consent": "y"}


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def world(factory, session):
    organiser = factory.organisation("organiser", name="Métropole Emploi")
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    return type("World", (), {
        "organiser": organiser, "company_a": company_a, "company_b": company_b,
        "recruiter_a": factory.person("recruiter.a@example.org", "Recruiter A", company_a),
        "recruiter_b": factory.person("recruiter.b@example.org", "Recruiter B", company_b),
        "candidate": factory.user(email="camille@example.org", full_name="Camille Martin", phone="+33 6 12 34 56 78"),
    })


def live_booths(factory, world, anonymised: bool = False):
    edition = factory.live_edition(world.organiser, slug="salon-direct", title="Salon en direct",
                                   anonymised_applications=anonymised)
    return factory.booth(edition, world.company_a), factory.booth(edition, world.company_b)


def page_of(booth) -> str:
    return f"/fairs/{booth.edition.slug}/booths/{booth.id}/call-back"


def desk(client, booth) -> str:
    return page_text(client.get(f"/live/booths/{booth.id}/desk"))


def the_request(session) -> CallbackRequest:
    session.expire_all()
    return session.execute(select(CallbackRequest)).scalar_one()


def test_a_person_asks_to_be_called_back_and_the_booths_company_calls(app, session, factory, world):
    booth_a, booth_b = live_booths(factory, world)
    person, recruiter, other = app.test_client(), app.test_client(), app.test_client()
    login(person, world.candidate.email)
    login(recruiter, world.recruiter_a.email)
    login(other, world.recruiter_b.email)
    assert "Demander à être rappelé·e" in page_text(person.get(f"/fairs/{booth_a.edition.slug}/booths/{booth_a.id}"))
    assert 'value="06 12 34 56 78"' in person.get(page_of(booth_a)).get_data(as_text=True)  # from the profile

    refused = post_form(person, page_of(booth_a), {"mobile": "01 42 68 53 00", "when": "now"})
    assert refused.status_code == 422
    text = page_text(refused)
    assert "Ce numéro ne peut pas recevoir de SMS : donnez un numéro de mobile." in text
    assert "Cochez la case : sans elle, l’entreprise ne peut pas recevoir votre numéro." in text
    assert count(session, CallbackRequest) == 0

    assert post_form(person, page_of(booth_a), VALID).status_code == 302
    mine = page_text(person.get(page_of(booth_a)))
    assert "En attente d’un appel" in mine and "dès que possible" in mine
    again = post_form(person, page_of(booth_a), VALID, form_page=f"/fairs/{booth_b.edition.slug}/booths/{booth_b.id}"
                      "/call-back")
    assert again.status_code == 422 and "Vous avez déjà demandé à cette entreprise de vous rappeler" in page_text(again)
    assert count(session, CallbackRequest) == 1
    request = the_request(session)
    assert request.mobile == "+33612345678"
    assert request.consent_text == "J’accepte que Transports Rapides reçoive mon numéro de mobile pour me rappeler " \
                                   "au sujet de ce salon."

    listed = desk(recruiter, booth_a)
    assert "Camille Martin" in listed and "06 12 34 56 78" in listed
    assert "Camille Martin" not in desk(other, booth_b) and "06 12 34 56" not in desk(other, booth_b)
    assert other.get(f"/recruiter/booths/{booth_a.id}/call-backs").status_code == 404
    assert post_form(other, f"/recruiter/booths/{booth_b.id}/call-backs/{request.id}/outcome",
                     {f"callback-{request.id}-outcome": "reached"}, form_page="/account").status_code == 404

    outcome = f"/recruiter/booths/{booth_a.id}/call-backs/{request.id}/outcome"
    assert post_form(recruiter, outcome, {f"callback-{request.id}-outcome": "no_answer"},
                     form_page=f"/live/booths/{booth_a.id}/desk").status_code == 302
    assert "Appel sans réponse : l’entreprise va réessayer" in page_text(person.get(page_of(booth_a)))
    assert the_request(session).is_open
    post_form(recruiter, outcome, {f"callback-{request.id}-outcome": "reached",
                                   f"callback-{request.id}-note": "Rendez-vous jeudi"},
              form_page=f"/live/booths/{booth_a.id}/desk")
    request = the_request(session)
    assert (request.status, request.is_open, request.calls, request.note) == (
        CallbackStatus.reached, False, 2, "Rendez-vous jeudi")
    assert "Votre dernière demande : Joint." in page_text(person.get(page_of(booth_a)))
    audited = session.execute(select(AuditEntry).where(AuditEntry.action == "callback.outcome")).scalars().all()
    assert [a.details["outcome"] for a in audited] == ["no_answer", "reached"]
    assert {a.organisation_id for a in audited} == {world.company_a.id}
    # Closed: the person may ask again.
    assert post_form(person, page_of(booth_a), VALID).status_code == 302
    assert count(session, CallbackRequest) == 2


def test_an_anonymised_edition_hides_the_number_until_the_person_agrees(app, session, factory, world):
    booth_a, _booth_b = live_booths(factory, world, anonymised=True)
    person, recruiter = app.test_client(), app.test_client()
    login(person, world.candidate.email)
    login(recruiter, world.recruiter_a.email)
    post_form(person, page_of(booth_a), VALID)
    request = the_request(session)
    listed = desk(recruiter, booth_a)
    assert f"Rappel n° {request.id:05d}" in listed and "Numéro transmis quand la personne accepte." in listed
    assert "06 12 34 56 78" not in listed and "Camille" not in listed
    outcome = f"/recruiter/booths/{booth_a.id}/call-backs/{request.id}/outcome"
    post_form(recruiter, outcome, {f"callback-{request.id}-outcome": "reached"}, form_page="/account")
    assert the_request(session).calls == 0  # nobody can have called a number they don't have
    post_form(recruiter, f"/recruiter/booths/{booth_a.id}/call-backs/{request.id}/ask", {}, form_page="/account")
    assert "Transports Rapides aimerait vous appeler" in page_text(person.get(page_of(booth_a)))
    assert "06 12 34 56 78" not in desk(recruiter, booth_a)
    post_form(person, f"/call-backs/{request.id}/share", {}, form_page=page_of(booth_a))
    listed = desk(recruiter, booth_a)
    assert "06 12 34 56 78" in listed and "Camille" not in listed


def test_the_person_cancels_and_a_time_range_is_kept_in_the_fairs_zone(app, session, factory, world):
    booth_a, _booth_b = live_booths(factory, world)
    morning = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.timezone.utc)  # 10:00 in Paris
    with clock.frozen_at(morning):
        person = app.test_client()
        login(person, world.candidate.email)
        wrong = post_form(person, page_of(booth_a), {**VALID, "when": "range", "start": "15:00", "end": "14:00"})
        assert wrong.status_code == 422
        assert "La fin de la plage horaire doit venir après son début" in page_text(wrong)
        assert post_form(person, page_of(booth_a), {**VALID, "when": "range", "start": "14:00",
                                                    "end": "15:30"}).status_code == 302
        request = the_request(session)
        assert (request.window_start, request.window_end) == (morning.replace(hour=13),
                                                              morning.replace(hour=14, minute=30))
        assert "entre 14:00 et 15:30" in page_text(person.get(page_of(booth_a)))
        stranger = app.test_client()
        login(stranger, factory.person("other@example.org", "Other Person").email)
        assert post_form(stranger, f"/call-backs/{request.id}/cancel", {}, form_page="/account").status_code == 404
        assert post_form(person, f"/call-backs/{request.id}/cancel", {}, form_page=page_of(booth_a)).status_code == 302
    request = the_request(session)
    assert (request.status, request.is_open) == (CallbackStatus.cancelled, False)


def test_the_desk_hears_of_a_new_request_and_other_companies_hear_nothing(app, app_config, session, factory, world):
    from fair import create_app
    from fair.extensions import socketio

    booth_a, booth_b = live_booths(factory, world)
    queueless = create_app({**app_config, "REDIS_URL": ""})
    desk_a = socketio.test_client(queueless, flask_test_client=signed_in_client(queueless, world.recruiter_a))
    desk_b = socketio.test_client(queueless, flask_test_client=signed_in_client(queueless, world.recruiter_b))
    try:
        assert desk_a.emit("staff_follow_booth", {"booth": booth_a.id}, callback=True)["ok"]
        assert desk_b.emit("staff_follow_booth", {"booth": booth_b.id}, callback=True)["ok"]
        assert not desk_b.emit("staff_follow_booth", {"booth": booth_a.id}, callback=True)["ok"]
        desk_a.get_received(), desk_b.get_received()
        person = signed_in_client(queueless, world.candidate)
        assert post_form(person, page_of(booth_a), VALID).status_code == 302
        heard = [e["args"][0] for e in desk_a.get_received() if e["name"] == "callbacks_changed"]
        assert heard == [{"booth": booth_a.id}]  # no name, no number: the list is read over HTTP
        assert not [e for e in desk_b.get_received() if e["name"] == "callbacks_changed"]
    finally:
        desk_a.disconnect()
        desk_b.disconnect()
