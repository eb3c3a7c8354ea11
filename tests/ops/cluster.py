"""A small production cluster for the resilience tests, made of the real processes.

PostgreSQL (a throw-away cluster of its own, so it can be restarted), Valkey (its own, so it can be
stopped), aiosmtpd, N gunicorn nodes (`deploy/gunicorn.conf.py`, gevent, one worker each), M
`python -m workers worker` processes and, optionally, Debian's nginx in front of the nodes with a config
made from `deploy/nginx/fair.conf`. Everything it starts, it stops.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import requests

from fair.ops.nginx import render_site
from tests.conftest import token_in
from tests.live.server import session_cookie
from tests.servers import (  # noqa: F401
    ROOT,
    PostgresCluster,
    SmtpSink,
    ValkeyProcess,
    descendants,
    free_port,
    kill_tree,
    running,
    signal_group,
    start_nginx,
    start_worker,
    stop_tree,
    wait_until,
)

SECRET = "cluster-test-secret"
PASSWORD = "cluster password 2026"


@dataclass
class Cluster:
    workdir: Path
    nodes: int = 2
    workers: int = 1
    with_nginx: bool = True
    node_ports: list[int] = field(default_factory=list)
    node_procs: list[subprocess.Popen | None] = field(default_factory=list)
    worker_procs: list[subprocess.Popen] = field(default_factory=list)
    nginx_proc: subprocess.Popen | None = None
    nginx_port: int = 0

    def start(self) -> "Cluster":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.pg = PostgresCluster().start()
        self.valkey = ValkeyProcess(self.workdir / "valkey").start()
        self.smtp = SmtpSink().start()
        self.database_url = self.pg.create_database("fair_cluster")
        from fair.migrate import upgrade

        upgrade(self.database_url)
        self.node_ports = [free_port() for _ in range(self.nodes)]
        self.nginx_port = free_port() if self.with_nginx else 0
        return self

    # ------------------------------------------------------------ settings and processes

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port or self.node_ports[0]}"

    def node_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.node_ports[index]}"

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("FLASK_APP", "FLASK_DEBUG"):
            env.pop(name, None)
        env.update({
            "FAIR_ENV": "production", "SECRET_KEY": SECRET, "SESSION_COOKIE_SECURE": "0",
            "DATABASE_URL": self.database_url, "REDIS_URL": self.valkey.url, "MAIL_URL": self.smtp.url,
            "FAIR_INSTANCE_PATH": str(self.workdir / "instance"), "BASE_URL": self.base_url,
            "TRUSTED_PROXIES": "1" if self.with_nginx else "0", "LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1",
            "LIVE_TURN_SECONDS": "120", "SOCKET_NODE_HEARTBEAT_SECONDS": "3",
        })
        env.update(extra)
        return env

    def _log(self, name: str):
        return open(self.workdir / f"{name}.log", "ab")

    def start_node(self, index: int) -> None:
        port = self.node_ports[index]
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT, env=self.env(PORT=str(port), NODE_NAME=f"fair-test-{index}"),
            stdout=self._log(f"node{index}"), stderr=subprocess.STDOUT, start_new_session=True)
        while len(self.node_procs) <= index:
            self.node_procs.append(None)
        self.node_procs[index] = proc
        wait_until(lambda: _answers(f"{self.node_url(index)}/healthz"), 60, f"node {index} answers")

    def start_nodes(self) -> None:
        for index in range(self.nodes):
            self.start_node(index)

    def kill_node(self, index: int) -> None:
        proc = self.node_procs[index]
        assert proc is not None
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        self.node_procs[index] = None

    def start_worker(self, *args: str) -> subprocess.Popen:
        proc = start_worker(self.env(), *args, log=self._log(f"worker{len(self.worker_procs)}"))
        self.worker_procs.append(proc)
        return proc

    def start_nginx(self, debug_upstream: bool = True) -> None:
        site = render_site(self.node_ports, self.nginx_port, debug_upstream)
        self.nginx_proc = start_nginx(self.workdir / "nginx", site, self.nginx_port, log=self._log("nginx"))

    def stop(self) -> None:
        procs = [p for p in [*self.worker_procs, *self.node_procs, self.nginx_proc] if p is not None]
        for proc in procs:  # all asked to stop at once, then each waited for
            signal_group(proc)
        for proc in procs:
            stop_tree(proc, asked=True)  # and whatever it left (work horses, RQ's scheduler)
        self.smtp.stop()
        self.valkey.stop()
        self.pg.stop()

    # ------------------------------------------------------------ the data

    def app(self):
        from fair import create_app

        return create_app({"DATABASE_URL": self.database_url, "REDIS_URL": self.valkey.url,
                           "MAIL_URL": self.smtp.url, "SECRET_KEY": SECRET,
                           "INSTANCE_PATH": str(self.workdir / "instance"), "BASE_URL": self.base_url,
                           "SESSION_COOKIE_SECURE": False})

    def seed(self, candidates: int = 3) -> SimpleNamespace:
        """A live fair with one booth (recruiter, offer, interview slots) and some candidates."""
        from fair.accounts.models import Membership, Organisation, OrganisationKind, User
        from fair.companies.models import Booth, ContractType, Offer, RemoteMode
        from fair.db import utcnow
        from fair.extensions import db
        from fair.fairs.models import Edition, EditionStatus
        from fair.jobdating.models import SlotMode
        from fair.jobdating.services import open_availability
        from fair.security import hash_password

        app = self.app()
        with app.app_context():
            s = db.session
            password_hash = hash_password(PASSWORD)
            start = dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.timezone.utc)
            organiser = Organisation(kind=OrganisationKind.organiser, name="Métropole Emploi")
            edition = Edition(organiser=organiser, slug="salon-cluster", title="Salon en ligne", starts_at=start,
                              ends_at=start + dt.timedelta(hours=10),
                              registration_opens_at=start - dt.timedelta(days=3650),
                              registration_closes_at=start, status=EditionStatus.live)
            company = Organisation(kind=OrganisationKind.company, name="Transports Rapides")
            recruiter = User(email="recruiter@cluster.example.org", password_hash=password_hash,
                             full_name="Recruiter", security_stamp="r1", email_confirmed_at=utcnow())
            booth = Booth(edition=edition, company=company, pitch="Nous recrutons")
            s.add_all([edition, company, recruiter, Membership(user=recruiter, organisation=company), booth])
            s.flush()
            offer = Offer(booth=booth, title="Conducteur", contract_type=ContractType("cdi"), place="Lille",
                          remote=RemoteMode("none"), description="Conduite régionale")
            s.add(offer)
            availability = open_availability(s, booth=booth, recruiter_id=recruiter.id, mode=SlotMode.video,
                                             starts_at=start + dt.timedelta(hours=1),
                                             ends_at=start + dt.timedelta(hours=4), slot_minutes=None,
                                             buffer_minutes=0, location="https://visio.example.org/a")
            people = [User(email=f"candidate{n}@cluster.example.org", password_hash=password_hash,
                           full_name=f"Candidate {n}", security_stamp=f"c{n}", email_confirmed_at=utcnow())
                      for n in range(candidates)]
            s.add_all(people)
            s.commit()
            world = SimpleNamespace(
                edition=edition.id, booth=booth.id, offer=offer.id,
                slots=[slot.id for slot in availability.slots],
                recruiter=SimpleNamespace(id=recruiter.id, email=recruiter.email, cookie=self.cookie(app, recruiter)),
                candidates=[SimpleNamespace(id=u.id, email=u.email, cookie=self.cookie(app, u)) for u in people],
            )
            db.session.remove()
            db.engine.dispose()
        return world

    @staticmethod
    def cookie(app, user) -> str:
        """A signed login session, as the app's own serializer makes it (no argon2 login needed)."""
        return session_cookie(app, user).split("=", 1)[1]

    def sql(self, statement: str, **params) -> list[tuple]:
        from sqlalchemy import create_engine, text

        from fair.db import normalise_url

        engine = create_engine(normalise_url(self.database_url))
        try:
            with engine.begin() as connection:
                result = connection.execute(text(statement), params)
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def http(cookie: str | None = None, node: str | None = None) -> requests.Session:
    """A browser-like session: signed in with `cookie`, pinned to nginx's `node` cookie if given."""
    session = requests.Session()
    # The server's own Set-Cookie (host-only, path /) must replace these, not sit beside them.
    if cookie:
        session.cookies.set("session", cookie, domain="127.0.0.1", path="/")
    if node:
        session.cookies.set("fair_node", node, domain="127.0.0.1", path="/")
    return session


def form_token(session: requests.Session, url: str) -> str:
    """The CSRF token of the form on `url`, read as a browser would (`requests` side of csrf_token)."""
    page = session.get(url, timeout=10)
    return token_in(page.text, f"{url} ({page.status_code})")


def socket_client(base_url: str, cookie: str, node: str | None = None, events: list | None = None):
    """A python-socketio client signed in with `cookie`, reconnecting on its own, recording events."""
    import socketio

    client = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2,
                             request_timeout=10)
    received = events if events is not None else []
    client.received = received  # type: ignore[attr-defined]

    @client.on("*")
    def _any(event, data=None):
        received.append((event, data))

    cookies = f"session={cookie}" + (f"; fair_node={node}" if node else "")
    client.connect(base_url, headers={"Cookie": cookies}, transports=["websocket"], wait_timeout=10)
    return client


def wait_for_event(client, name: str, predicate=lambda data: True, timeout: float = 20.0, start: int = 0):
    def found():
        for event, data in list(client.received)[start:]:
            if event == name and predicate(data):
                return data or {"_": True}
        return None

    return wait_until(found, timeout, f"socket event {name}")
