"""Fixtures: every test that touches the database runs on SQLite *and* PostgreSQL, with real
Valkey and a real SMTP server."""
from __future__ import annotations

import datetime as dt
import functools
import html
import itertools
import re
from typing import Any, Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from tests.servers import PostgresCluster, SmscProcess, SmtpSink, ValkeyProcess, WebProcess

PASSWORD = "correct horse battery staple"


# ---------------------------------------------------------------- servers (one per test session)

# `make test` hands whole files to its two workers in collection order (`--dist loadfile`). The files
# that take longest go first, so that no long file starts last and runs alone while the other worker
# waits (figures from `--durations`: each of these takes 40 s to 90 s of one worker).
LONGEST_FIRST = (
    "tests/test_permissions.py",
    "tests/workers/test_outage.py",
    "tests/live/test_socket_limits.py",
    "tests/ops/test_cluster_redis.py",
    "tests/ops/test_cluster_nodes.py",
    "tests/ops/test_serve.py",
    "tests/admin/test_admin_browser.py",
    "tests/e2e/",
    "tests/live/test_chat_sockets.py",
    "tests/live/test_live_server.py",
    "tests/test_devserver.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    def rank(item) -> int:
        return next((i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)),
                    len(LONGEST_FIRST))
    items.sort(key=rank)  # stable: within a file, and among the other files, the order stays


@pytest.fixture(scope="session")
def valkey(tmp_path_factory) -> Iterator[ValkeyProcess]:
    server = ValkeyProcess(tmp_path_factory.mktemp("valkey")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def smsc() -> Iterator[SmscProcess]:
    """The SMPP server (tests/node/smsc.js), started once for the whole run; tests reset it."""
    server = SmscProcess().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server(postgresql_url, valkey, smtp, tmp_path_factory) -> Iterator[str]:
    """`python wsgi.py` on a free port, sharing the test database, Valkey and SMTP sink, for the browser
    tests: one per test process (each start imports the whole app: about 4 s of CPU). Each test
    empties the database (the `app` fixture) as it would for a server of its own."""
    server = WebProcess(postgresql_url, valkey.url, secret_key="e2e-secret-key", mail_url=smtp.url,
                        env={"FAIR_INSTANCE_PATH": str(tmp_path_factory.mktemp("e2e-instance"))},
                        log_path=tmp_path_factory.mktemp("e2e-log") / "server.log")
    with server:
        yield server.url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    from fair.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'fair.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgresql_url(postgres) -> str:
    from fair.migrate import upgrade

    url = postgres.create_database("fair_test")
    upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


# ---------------------------------------------------------------- the app

def _empty_database(engine) -> None:
    """Every table emptied and every id sequence restarted, as a fresh database.

    On PostgreSQL a TRUNCATE of all ~90 tables cost 0.1–0.25 s a test, the largest part of a test's
    setup: one query finds the tables that hold rows, those are emptied in dependency order (DELETE; the
    append-only audit log, whose trigger refuses DELETE, by TRUNCATE), then the sequences that moved
    are restarted.
    """
    from fair.db import Base

    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
            filled = {name for (name,) in conn.execute(text(probe))}
            for table in (t for t in tables if t in filled):
                conn.execute(text(f'{"TRUNCATE" if table == "audit_log" else "DELETE FROM"} "{table}"'))
            moved = conn.execute(text("SELECT sequencename FROM pg_sequences "
                                      "WHERE schemaname = current_schema() AND last_value IS NOT NULL")).scalars().all()
            for sequence in moved:
                conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def app_config(database_url, valkey, smtp, tmp_path) -> dict[str, Any]:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": valkey.url,
        "MAIL_URL": smtp.url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "BASE_URL": "http://fair.test",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # In-process apps (Flask-SocketIO's test client) run no node heartbeat; the real server processes do.
        "SOCKET_NODE_HEARTBEAT_SECONDS": 0,
        # Tests all over the suite log organisers and admins in with `login`: two-step verification is
        # required of nobody unless a test turns it on (tests/accounts/test_mfa.py does).
        "MFA_REQUIRED_ROLES": "",
        "TESTING": True,
    }


class _OwnContextClient(FlaskClient):
    """Each request in its own app context, hence its own `g`, as in production.

    Without it Flask reuses the fixture's long-lived app context for every request, so `g` leaks
    from one request (and one client) to the next: Flask-Login's cached user, Flask-WTF's CSRF
    token, Flask-Babel's locale. An anonymous client would then see the previous client's user.
    """

    def open(self, *args: Any, **kwargs: Any):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config, valkey, smtp):
    from fair import create_app
    from fair.extensions import db
    from fair.redis_conn import redis_for
    from fair.sockets import forget_local_state

    application = create_app(app_config)
    application.test_client_class = _OwnContextClient
    forget_local_state()  # the per-process rate windows would carry over: ids restart in every test
    redis_for(valkey.url).flushdb()
    smtp.clear()
    _empty_database(db.engine)
    with application.app_context():
        yield application
    db.session.remove()
    db.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    from fair.extensions import db

    return db.session


# ---------------------------------------------------------------- helpers

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token_in(body: str, where: str = "the page") -> str:
    """The CSRF token of the first form in an HTML page (whoever fetched it: Flask's test client,
    `requests`, a raw socket)."""
    match = CSRF_FIELD.search(body)
    assert match, f"no CSRF token on {where}"
    return match.group(1)


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on `path`, as a browser would read it."""
    page = client.get(path)
    return token_in(page.get_data(as_text=True), f"{path} ({page.status_code})")


def post_form(client, path: str, data: dict[str, Any], form_page: str | None = None, **kwargs):
    """Submit a form the way a browser does: read the page first for its CSRF token."""
    data = dict(data)
    data["csrf_token"] = csrf_token(client, form_page or path)
    return client.post(path, data=data, **kwargs)


def login(client, email: str, password: str = PASSWORD):
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return response


def page_text(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def count(session, model, *where) -> int:
    """Rows of `model` matching `where`, read afresh from the database."""
    session.expire_all()
    statement = select(func.count()).select_from(model)
    for clause in where:
        statement = statement.where(clause)
    return session.execute(statement).scalar_one()


def run_jobs(app, queues: tuple[str, ...] = ("mail", "default", "bulk")) -> None:
    """Run what is queued, in this process, with RQ's own SimpleWorker against the real Valkey."""
    from rq import SimpleWorker

    from fair.redis_conn import get_redis

    worker = SimpleWorker(list(queues), connection=get_redis())
    worker.work(burst=True, logging_level="WARNING")


@functools.lru_cache(maxsize=4)
def password_hash(password: str = PASSWORD) -> str:
    """Hashing is slow on purpose (about a second): the people of a test run share one hash a password."""
    from fair.security import hash_password

    return hash_password(password)


class Factory:
    """Builds realistic rows with sensible defaults; each call commits, as a finished request would.

    What the domain worlds share: organisations, people (with a membership), editions (a live one
    today), booths, offers, interview slots, many candidates at once.
    """

    _seq = itertools.count(1)

    def __init__(self, session) -> None:
        self.session = session

    def _n(self) -> int:
        return next(self._seq)

    def user(self, email: str | None = None, password: str = PASSWORD, confirmed: bool = True, **kw):
        from fair.accounts.models import User
        from fair.db import utcnow

        n = self._n()
        user = User(
            email=email or f"user{n}@example.org",
            password_hash=password_hash(password),
            full_name=kw.pop("full_name", f"User {n}"),
            security_stamp=f"stamp{n}",
            email_confirmed_at=utcnow() if confirmed else None,
            locale=kw.pop("locale", "fr"),
            **kw,
        )
        self.session.add(user)
        self.session.commit()
        return user

    def organisation(self, kind: str, name: str | None = None, **kw):
        from fair.accounts.models import Organisation, OrganisationKind

        org = Organisation(kind=OrganisationKind(kind), name=name or f"{kind.title()} {self._n()}", **kw)
        self.session.add(org)
        self.session.commit()
        return org

    def member(self, organisation, email: str | None = None, role: str = "member", **kw):
        from fair.accounts.models import Membership, MembershipRole

        user = self.user(email=email, **kw)
        self.session.add(Membership(user=user, organisation=organisation, role=MembershipRole(role)))
        self.session.commit()
        return user

    def person(self, email: str, full_name: str, organisation=None, locale: str = "fr", *,
               signed_in_only: bool = False, confirmed: bool = True):
        """A confirmed user whose security stamp follows the address (a member of `organisation` if given).
        `signed_in_only`: no password, for clients that carry a signed session; `confirmed=False`: an
        address nobody confirmed yet (such a candidate may not act)."""
        from fair.accounts.models import Membership, User
        from fair.db import utcnow

        if signed_in_only:
            user = User(email=email, full_name=full_name, password_hash="!", security_stamp=f"stamp-{email}",
                        email_confirmed_at=utcnow() if confirmed else None)
        else:
            user = User(email=email, full_name=full_name, password_hash=password_hash(),
                        security_stamp=f"stamp-{email}", email_confirmed_at=utcnow() if confirmed else None,
                        locale=locale)
        self.session.add(user)
        if organisation is not None:
            self.session.add(Membership(user=user, organisation=organisation))
        self.session.commit()
        return user

    def candidates(self, count: int, prefix: str = "burst") -> list:
        """Many candidates at once: `<prefix><n>@example.org`, "Candidate <n>"."""
        from fair.accounts.models import User
        from fair.db import utcnow

        users = [User(email=f"{prefix}{n}@example.org", password_hash=password_hash(), full_name=f"Candidate {n}",
                      security_stamp=f"{prefix}-stamp-{n}", email_confirmed_at=utcnow(), locale="fr")
                 for n in range(count)]
        self.session.add_all(users)
        self.session.commit()
        return users

    def live_edition(self, organiser, **kw):
        """An edition running now: started an hour ago, for eight hours."""
        from fair.db import utcnow

        start = utcnow() - dt.timedelta(hours=1)
        return self.edition(organiser, status="live", starts_at=start, ends_at=start + dt.timedelta(hours=8), **kw)

    def slot_range(self, booth, recruiter, day: dt.date, start: str, end: str, **kw):
        """Interview slots opened by `recruiter` from `start` to `end` ("HH:MM", the fair's time zone)."""
        from tests.jobdating.helpers import open_range

        availability = open_range(self.session, booth, recruiter, day, start, end, **kw)
        self.session.commit()
        return availability

    def edition(self, organiser, status: str = "published", **kw):
        from fair.fairs.models import Edition, EditionStatus

        n = self._n()
        start = kw.pop("starts_at", dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc))
        edition = Edition(
            organiser=organiser,
            slug=kw.pop("slug", f"salon-{n}"),
            title=kw.pop("title", f"Salon de l'emploi {n}"),
            description=kw.pop("description", "Rencontres pour l'emploi"),
            starts_at=start,
            ends_at=kw.pop("ends_at", start + dt.timedelta(hours=8)),
            # Open long before: tests run on the wall clock, years before the fairs they build.
            registration_opens_at=kw.pop("registration_opens_at", start - dt.timedelta(days=3650)),
            registration_closes_at=kw.pop("registration_closes_at", start + dt.timedelta(hours=6)),
            status=EditionStatus(status),
            **kw,
        )
        self.session.add(edition)
        self.session.commit()
        return edition

    def booth(self, edition, company, **kw):
        from fair.companies.models import Booth

        booth = Booth(edition=edition, company=company, pitch=kw.pop("pitch", f"{company.name} recrute"), **kw)
        self.session.add(booth)
        self.session.commit()
        return booth

    def offer(self, booth, title: str | None = None, contract_type: str = "cdi", **kw):
        from fair.companies.models import ContractType, Offer, RemoteMode

        offer = Offer(
            booth=booth,
            title=title or f"Offre {self._n()}",
            contract_type=ContractType(contract_type),
            place=kw.pop("place", "Lille"),
            remote=RemoteMode(kw.pop("remote", "none")),
            description=kw.pop("description", "Une offre"),
            **kw,
        )
        self.session.add(offer)
        self.session.commit()
        return offer


@pytest.fixture
def factory(session) -> Factory:
    return Factory(session)
