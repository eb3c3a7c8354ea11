"""The live fair through a real server process (`python wsgi.py`, gevent, the Valkey message queue)
and python-socketio clients, on SQLite and PostgreSQL: the connection rules of fair/sockets.py
(no session, wrong Origin, someone else's booth, oversized, flood, logout) and a whole walk-in call."""
from __future__ import annotations

import json
import re
import socket
import time
from types import SimpleNamespace
from typing import Iterator

import pytest
import requests
import socketio
from sqlalchemy import select
from wsproto import ConnectionType, WSConnection
from wsproto.events import CloseConnection, Message, Request, TextMessage

from fair.live.events import booth_room
from fair.live.models import QueueEntry, QueueStatus
from fair.sockets import emitter
from tests.conftest import token_in
from tests.live.server import LiveClient, WebProcess, close_all, database_url, db_kind, session_cookie, web_process  # noqa: F401 (fixtures)
from tests.servers import wait_until


@pytest.fixture(scope="module")
def server(request, db_kind, valkey, tmp_path_factory) -> Iterator[WebProcess]:
    # The node beats every 2 s (10 by default), so that a test sees it register again quickly.
    with web_process(request, db_kind, valkey, tmp_path_factory, "live-log",
                     env={"SOCKET_NODE_HEARTBEAT_SECONDS": "2"}) as web:
        yield web


@pytest.fixture
def people(app, live_world, server):
    w = live_world
    cookies = {name: session_cookie(app, user) for name, user in (
        ("c1", w.candidates[0]), ("c2", w.candidates[1]), ("c3", w.candidates[2]),
        ("ra", w.recruiter_a), ("rb", w.recruiter_b), ("org", w.organiser))}
    clients: list[LiveClient] = []

    def client(name: str, **kwargs) -> LiveClient:
        made = LiveClient(server.url, cookies[name], **kwargs).connect()
        clients.append(made)
        return made

    yield SimpleNamespace(client=client, cookies=cookies, world=w, url=server.url)
    close_all(clients)


def test_a_socket_without_a_session_is_refused(server):
    with pytest.raises(socketio.exceptions.ConnectionError):
        LiveClient(server.url).connect()


def test_a_socket_from_another_origin_is_refused(app, server, live_world):
    cookie = session_cookie(app, live_world.candidates[0])
    with pytest.raises(socketio.exceptions.ConnectionError):
        LiveClient(server.url, cookie, headers={"Origin": "https://evil.example"}, transports=["polling"]).connect()


def test_a_browser_s_websocket_is_served_without_compression(server):
    """Browsers offer permessage-deflate; accepted, each socket would keep a zlib compressor and every
    message would be compressed once per recipient. The server declines it and speaks plain frames."""
    host, port = server.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
                     f"Origin: {server.url}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                     "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").encode())
        received = b""

        def first_frame_in() -> bool:  # the 101 answer, then a whole first frame (under 126 bytes)
            _head, _, after = received.partition(b"\r\n\r\n")
            return len(after) >= 2 and len(after) >= 2 + (after[1] & 0x7F)

        while not first_frame_in():
            chunk = raw.recv(4096)
            assert chunk, received
            received += chunk
    head, _, frames = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101"), head
    assert b"sec-websocket-extensions" not in head.lower(), head
    assert frames[0] == 0x81, hex(frames[0])  # FIN and a text frame, RSV1 clear: not compressed
    assert frames[2:2 + (frames[1] & 0x7F)].startswith(b'0{"sid":')  # engine.io's open packet, in clear


class SlowPhone:
    """A websocket client that reads only when asked, through a small receive buffer: a phone on a
    slow link. wsproto makes and reads the frames; engine.io and Socket.IO packets are written out."""

    def __init__(self, url: str, cookie: str) -> None:
        host, port = url.split("//")[1].split(":")
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(30)
        self.sock.connect((host, int(port)))
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.pending: list[str] = []
        self.parts: list[str] = []
        self.sock.sendall(self.ws.send(Request(
            host=f"{host}:{port}", target="/socket.io/?EIO=4&transport=websocket",
            extra_headers=[(b"cookie", cookie.encode()), (b"origin", url.encode())])))
        assert self.next().startswith("0{")  # engine.io's open packet
        self.send("40")
        assert self.next().startswith("40{")  # Socket.IO's connect

    def send(self, text: str) -> None:
        self.sock.sendall(self.ws.send(Message(data=text)))

    def next(self) -> str:
        """The next Socket.IO or engine.io text, answering engine.io's pings on the way."""
        while not self.pending:
            data = self.sock.recv(65536)
            assert data, "the server closed the socket"
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, TextMessage):
                    self.parts.append(event.data)
                    if event.message_finished:
                        text, self.parts = "".join(self.parts), []
                        if text == "2":
                            self.send("3")
                        else:
                            self.pending.append(text)
        return self.pending.pop(0)

    def ask(self, event: str, data: dict) -> dict:
        self.send(f"421{json.dumps([event, data])}")
        while not (text := self.next()).startswith("431"):
            pass
        return json.loads(text[3:])[0]

    def close(self) -> None:
        self.sock.close()


def test_once_a_websocket_is_closed_the_server_ends_its_connection(people):
    """After the closing handshake the server closes the TCP connection (RFC 6455, 7.1.1): until it
    did, a phone's browser waited on it for seconds, and the server kept a greenlet and a socket."""
    phone = SlowPhone(people.url, people.cookies["c1"])
    try:
        phone.sock.sendall(phone.ws.send(CloseConnection(code=1000)))
        events = []
        while chunk := phone.sock.recv(65536):  # b"": the server closed it (else a timeout after 30 s)
            phone.ws.receive_data(chunk)
            events += list(phone.ws.events())
        assert any(isinstance(event, CloseConnection) for event in events), events
    finally:
        phone.close()


def test_a_slow_phone_holds_no_one_up_and_gets_every_message_whole_and_in_order(people, valkey):
    """A broadcast is framed once and written to each socket without waiting: what a slow phone's
    socket cannot take at once waits for it, in order, while the others get theirs. (simple-websocket
    alone wrote a message once and dropped what a full socket did not take: the stream was lost.)"""
    booth = people.world.booth_a.id
    slow = SlowPhone(people.url, people.cookies["c1"])
    try:
        assert slow.ask("live_follow_booth", {"booth": booth})["ok"]
        fast = people.client("c2")
        assert fast.ask("live_follow_booth", {"booth": booth})["ok"]
        # 200 messages of 50 KB, 10 MB: more than the kernel buffers for the slow socket (Linux's
        # default for a socket's send buffer grows to 4 MB at most).
        pad = "abcdefghij" * 5_000
        workers = emitter(valkey.url)
        for i in range(200):
            workers.emit("announcement", {"i": i, "text": pad}, to=booth_room(booth))
        wait_until(lambda: len(fast.received("announcement")) >= 200, 60, "the other phone's 200 messages")
        assert [d["i"] for d in fast.received("announcement")] == list(range(200))
        # The slow phone asks for its booth again while its messages wait: the answer comes after them.
        slow.send(f'422{json.dumps(["live_follow_booth", {"booth": booth}])}')
        got, answer = [], None
        while answer is None:
            text = slow.next()
            if text.startswith('42["announcement"'):
                got.append(json.loads(text[2:])[1])
            elif text.startswith("432"):
                answer, answered_after = json.loads(text[3:])[0], len(got)
        assert [d["i"] for d in got] == list(range(200))
        assert all(d["text"] == pad for d in got)
        assert answer["ok"] and answer["state"]["booth"] == booth and answered_after == 200
    finally:
        slow.close()


def test_a_walk_in_call_from_joining_to_done(people, session):
    w = people.world
    booth = w.booth_a.id
    c1, c2, ra, watcher = people.client("c1"), people.client("c2"), people.client("ra"), people.client("c3")
    assert watcher.ask("live_follow_edition", {"edition": w.edition.id})["ok"]
    staff = ra.ask("staff_follow_booth", {"booth": booth})
    assert staff["ok"] and staff["state"]["queue"] == [] and staff["state"]["available"] is False
    assert ra.ask("staff_available", {"booth": booth, "available": True})["ok"]
    for client in (c1, c2):
        assert client.ask("live_follow_booth", {"booth": booth})["ok"]
    first = c1.ask("queue_join", {"booth": booth})
    second = c2.ask("queue_join", {"booth": booth})
    assert (first["ok"], first["position"], second["position"]) == (True, 1, 2)
    assert c1.ask("queue_join", {"booth": booth})["code"] == "already"
    # the fair page sees it: one recruiter, two people waiting
    watcher.wait_for("edition_presence", lambda d: any(
        row["booth"] == booth and row["waiting"] == 2 and row["recruiters"] == 1 for row in d["booths"]))
    ra.wait_for("staff_queue", lambda d: [q["label"] for q in d["queue"]] == ["Candidate 1", "Candidate 2"])

    called = ra.ask("queue_call_next", {"booth": booth})
    assert called["ok"] and called["entry"]["label"] == "Candidate 1"
    turn = c1.wait_for("queue_turn", lambda d: d["booth"] == booth)
    assert turn["seconds"] == 60 and turn["expires_at"]
    c2.wait_for("queue_position", lambda d: d["booth"] == booth and d["position"] == 1)
    assert c2.ask("queue_accept", {"booth": booth})["code"] == "not_called"

    accepted = c1.ask("queue_accept", {"booth": booth})
    assert accepted["ok"] and re.fullmatch(r"/call/[0-9a-f]{32}", accepted["room"])
    assert c1.wait_for("queue_call")["room"] == accepted["room"]
    assert ra.wait_for("queue_call")["room"] == accepted["room"]
    state = c1.ask("live_follow_booth", {"booth": booth})["state"]
    assert state["me"]["status"] == "in_call" and state["me"]["room"] == accepted["room"]

    assert ra.ask("queue_done", {"entry": called["entry"]["entry"]})["ok"]
    c1.wait_for("queue_done")
    session.expire_all()
    entry = session.get(QueueEntry, called["entry"]["entry"])
    assert entry.status == QueueStatus.done
    # the same state over HTTP, for a page that reconnects
    http = requests.get(f"{people_url(ra)}/live/booths/{booth}/state", headers={"Cookie": people.cookies["c2"]},
                        timeout=10).json()
    assert http["me"]["position"] == 1 and http["waiting"] == 1


def people_url(client: LiveClient) -> str:
    return client.base_url


def test_a_recruiter_cannot_follow_nor_call_the_queue_of_another_company(people, session):
    w = people.world
    c1, rb = people.client("c1"), people.client("rb")
    assert c1.ask("queue_join", {"booth": w.booth_a.id})["ok"]
    assert rb.ask("staff_follow_booth", {"booth": w.booth_a.id})["code"] == "not_found"
    assert rb.ask("queue_call_next", {"booth": w.booth_a.id})["code"] == "not_found"
    assert rb.ask("staff_available", {"booth": w.booth_a.id, "available": True})["code"] == "not_found"
    entry = session.execute(select(QueueEntry).where(QueueEntry.booth_id == w.booth_a.id)).scalar_one()
    assert rb.ask("queue_done", {"entry": entry.id})["code"] == "not_found"
    assert rb.ask("dashboard_follow", {"edition": w.edition.id})["code"] == "not_found"
    assert rb.ask("live_announce", {"edition": w.edition.id, "text": "Hello"})["code"] == "not_found"
    assert rb.ask("queue_join", {"booth": w.booth_a.id})["code"] == "not_candidate"
    # another change at booth A never reaches recruiter B: they are in no room of it
    c2 = people.client("c2")
    assert c2.ask("queue_join", {"booth": w.booth_a.id})["ok"]
    assert c2.ask("queue_leave", {"booth": w.booth_a.id})["ok"]
    session.expire_all()
    assert session.get(QueueEntry, entry.id).status == QueueStatus.waiting
    assert rb.received("staff_queue") == []


def test_oversized_and_flooding_messages_are_refused_with_a_reason(people, session):
    w = people.world
    c1 = people.client("c1")
    big = c1.ask("queue_join", {"booth": w.booth_a.id, "note": "x" * 500})
    assert big["code"] == "too_large" and big["error"] == "Ce message est trop long."
    assert session.execute(select(QueueEntry)).first() is None
    # 20 joins a minute (a fixed window): 61 attempts overflow one window whatever the clock says
    limited = None
    for attempt in range(61):
        answer = c1.ask("queue_leave" if attempt % 2 else "queue_join", {"booth": w.booth_a.id})
        if answer.get("code") == "rate_limited":
            limited = answer
            break
        assert answer["ok"], answer
    assert limited is not None and attempt >= 20
    assert limited["error"] == "Vous envoyez trop de messages. Patientez un instant."


def _log_out(people, server) -> None:
    http = requests.Session()
    http.headers["Cookie"] = people.cookies["c1"]
    page = http.get(f"{server.url}/account", timeout=10)
    token = token_in(page.text)
    # the CSRF token is bound to the session the server sent back with the page
    cookie = page.cookies.get("session") or people.cookies["c1"].split("=", 1)[1]
    http.headers["Cookie"] = f"session={cookie}"
    response = http.post(f"{server.url}/logout", data={"csrf_token": token}, allow_redirects=False, timeout=10)
    assert response.status_code == 302


def test_logging_out_closes_the_sockets_of_that_session(people, server):
    c1 = people.client("c1")
    _log_out(people, server)
    assert c1.disconnected.wait(15)
    assert not c1.connected


def test_after_redis_lost_its_data_the_node_says_again_which_sockets_it_holds(people, server, valkey):
    """Valkey restarted empty: the node's next beat records its sockets again, so logging out still
    closes them (and another node would not take them for a dead node's)."""
    from fair.redis_conn import redis_for

    c1 = people.client("c1")
    redis = redis_for(valkey.url)
    user_sids = f"fair:sockets:user:{people.world.candidates[0].id}"
    assert redis.exists(user_sids)
    redis.flushdb()
    deadline = time.monotonic() + 15
    while not redis.exists(user_sids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert redis.exists(user_sids), "the node did not record its sockets again"
    _log_out(people, server)
    assert c1.disconnected.wait(15)


def test_a_recruiter_whose_last_socket_closes_is_no_longer_available(people):
    w = people.world
    watcher = people.client("c1")
    assert watcher.ask("live_follow_booth", {"booth": w.booth_a.id})["ok"]
    first, second = people.client("ra"), people.client("ra")
    assert first.ask("staff_available", {"booth": w.booth_a.id, "available": True})["ok"]
    assert second.ask("staff_available", {"booth": w.booth_a.id, "available": True})["ok"]
    watcher.wait_for("booth_presence", lambda d: d["recruiters"] == 1)
    first.close()
    assert watcher.ask("live_follow_booth", {"booth": w.booth_a.id})["state"]["recruiters"] == 1  # two tabs, one left
    watcher.clear()
    second.close()
    watcher.wait_for("booth_presence", lambda d: d["booth"] == w.booth_a.id and d["recruiters"] == 0)


def test_the_fair_page_gets_the_changes_of_the_fair_in_batches_and_a_booth_page_each_change(people):
    """A busy fair sends its page one message a second with the latest figures of each booth changed,
    not one per change; a booth's own page still gets every change of that booth at once."""
    import threading

    w = people.world
    fair_page, booth_page = people.client("ra"), people.client("rb")
    assert fair_page.ask("live_follow_edition", {"edition": w.edition.id})["ok"]
    assert booth_page.ask("live_follow_booth", {"booth": w.booth_a.id})["ok"]
    candidates = [people.client(name) for name in ("c1", "c2", "c3")]

    def join_both(client: LiveClient) -> None:
        for booth in (w.booth_a.id, w.booth_b.id):
            assert client.ask("queue_join", {"booth": booth})["ok"]

    threads = [threading.Thread(target=join_both, args=(client,)) for client in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # the booth page saw the three arrivals at its booth, one message each
    booth_page.wait_for("booth_presence", lambda d: d["booth"] == w.booth_a.id and d["waiting"] == 3)
    assert sorted(d["waiting"] for d in booth_page.received("booth_presence")) == [1, 2, 3]
    assert fair_page.received("booth_presence") == []
    # the fair page ends with three people waiting at each booth, in fewer messages than the six changes
    shown: dict[int, dict] = {}

    def both_full(batch: dict) -> bool:
        for row in batch["booths"]:
            if row["seq"] >= shown.get(row["booth"], {"seq": -1})["seq"]:
                shown[row["booth"]] = row
        return all(shown.get(b, {}).get("waiting") == 3 for b in (w.booth_a.id, w.booth_b.id))

    fair_page.wait_for("edition_presence", lambda d: any(both_full(batch) for batch in fair_page.received(
        "edition_presence")))
    batches = fair_page.received("edition_presence")
    assert all(batch["edition"] == w.edition.id for batch in batches)
    assert all(len({row["booth"] for row in batch["booths"]}) == len(batch["booths"]) for batch in batches)
    assert len(batches) < 6, batches


def test_announcements_reach_the_fair_or_one_booth(people):
    w = people.world
    org, fair_page, booth_b_page = people.client("org"), people.client("c1"), people.client("c2")
    assert fair_page.ask("live_follow_edition", {"edition": w.edition.id})["ok"]
    assert booth_b_page.ask("live_follow_booth", {"booth": w.booth_b.id})["ok"]
    assert org.ask("live_announce", {"edition": w.edition.id, "booth": None, "text": ""})["code"] == "empty"
    assert org.ask("live_announce", {"edition": w.edition.id, "booth": None, "text": "Le salon ouvre !"})["ok"]
    assert org.ask("live_announce", {"edition": w.edition.id, "booth": w.booth_a.id, "text": "Stand A en pause"})["ok"]
    assert fair_page.wait_for("announcement")["text"] == "Le salon ouvre !"
    # booth B's page is in booth B's room only: it gets the next arrival's snapshot, not booth A's news
    later = booth_b_page.ask("live_follow_booth", {"booth": w.booth_b.id})["state"]["announcements"]
    assert [a["text"] for a in later] == ["Le salon ouvre !"]
    assert [a["text"] for a in booth_b_page.received("announcement")] == []
    state = org.ask("dashboard_follow", {"edition": w.edition.id})["state"]
    assert state["connected"] >= 2 and len(state["booths"]) == 2


def test_the_dashboard_counts_people_not_their_tabs(people):
    w = people.world
    org = people.client("org")
    first_tab, second_tab, other = people.client("c1"), people.client("c1"), people.client("c2")
    assert first_tab.ask("live_follow_edition", {"edition": w.edition.id})["ok"]
    assert second_tab.ask("live_follow_booth", {"booth": w.booth_a.id})["ok"]
    assert second_tab.ask("live_follow_edition", {"edition": w.edition.id})["ok"]  # followed twice: still one
    assert other.ask("live_follow_booth", {"booth": w.booth_b.id})["ok"]

    def connected() -> int:
        return org.ask("dashboard_follow", {"edition": w.edition.id})["state"]["connected"]

    assert connected() == 2
    first_tab.close()
    assert connected() == 2  # the same person is still there in another tab
    second_tab.close()
    deadline = time.monotonic() + 10  # a close reaches the server a moment later
    while connected() != 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert connected() == 1


def test_a_queue_change_through_one_process_reaches_a_client_of_another(app, people, valkey, tmp_path):
    """Two web processes share the database and the Valkey message queue, as two nodes would."""
    from flask import current_app

    w = people.world
    with WebProcess(current_app.config["DATABASE_URL"], valkey.url, log_path=tmp_path / "second.log") as second:
        recruiter = LiveClient(second.url, people.cookies["ra"]).connect()
        candidate_elsewhere = LiveClient(second.url, people.cookies["c2"]).connect()
        try:
            assert recruiter.ask("staff_follow_booth", {"booth": w.booth_a.id})["ok"]
            assert candidate_elsewhere.ask("queue_join", {"booth": w.booth_a.id})["position"] == 1
            first_node = people.client("c1")
            assert first_node.ask("queue_join", {"booth": w.booth_a.id})["position"] == 2
            recruiter.wait_for("staff_queue", lambda d: len(d["queue"]) == 2)
            # called on the second node, the candidate of the first node moves up
            assert recruiter.ask("queue_call_next", {"booth": w.booth_a.id})["ok"]
            first_node.wait_for("queue_position", lambda d: d["position"] == 1)
            candidate_elsewhere.wait_for("queue_turn")
        finally:
            close_all([recruiter, candidate_elsewhere])


def test_a_recruiters_desk_on_another_node_gets_the_queue_a_candidate_joins_here(app, live_world, server, valkey,
                                                                                 database_url, tmp_path):
    """The desk's queue is built only while someone follows it, and that count lives in Redis: a change
    handled by one node still reaches the desk open on another node."""
    w = live_world
    booth = w.booth_a.id
    with WebProcess(database_url, valkey.url, log_path=tmp_path / "second.log") as second:
        desk = LiveClient(second.url, session_cookie(app, w.recruiter_a)).connect()
        candidate = LiveClient(server.url, session_cookie(app, w.candidates[0])).connect()
        try:
            assert desk.ask("staff_follow_booth", {"booth": booth})["state"]["queue"] == []
            assert candidate.ask("queue_join", {"booth": booth})["position"] == 1
            queue = desk.wait_for("staff_queue", lambda d: len(d["queue"]) == 1)
            assert queue["queue"][0]["label"] == "Candidate 1" and queue["queue"][0]["position"] == 1
            desk.close()
            desk.disconnected.wait(10)
            # nobody follows the desk any more: the next change still reaches the booth's followers
            assert candidate.ask("live_follow_booth", {"booth": booth})["ok"]
            assert candidate.ask("queue_leave", {"booth": booth})["ok"]
            candidate.wait_for("booth_presence", lambda d: d["booth"] == booth and d["waiting"] == 0)
        finally:
            close_all([desk, candidate])
