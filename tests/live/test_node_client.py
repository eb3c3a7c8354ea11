"""The official socket.io-client (npm, run in Node as a page would run it) against a real server
process: a candidate's client follows a booth and sees the queue move when people join and leave
through python-socketio clients; a client without a session is refused. On SQLite and PostgreSQL."""
from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.live.server import LiveClient, WebProcess, database_url, db_kind, session_cookie, web_process  # noqa: F401 (fixtures)

NODE_DIR = Path(__file__).resolve().parents[1] / "node"


@pytest.fixture(scope="module")
def server(request, db_kind, valkey, tmp_path_factory) -> Iterator[WebProcess]:
    with web_process(request, db_kind, valkey, tmp_path_factory, "node-log") as web:
        yield web


class NodeClient:
    """tests/node/live_client.mjs in a Node process; `lines` gets each JSON line it prints."""

    def __init__(self, **options: Any) -> None:
        self.proc = subprocess.Popen(["node", "live_client.mjs", json.dumps(options)], cwd=NODE_DIR,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.printed: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def next(self, timeout: float = 20) -> dict[str, Any]:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the Node client printed nothing more after {self.printed}; "
                                 f"stderr: {self.stderr()}") from None
        self.printed.append(line)
        return line

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read()

    def finish(self, timeout: float = 20) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self.stop()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def node_clients() -> Iterator[list[NodeClient]]:
    started: list[NodeClient] = []
    yield started
    for client in started:
        client.stop()


def test_a_node_client_following_a_booth_sees_people_join_and_leave_its_queue(app, live_world, server,
                                                                                node_clients):
    booth = live_world.booth_a.id
    watcher = NodeClient(url=server.url, cookie=session_cookie(app, live_world.candidates[0]), booth=booth,
                         presences=2)
    node_clients.append(watcher)
    assert watcher.next()["event"] == "connect"
    follow = watcher.next()
    assert follow["event"] == "follow" and follow["ack"]["ok"] is True
    state = follow["ack"]["state"]
    assert state["booth"] == booth and state["waiting"] == 0 and state["open"] is True
    assert state["me"]["position"] is None  # the watcher is not in the queue

    with LiveClient(server.url, session_cookie(app, live_world.candidates[1])) as walker:
        joined = walker.ask("queue_join", {"booth": booth})
        assert joined["ok"] is True and joined["position"] == 1
        first = watcher.next()
        assert first["event"] == "booth_presence"
        assert first["data"]["booth"] == booth and first["data"]["waiting"] == 1
        assert first["data"]["seq"] > state["seq"]

        assert walker.ask("queue_leave", {"booth": booth})["ok"] is True
        second = watcher.next()
        assert second["event"] == "booth_presence"
        assert second["data"]["waiting"] == 0 and second["data"]["seq"] > first["data"]["seq"]
    assert watcher.finish() == 0


def test_a_node_client_without_a_session_is_refused(app, live_world, server, node_clients):
    stranger = NodeClient(url=server.url, booth=live_world.booth_a.id, presences=1)
    node_clients.append(stranger)
    refused = stranger.next()
    assert refused["event"] == "connect_error"
    assert stranger.finish() == 0
    assert [line["event"] for line in stranger.printed] == ["connect_error"]  # it never followed the booth
