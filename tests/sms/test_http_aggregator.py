"""The HTTP aggregator (Brevo's transactional SMS API) against a local server answering as its
documentation says, and its delivery-report webhook."""
from __future__ import annotations

import datetime as dt

import pytest

from fair.clock import frozen_at
from fair.mail import outbox
from fair.mail.models import OutboxMessage, OutboxStatus
from fair.sms.http import webhook_secret
from fair.sms.outbox import queue_sms
from tests.conftest import run_jobs


@pytest.fixture
def app_config(app_config, brevo):
    brevo.reset()
    return {**app_config, "SMS_URL": brevo.url}


def _queue(session, text: str, key: str = "h1", **kw) -> OutboxMessage:
    row = queue_sms(session, to="+33612345678", template="text", locale="fr", context={"text": text}, key=key, **kw)
    session.commit()
    return row


def _row(session, row_id: int) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, row_id)


def test_sent_then_delivered_through_the_webhook(app, session, client, brevo):
    row = _queue(session, "Votre entretien ✓ demain")
    run_jobs(app)
    [(headers, body)] = brevo.requests
    assert body["recipient"] == "33612345678" and body["content"] == "Votre entretien ✓ demain"
    assert body["sender"] == "FAIR" and body["type"] == "transactional" and body["unicodeEnabled"] is True
    assert body["webUrl"] == f"http://fair.test/sms/receipts/{webhook_secret()}"
    row = _row(session, row.id)
    assert (row.status, row.provider_message_id, row.delivery) == (OutboxStatus.sent, "1001", "sent")

    forged = client.post("/sms/receipts/wrong-secret", json={"messageId": 1001, "msg_status": "delivered"})
    assert forged.status_code == 404
    answer = client.post(body["webUrl"].removeprefix("http://fair.test"),
                         json={"id": 26570, "to": "33612345678", "sms_count": 1, "messageId": 1001,
                               "msg_status": "delivered", "reference": "ab1cde2fgh3i4jklmno"})
    assert answer.status_code == 204
    row = _row(session, row.id)
    assert row.delivery == "delivered" and row.delivered_at is not None


def test_a_4xx_is_permanent_and_falls_back_to_mail_a_5xx_is_retried(app, session, brevo, smtp):
    brevo.replies[:] = [(400, {"code": "invalid_parameter", "message": "Invalid phone number"}),
                        (500, {"code": "internal_error", "message": "oops"})]
    refused = _queue(session, "Premier", key="a", fallback_email="lea@example.org")
    retried = _queue(session, "Second", key="b")
    run_jobs(app)
    run_jobs(app)
    refused, retried = _row(session, refused.id), _row(session, retried.id)
    assert refused.status == OutboxStatus.failed_permanent and "Invalid phone number" in refused.last_error
    assert [m["To"] for m in smtp.messages] == ["lea@example.org"]
    assert "Premier" in smtp.messages[0].get_body(("plain",)).get_content()
    assert retried.status == OutboxStatus.failed_temporary
    with frozen_at(retried.next_attempt_at + dt.timedelta(seconds=1)):
        outbox.send_batch(session, [retried.id])
    assert _row(session, retried.id).status == OutboxStatus.sent
    assert [body["content"] for _, body in brevo.requests] == ["Premier", "Second", "Second"]
