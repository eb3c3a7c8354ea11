"""The webhook pages in Chromium, as an owner uses them: from the team page to a new subscription
(its secret shown once), then its log of deliveries; axe-core finds no WCAG A/AA violation, nothing
scrolls sideways, and screenshots at 390 and 1280 px are kept in test-artifacts/ to look at."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import check_and_shoot, log_in

pytestmark = pytest.mark.e2e


def test_an_owner_subscribes_and_reads_the_delivery_log(live_server, page, factory, session):
    from sqlalchemy import select

    from fair.db import utcnow
    from fair.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription

    company = factory.organisation("company", "Transports Rapides du Nord")
    factory.member(company, email="olivia.owner@example.org", full_name="Olivia Propriétaire", role="owner")

    log_in(page, live_server, "olivia.owner@example.org")
    page.goto(f"{live_server}/organisations/{company.id}/team")
    page.get_by_role("link", name="Webhooks : prévenir votre propre logiciel").click()
    page.wait_for_load_state()
    check_and_shoot(page, "webhooks-index")

    page.get_by_label("Adresse de votre récepteur").fill("https://ats.transports-rapides.example/hooks/fair")
    page.get_by_label("Note pour votre équipe (facultatif)").fill("Notre logiciel de recrutement")
    page.get_by_role("button", name="S’abonner").click()
    page.wait_for_load_state()
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    check_and_shoot(page, "webhook-created")

    subscription = session.execute(select(WebhookSubscription)).scalar_one()
    now = utcnow()
    failed = WebhookDelivery(id="msg_e2e1", subscription_id=subscription.id, event_type="application.created",
                             body="{}", status=DeliveryStatus.pending, attempts=1,
                             next_attempt_at=now + dt.timedelta(minutes=1), created_at=now)
    done = WebhookDelivery(id="msg_e2e2", subscription_id=subscription.id, event_type="booking.created",
                           body="{}", status=DeliveryStatus.delivered, attempts=0, created_at=now)
    session.add_all([failed, done])
    session.flush()
    session.add_all([
        WebhookAttempt(delivery_id=failed.id, started_at=now, duration_ms=5000, error="timed out"),
        WebhookAttempt(delivery_id=done.id, started_at=now, duration_ms=84, status_code=500,
                       response_body="Internal Server Error: the database of the tracking system is down"),
        WebhookAttempt(delivery_id=done.id, started_at=now, duration_ms=63, status_code=200, response_body="ok"),
    ])
    session.commit()

    page.goto(f"{live_server}/organisations/{company.id}/webhooks/{subscription.id}")
    assert secret not in page.content()  # shown once only
    assert page.get_by_text("HTTP 500").is_visible()
    check_and_shoot(page, "webhook-subscription")
