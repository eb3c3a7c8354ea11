"""The Flask app that jobs run in: created once per worker process, its context pushed for every job."""
from __future__ import annotations

from flask import Flask, current_app, has_app_context

_app: Flask | None = None


def job_app() -> Flask:
    global _app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _app is None:
        from fair import create_app

        _app = create_app()
    return _app
