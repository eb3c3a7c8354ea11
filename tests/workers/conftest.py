"""Outbox and worker tests: a clock the test moves, fresh SMTP servers that answer as told."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Iterator

import pytest

from tests.servers import SmtpSink, free_port


class Clock:
    """The time of `fair.clock`, moved by the test instead of waiting."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current


@pytest.fixture
def clock() -> Iterator[Clock]:
    from fair.clock import set_clock

    current = Clock(dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.timezone.utc))
    set_clock(current)
    yield current
    set_clock(None)


@pytest.fixture
def fresh_smtp() -> Iterator[SmtpSink]:
    """An SMTP server of this test alone, so scripted answers and counts concern only it."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def mail_to(app):
    """Point the app (and the jobs it runs) at another mail server, e.g. one that refuses connections."""
    def point(url: str) -> None:
        app.config["MAIL_URL"] = url
    return point


@pytest.fixture
def closed_port_url() -> str:
    return f"smtp://127.0.0.1:{free_port()}"


def person(name: str = "Camille Martin"):
    return SimpleNamespace(full_name=name)
