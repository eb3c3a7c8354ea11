"""The webhook tests' receiver: an HTTP server on loopback, started once per session, that checks the
signature of every message with the secret(s) the test gave it, answers as its script says (a status,
or no answer until the sender's timeout) and records what it got.

The check is the one docs/webhooks.md shows receivers, written here again on purpose: it must not
share code with the sender. These tests do not depend on the database: they run on SQLite.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Receivers' check, as docs/webhooks.md shows it (Standard Webhooks)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['Webhook-Id']}.{headers['Webhook-Timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, part.removeprefix("v1,"))
               for part in headers["Webhook-Signature"].split())


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    valid_with: list[str] = field(default_factory=list)  # the secrets that verify it

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


class Receiver:
    """POST /<name>: each name has a script of answers played in order (the last one repeats):
    a status code, or "hang" (no answer until the sender gave up)."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[Any]] = {}
        self.secrets: dict[str, list[str]] = {}
        self.received: list[Received] = []
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                name = self.path.strip("/")
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {key: self.headers[key] for key in ("Webhook-Id", "Webhook-Timestamp", "Webhook-Signature",
                                                              "Content-Type")}
                got = Received(self.path, headers, body,
                               [s for s in receiver.secrets.get(name, []) if verify(s, headers, body)])
                receiver.received.append(got)
                script = receiver.scripts.get(name, [204])
                answer = script.pop(0) if len(script) > 1 else script[0]
                if answer == "hang":
                    receiver.release.wait(5)
                    return
                reply = f"answer {answer}".encode()
                self.send_response(answer)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def at(self, name: str) -> list[Received]:
        return [got for got in self.received if got.path == f"/{name}"]

    def reset(self) -> None:
        self.scripts.clear()
        self.secrets.clear()
        self.received.clear()
        self.release.clear()


@pytest.fixture(scope="session")
def webhook_server() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.release.set()
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def receiver(webhook_server) -> Iterator[Receiver]:
    webhook_server.reset()
    yield webhook_server
    webhook_server.release.set()


@pytest.fixture
def database_url(sqlite_url) -> str:
    return sqlite_url


@pytest.fixture
def app_config(app_config) -> dict[str, Any]:
    return {**app_config, "WEBHOOKS_ALLOW_LOCAL": True, "WEBHOOKS_TIMEOUT_SECONDS": 0.5}
