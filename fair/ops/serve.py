"""`make serve` (`python -m fair.ops.serve`): one production host: a web process per core behind nginx,
one worker, the scheduler.

Unlike `make run` nothing is embedded: DATABASE_URL, REDIS_URL and MAIL_URL must point at real
servers (and FAIR_ENV=production needs SECRET_KEY). It migrates the database, then supervises
`WEB_PROCESSES` gunicorn nodes (default: one per core; deploy/gunicorn.conf.py: gevent, one worker
each) on consecutive loopback ports from `WEB_FIRST_PORT` (default PORT + 1), Debian's nginx on
`PORT` in front of them with the site of deploy/nginx/fair.conf (fair/ops/nginx.py: sticky sessions,
WebSocket upgrade), `python -m workers worker` and `python -m workers scheduler`. With
`WEB_PROCESSES=1`, or when nginx is not installed (it says so), one node serves `PORT` itself.
Socket.IO keeps a connection in the process that accepted it, hence processes, not threads or
workers per node; they share everything through PostgreSQL and Redis as nodes on several hosts do.
Ctrl-C or SIGTERM stops them all (the worker finishes its job first). gunicorn restarts a web
process that dies; a node (its gunicorn arbiter) that dies is started again unless it died within
`CRASH_SECONDS` of its start; if the worker, the scheduler or nginx dies, the others are stopped and
the exit status is non-zero. For several hosts, use the systemd units and the nginx site under deploy/.
"""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from fair.config import PROJECT_ROOT, ConfigError, load_config
from fair.migrate import upgrade
from fair.ops import nginx
from fair.supervisor import Child, StopRequested, Supervisor, answers, say

REQUIRED = ("DATABASE_URL", "REDIS_URL", "MAIL_URL")
CRASH_SECONDS = 10.0
NGINX_CONNECTIONS_PER_WORKER = 10000  # two a socket: 5,000 sockets per nginx worker


def missing_settings(env: dict[str, str]) -> list[str]:
    return [name for name in REQUIRED if not env.get(name)]


def web_processes(env: dict[str, str]) -> int:
    """WEB_PROCESSES, else one per core this process may run on."""
    if env.get("WEB_PROCESSES"):
        return max(1, int(env["WEB_PROCESSES"]))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def node_env(env: dict[str, str], port: int, behind_nginx: bool) -> dict[str, str]:
    """The settings of the web node on `port`: its own address and name; nginx is one more proxy."""
    node = dict(env, PORT=str(port), BIND=f"127.0.0.1:{port}", NODE_NAME=f"{env.get('NODE_NAME') or 'fair-web'}-{port}")
    if behind_nginx:
        node["TRUSTED_PROXIES"] = str(int(env.get("TRUSTED_PROXIES") or 0) + 1)
    return node


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
    port = int(env["PORT"])
    count = web_processes(env)
    if count > 1 and nginx.binary() is None:
        say(f"fair serve: nginx is not installed, so ONE web process serves everything instead of {count} "
            "(only one core serves sockets). Install Debian's nginx (`make nginx`) to use every core.")
        count = 1
    gunicorn = [python, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"]
    if count == 1:
        node_ports = [port]
        nodes = [supervisor.spawn("web node", gunicorn, env)]
    else:
        first = int(env.get("WEB_FIRST_PORT") or port + 1)
        node_ports = list(range(first, first + count))
        nodes = [supervisor.spawn(f"web node {p}", gunicorn, node_env(env, p, True)) for p in node_ports]
        # nginx only once every node listens: a refused connection would mark a node failed for
        # fail_timeout (10 s) and answer the first visitors with 502.
        if not _wait_listening(supervisor, node_ports):
            return 1
        prefix = Path(load_config()["INSTANCE_PATH"]) / "nginx"
        listen = env.get("BIND") or f"127.0.0.1:{port}"
        nginx.write_config(prefix, nginx.render_site(node_ports, listen), worker_processes=count,
                           worker_connections=NGINX_CONNECTIONS_PER_WORKER)
        supervisor.spawn("nginx", nginx.command(prefix), env)
    supervisor.spawn("worker", [python, "-m", "workers", "worker"], env)
    supervisor.spawn("scheduler", [python, "-m", "workers", "scheduler"], env)
    started = {child.name: time.monotonic() for child in nodes}
    if not _wait_listening(supervisor, [port, *node_ports]):
        return 1
    if count == 1:
        say(f"fair serve: one web process on http://127.0.0.1:{port}/ (health: /healthz, readiness: /readyz), "
            "one worker, the scheduler. Ctrl-C stops them.")
    else:
        say(f"fair serve: {count} web processes (127.0.0.1:{node_ports[0]}–{node_ports[-1]}) behind nginx on "
            f"http://{listen}/ (health: /healthz, readiness: /readyz), one worker, the scheduler. "
            "Ctrl-C stops them.")
    while True:
        dead = supervisor.first_dead()
        if dead and dead.name.startswith("web node ") and time.monotonic() - started[dead.name] > CRASH_SECONDS:
            say(f"fair serve: the {dead.name} stopped (exit code {dead.process.returncode}); starting it again. "
                "nginx sends its visitors to the others meanwhile.")
            _respawn(supervisor, dead, gunicorn, node_env(env, int(dead.name.rsplit(" ", 1)[1]), True))
            started[dead.name] = time.monotonic()
            continue
        if dead:
            say(f"fair serve: the {dead.name} stopped unexpectedly (exit code {dead.process.returncode}); "
                "stopping the others.")
            return 1
        time.sleep(0.25)


def _wait_listening(supervisor: Supervisor, ports: list[int]) -> bool:
    while not all(answers("127.0.0.1", p) for p in ports):
        dead = supervisor.first_dead()
        if dead:
            say(f"fair serve: the {dead.name} stopped (exit code {dead.process.returncode}).")
            return False
        time.sleep(0.1)
    return True


def _respawn(supervisor: Supervisor, dead: Child, argv: list[str], env: dict[str, str]) -> None:
    dead.process.wait()
    index = supervisor.children.index(dead)
    supervisor.children.remove(dead)
    supervisor.spawn(dead.name, argv, env)
    supervisor.children.insert(index, supervisor.children.pop())  # stopped in the same order as before


if __name__ == "__main__":
    sys.exit(main())
