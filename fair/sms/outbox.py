"""Queueing a text message: one outbox row of channel "sms", written in the caller's transaction.

The text is `templates/sms/<template>.txt` rendered in the person's language; the outbox does the
rest (after-commit send jobs, claims, retries, the sweeper). How an SMS is sent (SMPP, an HTTP
aggregator) is the channel's sender, registered below.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from fair.mail.models import OutboxMessage
from fair.mail.outbox import Channel, PermanentFailure, queue_mail, register_channel

CHANNEL = "sms"


def render_sms(template: str, locale: str, context: dict[str, Any]) -> tuple[str, str, None]:
    """("", text, None): an SMS has no subject and no HTML; one line of whitespace at most."""
    if not has_request_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with app.test_request_context(base_url=app.config.get("BASE_URL") or None):
            return render_sms(template, locale, context)
    with force_locale(locale or "fr"):
        text = render_template(f"sms/{template}.txt", **context)
    return "", " ".join(text.split()), None


def queue_sms(session: Session, *, to: str, template: str, locale: str, context: dict[str, Any], key: str,
              edition_id: int | None = None, user_id: int | None = None,
              urgent_before: dt.datetime | None = None,
              fallback_email: str | None = None) -> OutboxMessage:
    """`to` is an E.164 number (fair.sms.numbers.parse_mobile); `key` as for queue_mail.

    `user_id`: the person it is for (whom to tell their adviser about if it cannot be delivered).
    `urgent_before`: the appointment it is about; quiet hours hold a message until morning unless
    that is sooner. `fallback_email`: where the text goes by mail if the SMS fails for good (the
    person's address, when they have one); without it the person's adviser is told.
    """
    return queue_mail(session, to=to, template=template, locale=locale, context=context, key=key,
                      edition_id=edition_id, channel=CHANNEL)


def _no_transport(session: Session):
    class NoTransport:
        def send(self, row: OutboxMessage) -> None:
            raise PermanentFailure("no SMS transport on this worker")

        def close(self) -> None:
            pass

    return NoTransport()


register_channel(Channel(CHANNEL, render_sms, _no_transport))
