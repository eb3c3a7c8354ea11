"""The booth chat through a real server process (gevent, Valkey message queue) and python-socketio
clients, on SQLite and PostgreSQL: history on arrival, hiding and muting, who may moderate, private
messages reaching only the two people, stored text shown safely, and the flood limit."""
from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from types import SimpleNamespace
from typing import Iterator

import pytest

from tests.conftest import Factory
from tests.live.server import LiveClient, WebProcess, database_url, db_kind, session_cookie, web_process  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def server(request, db_kind, valkey, smtp, tmp_path_factory) -> Iterator[WebProcess]:
    with web_process(request, db_kind, valkey, tmp_path_factory, "chat-log", mail_url=smtp.url) as web:
        yield web


def _person(session, email: str, full_name: str, organisation=None):
    """A user without a password (the clients carry a signed session): no hashing cost per person."""
    return Factory(session).person(email, full_name, organisation, signed_in_only=True)


@pytest.fixture
def world(factory, session):
    from fair.candidates.models import Application
    from fair.db import utcnow

    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    other_organiser_org = factory.organisation("organiser", name="Autre Métropole")
    start = utcnow() - dt.timedelta(hours=1)
    edition = factory.edition(organiser_org, status="live", starts_at=start, ends_at=start + dt.timedelta(hours=8))
    draft = factory.edition(organiser_org, status="draft")
    company_a = factory.organisation("company", name="Transports Rapides")
    company_b = factory.organisation("company", name="Boulangerie du Nord")
    booth_a = factory.booth(edition, company_a)
    booth_b = factory.booth(edition, company_b)
    draft_booth = factory.booth(draft, company_a)
    offer = factory.offer(booth_a, title="Cariste")
    marie = _person(session, "marie@example.org", "Marie Dupont")
    session.add(Application(candidate_id=marie.id, offer_id=offer.id))
    session.commit()
    return SimpleNamespace(
        edition=edition, booth_a=booth_a, booth_b=booth_b, draft_booth=draft_booth,
        organiser=_person(session, "orga@example.org", "Olivia Organisatrice", organiser_org),
        other_organiser=_person(session, "orga2@example.org", "Oscar Autre", other_organiser_org),
        recruiter_a=_person(session, "ra@example.org", "Rachid Recruteur", company_a),
        recruiter_b=_person(session, "rb@example.org", "Rose Boulangère", company_b),
        marie=marie,
        karim=_person(session, "karim@example.org", "Karim Benali"),
        lea=_person(session, "lea@example.org", "Léa Martin"),
    )


@pytest.fixture
def people(app, server) -> Iterator:
    """`people(user)` connects a client signed in as `user`; every client is closed after the test."""
    opened: list[LiveClient] = []

    def connect(user) -> LiveClient:
        person = LiveClient(server.url, session_cookie(app, user), transports=["websocket"]).connect()
        opened.append(person)
        return person

    yield connect
    closing = [threading.Thread(target=person.close) for person in opened]  # a long poll may take a while
    for thread in closing:
        thread.start()
    for thread in closing:
        thread.join()


def _follow(person: LiveClient, booth) -> dict:
    answer = person.ask("live_follow_booth", {"booth": booth.id})
    assert answer["ok"] is True, answer
    return answer["state"]


def _barrier(sender: LiveClient, others: list[LiveClient], booth) -> None:
    """A public message everyone follows: once it has arrived, anything sent before it has too."""
    answer = sender.ask("chat_send", {"booth": booth.id, "text": "— fin du test —"})
    assert answer["ok"], answer
    for person in others:
        person.wait_for("chat_message", lambda m: m["id"] == answer["message"]["id"])


def _chat_id(app, booth, user) -> str:
    """The id the server gives `user` on `booth`'s chat (the test's app has the server's secret key)."""
    from fair.live.chat import chat_id

    with app.app_context():
        return chat_id(booth.id, user.id)


def test_newcomers_get_the_history_and_everyone_gets_new_messages(app, session, world, people):
    from fair.live.chat import ChatMessage, ChatRole

    marie, recruiter = people(world.marie), people(world.recruiter_a)
    _follow(marie, world.booth_a)
    _follow(recruiter, world.booth_a)
    asked = marie.ask("chat_send", {"booth": world.booth_a.id, "text": "Bonjour, vous recrutez des caristes ?"})
    assert asked["ok"] is True
    arrived = recruiter.wait_for("chat_message", lambda m: m["id"] == asked["message"]["id"])
    assert arrived["author"] == "Marie D."  # first name and initial, never the full name
    assert arrived["role"] == "candidate" and arrived["answer"] is False
    answered = recruiter.ask("chat_send", {"booth": world.booth_a.id, "text": "Oui, trois postes en CDI."})
    reply = marie.wait_for("chat_message", lambda m: m["id"] == answered["message"]["id"])
    assert reply["author"] == "Rachid Recruteur" and reply["role"] == "recruiter" and reply["answer"] is True

    karim = people(world.karim)
    state = _follow(karim, world.booth_a)
    assert [(m["author"], m["html"]) for m in state["chat"]] == [
        ("Marie D.", "Bonjour, vous recrutez des caristes ?"), ("Rachid Recruteur", "Oui, trois postes en CDI.")]
    assert "Dupont" not in str(state["chat"])
    # Another booth's chat is another conversation.
    assert _follow(karim, world.booth_b)["chat"] == []

    # Older pages: the state holds the last 50; "before" gives the ones preceding them.
    for n in range(60):
        session.add(ChatMessage(booth_id=world.booth_b.id, author_id=world.karim.id, role=ChatRole.candidate,
                                text=f"message {n}"))
    session.commit()
    latest = karim.ask("chat_history", {"booth": world.booth_b.id})
    assert [m["html"] for m in latest["messages"]] == [f"message {n}" for n in range(10, 60)]
    assert latest["more"] is True
    older = karim.ask("chat_history", {"booth": world.booth_b.id, "before": latest["messages"][0]["id"]})
    assert [m["html"] for m in older["messages"]] == [f"message {n}" for n in range(10)]
    assert older["more"] is False


def test_a_hidden_message_disappears_for_everyone_and_from_the_history(app, session, world, people):
    from fair.live.chat import ChatMessage

    karim, lea, recruiter = people(world.karim), people(world.lea), people(world.recruiter_a)
    for person in (karim, lea, recruiter):
        _follow(person, world.booth_a)
    rude = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Message injurieux"})["message"]
    kept = lea.ask("chat_send", {"booth": world.booth_a.id, "text": "Quels horaires ?"})["message"]
    recruiter.wait_for("chat_message", lambda m: m["id"] == kept["id"])

    assert recruiter.ask("chat_hide", {"message": rude["id"]}) == {"ok": True}
    for person in (karim, lea, recruiter):
        assert person.wait_for("chat_hidden")["id"] == rude["id"]
    newcomer = people(world.marie)
    assert [m["id"] for m in _follow(newcomer, world.booth_a)["chat"]] == [kept["id"]]
    session.expire_all()
    hidden = session.get(ChatMessage, rude["id"])
    assert hidden.hidden_by_id == world.recruiter_a.id and hidden.text == "Message injurieux"

    # The edition's organiser moderates every booth of it.
    organiser = people(world.organiser)
    assert organiser.ask("chat_hide", {"message": kept["id"]}) == {"ok": True}
    assert _follow(newcomer, world.booth_a)["chat"] == []


def test_a_muted_person_is_refused_on_that_booth_only_until_unmuted(app, world, people):
    karim, recruiter = people(world.karim), people(world.recruiter_a)
    _follow(karim, world.booth_a)
    _follow(karim, world.booth_b)
    _follow(recruiter, world.booth_a)
    karim_here = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Bonjour"})["message"]["user"]

    assert recruiter.ask("chat_mute", {"booth": world.booth_a.id, "user": karim_here, "minutes": 15})["ok"]
    assert karim.wait_for("chat_muted")["booth"] == world.booth_a.id
    refused = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Encore moi"})
    assert refused["ok"] is False and refused["code"] == "muted"
    assert refused["error"] == ("Vous ne pouvez plus écrire sur le chat de ce stand : "
                                "un modérateur vous a retiré la parole.")
    assert karim.ask("chat_send", {"booth": world.booth_b.id, "text": "Bonjour la boulangerie"})["ok"] is True
    mutes = recruiter.ask("chat_mutes", {"booth": world.booth_a.id})["mutes"]
    assert [(m["user"], m["author"]) for m in mutes] == [(karim_here, "Karim B.")]
    assert mutes[0]["until"] is not None

    assert recruiter.ask("chat_unmute", {"booth": world.booth_a.id, "user": karim_here}) == {"ok": True}
    assert karim.wait_for("chat_unmuted")["booth"] == world.booth_a.id
    assert karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Merci"})["ok"] is True
    # Recruiters of the booth cannot be muted.
    itself = recruiter.ask("chat_send", {"booth": world.booth_a.id, "text": "Bienvenue"})["message"]["user"]
    other = recruiter.ask("chat_mute", {"booth": world.booth_a.id, "user": itself})
    assert other["ok"] is False and other["code"] == "invalid"


def test_another_companys_recruiter_cannot_moderate_a_booth(app, session, world, people):
    from fair.live.chat import ChatMessage, ChatMute
    from tests.conftest import count

    karim, rival, outsider = people(world.karim), people(world.recruiter_b), people(world.other_organiser)
    _follow(karim, world.booth_a)
    message = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Bonjour"})["message"]
    for person in (rival, outsider, karim):
        for event, data in (("chat_hide", {"message": message["id"]}),
                            ("chat_mute", {"booth": world.booth_a.id, "user": message["user"]}),
                            ("chat_unmute", {"booth": world.booth_a.id, "user": message["user"]}),
                            ("chat_mutes", {"booth": world.booth_a.id})):
            answer = person.ask(event, data)
            assert answer["ok"] is False and answer["code"] == "not_found", (event, answer)
    assert count(session, ChatMessage, ChatMessage.hidden_at.is_not(None)) == 0
    assert count(session, ChatMute) == 0
    # A booth of an edition still in draft has no chat at all.
    draft = karim.ask("chat_send", {"booth": world.draft_booth.id, "text": "Bonjour"})
    assert draft["ok"] is False and draft["code"] == "not_found"


def test_private_messages_reach_only_the_two_people(app, world, people):
    recruiter, marie = people(world.recruiter_a), people(world.marie)
    karim, rival = people(world.karim), people(world.recruiter_b)
    for person in (recruiter, marie, karim, rival):
        _follow(person, world.booth_a)

    marie_here, recruiter_here = _chat_id(app, world.booth_a, world.marie), _chat_id(app, world.booth_a,
                                                                                        world.recruiter_a)
    # Marie applied to the booth's offer: its recruiter may write to her first (by her chat id on the booth).
    sent = recruiter.ask("private_send", {"booth": world.booth_a.id, "to": marie_here,
                                          "text": "Bonjour Marie, êtes-vous disponible à 14 h ?"})
    assert sent["ok"] is True, sent
    got = marie.wait_for("private_message")
    assert got["with"] == recruiter_here and got["with_name"] == "Rachid Recruteur (Transports Rapides)"
    assert got["mine"] is False and got["html"] == "Bonjour Marie, êtes-vous disponible à 14 h ?"
    assert recruiter.wait_for("private_message")["with_name"] == "Marie Dupont"
    answer = marie.ask("private_send", {"booth": world.booth_a.id, "to": got["with"], "text": "Oui !"})
    assert answer["ok"] is True and answer["message"]["mine"] is True
    assert recruiter.wait_for("private_message", lambda m: m["html"] == "Oui !")["from"] == marie_here
    history = marie.ask("private_history", {"booth": world.booth_a.id, "with": got["with"]})
    assert [m["html"] for m in history["messages"]] == ["Bonjour Marie, êtes-vous disponible à 14 h ?", "Oui !"]
    threads = marie.ask("private_threads", {"booth": world.booth_a.id})
    assert [t["with"] for t in threads["threads"]] == [recruiter_here] and threads["moderator"] is False
    recruiter_threads = recruiter.ask("private_threads", {"booth": world.booth_a.id})["threads"]
    assert [t["with"] for t in recruiter_threads] == [marie_here]

    _barrier(recruiter, [karim, rival], world.booth_a)
    assert karim.received("private_message") == [] and rival.received("private_message") == []

    # No cold message to a recruiter, none between candidates, none to a stranger, none to another booth.
    cold = karim.ask("private_send", {"booth": world.booth_a.id, "to": recruiter_here, "text": "Coucou"})
    assert cold["ok"] is False and cold["code"] == "not_allowed"
    between = karim.ask("private_send", {"booth": world.booth_a.id, "to": marie_here, "text": "Salut"})
    assert between["ok"] is False and between["code"] == "not_found"
    stranger = recruiter.ask("private_send", {"booth": world.booth_a.id, "to": _chat_id(app, world.booth_a, world.lea),
                                              "text": "Bonjour"})
    assert stranger["ok"] is False and stranger["code"] == "not_found"  # the booth never dealt with Léa
    peek = rival.ask("private_history", {"booth": world.booth_a.id, "with": marie_here})
    assert peek["ok"] is False and peek["code"] == "not_found"
    assert rival.ask("private_threads", {"booth": world.booth_a.id})["threads"] == []

    # Once Karim wrote on the booth's chat, its recruiter may write to him.
    wrote = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Je cherche un poste de chauffeur."})
    assert recruiter.ask("private_send", {"booth": world.booth_a.id, "to": wrote["message"]["user"],
                                          "text": "Passez nous voir !"})["ok"] is True
    assert karim.wait_for("private_message")["html"] == "Passez nous voir !"


INJECTIONS = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ('<a href="javascript:alert(1)">clic</a>', '&lt;a href="javascript:alert(1)"&gt;clic&lt;/a&gt;'),
    ("javascript:alert(1)", "javascript:alert(1)"),
    ('Voir https://example.org/"onmouseover="alert(1)',
     'Voir <a href="https://example.org/" target="_blank" rel="nofollow noopener ugc">https://example.org/</a>'
     '"onmouseover="alert(1)'),
    ("Nos offres : https://emploi.example.org/offres?ville=lille&type=cdi.",
     'Nos offres : <a href="https://emploi.example.org/offres?ville=lille&amp;type=cdi" target="_blank" '
     'rel="nofollow noopener ugc">https://emploi.example.org/offres?ville=lille&amp;type=cdi</a>.'),
]


def test_what_people_type_is_stored_as_typed_and_shown_as_text(app, session, world, people):
    from fair.live.chat import ChatMessage

    karim, lea = people(world.karim), people(world.lea)
    _follow(karim, world.booth_a)
    _follow(lea, world.booth_a)
    for typed, shown in INJECTIONS:
        answer = karim.ask("chat_send", {"booth": world.booth_a.id, "text": f"  {typed}\n"})
        assert answer["ok"] is True, answer
        arrived = lea.wait_for("chat_message", lambda m, i=answer["message"]["id"]: m["id"] == i)
        assert arrived["html"] == shown
        assert session.get(ChatMessage, arrived["id"]).text == typed  # trimmed, otherwise as typed

    empty = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "   "})
    assert empty["ok"] is False and empty["code"] == "invalid" and empty["error"] == "Écrivez d'abord un message."
    long = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "a" * 1001})
    assert long["ok"] is False and long["code"] == "too_long"
    assert karim.ask("chat_send", {"booth": world.booth_a.id, "text": "a" * 1000})["ok"] is True
    wrong = karim.ask("chat_send", {"booth": world.booth_a.id, "text": ["liste"]})
    assert wrong["ok"] is False and wrong["code"] == "invalid"


def test_people_who_do_not_follow_the_booth_page_cannot_post(app, world, people):
    karim = people(world.karim)
    answer = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Bonjour"})
    assert answer["ok"] is False and answer["code"] == "not_following"
    assert answer["error"] == "Ouvrez la page du stand pour participer à son chat."


def test_a_flood_is_throttled_across_public_and_private_messages(app, world, people):
    recruiter, marie = people(world.recruiter_a), people(world.marie)
    marie_here = _chat_id(app, world.booth_a, world.marie)
    _follow(recruiter, world.booth_a)
    if time.time() % 60 > 45:  # the limit counts per clock minute: start the burst within one
        time.sleep(61 - time.time() % 60)
    for n in range(10):
        assert recruiter.ask("chat_send", {"booth": world.booth_a.id, "text": f"Réponse {n}"})["ok"] is True
    for n in range(10):
        assert recruiter.ask("private_send", {"booth": world.booth_a.id, "to": marie_here,
                                              "text": f"Message {n}"})["ok"] is True
    for event, data in (("chat_send", {"booth": world.booth_a.id, "text": "Une de trop"}),
                        ("private_send", {"booth": world.booth_a.id, "to": marie_here, "text": "Une de trop"})):
        refused = recruiter.ask(event, data)
        assert refused["ok"] is False and refused["code"] == "rate_limited", refused
    # The limit is the sender's: others still speak.
    _follow(marie, world.booth_a)
    assert marie.ask("chat_send", {"booth": world.booth_a.id, "text": "Bonjour"})["ok"] is True


# ---------------------------------------------------------------- chat ids (issue 14, item 9)

_PEOPLE_KEYS = re.compile(r'"(user|with|from|author_id|user_id|candidate_id|recruiter_id|muted_by_id)": ')


def _global_ids_in(everything: str, chat_only: str, world) -> list[str]:
    """Places where the raw JSON names a person by anything but a string (`everything`), or where a chat
    payload holds a user id as the value of any key but the message's and the booth's own ids (only
    chat payloads: presence counts may equal a small user id)."""
    found = [match.group(0) + everything[match.end():match.end() + 20]
             for match in _PEOPLE_KEYS.finditer(everything) if everything[match.end()] != '"']
    users = {person.id for person in (world.marie, world.karim, world.lea, world.recruiter_a, world.recruiter_b,
                                      world.organiser, world.other_organiser)}
    for key, value in re.findall(r'"(\w+)": (\d+)\b', chat_only):
        if int(value) in users and key not in ("id", "booth"):
            found.append(f"{key}: {value}")
    return found


def test_a_person_has_an_unrelated_chat_id_on_each_booth(app, world, people):
    karim = people(world.karim)
    _follow(karim, world.booth_a)
    _follow(karim, world.booth_b)
    on_a = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Bonjour A"})["message"]["user"]
    on_b = karim.ask("chat_send", {"booth": world.booth_b.id, "text": "Bonjour B"})["message"]["user"]
    assert on_a != on_b
    for code in (on_a, on_b):
        assert isinstance(code, str) and re.fullmatch(r"[0-9a-f]{16}", code)
        assert str(world.karim.id) != code
    # The same person keeps the same id on a booth.
    assert karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Encore"})["message"]["user"] == on_a
    assert [m["user"] for m in karim.ask("chat_history", {"booth": world.booth_a.id})["messages"]] == [on_a, on_a]


def test_an_id_of_another_booth_or_a_made_up_one_names_nobody(app, session, world, people):
    from fair.live.chat import ChatMute
    from tests.conftest import count

    karim, marie, recruiter = people(world.karim), people(world.marie), people(world.recruiter_a)
    for person in (karim, recruiter):
        _follow(person, world.booth_a)
    _follow(karim, world.booth_b)
    karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Bonjour A"})
    karim_on_b = karim.ask("chat_send", {"booth": world.booth_b.id, "text": "Bonjour B"})["message"]["user"]
    recruiter_on_b = _chat_id(app, world.booth_b, world.recruiter_a)
    for wrong in (karim_on_b, recruiter_on_b, "0123456789abcdef", str(world.karim.id), world.karim.id, None, ["x"]):
        for person, event, data in (
                (recruiter, "chat_mute", {"booth": world.booth_a.id, "user": wrong, "minutes": 15}),
                (recruiter, "chat_unmute", {"booth": world.booth_a.id, "user": wrong}),
                (recruiter, "private_send", {"booth": world.booth_a.id, "to": wrong, "text": "Bonjour"}),
                (recruiter, "private_history", {"booth": world.booth_a.id, "with": wrong}),
                (marie, "private_send", {"booth": world.booth_a.id, "to": wrong, "text": "Bonjour"}),
                (marie, "private_history", {"booth": world.booth_a.id, "with": wrong})):
            answer = person.ask(event, data)
            assert answer["ok"] is False and answer["code"] == "not_found", (event, wrong, answer)
            assert answer["error"] == "Cette personne est introuvable."
    assert count(session, ChatMute) == 0


def test_a_recruiter_moderates_and_writes_by_chat_id_and_no_candidate_sees_a_user_id(app, world, people):
    karim, marie, recruiter = people(world.karim), people(world.marie), people(world.recruiter_a)
    for person in (karim, marie, recruiter):
        _follow(person, world.booth_a)
    asked = karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Vous recrutez ?"})["message"]
    marie_wrote = marie.ask("chat_send", {"booth": world.booth_a.id, "text": "Moi aussi"})["message"]
    recruiter.ask("chat_send", {"booth": world.booth_a.id, "text": "Oui, venez !"})
    seen = recruiter.wait_for("chat_message", lambda m: m["id"] == asked["id"])
    assert seen["user"] == asked["user"] == _chat_id(app, world.booth_a, world.karim)

    # Mute and unmute by the id in the message: the muted person is told each time.
    assert recruiter.ask("chat_mute", {"booth": world.booth_a.id, "user": seen["user"], "minutes": 15})["ok"]
    assert karim.wait_for("chat_muted")["booth"] == world.booth_a.id
    assert karim.ask("chat_send", {"booth": world.booth_a.id, "text": "Encore"})["code"] == "muted"
    assert [m["user"] for m in recruiter.ask("chat_mutes", {"booth": world.booth_a.id})["mutes"]] == [seen["user"]]
    assert recruiter.ask("chat_unmute", {"booth": world.booth_a.id, "user": seen["user"]}) == {"ok": True}
    assert karim.wait_for("chat_unmuted")["booth"] == world.booth_a.id
    assert marie.received("chat_muted") == [] and marie.received("chat_unmuted") == []

    # A private thread opened from Marie's message, and her answer.
    opened = recruiter.ask("private_send", {"booth": world.booth_a.id, "to": marie_wrote["user"],
                                            "text": "Passez au stand à 15 h ?"})
    assert opened["ok"] is True, opened
    got = marie.wait_for("private_message")
    answered = marie.ask("private_send", {"booth": world.booth_a.id, "to": got["with"], "text": "D'accord"})
    assert answered["ok"] is True, answered
    assert recruiter.wait_for("private_message", lambda m: m["html"] == "D'accord")["from"] == marie_wrote["user"]

    # Everything either candidate got, pushed or answered, names people by chat id only.
    states, answers = [], []
    for person in (karim, marie):
        states.append(person.ask("live_follow_booth", {"booth": world.booth_a.id}))
        answers += [states[-1]["state"]["chat"], person.ask("chat_history", {"booth": world.booth_a.id}),
                    person.ask("private_threads", {"booth": world.booth_a.id})]
    answers += [marie.ask("private_history", {"booth": world.booth_a.id, "with": got["with"]}), answered]
    _barrier(recruiter, [karim, marie], world.booth_a)
    chat_events = [(name, data) for person in (karim, marie) for name, data in person.events
                   if name.startswith(("chat_", "private_"))]
    chat_only = json.dumps([chat_events, answers], ensure_ascii=False)
    everything = json.dumps([karim.events, marie.events, states, answers], ensure_ascii=False)
    for event in ('"private_message"', '"chat_message"', '"chat_muted"', '"chat_unmuted"', '"threads"'):
        assert event in chat_only
    assert _global_ids_in(everything, chat_only, world) == []
