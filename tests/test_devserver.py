"""`make run` (python -m fair.devserver) as a newcomer runs it: a real process tree, real signals.

Each test starts the orchestrator with nothing configured (no DATABASE_URL, REDIS_URL, MAIL_URL) on a
scratch instance directory and a free port, and checks that no process it started outlives it.
"""
from __future__ import annotations

import datetime as dt
import html
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from fair.config import PROJECT_ROOT
from fair.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TITLE
from fair.embedded import read_url
from tests.conftest import token_in
from tests.servers import free_port, process_tree, still_running, wait_until

STARTUP_TIMEOUT = 120

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")


# ---------------------------------------------------------------- the process tree, read from /proc

def wait_gone(tree: dict[int, tuple[str, str]], timeout: float = 20) -> list[str]:
    """The processes of `tree` still running after waiting up to `timeout` seconds for them to end."""
    try:
        wait_until(lambda: not still_running(tree), timeout, "the processes end", every=0.1)
    except AssertionError:
        pass
    return still_running(tree)


# ---------------------------------------------------------------- running the orchestrator

class DevServer:
    def __init__(self, instance: Path, port: int) -> None:
        env = {k: v for k, v in os.environ.items()
               if k not in {"DATABASE_URL", "REDIS_URL", "MAIL_URL", "BASE_URL", "FAIR_ENV", "SECRET_KEY", "HOST"}}
        env.update({"FAIR_INSTANCE_PATH": str(instance), "PORT": str(port), "PYTHONUNBUFFERED": "1"})
        self.instance = instance
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.lines: list[str] = []
        self.seen: dict[int, tuple[str, str]] = {}  # every descendant ever observed, for the clean-up
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fair.devserver"], cwd=PROJECT_ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_banner(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if f"Open:             {self.url}" in self.output:
                self.seen.update(process_tree(self.process.pid))
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"no URL printed; output so far:\n{self.output}")

    def tree(self) -> dict[int, tuple[str, str]]:
        """Children and grandchildren, once the worker has forked RQ's scheduler."""
        deadline = time.monotonic() + 20
        tree = process_tree(self.process.pid)
        while time.monotonic() < deadline and not any("workers worker" in c for _, c in tree.values()):
            time.sleep(0.1)
            tree = process_tree(self.process.pid)
        self.seen.update(tree)
        return tree

    def wait(self, timeout: float = 60) -> int:
        try:
            code = self.process.wait(timeout)
        finally:
            self._reader.join(5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def start(tmp_path):
    started: list[DevServer] = []

    def _start(instance: Path | None = None, port: int | None = None) -> DevServer:
        server = DevServer(instance or tmp_path / "instance", port or free_port())
        started.append(server)
        server.wait_for_banner()
        return server

    yield _start
    for server in started:  # a failed test must not leave its servers behind
        server.seen.update(process_tree(server.process.pid))
        server.kill()
        for line in still_running(server.seen):
            try:
                os.kill(int(line.split()[0]), signal.SIGKILL)
            except ProcessLookupError:
                pass


# ---------------------------------------------------------------- tests

def test_make_run_serves_the_demo_runs_jobs_and_stops_everything_on_ctrl_c(start):
    server = start()
    out = server.output
    assert f"{server.url}dev/mail/" in out
    assert DEMO_PASSWORD in out and all(email in out for _, email, _ in DEMO_LOGINS)
    tree = server.tree()
    commands = " | ".join(c for _, c in tree.values())
    assert "valkey-server" in commands and "wsgi.py" in commands and "workers worker" in commands

    home = requests.get(server.url, timeout=10)
    assert home.status_code == 200
    assert DEMO_TITLE in html.unescape(home.text)

    # A visitor registers: the web server queues the confirmation mail, the worker sends it to the viewer.
    browser = requests.Session()
    form = browser.get(f"{server.url}register", timeout=10).text
    registered = browser.post(f"{server.url}register", timeout=10, data={
        "csrf_token": token_in(form), "full_name": "Visiteuse Test", "email": "visiteuse@example.org",
        "phone": "", "password": "une phrase de passe assez longue",
        "confirm_password": "une phrase de passe assez longue",
        "locale": "fr",
    })
    assert registered.status_code == 200 and registered.url.endswith("/register/sent")  # accepted: check the mailbox

    def mail_link():
        box = requests.get(f"{server.url}dev/mail/", timeout=10).text
        match = re.search(r'<td class="mail-to">visiteuse@example.org</td>\s*<td><a href="([^"]+)"', box)
        return match and match.group(1)

    link = wait_until(mail_link, 60, "the mail in the viewer", every=0.25)
    message = requests.get(server.url.rstrip("/") + link, timeout=10).text
    confirm = re.search(r'href="(http://127\.0\.0\.1:%d/confirm/[^"]+)"' % server.port, message)
    assert confirm, "the mail's link points at the printed URL (BASE_URL)"
    assert browser.get(html.unescape(confirm.group(1)), timeout=10).status_code == 200
    connection = sqlite3.connect(server.instance / "fair.sqlite3")
    confirmed = connection.execute(
        "SELECT email_confirmed_at FROM users WHERE email = 'visiteuse@example.org'").fetchone()
    connection.close()
    assert confirmed[0] is not None

    server.process.send_signal(signal.SIGINT)
    assert server.wait() == 0
    assert "fair: stopped." in server.output
    assert wait_gone(tree, timeout=5) == []  # the supervisor waited for every child before exiting
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url, timeout=2)


def test_queued_jobs_survive_a_restart_and_a_dead_child_stops_the_rest(start, tmp_path):
    from redis import Redis
    from rq import Queue

    instance = tmp_path / "instance"
    first = start(instance)
    assert "demo fair loaded" in first.output
    connection = sqlite3.connect(instance / "fair.sqlite3")
    (candidate_id,) = connection.execute("SELECT id FROM users WHERE email = 'candidat@demo.fair'").fetchone()
    connection.close()
    with Redis.from_url(read_url(instance / "valkey")) as redis:
        job = Queue("mail", connection=redis).enqueue_in(
            dt.timedelta(hours=1), "fair.accounts.jobs.send_password_reset", candidate_id)
    tree = first.tree()

    first.process.send_signal(signal.SIGTERM)
    assert first.wait() == 0
    assert wait_gone(tree, timeout=5) == []

    second = start(instance)
    assert "demo fair loaded" not in second.output  # only on the first start
    with Redis.from_url(read_url(instance / "valkey")) as redis:
        assert job.id in Queue("mail", connection=redis).scheduled_job_registry.get_job_ids()

    tree = second.tree()
    worker = next(pid for pid, (_, cmd) in tree.items() if "workers worker" in cmd)
    os.kill(worker, signal.SIGKILL)
    assert second.wait() != 0
    assert "the worker stopped unexpectedly" in second.output
    assert wait_gone(tree, timeout=5) == []


def test_children_do_not_outlive_a_killed_supervisor(start):
    server = start()
    tree = server.tree()
    server.process.kill()  # SIGKILL: no chance to clean up; Linux tells each child its parent died
    server.process.wait()
    assert wait_gone(tree, timeout=30) == []
