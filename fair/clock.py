"""The time every rule reads: `now()`, aware UTC.

Production reads the wall clock (`fair.db.utcnow`). Tests move time instead of waiting: either
`with frozen_at(moment):` for a block, or `set_clock(source)` with a callable a test advances
(`set_clock(None)` puts the wall clock back). Both set the same one source, process-wide, so the
threads of a test server see the time the test chose.

Kernel module: imports nothing of `fair` but `fair.db`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fair.db import utcnow

_source: Callable[[], dt.datetime] = utcnow


def now() -> dt.datetime:
    """The current instant (aware UTC): the wall clock, or the one a test set."""
    return _source()


def set_clock(source: Callable[[], dt.datetime] | None) -> None:
    """Read the time from `source` from now on; None goes back to the wall clock."""
    global _source
    _source = source or utcnow


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Within the block, `now()` is `moment` (aware): cut-offs and expiries are tested without waiting."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    previous = _source
    set_clock(lambda: moment)
    try:
        yield
    finally:
        set_clock(previous)


__all__ = ["now", "set_clock", "frozen_at"]
