import pytest


@pytest.fixture
def database_url(sqlite_url):
    """The SMS channel's outcomes do not depend on the database engine: SQLite only."""
    return sqlite_url


@pytest.fixture
def app_config(app_config, smsc):
    smsc.reset()
    return {**app_config, "SMS_URL": smsc.url()}


@pytest.fixture(autouse=True)
def daytime():
    """Quiet hours hold texts queued between 20:00 and 08:00 in Paris: the tests run at 11:00 UTC of
    today, with a clock that keeps ticking (tests that need another time freeze it themselves)."""
    from fair.clock import set_clock
    from fair.db import utcnow

    real = utcnow()
    offset = real.replace(hour=11, minute=0, second=0, microsecond=0) - real
    set_clock(lambda: utcnow() + offset)
    yield
    set_clock(None)


class FakeBrevo:
    """A local HTTP server answering `POST /v3/transactionalSMS/send` as Brevo's documentation says:
    201 {"messageId": n}, or the scripted error answers of `replies` ((status, JSON body), in turn)."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        fake = self
        self.requests: list[tuple[dict, dict]] = []
        self.replies: list[tuple[int, dict]] = []
        self.next_id = 1000

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                fake.requests.append((dict(self.headers), body))
                if self.path != "/v3/transactionalSMS/send" or self.headers.get("api-key") != "key-123":
                    status, answer = 401, {"code": "unauthorized", "message": "Key not found"}
                elif fake.replies:
                    status, answer = fake.replies.pop(0)
                else:
                    fake.next_id += 1
                    status, answer = 201, {"messageId": fake.next_id}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://key-123@127.0.0.1:{self.server.server_port}/v3/transactionalSMS/send?sender=FAIR"

    def reset(self) -> None:
        self.requests.clear()
        self.replies.clear()


@pytest.fixture(scope="session")
def brevo():
    fake = FakeBrevo()
    yield fake
    fake.server.shutdown()
