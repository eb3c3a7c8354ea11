"""Fetching a file the way a person does now: press the export button, the job runs, download."""
from __future__ import annotations

from tests.conftest import post_form, run_jobs


def fetch_export(app, client, path: str, form_page: str, data: dict | None = None):
    """Start the export at `path` (a POST of `data` with the CSRF token of `form_page`), run the queued
    jobs, and answer the download's response; a start that is refused (404 for someone else's) is
    answered as is."""
    started = post_form(client, path, data or {}, form_page=form_page)
    if started.status_code != 303:
        return started
    assert "/exports/" in started.headers["Location"]
    run_jobs(app)
    return client.get(started.headers["Location"] + "/download")
