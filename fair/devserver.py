"""`python -m fair.devserver` (what `make run` runs): the whole platform in one terminal.

It prepares the instance (embedded Valkey when REDIS_URL is unset, migrations, the demo fair on
first start), then runs the web server and one RQ worker with its scheduler as children. It owns
every child: Ctrl-C or SIGTERM stops them all and waits for them; if one dies, the others are
stopped and the exit status is non-zero. Each child runs in its own process group (so a terminal
Ctrl-C reaches only this supervisor, which stops the children in order: web, worker, then Valkey)
and is asked by Linux to terminate if this supervisor is killed outright.
"""
from __future__ import annotations

import os
import signal
import sys
import time
from types import FrameType

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from fair import create_app
from fair.accounts.models import User
from fair.config import ConfigError, instance_path, load_config
from fair.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from fair.embedded import EmbeddedValkey, EmbeddedValkeyError, port_is_free
from fair.extensions import db
from fair.migrate import upgrade
from fair.supervisor import Child, StopRequested, Supervisor, answers, connect_host, say

DEFAULT_PORT = 5000
READY_TIMEOUT = 90.0


def _describe_database(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite, {url.split(':///', 1)[-1]}"

    parsed = make_url(url)
    return f"{parsed.get_backend_name()} on {parsed.host or 'localhost'}, database {parsed.database}"


def prepare_database() -> list[tuple[str, str]]:
    """Migrate, load the demo on first start; the demo logins present in the database."""
    upgrade(load_config()["DATABASE_URL"])
    app = create_app()
    with app.app_context():
        if load_demo(only_if_empty=True):
            say("fair: demo fair loaded (first start).")
        emails = {e for (e,) in db.session.execute(
            select(func.lower(User.email)).where(func.lower(User.email).in_([e for _, e, _ in DEMO_LOGINS]))
        )}
        db.end_session()
        db.dispose()
    return [(role, email) for role, email, _ in DEMO_LOGINS if email in emails]


def banner(url: str, mail_viewer: bool, logins: list[tuple[str, str]], redis_note: str, database: str) -> str:
    lines = ["", "=" * 72, "fair is running", "",
             f"  Open:             {url}"]
    if mail_viewer:
        lines.append(f"  Dev mail viewer:  {url}dev/mail/   (MAIL_URL is unset: mail is kept here)")
    lines += [f"  Database:         {database}", f"  Redis:            {redis_note}"]
    if logins:
        lines += ["", f"  Demo logins (password: {DEMO_PASSWORD})"]
        lines += [f"    {role:<10} {email}" for role, email in logins]
    lines += ["", "  Press Ctrl-C to stop everything.", "=" * 72, ""]
    return "\n".join(lines)


def main() -> int:
    supervisor = Supervisor()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        raise StopRequested(signum)

    def on_signal_while_stopping(_signum: int, _frame: FrameType | None) -> None:
        supervisor.force = True  # a second Ctrl-C: do not wait for graceful shutdowns

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    exit_code = 0
    try:
        exit_code = run(supervisor)
    except StopRequested as stop:
        say(f"\nfair: {stop} received, stopping…")
    except (ConfigError, EmbeddedValkeyError) as exc:
        say(f"fair: {exc}")
        exit_code = 2
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, on_signal_while_stopping)
        supervisor.stop_all()
    if exit_code == 0:
        say("fair: stopped.")
    return exit_code


def run(supervisor: Supervisor) -> int:
    instance = instance_path().resolve()
    instance.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    host = env.get("HOST") or "127.0.0.1"
    try:
        port = int(env.get("PORT") or DEFAULT_PORT)
    except ValueError:
        say(f"fair: PORT must be a number, not {env.get('PORT')!r}.")
        return 2
    probe_host = connect_host(host)
    if not port_is_free(port, probe_host if host not in ("::", "[::]") else "127.0.0.1"):
        say(f"fair: port {port} is already in use on {probe_host}. Stop what uses it or choose another "
            f"port, e.g. `PORT={port + 1} make run`.")
        return 2
    url = f"http://{probe_host}:{port}/"
    env.update({
        "FAIR_INSTANCE_PATH": str(instance),
        "HOST": host,
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    })
    env.setdefault("BASE_URL", url.rstrip("/"))
    # The demo's organiser and administrator try the product at once; a deployed instance requires
    # two-step verification of them (MFA_REQUIRED_ROLES, default admin,organiser).
    env.setdefault("MFA_REQUIRED_ROLES", "")

    if env.get("REDIS_URL"):
        redis_note = "REDIS_URL (external server)"
    else:
        valkey = EmbeddedValkey(instance / "valkey")
        env["REDIS_URL"] = valkey.start()
        assert valkey.process is not None
        supervisor.adopt("valkey", valkey.process)
        redis_note = f"embedded Valkey on 127.0.0.1:{valkey.port}, data in {valkey.data_dir}"

    os.environ.update(env)  # the preparation below reads the same settings as the children

    config = load_config()
    try:
        logins = prepare_database()
    except StopRequested:
        raise
    except Exception as exc:  # a database that cannot be reached or migrated: say so and stop
        say(f"fair: could not prepare the database ({_describe_database(config['DATABASE_URL'])}): {exc}")
        return 1

    python = sys.executable
    supervisor.spawn("web server", [python, "wsgi.py"], env)
    supervisor.spawn("worker", [python, "-m", "workers", "worker", "--with-scheduler"], env)

    deadline = time.monotonic() + READY_TIMEOUT
    while not answers(probe_host, port):
        dead = supervisor.first_dead()
        if dead:
            return _child_died(dead)
        if time.monotonic() > deadline:
            say(f"fair: the web server did not answer on {url} within {READY_TIMEOUT:.0f}s; stopping.")
            return 1
        time.sleep(0.1)

    mail_viewer = not config["MAIL_URL"] and config["ENV_NAME"] != "production"
    say(banner(url, mail_viewer, logins, redis_note, _describe_database(config["DATABASE_URL"])))

    while True:
        dead = supervisor.first_dead()
        if dead:
            return _child_died(dead)
        time.sleep(0.25)


def _child_died(child: Child) -> int:
    say(f"fair: the {child.name} stopped unexpectedly (exit code {child.process.returncode}); "
        "stopping the others.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
