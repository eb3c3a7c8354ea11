"""Database plumbing: one declarative base, one scoped session per request or job.

Services use `db.session` but never commit; the request (or the job) that called them owns the
transaction.
"""
from __future__ import annotations

import datetime as dt
import enum
import logging
import os
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Enum, MetaData, create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker, validates
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Bidirectional controls (embeddings, overrides, isolates, marks): in a name or a file name they make
# "cv\u202efdp.exe" read as "cvexe.pdf". Escaping does not help; they are dropped where text names a
# person, an organisation or a file, and from chat text.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def strip_bidi(value: Any) -> Any:
    """The text without Unicode bidirectional controls (anything else is returned as it is)."""
    return value.translate(_BIDI_CONTROLS) if isinstance(value, str) else value


def bidi_free(*columns: str) -> Any:
    """A model validator dropping bidirectional controls from `columns` on every write, whatever the path:
    `_no_bidi = bidi_free("full_name")` in the class body."""
    return validates(*columns)(lambda _self, _key, value: strip_bidi(value))


def utcnow() -> dt.datetime:
    """The wall clock. Rules read `fair.clock.now()`, which tests can move; columns default to this."""
    return dt.datetime.now(dt.timezone.utc)


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Enums stored as their value in a VARCHAR with a CHECK, identical on SQLite and PostgreSQL."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python on every backend (SQLite keeps no zone, so we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Database:
    """Holds the engine and the scoped session; `init_app` binds them to an app's DATABASE_URL."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._side: Engine | None = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))
        # RQ forks a work horse per job: the child must not reuse the parent's pooled connections.
        os.register_at_fork(after_in_child=self._forget_inherited_connections)

    def _forget_inherited_connections(self) -> None:
        for engine in (self.engine, self._side):
            if engine is not None:
                engine.dispose(close=False)

    def side_engine(self) -> Engine:
        """A second, small pool for the short writes made while a request's session may hold a
        connection of the first (a sign-in's activity, `fair.accounts.sessions.touch`). Taking a
        second connection from the same pool could wait forever: thirty requests holding one each and
        waiting for another empty it. Here a request waits only for connections whose holders wait
        for nothing."""
        if self._side is None:
            self._side = make_engine(str(self.engine.url), pool_size=2, max_overflow=8)
        return self._side

    def dispose(self) -> None:
        """Close the pooled connections of both pools."""
        self._drop_side()
        if self.engine is not None:
            self.engine.dispose()

    def _drop_side(self) -> None:
        if self._side is not None:
            self._side.dispose()
            self._side = None

    def init_app(self, app: Any) -> None:
        self._drop_side()  # made again, for this app's database, when first needed
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.session.remove()
        self.session.configure(bind=self.engine)
        app.extensions["fair_db"] = self

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            self.end_session()

    def end_session(self) -> None:
        """Close the request's (or event's) session. A connection lost once the page was made (the
        database restarted meanwhile) fails the closing rollback: the page stands, and the session is
        dropped with its connection, which the pool replaces."""
        try:
            self.session.remove()
        except DBAPIError as error:
            log.warning("the session's connection was lost at the end of the request: %s", error.orig)
            self.session.registry().invalidate()
            self.session.registry.clear()


def normalise_url(url: str) -> str:
    """psycopg2 (made cooperative under gevent by psycogreen) for plain postgres URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def make_engine(url: str, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        # should a connection go back to the pool still marked as the writer, the lock goes with it
        event.listen(engine.pool, "checkin", _release_dbapi_writer)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)


SQLITE_BUSY_SECONDS = 30
_WRITER_KEY = "fair_sqlite_writer"
# One SQLite writer per process at a time. Created after gevent's monkey-patching (wsgi.py patches
# before importing the app), this is a gevent lock there: a second writer *greenlet* waits here,
# cooperatively, instead of in SQLite's busy handler, which sleeps in C and freezes the whole process.
_sqlite_writer = threading.Lock()


def begin_sqlite_write(session: Any) -> bool:
    """On SQLite, make this transaction the process's one writer (BEGIN IMMEDIATE) until commit/rollback.

    Answers False on other databases (the caller locks rows instead). Hold no I/O other than the
    database between this and the commit: every other writer of the process waits meanwhile.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    if connection.info.get(_WRITER_KEY):
        return True
    if not _sqlite_writer.acquire(timeout=SQLITE_BUSY_SECONDS):
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked (process writer lock)"))
    connection.info[_WRITER_KEY] = True
    try:
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _release_writer(connection)
        raise
    return True


def holds_sqlite_write(session: Any) -> bool:
    """Whether this session's transaction is the process's SQLite writer (another writer would wait on it)."""
    if isinstance(session, scoped_session):
        session = session()
    return session.in_transaction() and bool(session.connection().info.get(_WRITER_KEY))


def _release_writer(connection: Any) -> None:
    if connection.info.pop(_WRITER_KEY, None):
        _sqlite_writer.release()


def _release_dbapi_writer(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
    if record is not None and record.info.pop(_WRITER_KEY, None):
        _sqlite_writer.release()


@event.listens_for(Engine, "commit")
def _writer_committed(connection: Any) -> None:
    _release_writer(connection)


@event.listens_for(Engine, "rollback")
def _writer_rolled_back(connection: Any) -> None:
    _release_writer(connection)


db = Database()
