"""Webhooks: an organisation's subscriptions, the deliveries owed to them, and sending them.

- **Emission** (`emit`) writes one delivery row per matching active subscription in the caller's
  transaction (an outbox, like fair/mail's): nothing leaves before the commit, nothing is lost if the
  worker is down. The send job is queued after the commit (`fair.jobs.after_commit_batch`).
- **Thin payloads**: the body names the object and where the API serves it (`data.href`), never a
  person; the receiver reads the object with its API token, so a revoked token or an anonymised
  edition is respected.
- **Signatures** follow the Standard Webhooks convention: `Webhook-Signature: v1,<base64 HMAC-SHA256
  of "<id>.<timestamp>.<body>">` with the secret's bytes (`whsec_<base64>`). After a rotation the
  previous secret signs too (a second `v1,` value) for a day, so that receivers switch without loss.
- **Sending** claims a row by a conditional UPDATE with a lease (two jobs never send one row at
  once), POSTs without following redirects and with a short timeout, refuses private and loopback
  addresses unless `WEBHOOKS_ALLOW_LOCAL`, and logs each attempt with its answer. A failure is
  retried after RETRY_DELAYS (with jitter) by the periodic sweep; a subscription failing for
  `WEBHOOKS_DISABLE_AFTER_DAYS` days is disabled and its owners told by mail.

This package sits below the domains: it imports none of them. Callers say which organisations hear
an event (`emit(session, "booking.created", booking.id, [company_id, organiser_id, ...])`).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import secrets
import socket
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from fair import audit
from fair.accounts.mfa import decrypt_secret, encrypt_secret
from fair.accounts.models import Organisation
from fair.clock import now
from fair.forms import FieldErrors
from fair.jobs import after_commit_batch, submit
from fair.mail.outbox import queue_mail
from fair.teams.services import owners
from fair.webhooks import jobs
from fair.webhooks.models import (
    EVENT_TYPES,
    TEST_EVENT,
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

log = logging.getLogger("fair.webhooks")

# Seconds to wait after the 1st, 2nd… failed attempt; after the last one the delivery has failed.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600, 8 * 3600, 24 * 3600)
JITTER = 0.2            # each delay is drawn within ±20 %, so that receivers back up are not hit at once
LEASE = dt.timedelta(minutes=2)
PREVIOUS_SECRET_VALID = dt.timedelta(hours=24)
BODY_KEPT = 1000        # characters of the receiver's answer kept in the log
SWEEP_BATCH = 500
API_PATHS = {"application": "applications", "booking": "bookings", "outcome": "outcomes"}

# ---------------------------------------------------------------- secrets and signatures


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, delivery_id: str, timestamp: int, body: str) -> str:
    """`v1,<signature>` of one message (Standard Webhooks)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{delivery_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _secret_key() -> str:
    return current_app.config["SECRET_KEY"]


def _set_secret(subscription: WebhookSubscription, secret: str) -> None:
    subscription.secret = encrypt_secret(secret, _secret_key())
    subscription.secret_hint = secret[-4:]


def signing_secrets(subscription: WebhookSubscription, at: dt.datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one for a day after a rotation."""
    found = [decrypt_secret(subscription.secret, _secret_key())]
    if subscription.previous_secret and subscription.previous_secret_until and subscription.previous_secret_until > at:
        found.append(decrypt_secret(subscription.previous_secret, _secret_key()))
    return [secret for secret in found if secret]


# ---------------------------------------------------------------- addresses

def allow_local() -> bool:
    return bool(current_app.config.get("WEBHOOKS_ALLOW_LOCAL"))


def _is_local(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return not ip.is_global


def _is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """The address as it will be used, or FieldErrors: HTTPS, or plain HTTP to loopback where allowed."""
    url = (url or "").strip()
    parts = urlsplit(url)
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        host = ""
    if not host or len(url) > 2000 or parts.username or parts.password:
        raise FieldErrors({"url": [_("Give a full web address, such as https://example.org/hooks/fair.")]})
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and allow_local() and _is_loopback_host(host):
        return url
    raise FieldErrors({"url": [_("The address must start with https://.")]})


class AddressRefused(Exception):
    pass


def _check_resolved(url: str) -> None:
    """Refuse a receiver that resolves to a private, loopback or link-local address (server-side
    request forgery): the instance's own network is not a webhook's business."""
    if allow_local():
        return
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise AddressRefused(f"the name does not resolve: {error}") from error
    for info in infos:
        if _is_local(info[4][0]):
            raise AddressRefused(f"refused: {parts.hostname} is a private or loopback address")


# ---------------------------------------------------------------- subscriptions

def _check_events(events: Iterable[str]) -> list[str]:
    chosen = [event for event in EVENT_TYPES if event in set(events)]
    if not chosen:
        raise FieldErrors({"events": [_("Choose at least one event.")]})
    return chosen


def subscriptions_of(session: Session, organisation_id: int) -> list[WebhookSubscription]:
    return list(session.execute(
        select(WebhookSubscription).where(WebhookSubscription.organisation_id == organisation_id)
        .order_by(WebhookSubscription.created_at, WebhookSubscription.id)
    ).scalars())


def subscribe(session: Session, organisation: Organisation, *, url: str, events: Iterable[str],
              description: str = "") -> tuple[WebhookSubscription, str]:
    """A new active subscription and its secret, in clear (shown once: only its last characters after)."""
    url, chosen = check_url(url), _check_events(events)
    secret = new_secret()
    subscription = WebhookSubscription(organisation_id=organisation.id, url=url, events=chosen,
                                       description=(description or "").strip()[:200],
                                       status=SubscriptionStatus.active, created_at=now())
    _set_secret(subscription, secret)
    session.add(subscription)
    session.flush()
    audit.record(session, "webhook.created", subscription, label=url, organisation_id=organisation.id,
                 details={"events": chosen})
    return subscription, secret


def pause(session: Session, subscription: WebhookSubscription) -> None:
    """Nothing is written for a paused subscription; what was owed waits, and goes when it resumes."""
    subscription.status = SubscriptionStatus.paused
    audit.record(session, "webhook.paused", subscription, label=subscription.url,
                 organisation_id=subscription.organisation_id)


def resume(session: Session, subscription: WebhookSubscription) -> None:
    subscription.status = SubscriptionStatus.active
    subscription.failing_since = subscription.disabled_at = None
    audit.record(session, "webhook.resumed", subscription, label=subscription.url,
                 organisation_id=subscription.organisation_id)
    owed = session.execute(select(WebhookDelivery.id).where(
        WebhookDelivery.subscription_id == subscription.id, WebhookDelivery.status == DeliveryStatus.pending)
    ).scalars().all()
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id.in_(owed))
                    .values(next_attempt_at=now()).execution_options(synchronize_session=False))
    _send_after_commit(session, owed)


def delete(session: Session, subscription: WebhookSubscription) -> None:
    """Gone with its deliveries and their log (the audit log keeps that it existed)."""
    audit.record(session, "webhook.deleted", subscription, label=subscription.url,
                 organisation_id=subscription.organisation_id)
    session.delete(subscription)
    session.flush()


def rotate_secret(session: Session, subscription: WebhookSubscription) -> str:
    """A new secret (in clear, shown once); the previous one still signs for PREVIOUS_SECRET_VALID."""
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = now() + PREVIOUS_SECRET_VALID
    secret = new_secret()
    _set_secret(subscription, secret)
    audit.record(session, "webhook.secret_rotated", subscription, label=subscription.url,
                 organisation_id=subscription.organisation_id)
    return secret


class NotActive(Exception):
    pass


def send_test(session: Session, subscription: WebhookSubscription) -> WebhookDelivery:
    """A `webhook.test` event to this subscription alone (it must be active)."""
    if subscription.status is not SubscriptionStatus.active:
        raise NotActive
    delivery = _delivery(session, subscription, TEST_EVENT, {"object": "subscription", "id": subscription.id})
    _send_after_commit(session, [delivery.id])
    return delivery


def resend(session: Session, delivery: WebhookDelivery) -> None:
    """Send a delivery again, with the same id and body, and a fresh set of retries."""
    delivery.status = DeliveryStatus.pending
    delivery.attempts = 0
    delivery.next_attempt_at = now()
    delivery.claimed_until = None
    _send_after_commit(session, [delivery.id])


def recent_deliveries(session: Session, subscription_id: int, limit: int = 50) -> list[WebhookDelivery]:
    return list(session.execute(
        select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id).limit(limit)
    ).scalars())


# ---------------------------------------------------------------- emission

def emit(session: Session, event_type: str, object_id: int,
         organisation_ids: Iterable[int | None]) -> list[WebhookDelivery]:
    """Owe `event_type` about the object (`application`, `booking` or `outcome`, from the event's
    name) to every active subscription of these organisations that listens to it; no commit."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event {event_type!r}")
    wanted = {org for org in organisation_ids if org}
    if not wanted:
        return []
    subscriptions = session.execute(
        select(WebhookSubscription)
        .join(Organisation, Organisation.id == WebhookSubscription.organisation_id)
        .where(WebhookSubscription.organisation_id.in_(wanted), Organisation.is_active.is_(True),
               WebhookSubscription.status == SubscriptionStatus.active)  # a deactivated organisation hears nothing
        .order_by(WebhookSubscription.id)
    ).scalars().all()
    kind = event_type.split(".")[0]
    data = {"object": kind, "id": object_id,
            "href": f"{current_app.config['BASE_URL']}/api/v1/{API_PATHS[kind]}/{object_id}"}
    rows = [_delivery(session, subscription, event_type, data)
            for subscription in subscriptions if event_type in (subscription.events or [])]
    _send_after_commit(session, [row.id for row in rows])
    return rows


def _delivery(session: Session, subscription: WebhookSubscription, event_type: str, data: dict) -> WebhookDelivery:
    at = now()
    delivery_id = f"msg_{uuid.uuid4().hex}"
    body = json.dumps({"id": delivery_id, "type": event_type, "created_at": at.isoformat(timespec="seconds"),
                       "organisation_id": subscription.organisation_id, "data": data}, separators=(",", ":"))
    row = WebhookDelivery(id=delivery_id, subscription_id=subscription.id, event_type=event_type, body=body,
                          status=DeliveryStatus.pending, attempts=0, next_attempt_at=at, created_at=at)
    session.add(row)
    return row


def _send_after_commit(session: Session, delivery_ids: list[str]) -> None:
    if not delivery_ids:
        return
    redis_url, bind = current_app.config["REDIS_URL"], session.get_bind()
    after_commit_batch(session, "webhooks",
                       lambda ids: submit(jobs.send_deliveries.call(list(ids)), redis_url, bind)).extend(delivery_ids)


# ---------------------------------------------------------------- sending

@dataclass(frozen=True)
class Answer:
    status_code: int | None
    body: str
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def claim(session: Session, delivery_id: str) -> WebhookDelivery | None:
    """Take a due delivery of an active subscription for LEASE, or None (sent, not due, taken, paused)."""
    at = now()
    active = select(WebhookSubscription.id).where(WebhookSubscription.status == SubscriptionStatus.active)
    taken = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.pending,
               WebhookDelivery.subscription_id.in_(active),
               or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= at),
               or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < at))
        .values(claimed_until=at + LEASE).execution_options(synchronize_session=False)
    ).rowcount
    return session.get(WebhookDelivery, delivery_id, populate_existing=True) if taken else None


def post(subscription: WebhookSubscription, delivery: WebhookDelivery) -> Answer:
    """One POST of the delivery, signed now; never raises: the answer says what happened."""
    timestamp = int(now().timestamp())
    signatures = " ".join(sign(secret, delivery.id, timestamp, delivery.body)
                          for secret in signing_secrets(subscription, now()))
    headers = {"Content-Type": "application/json", "User-Agent": "fair-webhooks/1",
               "Webhook-Id": delivery.id, "Webhook-Timestamp": str(timestamp), "Webhook-Signature": signatures}
    started = time.monotonic()
    try:
        _check_resolved(subscription.url)
        with requests.post(subscription.url, data=delivery.body.encode(), headers=headers, allow_redirects=False,
                           timeout=float(current_app.config.get("WEBHOOKS_TIMEOUT_SECONDS") or 5),
                           stream=True) as response:
            body = next(response.iter_content(BODY_KEPT * 4, decode_unicode=False), b"")
            return Answer(response.status_code, body.decode("utf-8", "replace")[:BODY_KEPT], "",
                          int((time.monotonic() - started) * 1000))
    except AddressRefused as error:
        return Answer(None, "", str(error)[:500], 0)
    except requests.Timeout:
        return Answer(None, "", "timed out", int((time.monotonic() - started) * 1000))
    except requests.RequestException as error:
        return Answer(None, "", f"{type(error).__name__}: {error}"[:500], int((time.monotonic() - started) * 1000))


def retry_delay(attempts: int) -> dt.timedelta | None:
    """After `attempts` failed tries: how long until the next, with jitter; None when they are spent."""
    if attempts > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[attempts - 1]
    return dt.timedelta(seconds=base * random.uniform(1 - JITTER, 1 + JITTER))


def record(session: Session, delivery: WebhookDelivery, answer: Answer, started_at: dt.datetime) -> None:
    """Log the attempt and settle the delivery: delivered, retried later, or failed."""
    subscription = delivery.subscription
    session.add(WebhookAttempt(delivery_id=delivery.id, started_at=started_at, duration_ms=answer.duration_ms,
                               status_code=answer.status_code, response_body=answer.body, error=answer.error))
    delivery.claimed_until = None
    at = now()
    if answer.succeeded:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.delivered, at, None
        subscription.failing_since = None
        return
    delivery.attempts += 1
    delay = retry_delay(delivery.attempts)
    if delay is None:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.failed, None
    else:
        delivery.next_attempt_at = at + delay
    subscription.failing_since = subscription.failing_since or at
    disable_after = dt.timedelta(days=float(current_app.config.get("WEBHOOKS_DISABLE_AFTER_DAYS") or 3))
    if at - subscription.failing_since >= disable_after and subscription.status is SubscriptionStatus.active:
        disable(session, subscription)


def disable(session: Session, subscription: WebhookSubscription) -> None:
    """Stop a subscription that has failed for days: what it was owed fails, its owners get a mail."""
    at = now()
    subscription.status, subscription.disabled_at = SubscriptionStatus.disabled, at
    session.execute(update(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription.id, WebhookDelivery.status == DeliveryStatus.pending)
        .values(status=DeliveryStatus.failed, next_attempt_at=None).execution_options(synchronize_session=False))
    audit.record(session, "webhook.disabled", subscription, label=subscription.url, actor=None,
                 organisation_id=subscription.organisation_id)
    organisation = session.get(Organisation, subscription.organisation_id)
    link = f"{current_app.config['BASE_URL']}/organisations/{organisation.id}/webhooks/{subscription.id}"
    for person in owners(session, organisation.id):
        queue_mail(session, to=person.email, template="webhook_disabled", locale=person.locale or "fr",
                   context={"organisation": organisation.name, "url": subscription.url, "link": link},
                   key=f"webhook-disabled:{subscription.id}:{int(at.timestamp())}:{person.id}")
    log.warning("webhook subscription %s disabled after failing since %s", subscription.id, subscription.failing_since)


def due(session: Session) -> list[str]:
    """Deliveries of active subscriptions whose time has come and that no job holds (retries, and
    rows whose first send job was lost)."""
    at = now()
    return list(session.execute(
        select(WebhookDelivery.id)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookSubscription.status == SubscriptionStatus.active,
               WebhookDelivery.status == DeliveryStatus.pending,
               WebhookDelivery.next_attempt_at <= at,
               or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < at))
        .order_by(WebhookDelivery.next_attempt_at).limit(SWEEP_BATCH)
    ).scalars())


__all__ = ["emit", "subscribe", "pause", "resume", "delete", "rotate_secret", "send_test", "resend", "claim",
           "post", "record", "due", "sign"]
