"""A job for tests/ops: it logs one line and returns the job id the log record carried."""
from __future__ import annotations

import logging

from fair.ops.logs import ContextFilter


def log_something() -> str | None:
    record = logging.LogRecord("workers.test", logging.INFO, __file__, 1, "hello", (), None)
    ContextFilter().filter(record)
    return record.job_id
