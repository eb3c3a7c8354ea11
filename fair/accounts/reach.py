"""Reaching a person on the channels they chose: email, text message (SMS) or both.

Every notification about a person's appointments (booking confirmations, changes, cancellations,
reminders, a held waitlist place, the live queue's "your turn"…) goes through `reach`, which writes
the outbox rows (fair.mail.outbox, fair.sms.outbox) in the caller's transaction:

- SMS goes only with the person's `sms` consent in force (fair.accounts.consent) and a mobile number
  (`users.phone` in E.164, checked by fair.sms.numbers.parse_mobile); withdrawing the consent stops
  text messages at once, and the person gets mail again.
- A person who chose SMS and can get it receives no mail (their address, if any, is the SMS's
  fallback); "both" gets both; a person without an email address gets SMS whatever they chose.
- A notification without an SMS text (`sms=None`) goes by mail to whoever has an address.
"""
from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose
from fair.accounts.models import User
from fair.mail.outbox import queue_mail
from fair.sms.numbers import InvalidMobile, display, parse_mobile
from fair.sms.outbox import SmsOverBudget, queue_sms

MAIL = "mail"
SMS = "sms"

log = logging.getLogger("fair.accounts")


class NotifyBy(str, enum.Enum):
    """What a person chose (`users.notify_by`)."""

    email = "email"
    sms = "sms"
    both = "both"


@dataclass(frozen=True)
class Message:
    """One form of a notification: a template of its channel and what it shows.

    `context` may be a function, called only if the message is really queued: an SMS that carries a
    self-service link issues that link only when the SMS goes."""

    template: str
    context: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)
    calendar: tuple[str, bytes] | None = None  # mail only: (method, ics)

    def rendered_context(self) -> dict[str, Any]:
        return self.context() if callable(self.context) else dict(self.context)


def stored_phone(text: str | None) -> str | None:
    """A phone number as `users.phone` keeps it: E.164 when it is a mobile number (the only kind that
    receives text messages), otherwise as typed (a landline, for a recruiter to call)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_mobile(text)
    except InvalidMobile:
        return text


def phone_text(value: str | None) -> str:
    """A stored phone number as people read it (the template filter `phone`): a mobile kept in E.164
    in its national form ("06 12 34 56 78" for France), anything else as typed."""
    if not value:
        return ""
    return display(value) if value.startswith("+") else value


def mobile_of(user: User) -> str | None:
    """The person's number if it can receive text messages (E.164), else None."""
    if not user.phone:
        return None
    try:
        return parse_mobile(user.phone)
    except InvalidMobile:
        return None


def wants(user: User) -> NotifyBy:
    try:
        return NotifyBy(user.notify_by or NotifyBy.email.value)
    except ValueError:
        return NotifyBy.email


def sms_allowed(session: Session, user: User) -> bool:
    """The consent is in force and the number is a mobile one."""
    return (mobile_of(user) is not None
            and consent.current(session, user.id, ConsentPurpose.sms) is not None)


def channels_of(session: Session, user: User) -> frozenset[str]:
    """The channels `reach` uses for this person now: a subset of {"mail", "sms"}."""
    if getattr(user, "erased_at", None) is not None:
        return frozenset()
    has_email = bool(user.email)
    choice = wants(user)
    channels = set()
    if (choice is not NotifyBy.email or not has_email) and sms_allowed(session, user):
        channels.add(SMS)
    if has_email and (choice is not NotifyBy.sms or SMS not in channels):
        channels.add(MAIL)
    return frozenset(channels)


def reach(session: Session, user: User, *, key: str, mail: Message | None = None, sms: Message | None = None,
          edition_id: int | None = None, urgent_before: dt.datetime | None = None) -> frozenset[str]:
    """Queue `mail` and/or `sms` for `user` per their choice (see the module's text); answers the
    channels used. Idempotent: `key` names the notification (the SMS row's key is `<key>:sms`).
    No commit: the caller's transaction decides."""
    channels = channels_of(session, user)
    if not channels:
        return frozenset()
    used = set()
    locale = user.locale or "fr"
    if sms is not None and SMS in channels:
        try:
            queue_sms(session, to=mobile_of(user), template=sms.template, locale=locale,
                      context=sms.rendered_context(), key=f"{key}:sms", edition_id=edition_id, user_id=user.id,
                      urgent_before=urgent_before,
                      fallback_email=(user.email or None) if MAIL not in channels else None)
        except SmsOverBudget:
            # The edition spent its segments: the person still hears of it by mail when they have an address.
            log.warning("%s: the edition's SMS budget is spent, %s not texted", key, sms.template)
        else:
            used.add(SMS)
    if mail is not None and user.email and (MAIL in channels or sms is None or SMS not in used):
        queue_mail(session, to=user.email, template=mail.template, locale=locale,
                   context=mail.rendered_context(), key=key, calendar=mail.calendar, edition_id=edition_id)
        used.add(MAIL)
    return frozenset(used)
