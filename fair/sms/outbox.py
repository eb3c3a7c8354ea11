"""Queueing a text message: one outbox row of channel "sms", written in the caller's transaction.

The text is `templates/sms/<template>.txt` rendered in the person's language; the outbox does the
rest (after-commit send jobs, claims, retries, the sweeper). At queue time:

- the text's encoding and segments are worked out (fair.sms.encoding) and kept on the row;
- the edition's budget of segments (`editions.sms_segment_budget`) is checked: over it,
  `SmsOverBudget` is raised and nothing is written (the caller decides what to tell whom);
- quiet hours: between 20:00 and 08:00 in the fair's time zone (the edition's, else Europe/Paris)
  the row is held until 08:00 (`not_before`, honoured by the outbox's claim and sweeper; its send
  job is enqueued for that time), unless the appointment it is about (`urgent_before`) comes
  before that 08:00 + QUIET_MARGIN: then it goes now.

How an SMS is sent is chosen by `SMS_URL`: `smpp://…` (fair.sms.smpp), `https://…` (the HTTP
aggregator, fair.sms.http), unset: kept for the development mail viewer.
"""
from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage
from typing import Any

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import column, func, select, table
from sqlalchemy.orm import Session

from fair.clock import now
from fair.mail.models import OutboxMessage, OutboxStatus
from fair.mail.outbox import Channel, PermanentFailure, _by_key, queue_mail, register_channel
from fair.mail.render import keep_for_viewer
from fair.sms import encoding, receipts
from fair.sms.http import HttpSender
from fair.sms.smpp import SmppSender
from fair.timezones import DEFAULT_ZONE, local_to_utc, zone_named

log = logging.getLogger("fair.sms")

CHANNEL = "sms"
QUIET_START = dt.time(20, 0)
QUIET_END = dt.time(8, 0)
QUIET_MARGIN = dt.timedelta(hours=1)

# The editions table as the messaging layer reads it (it imports no domain).
_editions = table("editions", column("id"), column("timezone"), column("sms_segment_budget"))


class SmsOverBudget(Exception):
    """The edition's budget of SMS segments would be exceeded: nothing was queued."""

    def __init__(self, needed: int, used: int, budget: int) -> None:
        self.needed, self.used, self.budget = needed, used, budget
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return str(_l("This text message needs %(needed)d segment(s) and this fair has %(left)d left of its "
                      "budget of %(budget)d: it was not sent.",
                      needed=self.needed, left=max(self.budget - self.used, 0), budget=self.budget))


def render_sms(template: str, locale: str, context: dict[str, Any]) -> tuple[str, str, None]:
    """("", text, None): an SMS has no subject and no HTML; one line of whitespace at most."""
    if not has_request_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with app.test_request_context(base_url=app.config.get("BASE_URL") or None):
            return render_sms(template, locale, context)
    with force_locale(locale or "fr"):
        text = render_template(f"sms/{template}.txt", **context)
    return "", " ".join(text.split()), None


def quiet_until(at: dt.datetime, zone_name: str | None, urgent_before: dt.datetime | None = None) -> dt.datetime | None:
    """When a text queued at `at` may go: None (now), or the next 08:00 in the zone if `at` is in
    quiet hours and nothing sooner (`urgent_before`) calls for it. Daylight-saving changes happen
    at night: 08:00 is always a real wall-clock time, so the morning is read in the zone itself."""
    zone = zone_named(zone_name or DEFAULT_ZONE)
    local = at.astimezone(zone)
    if QUIET_END <= local.time() < QUIET_START:
        return None
    day = local.date() if local.time() < QUIET_END else local.date() + dt.timedelta(days=1)
    morning = local_to_utc(dt.datetime.combine(day, QUIET_END), zone)
    if urgent_before is not None and urgent_before < morning + QUIET_MARGIN:
        return None
    return morning


def segments_used(session: Session, edition_id: int) -> int:
    """Segments an edition's text messages took (or will take): every SMS row but those refused."""
    return session.execute(
        select(func.coalesce(func.sum(OutboxMessage.segments), 0)).where(
            OutboxMessage.channel == CHANNEL, OutboxMessage.edition_id == edition_id,
            OutboxMessage.status != OutboxStatus.failed_permanent)
    ).scalar_one()


def queue_sms(session: Session, *, to: str, template: str, locale: str, context: dict[str, Any], key: str,
              edition_id: int | None = None, user_id: int | None = None,
              urgent_before: dt.datetime | None = None,
              fallback_email: str | None = None) -> OutboxMessage:
    """`to` is an E.164 number (fair.sms.numbers.parse_mobile); `key` as for queue_mail.

    `user_id`: the person it is for (whom to tell their adviser about if it cannot be delivered).
    `urgent_before`: the appointment it is about; quiet hours hold a message until morning unless
    that is sooner. `fallback_email`: where the text goes by mail if the SMS fails for good (the
    person's address, when they have one); without it the person's adviser is told.
    Raises SmsOverBudget (and writes nothing) past the edition's budget of segments.
    """
    existing = _by_key(session, key)
    if existing is not None:
        return existing
    _, text, _ = render_sms(template, locale, context)
    fitted = encoding.fit(text)
    zone = None
    if edition_id is not None:
        edition = session.execute(select(_editions.c.timezone, _editions.c.sms_segment_budget)
                                  .where(_editions.c.id == edition_id)).one_or_none()
        if edition is not None:
            zone = edition.timezone
            if edition.sms_segment_budget is not None:
                used = segments_used(session, edition_id)
                if used + fitted.segments > edition.sms_segment_budget:
                    raise SmsOverBudget(fitted.segments, used, edition.sms_segment_budget)
    return queue_mail(session, to=to, template=template, locale=locale, context=context, key=key,
                      edition_id=edition_id, channel=CHANNEL, rendered=("", fitted.text, None),
                      not_before=quiet_until(now(), zone, urgent_before),
                      extra={"segments": fitted.segments, "encoding": fitted.encoding, "user_id": user_id,
                             "fallback_email": fallback_email})


# ---------------------------------------------------------------- senders

class ViewerSender:
    """SMS_URL unset (development): the text is kept for the dev mail viewer, marked as an SMS."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def send(self, row: OutboxMessage) -> None:
        fitted = encoding.fit(row.text_body)
        message = EmailMessage()
        message["To"] = row.to_address
        label = "GSM-7" if fitted.encoding == encoding.GSM7 else "UCS-2"
        message["Subject"] = f"[SMS · {fitted.segments} segment(s) · {label}] {row.text_body[:100]}"
        message["X-Fair-Channel"] = "sms"
        message.set_content(row.text_body)
        keep_for_viewer(message)

    def close(self) -> None:
        pass


def sender_for(session: Session):
    url = current_app.config.get("SMS_URL") or ""
    if url.startswith("smpp://"):
        return SmppSender(session, url)
    if url.startswith(("https://", "http://")):
        return HttpSender(session, url)
    if current_app.config.get("ENV_NAME") == "production":
        return NoTransport()
    return ViewerSender(session)


class NoTransport:
    """Production without SMS_URL: each text fails for good at once, so its fallback (mail) applies."""

    def send(self, row: OutboxMessage) -> None:
        raise PermanentFailure("no SMS transport: SMS_URL is not set")

    def close(self) -> None:
        pass


register_channel(Channel(CHANNEL, render_sms, sender_for, after_batch=receipts.after_batch))
