"""Structured logs: one JSON object per line, carrying the request id (web) or the job id (RQ).

Why: with several nodes and workers, a line is only useful if it can be tied to the request or the
job that wrote it. nginx passes `X-Request-ID` (or we make one); the id is echoed in the response,
so a user's "it failed at 10:42" can be found in every node's log.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import uuid

from flask import g, has_request_context
from rq import get_current_job

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "job_id"}


def new_request_id(offered: str | None) -> str:
    """The proxy's id when it looks like one (no spaces, no control characters), else a fresh one."""
    if offered and _VALID_ID.match(offered):
        return offered
    return uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Adds `request_id` and `job_id` to every record, from the Flask request or the running RQ job."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current_request_id()
        record.job_id = _current_job_id()
        return True


def _current_request_id() -> str | None:
    try:
        if has_request_context():
            return g.get("request_id")
    except Exception:  # pragma: no cover - logging must never fail
        pass
    return None


def _current_job_id() -> str | None:
    try:
        job = get_current_job()
        return job.id if job is not None else None
    except Exception:
        return None


class JsonFormatter(logging.Formatter):
    """One line per record: time, level, logger, message, request/job ids, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for key in ("request_id", "job_id"):
            value = getattr(record, key, None)
            if value:
                entry[key] = value
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The development format, with the ids when there are some."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = " ".join(f"{k}={v}" for k in ("request_id", "job_id") if (v := getattr(record, k, None)))
        return f"{line} [{ids}]" if ids else line


def log_format(config: dict) -> str:
    """`LOG_FORMAT` (json|text); unset: JSON in production, text in development."""
    chosen = (config.get("LOG_FORMAT") or os.environ.get("LOG_FORMAT") or "").strip().lower()
    if chosen in {"json", "text"}:
        return chosen
    return "json" if config.get("ENV_NAME") == "production" else "text"


def configure(config: dict) -> None:
    """Give every root handler the ids filter and the chosen format (idempotent: apps are made often)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO)
    formatter: logging.Formatter = JsonFormatter() if log_format(config) == "json" else \
        TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in root.handlers:
        if not any(isinstance(f, ContextFilter) for f in handler.filters):
            handler.addFilter(ContextFilter())
        if type(handler) is logging.StreamHandler or isinstance(handler, logging.FileHandler):
            handler.setFormatter(formatter)
    for name in ("rq.worker", "rq.scheduler", "gunicorn.error"):
        logger = logging.getLogger(name)
        for handler in logger.handlers:
            if not any(isinstance(f, ContextFilter) for f in handler.filters):
                handler.addFilter(ContextFilter())
            handler.setFormatter(formatter)
