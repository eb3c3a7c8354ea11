"""`make serve` (`python -m fair.ops.serve`): one production web node, one worker, the scheduler.

Unlike `make run` nothing is embedded: DATABASE_URL, REDIS_URL and MAIL_URL must point at real
servers (and FAIR_ENV=production needs SECRET_KEY). It migrates the database, then supervises
gunicorn (deploy/gunicorn.conf.py: gevent, one worker), `python -m workers worker` and
`python -m workers scheduler` like `make run` does: Ctrl-C or SIGTERM stops them all (the worker finishes
its job first); if one dies, the others are stopped and the exit status is non-zero.
For several nodes and hosts, use the systemd units and the nginx site under deploy/.
"""
from __future__ import annotations

import os
import signal
import sys
import time
from types import FrameType

from fair.config import PROJECT_ROOT, ConfigError, load_config
from fair.migrate import upgrade
from fair.supervisor import StopRequested, Supervisor, answers, say

REQUIRED = ("DATABASE_URL", "REDIS_URL", "MAIL_URL")


def missing_settings(env: dict[str, str]) -> list[str]:
    return [name for name in REQUIRED if not env.get(name)]


def main() -> int:
    env = dict(os.environ)
    missing = missing_settings(env)
    if missing:
        say("fair serve: " + ", ".join(missing) + (" is" if len(missing) == 1 else " are") +
            " not set. `make serve` runs against real servers: set DATABASE_URL (PostgreSQL), "
            "REDIS_URL and MAIL_URL (smtp://…), or use `make run` for the embedded ones.")
        return 2
    env.setdefault("PORT", "8001")
    env.setdefault("PYTHONUNBUFFERED", "1")
    supervisor = Supervisor()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        raise StopRequested(signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    code = 0
    try:
        code = _run(supervisor, env)
    except StopRequested as stop:
        say(f"\nfair serve: {stop} received, stopping…")
    except ConfigError as exc:
        say(f"fair serve: {exc}")
        code = 2
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        supervisor.stop_all()
    return code


def _run(supervisor: Supervisor, env: dict[str, str]) -> int:
    os.environ.update(env)
    upgrade(load_config()["DATABASE_URL"])
    python = sys.executable
    supervisor.spawn("web node", [python, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"),
                                  "wsgi:app"], env)
    supervisor.spawn("worker", [python, "-m", "workers", "worker"], env)
    supervisor.spawn("scheduler", [python, "-m", "workers", "scheduler"], env)
    port = int(env["PORT"])
    while not answers("127.0.0.1", port):
        dead = supervisor.first_dead()
        if dead:
            say(f"fair serve: the {dead.name} stopped (exit code {dead.process.returncode}).")
            return 1
        time.sleep(0.1)
    say(f"fair serve: web node on http://127.0.0.1:{port}/ (health: /healthz, readiness: /readyz), "
        "one worker, the scheduler. Ctrl-C stops them.")
    while True:
        dead = supervisor.first_dead()
        if dead:
            say(f"fair serve: the {dead.name} stopped unexpectedly (exit code {dead.process.returncode}); "
                "stopping the others.")
            return 1
        time.sleep(0.25)


if __name__ == "__main__":
    sys.exit(main())
