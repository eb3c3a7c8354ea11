"""The live parts of the pages and the state endpoints, through the Flask test client."""
from __future__ import annotations

from fair.db import utcnow
from fair.live import services
from tests.conftest import login, page_text


def _queue_two(session, w):
    for c in w.candidates[:2]:
        services.join(session, w.booth_a, c, utcnow())
    session.commit()


def test_state_endpoints_answer_anonymous_visitors_and_hide_drafts(app, client, session, live_world, factory):
    w = live_world
    _queue_two(session, w)
    edition = client.get(f"/live/editions/{w.edition.id}/state").get_json()
    row = {b["booth"]: b for b in edition["booths"]}[w.booth_a.id]
    assert row["waiting"] == 2 and row["open"] is True and row["seq"] == 2
    booth = client.get(f"/live/booths/{w.booth_a.id}/state").get_json()
    assert booth["waiting"] == 2 and booth["me"] == {"position": None, "wait_min": None, "status": None,
                                                     "turn_expires_at": None, "room": None}
    assert booth["chat"] == [] or isinstance(booth["chat"], list)
    draft = factory.edition(w.edition.organiser, status="draft")
    draft_booth = factory.booth(draft, w.company_a)
    assert client.get(f"/live/editions/{draft.id}/state").status_code == 404
    assert client.get(f"/live/booths/{draft_booth.id}/state").status_code == 404
    assert client.get("/live/booths/999999/state").status_code == 404


def test_the_booth_state_tells_a_candidate_their_place(app, client, session, live_world):
    w = live_world
    _queue_two(session, w)
    login(client, w.candidates[1].email)
    me = client.get(f"/live/booths/{w.booth_a.id}/state").get_json()["me"]
    assert me["position"] == 2 and me["status"] == "waiting" and me["wait_min"] == 10


def test_fair_and_booth_pages_show_who_is_there(app, client, session, live_world):
    w = live_world
    _queue_two(session, w)
    fair = page_text(client.get(f"/fairs/{w.edition.slug}"))
    assert "0 recruteur disponible · 2 personnes en attente · environ 10 min" in fair
    booth = client.get(f"/fairs/{w.edition.slug}/booths/{w.booth_a.id}")
    text = page_text(booth)
    assert "2 personnes en attente" in text and "Connectez-vous pour rejoindre la file" in text
    login(client, w.candidates[0].email)
    text = page_text(client.get(f"/fairs/{w.edition.slug}/booths/{w.booth_a.id}"))
    assert "Vous êtes numéro 1 dans la file, environ 5 min." in text
    assert "Quitter la file" in text
    # how long the chat is kept is said where people write
    assert "Cette discussion, messages privés compris, est supprimée 30 jours après la fin du salon." in text


def test_the_desk_is_for_the_booths_recruiters_and_the_dashboard_for_its_organisers(app, client, session, live_world):
    w = live_world
    _queue_two(session, w)
    login(client, w.recruiter_a.email)
    desk = client.get(f"/live/booths/{w.booth_a.id}/desk")
    assert desk.status_code == 200
    assert "Candidate 1" in page_text(desk) and "Appeler la personne suivante" in page_text(desk)
    assert client.get(f"/live/booths/{w.booth_b.id}/desk").status_code == 404
    assert client.get(f"/console/editions/{w.edition.id}/live").status_code == 404
    organiser = app.test_client()
    login(organiser, w.organiser.email)
    dashboard = organiser.get(f"/console/editions/{w.edition.id}/live")
    assert dashboard.status_code == 200
    assert "Transports Rapides" in page_text(dashboard)
    assert organiser.get(f"/live/booths/{w.booth_a.id}/desk").status_code == 404


def test_the_pages_speak_english_too(app, client, session, live_world):
    w = live_world
    _queue_two(session, w)
    client.set_cookie("lang", "en")
    text = page_text(client.get(f"/fairs/{w.edition.slug}/booths/{w.booth_a.id}"))
    assert "0 recruiters available · 2 people waiting · about 10 min" in text
    assert "Log in to join the queue" in text
