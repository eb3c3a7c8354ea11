"""Reminder jobs (queue `default`), scheduled by `fair.notify.reminders` with RQ's `enqueue_at`.

A job receives the entry id and the start it was planned for, reloads the entry and does nothing
unless the entry is still active at that start: a moved entry has new jobs, a cancelled one none.
"""
from __future__ import annotations

import logging

from fair.extensions import db
from workers.app import job_app

log = logging.getLogger("workers.reminders")


def send_reminder(entry_id: int, starts_at_iso: str, minutes_before: int) -> bool:
    """Queue the reminder mail (idempotent: one per entry, start and offset)."""
    from fair.accounts.models import User
    from fair.fairs.models import Edition
    from fair.notify.agenda import mail_context
    from fair.notify.models import CalendarEntry
    from fair.notify.outbox import queue_mail
    from fair.notify.reminders import still_due

    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        entry = db.session.get(CalendarEntry, entry_id)
        if not still_due(entry, starts_at_iso):
            log.info("calendar entry %s moved or cancelled: reminder dropped", entry_id)
            return False
        user = db.session.get(User, entry.user_id)
        edition = db.session.get(Edition, entry.edition_id)
        queue_mail(
            db.session, to=user.email, template="reminder", locale=user.locale or "fr",
            context={**mail_context(entry, edition, user), "minutes_before": minutes_before},
            key=f"reminder-{entry.id}-{starts_at_iso}-{minutes_before}", edition_id=entry.edition_id,
        )
        db.session.commit()
        return True


def send_notice(entry_id: int, starts_at_iso: str) -> bool:
    """The in-app notice a few minutes before: emitted live to the room `user:<id>`."""
    from fair.notify.models import CalendarEntry
    from fair.notify.reminders import still_due
    from fair.notify.sockets import emit_from_worker, user_room

    app = job_app()
    with app.app_context():
        entry = db.session.get(CalendarEntry, entry_id)
        if not still_due(entry, starts_at_iso):
            return False
        emit_from_worker(app.config["REDIS_URL"], "notice", {
            "kind": "starting_soon", "entry": entry.id, "summary": entry.summary,
            "starts_at": entry.starts_at.isoformat(), "join_url": entry.join_url,
            "location": entry.location,
        }, user_room(entry.user_id))
        return True
