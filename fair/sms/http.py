"""One HTTP aggregator: Brevo's transactional SMS API (a French company; public documentation at
developers.brevo.com, "Send transactional SMS" and "Transactional webhooks").

`SMS_URL=https://<api-key>@api.brevo.com/v3/transactionalSMS/send?sender=FAIR`

Each row is one `POST` with the `api-key` header and a JSON body {sender, recipient (international
number without +), content, type: "transactional", unicodeEnabled, webUrl}; the answer `201
{"messageId": …}` gives the provider id. `webUrl` is our receipt webhook
(`/sms/receipts/<secret>`, fair/sms/views.py): Brevo posts {messageId, msg_status: sent,
delivered, soft_bounce, hard_bounce…} there. Brevo's per-message webhook has no signature, so the
URL holds a secret derived from SECRET_KEY and compared in constant time.

Answers: 2xx sent; 402 (no credits left) and 429 (rate limited) wait for the outbox's retry, as do
5xx and timeouts; another 4xx (an invalid number…) is permanent; a connection refused is a
ConnectionFailure (the rest of the batch waits).
"""
from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import requests
from flask import current_app
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fair.mail.models import OutboxMessage
from fair.mail.outbox import ConnectionFailure, PermanentFailure, TemporaryFailure
from fair.mail.render import mail_url
from fair.sms import encoding
from fair.sms.receipts import Receipt

TIMEOUT = 15.0
RETRIED = frozenset({402, 408, 425, 429})

# Brevo's msg_status → our delivery words
BREVO_STATUSES = {"sent": "sent", "accepted": "sent", "delivered": "delivered", "soft_bounce": "failed",
                  "hard_bounce": "undeliverable", "blacklisted": "rejected", "rejected": "rejected",
                  "skipped": "rejected", "unsubscribed": "rejected"}


def webhook_secret() -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"fair-sms-receipts", hashlib.sha256).hexdigest()[:40]


def receipt_from_webhook(payload: dict) -> Receipt | None:
    provider_id = payload.get("messageId")
    status = str(payload.get("msg_status") or payload.get("event") or "").lower()
    if provider_id in (None, "") or not status:
        return None
    delivery = BREVO_STATUSES.get(status, "unknown")
    error = None if delivery in ("sent", "delivered") else status
    return Receipt(str(provider_id), delivery, error)


class HttpSender:
    def __init__(self, session: Session, url: str) -> None:
        parts = urlsplit(url)
        self.api_key = unquote(parts.username or "")
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        self.endpoint = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.sender_name = options.get("sender", "FAIR")
        self.http = requests.Session()
        self.http.headers.update({"api-key": self.api_key, "accept": "application/json",
                                  "content-type": "application/json"})
        self.web_url = mail_url("sms.receipts", secret=webhook_secret())

    def send(self, row: OutboxMessage) -> None:
        fitted = encoding.fit(row.text_body)
        body = {"sender": self.sender_name, "recipient": row.to_address.lstrip("+"), "content": fitted.text,
                "type": "transactional", "unicodeEnabled": fitted.encoding == encoding.UCS2,
                "webUrl": self.web_url, "tag": row.template}
        try:
            answer = self.http.post(self.endpoint, json=body, timeout=TIMEOUT)
        except requests.ConnectionError as exc:
            raise ConnectionFailure(f"cannot reach the SMS provider: {type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise TemporaryFailure(f"the SMS provider did not answer: {type(exc).__name__}") from exc
        if answer.status_code < 300:
            try:
                provider_id = str(answer.json()["messageId"])
            except (ValueError, KeyError, TypeError):
                provider_id = None
            set_committed_value(row, "provider_message_id", provider_id)
            set_committed_value(row, "delivery", "sent")
            return
        detail = f"{answer.status_code} {_message(answer)}"
        if answer.status_code >= 500 or answer.status_code in RETRIED:
            raise TemporaryFailure(detail)
        raise PermanentFailure(detail)

    def close(self) -> None:
        self.http.close()


def _message(answer: requests.Response) -> str:
    try:
        payload = answer.json()
        return f"{payload.get('code', '')}: {payload.get('message', '')}"[:500]
    except ValueError:
        return answer.text[:200]
