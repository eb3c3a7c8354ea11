"""Two gunicorn nodes behind Debian's nginx (config from deploy/nginx/fair.conf), sharing PostgreSQL
and Valkey: sticky sessions, WebSocket upgrade, a queue change crossing nodes, a PostgreSQL restart
and a node killed under its socket clients. One cluster for the whole module (see cluster.py)."""
from __future__ import annotations

import re
import threading
import time

import pytest
import requests

from fair.ops.nginx import binary as nginx_binary
from tests.ops.cluster import Cluster, http, socket_client, wait_for_event, wait_until

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (make nginx)")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = Cluster(tmp_path_factory.mktemp("cluster-nodes"), nodes=2, workers=1, with_nginx=True).start()
    try:
        running.world = running.seed(candidates=4)
        running.start_nodes()
        running.start_nginx()
        running.start_worker()
        running.node_cookie = _cookies_per_node(running)
        yield running
    finally:
        running.stop()


def _cookies_per_node(cluster: Cluster) -> dict[int, str]:
    """A `fair_node` cookie value that nginx's hash sends to each node (what a browser is given)."""
    found: dict[int, str] = {}
    for n in range(200):
        value = f"visitor-{n}"
        answer = requests.get(f"{cluster.base_url}/healthz", cookies={"fair_node": value}, timeout=5)
        port = int(answer.headers["X-Upstream"].rsplit(":", 1)[1])
        found.setdefault(cluster.node_ports.index(port), value)
        if len(found) == cluster.nodes:
            return found
    raise AssertionError("nginx sent every visitor to the same node")


def test_nginx_gives_a_sticky_cookie_forwards_request_ids_and_hides_metrics(cluster):
    first = requests.get(f"{cluster.base_url}/healthz", timeout=5)
    assert first.status_code == 200
    sticky = first.cookies.get("fair_node")
    assert sticky, "nginx did not give the visitor a fair_node cookie"
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-ID"])  # nginx's $request_id, echoed
    upstreams = {requests.get(f"{cluster.base_url}/healthz", cookies={"fair_node": sticky}, timeout=5)
                 .headers["X-Upstream"] for _ in range(6)}
    assert len(upstreams) == 1, "one visitor's requests went to several nodes"
    assert requests.get(f"{cluster.base_url}/metrics", timeout=5).status_code == 404
    assert requests.get(f"{cluster.node_url(0)}/metrics", timeout=5).status_code == 200  # loopback scrape


def test_sockets_upgrade_through_nginx_and_the_origin_check_sees_the_public_address(cluster):
    import socketio

    candidate = cluster.world.candidates[3]
    # websocket-client sends the page's own origin (http://<nginx address>), as a browser would.
    own = socketio.Client(reconnection=False)
    own.connect(cluster.base_url, headers={"Cookie": f"session={candidate.cookie}"},
                transports=["websocket"], wait_timeout=10)
    try:
        assert own.transport() == "websocket"
        answer = own.call("live_follow_edition", {"edition": cluster.world.edition}, timeout=10)
        assert answer["ok"] is True
    finally:
        own.disconnect()
    foreign = socketio.Client(reconnection=False, websocket_extra_options={"suppress_origin": True})
    with pytest.raises(socketio.exceptions.ConnectionError):
        foreign.connect(cluster.base_url, headers={"Cookie": f"session={candidate.cookie}",
                                                   "Origin": "https://evil.example.com"},
                        transports=["websocket"], wait_timeout=5)


def test_a_candidate_on_node_a_sees_the_queue_change_a_recruiter_makes_on_node_b(cluster):
    world = cluster.world
    first, second = world.candidates[0], world.candidates[1]
    on_a = [socket_client(cluster.base_url, c.cookie, cluster.node_cookie[0]) for c in (first, second)]
    recruiter = socket_client(cluster.base_url, world.recruiter.cookie, cluster.node_cookie[1])
    try:
        for client in on_a:
            assert client.call("live_follow_booth", {"booth": world.booth}, timeout=10)["ok"] is True
            joined = client.call("queue_join", {"booth": world.booth}, timeout=10)
            assert joined["ok"] is True, joined
        assert on_a[1].call("live_follow_booth", {"booth": world.booth}, timeout=10)["state"]["me"]["position"] == 2
        assert recruiter.call("staff_follow_booth", {"booth": world.booth}, timeout=10)["ok"] is True
        mark = len(on_a[1].received)
        called = recruiter.call("queue_call_next", {"booth": world.booth}, timeout=10)
        assert called["ok"] is True, called
        moved = wait_for_event(on_a[1], "queue_position", lambda d: d["booth"] == world.booth, start=mark)
        assert moved["position"] == 1
        wait_for_event(on_a[0], "queue_turn", lambda d: d["booth"] == world.booth)
    finally:
        for client in [*on_a, recruiter]:
            client.disconnect()


def test_a_postgresql_restart_gives_a_retry_later_page_then_pages_work_again(cluster):
    browser = http(cluster.world.candidates[2].cookie, cluster.node_cookie[0])
    assert browser.get(f"{cluster.base_url}/", timeout=10).status_code == 200
    answers: list[requests.Response] = []
    stop = threading.Event()

    def keep_loading() -> None:
        own = http(cluster.world.candidates[2].cookie, cluster.node_cookie[0])
        while not stop.is_set():
            try:
                answers.append(own.get(f"{cluster.base_url}/", timeout=15))
            except requests.RequestException as exc:  # a dropped connection would be a failure too
                answers.append(exc)  # type: ignore[arg-type]
            time.sleep(0.01)

    # Several pages at once, as on a fair day: some are mid-request when the server stops, and one
    # whose page was made before its connection died must still answer it.
    loaders = [threading.Thread(target=keep_loading) for _ in range(8)]
    for loader in loaders:
        loader.start()
    try:
        time.sleep(0.5)
        cluster.pg._run("pg_ctl", "-D", str(cluster.pg.data), "-m", "immediate", "-w", "stop")
        wait_until(lambda: any(getattr(a, "status_code", 0) == 503 for a in answers), 20, "a 503 while down")
        options = (f"-p {cluster.pg.port} -k {cluster.pg.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=300")
        cluster.pg._run("pg_ctl", "-D", str(cluster.pg.data), "-o", options, "-l", str(cluster.pg.base / "log"),
                        "-w", "start")
        restarted = len(answers)
        wait_until(lambda: any(getattr(a, "status_code", 0) == 200 for a in answers[restarted:]), 30,
                   "pages answer again")
    finally:
        stop.set()
        for loader in loaders:
            loader.join(30)
    statuses = [getattr(a, "status_code", repr(a)) for a in answers]
    assert set(statuses) <= {200, 503}, [s for s in statuses if s not in (200, 503)]
    unavailable = next(a for a in answers if a.status_code == 503)
    assert unavailable.headers["Retry-After"] == "10"
    assert "Service momentanément indisponible" in unavailable.text
    assert browser.get(f"{cluster.base_url}/candidate/", timeout=10).status_code == 200  # signed in, as before


def test_a_killed_node_s_socket_clients_reconnect_to_the_other_node_and_get_the_current_state(cluster):
    world = cluster.world
    candidate = world.candidates[2]
    client = socket_client(cluster.base_url, candidate.cookie, cluster.node_cookie[0])
    states: list[dict] = []
    follow = lambda: states.append(client.call("live_follow_booth", {"booth": world.booth}, timeout=10))  # noqa: E731
    client.on("connect", lambda: threading.Thread(target=follow).start())
    recruiter = socket_client(cluster.base_url, world.recruiter.cookie, cluster.node_cookie[1])
    # The recruiter's desk is open on node A: the booth shows them available.
    desk_on_a = socket_client(cluster.base_url, world.recruiter.cookie, cluster.node_cookie[0])
    try:
        assert desk_on_a.call("staff_follow_booth", {"booth": world.booth}, timeout=10)["ok"] is True
        assert desk_on_a.call("staff_available", {"booth": world.booth, "available": True}, timeout=10)["ok"] is True
        follow()
        before = states[-1]["state"]
        assert before["me"]["position"] is None
        assert before["recruiters"] == 1
        cluster.kill_node(0)
        wait_until(lambda: len(states) >= 2 and states[-1].get("ok"), 30, "re-followed after reconnecting")
        assert client.connected
        # Node A stops beating (every 3 s here): node B forgets its sockets, so the desk that was
        # there no longer counts.
        # Asked once a second, as a page that reloads would (the event's rate limit is 60 a minute).
        wait_until(lambda: client.call("live_follow_booth", {"booth": world.booth},
                                       timeout=10)["state"]["recruiters"] == 0,
                   30, "the dead node's recruiter no longer counted", every=1.0)
        # The candidate joins from the node that took them in; the recruiter sees them on their node.
        joined = client.call("queue_join", {"booth": world.booth}, timeout=10)
        assert joined["ok"] is True, joined
        staff = recruiter.call("staff_follow_booth", {"booth": world.booth}, timeout=10)
        assert joined["position"] in [e["position"] for e in staff["state"]["queue"] if e["status"] == "waiting"]
        current = client.call("live_follow_booth", {"booth": world.booth}, timeout=10)["state"]
        assert current["me"]["status"] == "waiting"
        assert current["seq"] > before["seq"]
    finally:
        client.disconnect()
        recruiter.disconnect()
        desk_on_a.disconnect()
