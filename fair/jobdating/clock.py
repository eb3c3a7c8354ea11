"""The time the job-dating rules read. Tests move it; production reads the real clock."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Iterator

from fair.db import utcnow

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen or utcnow()


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Within the block, `now()` is `moment` (aware): waitlist expiry and cut-offs can be tested."""
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
