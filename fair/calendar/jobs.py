"""Calendar jobs: the reminders and live notices of calendar entries (jobs at a time), and the
periodic reconcile that plans reminders again after Redis lost them.

Each takes ids, reloads the entry and does nothing unless it still calls for it (see reminders.py).
"""
from __future__ import annotations

import logging

from flask import current_app

from fair import sockets
from fair.accounts.models import User
from fair.accounts.reach import MAIL, SMS, Message, channels_of, reach
from fair.calendar import agenda, reminders, texting
from fair.calendar.models import CalendarEntry
from fair.db import db
from fair.fairs.models import Edition
from fair.jobs import job

log = logging.getLogger("fair.calendar")


# ---------------------------------------------------------------- reminders

@job(queue="default")
def send_reminder(entry_id: int, starts_at_iso: str, minutes_before: int) -> bool:
    """Queue the reminder mail (idempotent: one per entry, start and offset), unless its person is
    reminded by SMS only (then `send_sms_reminder` does it at the edition's SMS times)."""
    entry = db.session.get(CalendarEntry, entry_id)
    if not reminders.still_due(entry, starts_at_iso):
        log.info("calendar entry %s moved or cancelled: reminder dropped", entry_id)
        return False
    user = db.session.get(User, entry.user_id)
    channels = channels_of(db.session, user)
    if (MAIL not in channels and SMS in channels and texting.goes_by_sms(entry.kind)
            and reminders.sms_reminder_offsets(db.session, entry.edition_id)):
        return False
    edition = db.session.get(Edition, entry.edition_id)
    used = reach(db.session, user, key=f"reminder-{entry.id}-{starts_at_iso}-{minutes_before}",
                 mail=Message("reminder", {**agenda.mail_context(entry, edition, user),
                                           "minutes_before": minutes_before}),
                 edition_id=entry.edition_id, urgent_before=entry.starts_at)
    db.session.commit()
    return MAIL in used


@job(queue="default")
def send_sms_reminder(entry_id: int, starts_at_iso: str, minutes_before: int) -> bool:
    """Queue the reminder text message, if the entry's person takes SMS now (idempotent as above)."""
    entry = db.session.get(CalendarEntry, entry_id)
    if not reminders.still_due(entry, starts_at_iso):
        return False
    message = agenda.sms_message(db.session, entry, "appointment_reminder")
    if message is None:
        return False
    user = db.session.get(User, entry.user_id)
    used = reach(db.session, user, key=f"sms-reminder-{entry.id}-{starts_at_iso}-{minutes_before}", sms=message,
                 edition_id=entry.edition_id, urgent_before=entry.starts_at)
    db.session.commit()
    return SMS in used


@job(queue="default", request_context=False)
def send_notice(entry_id: int, starts_at_iso: str) -> bool:
    """The in-app notice a few minutes before: emitted live to the room `user:<id>`."""
    entry = db.session.get(CalendarEntry, entry_id)
    if not reminders.still_due(entry, starts_at_iso):
        return False
    sockets.emit_from_worker(current_app.config["REDIS_URL"], "notice", {
        "kind": "starting_soon", "entry": entry.id, "summary": entry.summary,
        "starts_at": entry.starts_at.isoformat(), "join_url": entry.join_url,
        "location": entry.location,
    }, sockets.user_room(entry.user_id))
    return True


@job(queue="default", request_context=False)
def reconcile_reminders() -> int:
    """Plan again the reminder jobs of future entries that Redis no longer holds (periodic)."""
    return reminders.reconcile(db.session, current_app.config["REDIS_URL"])
