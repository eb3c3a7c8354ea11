"""The claim of a delivery on SQLite and PostgreSQL (its conditional UPDATE is the database's): two
jobs never take one row at once, and a lease past its time, a paused subscription or a retry not yet
due decide as they should."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from fair import clock
from fair.db import utcnow
from fair.webhooks import services
from fair.webhooks.models import DeliveryStatus, WebhookDelivery


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


def test_one_job_claims_a_delivery_until_its_lease_ends(app, session, factory):
    from fair.extensions import db

    company = factory.organisation("company", "Transports Alpha")
    subscription, _secret = services.subscribe(session, company, url="https://hooks.example.org/a",
                                               events=["booking.created"])
    session.add(WebhookDelivery(id="msg_claim", subscription_id=subscription.id, event_type="booking.created",
                                body="{}", status=DeliveryStatus.pending, next_attempt_at=utcnow()))
    session.commit()

    with Session(db.engine) as first, Session(db.engine) as second:
        assert services.claim(first, "msg_claim") is not None
        first.commit()
        assert services.claim(second, "msg_claim") is None  # held by the first job's lease
        second.rollback()
        with clock.frozen_at(utcnow() + services.LEASE + dt.timedelta(seconds=1)):
            assert services.claim(second, "msg_claim") is not None  # the first job died: taken again
            second.commit()

    services.pause(session, subscription)
    session.execute(WebhookDelivery.__table__.update().values(claimed_until=None))
    session.commit()
    assert services.claim(session, "msg_claim") is None  # paused: it waits
    session.rollback()
    services.resume(session, subscription)
    session.execute(WebhookDelivery.__table__.update().values(next_attempt_at=utcnow() + dt.timedelta(hours=1)))
    session.commit()
    assert services.claim(session, "msg_claim") is None  # its retry is not due yet
