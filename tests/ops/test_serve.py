"""`make serve` (python -m fair.ops.serve): refuses to start without its servers, and otherwise runs a
web process per core behind nginx, a worker and the scheduler, which all stop with it. With two web
processes on one host, what a visitor sees does not depend on which one holds their socket: every
update of a booth reaches every follower once, and the followers of a process that dies come back
through nginx with the booth's current state. One `make serve` (on the servers of tests/ops/cluster.py)
for the module."""
from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from fair.ops.nginx import binary as nginx_binary
from fair.ops.serve import CRASH_SECONDS
from tests.live.server import node_figures
from tests.ops.cluster import ROOT, Cluster, descendants, running, socket_client, wait_until
from tests.servers import free_port


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "MAIL_URL"}}
    env.update(values)
    return env


def test_serve_names_the_settings_it_needs():
    done = subprocess.run([sys.executable, "-m", "fair.ops.serve"], cwd=ROOT, env=_env(REDIS_URL="redis://x"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "DATABASE_URL, MAIL_URL are not set" in done.stdout


def test_with_one_web_process_serve_runs_no_nginx_and_stops_everything(postgres, valkey, smtp, tmp_path):
    database_url = postgres.create_database(f"fair_serve_{os.getpid()}")
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # a pipe nobody reads would stop the children once full
    proc = subprocess.Popen([sys.executable, "-m", "fair.ops.serve"], cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT, env=_env(
                                DATABASE_URL=database_url, REDIS_URL=valkey.url, MAIL_URL=smtp.url,
                                FAIR_ENV="production", SECRET_KEY="serve-test", PORT=str(port),
                                FAIR_INSTANCE_PATH=str(tmp_path), WEB_PROCESSES="1"))
    try:
        wait_until(lambda: _ready(port), 90, "the node is ready")
        children = descendants(proc.pid)
        commands = list(children.values())
        assert sum(1 for c in commands if "gunicorn" in c) == 2  # one arbiter and its worker
        assert not any("nginx" in c for c in commands)
        assert any("workers worker" in c for c in commands)
        assert any("workers scheduler" in c for c in commands)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
        wait_until(lambda: not any(running(pid) for pid in children), 15, "every child stopped")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        log.close()


def _ready(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


# ---------------------------------------------------------------- two web processes behind nginx

needs_nginx = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (make nginx)")


class Served:
    """`make serve` with WEB_PROCESSES=2 on the cluster's PostgreSQL, Valkey and SMTP sink."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        first = free_port()
        while not _free(first + 1):
            first = free_port()
        self.node_ports = [first, first + 1]
        self.log = open(cluster.workdir / "serve.log", "wb")
        env = cluster.env(PORT=str(cluster.nginx_port), WEB_PROCESSES="2", WEB_FIRST_PORT=str(first),
                          TRUSTED_PROXIES="0", FAIR_INSTANCE_PATH=str(cluster.workdir / "serve-instance"))
        self.proc = subprocess.Popen([sys.executable, "-m", "fair.ops.serve"], cwd=ROOT, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.started = time.monotonic()

    def output(self) -> str:
        return (self.cluster.workdir / "serve.log").read_text()

    def arbiter(self, index: int) -> int:
        """The gunicorn arbiter of node `index` (a child of serve, with its PORT in its environment)."""
        for pid in descendants(self.proc.pid):
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"gunicorn" in cmdline and f"PORT={self.node_ports[index]}".encode() in environ \
                    and _parent(pid) == self.proc.pid:
                return pid
        raise AssertionError(f"no web node on port {self.node_ports[index]}")

    def metrics(self, index: int) -> dict[str, float]:
        """Node `index`'s /metrics, read on loopback as Prometheus does."""
        return node_figures(f"http://127.0.0.1:{self.node_ports[index]}", timeout=10)

    def sockets(self, index: int) -> int:
        """Sockets held by node `index`."""
        return int(self.metrics(index)["fair_socket_connections"])

    def healthz_count(self, index: int) -> float:
        """Requests to /healthz node `index` answered so far (its own request counter)."""
        return sum(value for sample, value in self.metrics(index).items()
                   if sample.startswith("fair_http_requests_total{") and "healthz" in sample)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (make nginx)")
    cluster = Cluster(tmp_path_factory.mktemp("serve"), nodes=0, workers=0, with_nginx=True).start()
    running_serve = None
    try:
        cluster.world = cluster.seed(candidates=10)
        running_serve = Served(cluster)
        wait_until(lambda: _ready(cluster.nginx_port) and all(_ready(p) for p in running_serve.node_ports), 90,
                   "serve answers through nginx and on each node")
        running_serve.started = time.monotonic()  # the nodes were started before this
        yield running_serve
    finally:
        if running_serve is not None:
            running_serve.stop()
        cluster.stop()


def _on_each_node(served: Served, candidates: list, per_node: int = 2) -> dict[int, list]:
    """Candidates' sockets through nginx, `per_node` on each node, each with a sticky cookie of its
    own that nginx's hash sends to that node (found by which node's /healthz count grows)."""
    cookies: dict[int, list[str]] = {0: [], 1: []}
    for n in range(200):
        before = [served.healthz_count(0), served.healthz_count(1)]
        value = f"visitor-{n}"
        requests.get(f"{served.cluster.base_url}/healthz", cookies={"fair_node": value}, timeout=10)
        index = 0 if served.healthz_count(0) > before[0] else 1
        cookies[index].append(value)
        if all(len(found) >= per_node for found in cookies.values()):
            break
    else:
        raise AssertionError("nginx sent every visitor to the same node")
    people = iter(candidates)
    return {index: [socket_client(served.cluster.base_url, next(people).cookie, node=value)
                    for value in found[:per_node]] for index, found in cookies.items()}


@needs_nginx
def test_serve_runs_a_web_process_per_core_behind_nginx_a_worker_and_the_scheduler(served):
    commands = list(descendants(served.proc.pid).values())
    assert sum(1 for c in commands if "gunicorn" in c) >= 4  # two arbiters, a worker each
    assert any(c.startswith(("nginx", "/usr/sbin/nginx")) for c in commands)
    assert any("workers worker" in c for c in commands)
    assert any("workers scheduler" in c for c in commands)
    assert "2 web processes" in served.output()
    page = requests.get(f"{served.cluster.base_url}/", timeout=10)
    assert page.status_code == 200
    assert page.cookies.get("fair_node"), "nginx gave no sticky cookie"
    client = socket_client(served.cluster.base_url, served.cluster.world.candidates[9].cookie)
    try:
        assert client.transport() == "websocket"
        assert client.call("live_follow_edition", {"edition": served.cluster.world.edition}, timeout=10)["ok"]
    finally:
        client.disconnect()


@needs_nginx
def test_every_update_of_a_booth_reaches_every_follower_on_either_process_once(served):
    world = served.cluster.world
    on = _on_each_node(served, world.candidates[:8])
    followers = [*on[0], *on[1]]
    try:
        start = {}
        for client in followers:
            answer = client.call("live_follow_booth", {"booth": world.booth}, timeout=10)
            assert answer["ok"] is True, answer
            start[client] = answer["state"]["seq"]
        # Changes made on either process: a follower of each joins, then leaves the queue.
        actors = [on[0][0], on[1][0], on[0][0], on[1][0]]
        for actor, event in zip(actors, ["queue_join", "queue_join", "queue_leave", "queue_leave"], strict=True):
            done = actor.call(event, {"booth": world.booth}, timeout=10)
            assert done["ok"] is True, (event, done)
        last = max(start.values()) + 4

        def seqs(client) -> list[int]:
            return [data["seq"] for event, data in list(client.received)
                    if event == "booth_presence" and data["booth"] == world.booth and data["seq"] > start[client]]

        wait_until(lambda: all(last in seqs(c) for c in followers), 20, "the last change reached every follower")
        for client in followers:
            got = seqs(client)
            assert sorted(set(got)) == list(range(start[client] + 1, last + 1)), (start[client], got)
            twice = [seq for seq, n in Counter(got).items() if n > 1]
            assert not twice, f"delivered twice: {twice}"
    finally:
        for client in followers:
            client.disconnect()


@needs_nginx
def test_a_killed_web_process_s_followers_come_back_through_nginx_with_the_booth_s_current_state(served):
    world = served.cluster.world
    on = _on_each_node(served, world.candidates[:8], per_node=2)
    states: dict[object, list[dict]] = {client: [] for group in on.values() for client in group}

    def follow(client) -> None:
        try:
            states[client].append(client.call("live_follow_booth", {"booth": world.booth}, timeout=15))
        except Exception as exc:  # recorded: the assertion below names it
            states[client].append({"ok": False, "error": repr(exc)})

    for client in states:
        follow(client)
        # What the page's onConnect does on every (re)connection: ask the current state.
        client.on("connect", lambda c=client: threading.Thread(target=follow, args=(c,)).start())
    victims, survivors = on[0], on[1]
    old_arbiter = served.arbiter(0)
    # serve starts again a node that dies, unless it died right after its start (fair.ops.serve.CRASH_SECONDS).
    time.sleep(max(0.0, served.started + CRASH_SECONDS + 1 - time.monotonic()))
    marks = {client: len(client.received) for client in states}
    try:
        os.killpg(old_arbiter, signal.SIGKILL)  # the node and its worker, at once
        wait_until(lambda: not running(old_arbiter), 10, "node A is gone")
        # A change made while A's followers are away; coming back, they must see it.
        done = survivors[0].call("queue_join", {"booth": world.booth}, timeout=10)
        assert done["ok"] is True, done
        current = survivors[0].call("live_follow_booth", {"booth": world.booth}, timeout=10)["state"]["seq"]
        wait_until(lambda: all(len(states[c]) >= 2 and states[c][-1].get("ok") for c in victims), 45,
                   "the killed process's followers followed their booth again")

        def seq_shown(client) -> int:
            """What the page shows once back: the state it asked for, then the updates that followed."""
            asked = [s["state"]["seq"] for s in states[client][1:] if s.get("ok")]
            pushed = [d["seq"] for e, d in list(client.received)[marks[client]:]
                      if e == "booth_presence" and d["booth"] == world.booth]
            return max(asked + pushed)

        wait_until(lambda: all(seq_shown(c) >= current for c in victims), 20,
                   "the killed process's followers show the change made while they were away")
        for client in victims:
            assert client.connected
        assert all(len(states[c]) == 1 for c in survivors), "the other process's sockets dropped too"
        # serve starts node A again, and it takes sockets again.
        wait_until(lambda: _ready(served.node_ports[0]), 60, "node A started again")
        assert served.arbiter(0) != old_arbiter
        assert "starting it again" in served.output()
        extra: list = []
        tries = itertools.count()

        def one_lands_on_a() -> bool:
            before = served.sockets(0)
            attempt = next(tries)  # a new sticky cookie each time: nginx's hash sends some to each node
            candidate = world.candidates[8 + attempt % 2]
            extra.append(socket_client(served.cluster.base_url, candidate.cookie, node=f"again-{attempt}"))
            if served.sockets(0) > before:
                return True
            extra.pop().disconnect()
            return False

        try:  # nginx tries node A again once its fail_timeout (10 s) is over
            wait_until(one_lands_on_a, 40, "a new socket on the restarted node", every=0.5)
        finally:
            for client in extra:
                client.disconnect()
        assert served.proc.poll() is None
    finally:
        for client in states:
            client.disconnect()


@needs_nginx
def test_ctrl_c_stops_every_web_process_nginx_the_worker_and_the_scheduler(served):
    children = descendants(served.proc.pid)
    assert any("nginx" in c for c in children.values())
    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(60) == 0
    wait_until(lambda: not any(running(pid) for pid in children), 20, "every process serve started stopped")
    assert not _ready(served.cluster.nginx_port)
