"""Signalling against a real server process (`python wsgi.py`, gevent, Redis message queue), with
python-socketio clients signed in as real users: who may join a call room, when, what the
acknowledgement carries, and that offers, candidates and chat reach the other participant only."""
from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Iterator

import pytest
import socketio

from tests.live.server import session_cookie
from tests.servers import WebProcess

TURN = {"STUN_URLS": "stun:stun.example.org:3478", "TURN_URLS": "turn:turn.example.org:3478?transport=udp",
        "TURN_SECRET": "north-fair-turn-secret", "TURN_TTL_SECONDS": "3600"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[dict]:
    """One `python wsgi.py` per database, started on first use and stopped at the end of the module."""
    running: dict[str, WebProcess] = {}
    yield running
    for process in running.values():
        process.stop()


@pytest.fixture
def server(servers, app_config, tmp_path_factory) -> str:
    database_url = app_config["DATABASE_URL"]
    if database_url not in servers:
        servers[database_url] = WebProcess(
            database_url, app_config["REDIS_URL"], secret_key=app_config["SECRET_KEY"],
            mail_url=app_config["MAIL_URL"], log_path=tmp_path_factory.mktemp("video-log") / "server.log",
            env={"FAIR_INSTANCE_PATH": str(tmp_path_factory.mktemp("video-instance")), **TURN}).start()
    return servers[database_url].url


class Person:
    """A signed-in browser tab, as far as the server can tell: the session cookie and one socket."""

    def __init__(self, app, server: str, user) -> None:
        cookie = session_cookie(app, user)  # a server-side session row and the cookie naming it
        self.received: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.connect(server, headers={"Cookie": cookie}, transports=["polling"], wait_timeout=10)

    def _record(self, event: str, data: dict) -> None:
        with self.lock:
            self.received.append((event, data))

    def ask(self, event: str, data: dict) -> dict:
        return self.client.call(event, data, timeout=10)

    def events(self, name: str) -> list[dict]:
        with self.lock:
            return [data for event, data in self.received if event == name]

    def close(self) -> None:
        self.client.disconnect()


def _wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)


def _room_of(session, booking, user_id: int):
    from flask import current_app

    from fair.video.services import room_for_booking

    room = room_for_booking(session, booking.id, user_id, opens_before=current_app.config["CALL_OPENS_MINUTES_BEFORE"],
                            closes_after=current_app.config["CALL_CLOSES_MINUTES_AFTER"])
    session.commit()
    return room


@pytest.fixture
def people(app, server, session, world):
    opened = []

    def person(user) -> Person:
        p = Person(app, server, user)
        opened.append(p)
        return p

    yield person
    for p in opened:
        p.close()


def test_only_the_rooms_two_people_join_it_and_only_while_it_is_open(app, session, world, people):
    room = _room_of(session, world.current, world.candidate.id)
    later = _room_of(session, world.later, world.candidate.id)
    past = _room_of(session, world.past, world.candidate.id)

    for user in (world.recruiter_a2, world.recruiter_b, world.other):
        answer = people(user).ask("call_join", {"room": room.token})
        assert answer["ok"] is False and answer["code"] == "not_found", user.email
    candidate = people(world.candidate)
    assert candidate.ask("call_join", {"room": "0" * 32})["code"] == "not_found"
    assert candidate.ask("call_join", {"room": ["not", "a", "token"]})["code"] == "not_found"
    assert candidate.ask("call_join", {"room": later.token})["code"] == "closed"
    assert candidate.ask("call_join", {"room": past.token})["code"] == "closed"

    joined = candidate.ask("call_join", {"room": room.token})
    assert joined["ok"] is True and joined["role"] == "candidate" and joined["polite"] is True
    assert joined["peer"] is False and joined["mode"] == "video"
    stun, turn = joined["ice_servers"]
    assert stun == {"urls": ["stun:stun.example.org:3478"]}
    assert turn["urls"] == ["turn:turn.example.org:3478?transport=udp"]
    expiry, user_id = turn["username"].split(":")
    assert user_id == str(world.candidate.id) and int(expiry) > time.time() + 3000
    assert turn["credential"] and turn["credential"] != TURN["TURN_SECRET"]

    recruiter = people(world.recruiter_a)
    joined = recruiter.ask("call_join", {"room": room.token})
    assert joined["ok"] is True and joined["role"] == "recruiter"
    assert joined["polite"] is False and joined["peer"] is True
    _wait_for(lambda: candidate.events("call_peer"))
    assert candidate.events("call_peer") == [{"present": True}]


def test_offers_candidates_and_chat_reach_the_other_participant_only(app, session, world, people):
    room = _room_of(session, world.current, world.candidate.id)
    candidate, recruiter = people(world.candidate), people(world.recruiter_a)
    colleague = people(world.recruiter_a2)  # same company, not in the room
    assert candidate.ask("call_join", {"room": room.token})["ok"]
    assert recruiter.ask("call_join", {"room": room.token})["ok"]
    assert colleague.ask("call_join", {"room": room.token})["code"] == "not_found"

    offer = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
    assert candidate.ask("call_signal", {"room": room.token, "description": offer}) == {"ok": True, "delivered": 1}
    ice = {"candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "sdpMid": "0",
           "sdpMLineIndex": 0, "usernameFragment": "abcd"}
    assert recruiter.ask("call_signal", {"room": room.token, "candidate": ice})["ok"]
    assert recruiter.ask("call_chat", {"room": room.token, "text": "  Bonjour, vous m'entendez ?  "})["ok"]
    _wait_for(lambda: recruiter.events("call_signal") and candidate.events("call_signal")
              and len(candidate.events("call_chat")) == 1 and len(recruiter.events("call_chat")) == 1)

    assert recruiter.events("call_signal") == [{"description": offer}]
    assert candidate.events("call_signal") == [{"candidate": ice}]
    [said] = candidate.events("call_chat")
    assert said["role"] == "recruiter" and said["name"] == "Recruiter A"
    assert said["text"] == "Bonjour, vous m'entendez ?"
    assert colleague.events("call_signal") == [] and colleague.events("call_chat") == []

    # Someone outside the room can neither signal into it nor chat in it.
    assert colleague.ask("call_signal", {"room": room.token, "description": offer})["code"] == "not_found"
    assert colleague.ask("call_chat", {"room": room.token, "text": "coucou"})["code"] == "not_found"
    # Bad payloads are refused with words, and nothing is relayed.
    bad = candidate.ask("call_signal", {"room": room.token, "description": {"type": "pranswer", "sdp": 1}})
    assert bad["ok"] is False and bad["code"] == "invalid" and bad["error"] == "Cette demande n'est pas valide."
    assert candidate.ask("call_chat", {"room": room.token, "text": "   "})["error"] == "Écrivez d'abord un message."
    assert candidate.ask("call_chat", {"room": room.token, "text": "x" * 1001})["code"] == "too_large"

    # Hanging up tells the other side; a disconnect does as well.
    assert recruiter.ask("call_leave", {"room": room.token}) == {"ok": True}
    _wait_for(lambda: {"present": False} in candidate.events("call_peer"))
    assert {"present": False} in candidate.events("call_peer")
    assert recruiter.ask("call_signal", {"room": room.token, "description": offer})["code"] == "not_found"
    time.sleep(0.2)
    assert len(recruiter.events("call_signal")) == 1 and len(recruiter.events("call_chat")) == 1


def test_a_second_tab_replaces_the_first(app, session, world, people):
    room = _room_of(session, world.current, world.candidate.id)
    first, recruiter = people(world.candidate), people(world.recruiter_a)
    assert first.ask("call_join", {"room": room.token})["ok"]
    assert recruiter.ask("call_join", {"room": room.token})["ok"]
    second = people(world.candidate)
    assert second.ask("call_join", {"room": room.token})["peer"] is True
    _wait_for(lambda: first.events("call_replaced"))
    assert first.events("call_replaced") == [{"room": room.token}]
    offer = {"type": "offer", "sdp": "v=0\r\n"}
    assert recruiter.ask("call_signal", {"room": room.token, "description": offer})["delivered"] == 1
    _wait_for(lambda: second.events("call_signal"))
    assert second.events("call_signal") == [{"description": offer}] and first.events("call_signal") == []


def test_a_switch_to_phone_reaches_both_pages(app, session, world, people):
    from tests.conftest import login, post_form

    room = _room_of(session, world.current, world.candidate.id)
    candidate, recruiter = people(world.candidate), people(world.recruiter_a)
    assert candidate.ask("call_join", {"room": room.token})["ok"]
    assert recruiter.ask("call_join", {"room": room.token})["ok"]
    http = app.test_client()
    login(http, "candidate@example.org")
    post_form(http, f"/call/{room.token}/phone", {}, form_page=f"/call/{room.token}")
    _wait_for(lambda: recruiter.events("call_mode"))
    assert recruiter.events("call_mode") == [{"mode": "video", "requested": True, "requested_by": "candidate"}]
    http = app.test_client()
    login(http, "recruiter.a@example.org")
    post_form(http, f"/call/{room.token}/phone", {}, form_page=f"/call/{room.token}")
    _wait_for(lambda: len(candidate.events("call_mode")) == 2)
    assert candidate.events("call_mode")[-1] == {"mode": "phone", "requested": False, "requested_by": None}
    assert recruiter.ask("call_join", {"room": room.token})["mode"] == "phone"


def test_a_lost_socket_counts_as_leaving(app, session, world, people):
    room = _room_of(session, world.current, world.candidate.id)
    candidate, recruiter = people(world.candidate), people(world.recruiter_a)
    assert recruiter.ask("call_join", {"room": room.token})["peer"] is False
    assert candidate.ask("call_join", {"room": room.token})["peer"] is True
    candidate.close()  # the tab is closed, the phone loses the network…
    _wait_for(lambda: {"present": False} in recruiter.events("call_peer"))
    assert recruiter.events("call_peer") == [{"present": True}, {"present": False}]
    back = people(world.candidate)
    assert back.ask("call_join", {"room": room.token})["peer"] is True


def test_a_booking_moved_to_another_recruiter_takes_the_first_one_out_of_the_room(app, session, world, people):
    """Item 14 of issue 14: after the booking moved to recruiter A2's slot, recruiter A's open socket
    still received the candidate's offer and its answer reached the candidate. Membership is now read
    on every signal, and the move takes A's socket out of the room at once, telling its page."""
    from fair import clock
    from fair.jobdating.models import SlotMode
    from fair.jobdating.services import open_availability, reschedule

    room = _room_of(session, world.current, world.candidate.id)
    candidate, first = people(world.candidate), people(world.recruiter_a)
    assert candidate.ask("call_join", {"room": room.token})["ok"]
    assert first.ask("call_join", {"room": room.token})["ok"]
    offer = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
    assert candidate.ask("call_signal", {"room": room.token, "description": offer})["delivered"] == 1
    _wait_for(lambda: first.events("call_signal"))

    # The same time, with recruiter A2 (booked the day before, as the candidate could).
    slot = open_availability(session, booth=world.booth_a, recruiter_id=world.recruiter_a2.id, mode=SlotMode.video,
                             starts_at=world.current.starts_at, ends_at=world.current.ends_at, slot_minutes=30,
                             buffer_minutes=0, location="").slots[0]
    session.commit()
    with clock.frozen_at(world.now - dt.timedelta(days=1)):
        reschedule(session, world.current, slot.id)
    session.commit()

    _wait_for(lambda: first.events("call_moved"))
    assert first.events("call_moved") == [{"room": room.token, "reason": "moved"}]
    refused = first.ask("call_signal", {"room": room.token, "description": {"type": "answer", "sdp": "v=0\r\n"}})
    assert refused["ok"] is False and refused["code"] == "not_found"
    assert first.ask("call_chat", {"room": room.token, "text": "encore là ?"})["code"] == "not_found"
    assert first.ask("call_join", {"room": room.token})["code"] == "not_found"

    second = people(world.recruiter_a2)
    joined = second.ask("call_join", {"room": room.token})
    assert joined["ok"] is True and joined["role"] == "recruiter" and joined["peer"] is True
    assert candidate.ask("call_signal", {"room": room.token, "description": offer})["delivered"] == 1
    assert candidate.ask("call_chat", {"room": room.token, "text": "Bonjour"})["ok"]
    _wait_for(lambda: second.events("call_signal") and second.events("call_chat"))
    time.sleep(0.3)  # what the first recruiter would have received by now
    assert len(first.events("call_signal")) == 1 and first.events("call_chat") == []
    assert candidate.events("call_signal") == []  # the first recruiter's answer never reached the candidate


def test_a_cancelled_booking_empties_its_room(app, session, world, people):
    """Item 14: cancelling the booking takes both people out of the room at once."""
    from fair.jobdating.services import cancel_booking

    room = _room_of(session, world.current, world.candidate.id)
    candidate, recruiter = people(world.candidate), people(world.recruiter_a)
    assert candidate.ask("call_join", {"room": room.token})["ok"]
    assert recruiter.ask("call_join", {"room": room.token})["ok"]
    world.current.starts_at = world.now + dt.timedelta(minutes=1)  # cancellable by its recruiter
    cancel_booking(session, world.current, by_user_id=world.recruiter_a.id, reason="Poste pourvu", by_recruiter=True)
    session.commit()
    _wait_for(lambda: candidate.events("call_moved") and recruiter.events("call_moved"))
    assert candidate.events("call_moved") == [{"room": room.token, "reason": "cancelled"}]
    offer = {"type": "offer", "sdp": "v=0\r\n"}
    assert recruiter.ask("call_signal", {"room": room.token, "description": offer})["code"] == "not_found"
    assert candidate.ask("call_signal", {"room": room.token, "description": offer})["code"] == "not_found"


@pytest.fixture
def relay_server(servers, app_config, tmp_path_factory) -> str:
    """The same server with FORCE_TURN_RELAY on."""
    key = ("relay", app_config["DATABASE_URL"])
    if key not in servers:
        servers[key] = WebProcess(
            app_config["DATABASE_URL"], app_config["REDIS_URL"], secret_key=app_config["SECRET_KEY"],
            mail_url=app_config["MAIL_URL"], log_path=tmp_path_factory.mktemp("video-log") / "server.log",
            env={"FAIR_INSTANCE_PATH": str(tmp_path_factory.mktemp("video-instance")), **TURN,
                 "FORCE_TURN_RELAY": "1"}).start()
    return servers[key].url


def test_forced_relay_tells_the_browser_and_keeps_each_address_from_the_other(app, session, world, people,
                                                                               relay_server, server):
    """Item 13 of issue 14: with FORCE_TURN_RELAY the page's RTCPeerConnection gets
    iceTransportPolicy "relay", and host or server-reflexive candidates never reach the other side."""
    room = _room_of(session, world.current, world.candidate.id)
    plain = people(world.candidate)
    assert plain.ask("call_join", {"room": room.token})["ice_transport_policy"] == "all"  # the default
    plain.close()

    candidate, recruiter = Person(app, relay_server, world.candidate), Person(app, relay_server, world.recruiter_a)
    try:
        joined = candidate.ask("call_join", {"room": room.token})
        assert joined["ok"] is True and joined["ice_transport_policy"] == "relay"
        assert [server["urls"] for server in joined["ice_servers"]][-1] == [
            "turn:turn.example.org:3478?transport=udp"]
        assert recruiter.ask("call_join", {"room": room.token})["ice_transport_policy"] == "relay"

        host = {"candidate": "candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host", "sdpMid": "0",
                "sdpMLineIndex": 0}
        srflx = {"candidate": "candidate:2 1 udp 1686052607 203.0.113.7 50001 typ srflx raddr 192.168.1.20 "
                              "rport 50000", "sdpMid": "0", "sdpMLineIndex": 0}
        relay = {"candidate": "candidate:3 1 udp 41885439 198.51.100.9 60000 typ relay raddr 203.0.113.7 "
                              "rport 50001", "sdpMid": "0", "sdpMLineIndex": 0}
        assert candidate.ask("call_signal", {"room": room.token, "candidate": host})["delivered"] == 0
        assert candidate.ask("call_signal", {"room": room.token, "candidate": srflx})["delivered"] == 0
        assert candidate.ask("call_signal", {"room": room.token, "candidate": relay})["delivered"] == 1
        sdp = ("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host"
               "\r\na=candidate:3 1 udp 41885439 198.51.100.9 60000 typ relay raddr 203.0.113.7 rport 50001\r\n")
        assert candidate.ask("call_signal", {"room": room.token, "description": {"type": "offer", "sdp": sdp}})["ok"]
        _wait_for(lambda: len(recruiter.events("call_signal")) == 2)
        got_candidate, got_offer = recruiter.events("call_signal")
        assert got_candidate["candidate"]["candidate"] == relay["candidate"]
        assert "192.168.1.20" not in got_offer["description"]["sdp"]
        assert "typ relay" in got_offer["description"]["sdp"]
    finally:
        candidate.close()
        recruiter.close()
