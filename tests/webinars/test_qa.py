"""Live Q&A through Flask-SocketIO's test client: who may follow, asking, votes (one per person,
most voted first), moderation by hosts and organisers only; others get `not_found`."""
from __future__ import annotations

import pytest

from tests.conftest import count
from tests.webinars.conftest import make_webinar
from tests.webinars.helpers import signed_in_client


@pytest.fixture
def sockets(app, app_config, session, world):
    """Socket clients of a queue-less app (the test client needs no message queue), one per user."""
    from fair import create_app
    from fair.extensions import socketio
    from fair.webinars.services import register

    for user in (world.candidate, world.other):
        register(session, world.webinar.id, user)
    session.commit()
    queueless = create_app({**app_config, "REDIS_URL": ""})
    opened = []

    def open_for(user):
        client = socketio.test_client(queueless, flask_test_client=signed_in_client(queueless, user))
        assert client.is_connected()
        opened.append(client)
        return client

    yield open_for
    for client in opened:
        if client.is_connected():
            client.disconnect()


def _events(client, name: str) -> list[dict]:
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_registered_people_and_hosts_follow_others_get_not_found(sockets, world):
    webinar = world.webinar.id
    assert sockets(world.candidate).emit("webinar_follow", {"webinar": webinar}, callback=True) == {
        "ok": True, "questions": [], "moderator": False}
    organiser = sockets(world.organiser).emit("webinar_follow", {"webinar": webinar}, callback=True)
    assert organiser["ok"] is True and organiser["moderator"] is True
    for outsider in (world.third, world.recruiter_a, world.other_organiser):
        answer = sockets(outsider).emit("webinar_follow", {"webinar": webinar}, callback=True)
        assert answer["ok"] is False and answer["code"] == "not_found", outsider.email
    bad = sockets(world.candidate).emit("webinar_follow", {"webinar": "1; drop"}, callback=True)
    assert bad["code"] == "invalid"


def test_questions_reach_the_room_as_plain_text_and_too_long_ones_are_refused(sockets, session, world):
    from fair.webinars.models import WebinarQuestion

    asker, listener = sockets(world.candidate), sockets(world.other)
    listener.emit("webinar_follow", {"webinar": world.webinar.id}, callback=True)
    listener.get_received()
    answer = asker.emit("question_ask", {"webinar": world.webinar.id, "text": "  <b>Quels horaires ?</b>\x07 "},
                        callback=True)
    assert answer["ok"] is True and answer["question"]["text"] == "<b>Quels horaires ?</b>"
    [event] = _events(listener, "question_new")
    assert event["text"] == "<b>Quels horaires ?</b>" and event["votes"] == 0  # stored and sent as text
    too_long = asker.emit("question_ask", {"webinar": world.webinar.id, "text": "x" * 501}, callback=True)
    assert too_long == {"ok": False, "code": "too_long", "error": "500 caractères au maximum."}
    empty = asker.emit("question_ask", {"webinar": world.webinar.id, "text": "   "}, callback=True)
    assert empty["code"] == "invalid" and empty["error"] == "Écrivez votre question."
    outsider = sockets(world.third).emit("question_ask", {"webinar": world.webinar.id, "text": "Bonjour"},
                                         callback=True)
    assert outsider["code"] == "not_found"
    assert count(session, WebinarQuestion) == 1


def test_votes_order_the_questions_and_count_once_per_person(sockets, session, world):
    from fair.webinars.models import WebinarVote

    candidate, other = sockets(world.candidate), sockets(world.other)
    webinar = world.webinar.id
    first = candidate.emit("question_ask", {"webinar": webinar, "text": "Faut-il le permis ?"}, callback=True)
    second = candidate.emit("question_ask", {"webinar": webinar, "text": "Y a-t-il des horaires de nuit ?"},
                            callback=True)
    second_id = second["question"]["id"]
    assert other.emit("question_vote", {"question": second_id}, callback=True)["votes"] == 1
    assert other.emit("question_vote", {"question": second_id}, callback=True)["votes"] == 1  # again: no change
    assert candidate.emit("question_vote", {"question": second_id}, callback=True)["votes"] == 2
    assert count(session, WebinarVote) == 2
    listing = other.emit("webinar_follow", {"webinar": webinar}, callback=True)["questions"]
    assert [(q["text"], q["votes"], q["voted"]) for q in listing] == [
        ("Y a-t-il des horaires de nuit ?", 2, True), ("Faut-il le permis ?", 0, False)]
    other.get_received()
    assert candidate.emit("question_vote", {"question": second_id, "up": False}, callback=True)["votes"] == 1
    assert _events(other, "question_votes") == [{"webinar": webinar, "id": second_id, "votes": 1}]
    assert first["question"]["votes"] == 0
    outsider = sockets(world.third).emit("question_vote", {"question": second_id}, callback=True)
    assert outsider["code"] == "not_found" and count(session, WebinarVote) == 1


def test_only_hosts_and_organisers_hide_or_mark_answered(sockets, session, world):
    from fair.webinars.models import WebinarQuestion

    candidate = sockets(world.candidate)
    candidate.emit("webinar_follow", {"webinar": world.webinar.id}, callback=True)
    question = candidate.emit("question_ask", {"webinar": world.webinar.id, "text": "Salaire ?"}, callback=True)
    question_id = question["question"]["id"]
    for name in ("question_hide", "question_answered"):
        for refused in (candidate, sockets(world.recruiter_a), sockets(world.other_organiser)):
            assert refused.emit(name, {"question": question_id}, callback=True)["code"] == "not_found"
    session.expire_all()
    row = session.get(WebinarQuestion, question_id)
    assert (row.hidden, row.answered) == (False, False)
    organiser = sockets(world.organiser)
    candidate.get_received()
    assert organiser.emit("question_answered", {"question": question_id}, callback=True)["answered"] is True
    assert organiser.emit("question_hide", {"question": question_id}, callback=True)["ok"] is True
    received = candidate.get_received()
    assert [e["args"][0] for e in received if e["name"] == "question_answered"] == [
        {"webinar": world.webinar.id, "id": question_id, "answered": True}]
    assert [e["args"][0] for e in received if e["name"] == "question_hidden"] == [
        {"webinar": world.webinar.id, "id": question_id}]
    assert candidate.emit("webinar_follow", {"webinar": world.webinar.id}, callback=True)["questions"] == []


def test_the_company_running_a_booth_webinar_moderates_it(sockets, session, world):
    from fair.webinars.services import register

    booth_webinar = make_webinar(session, world.edition, booth=world.booth_a, title="Chez Transports Rapides")
    register(session, booth_webinar.id, world.candidate)
    session.commit()
    candidate, recruiter = sockets(world.candidate), sockets(world.recruiter_a)
    question = candidate.emit("question_ask", {"webinar": booth_webinar.id, "text": "Des CDI ?"}, callback=True)
    assert recruiter.emit("webinar_follow", {"webinar": booth_webinar.id}, callback=True)["moderator"] is True
    answer = recruiter.emit("question_answered", {"question": question["question"]["id"]}, callback=True)
    assert answer["ok"] is True
    other_company = sockets(world.recruiter_b)
    assert other_company.emit("question_hide", {"question": question["question"]["id"]},
                              callback=True)["code"] == "not_found"


def test_asking_is_rate_limited_per_person(app, app_config, session, world, valkey):
    """Counted in the real Valkey: the seventh question within a minute is refused, nothing saved."""
    import time

    from fair import create_app
    from fair.extensions import socketio
    from fair.redis_conn import redis_for
    from fair.webinars.models import WebinarQuestion
    from fair.webinars.services import register

    register(session, world.webinar.id, world.candidate)
    session.commit()
    queueless = create_app({**app_config, "REDIS_URL": ""})
    queueless.config["REDIS_URL"] = valkey.url  # rates counted in Redis; no message queue for the test client
    client = socketio.test_client(queueless, flask_test_client=signed_in_client(queueless, world.candidate))
    # Five questions already asked this minute (and the next, should the minute turn meanwhile).
    minute = int(time.time() // 60)
    for window in (minute, minute + 1):
        redis_for(valkey.url).set(f"fair:sockets:rate:question_ask:{world.candidate.id}:{window}", 5, ex=180)
    try:
        answers = [client.emit("question_ask", {"webinar": world.webinar.id, "text": f"Question {n}"}, callback=True)
                   for n in range(2)]
    finally:
        client.disconnect()
    assert answers[0]["ok"] is True
    assert answers[1] == {"ok": False, "code": "rate_limited",
                          "error": "Vous envoyez trop de messages. Patientez un instant."}
    assert count(session, WebinarQuestion) == 1


def test_twenty_simultaneous_votes_of_one_person_count_once(app, session, world):
    """The unique constraint decides, not a check before the insert: 20 threads, one vote row."""
    import threading

    from fair.extensions import db
    from fair.webinars.models import WebinarQuestion, WebinarVote
    from fair.webinars.services import ask, vote

    question_id = ask(session, world.webinar, world.candidate.id, "Faut-il le permis ?").id
    session.commit()
    voter = world.other.id
    barrier = threading.Barrier(20)
    counts: list[int] = []
    errors: list[BaseException] = []

    def cast() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                counts.append(vote(db.session, db.session.get(WebinarQuestion, question_id), voter))
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=cast) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert count(session, WebinarVote) == 1
    assert counts == [1] * 20  # each answer already counts the one vote
