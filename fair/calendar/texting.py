"""Which kinds of calendar entries also go by text message, and what their SMS says of them.

A domain that owns a kind of entry (job dating's bookings) registers it once with `send_by_sms`;
fair.calendar (which imports no domain) then sends the people who chose SMS the confirmation, change,
cancellation and reminders of those entries as text messages (agenda.sms_message).
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from fair.calendar.models import CalendarEntry

# What a domain's entries say in a text message: given the entry, None when its person is not sent
# SMS about it (a recruiter's copy of a booking), else a function giving the SMS's `what` (the
# appointment in a few words, in the person's language) and `link` (a self-service link or None),
# called only when the SMS really goes (a link is issued only then).
SmsContext = Callable[[Session, CalendarEntry], Callable[[], dict] | None]
_SMS_KINDS: dict[str, SmsContext] = {}


def send_by_sms(kind: str, context: SmsContext) -> None:
    """Entries of `kind` also reach by SMS the people who chose it (confirmation, change,
    cancellation, reminders at the edition's SMS times). Called once by the domain that owns them."""
    _SMS_KINDS[kind] = context


def goes_by_sms(kind: str) -> bool:
    return kind in _SMS_KINDS


def provider(kind: str) -> SmsContext | None:
    return _SMS_KINDS.get(kind)
