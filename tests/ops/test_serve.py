"""`make serve` (python -m fair.ops.serve): refuses to start without its servers, and otherwise runs a
gunicorn node, a worker and the scheduler, which all stop with it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import requests

from tests.ops.cluster import ROOT, descendants, running, wait_until
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


def test_serve_runs_a_node_a_worker_and_the_scheduler_and_stops_them_all(postgres, valkey, smtp, tmp_path):
    database_url = postgres.create_database(f"fair_serve_{os.getpid()}")
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # a pipe nobody reads would stop the children once full
    proc = subprocess.Popen([sys.executable, "-m", "fair.ops.serve"], cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT, env=_env(
                                DATABASE_URL=database_url, REDIS_URL=valkey.url, MAIL_URL=smtp.url,
                                FAIR_ENV="production", SECRET_KEY="serve-test", PORT=str(port),
                                FAIR_INSTANCE_PATH=str(tmp_path)))
    try:
        wait_until(lambda: _ready(port), 90, "the node is ready")
        children = descendants(proc.pid)
        commands = list(children.values())
        assert any("gunicorn" in c for c in commands)
        assert any("workers worker" in c for c in commands)
        assert any("workers scheduler" in c for c in commands)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
        wait_until(lambda: not any(running(pid) for pid in children), 15,
                   "every child stopped")
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

