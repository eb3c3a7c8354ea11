"""What the webhooks domain keeps: an organisation's subscriptions, the deliveries owed to them (an
outbox written in the transaction of the change) and each attempt with the receiver's answer."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.db import Base, UTCDateTime, enum_column, utcnow

EVENT_TYPES = ("application.created", "application.updated", "booking.created", "booking.cancelled",
               "outcome.recorded")
TEST_EVENT = "webhook.test"


class SubscriptionStatus(str, enum.Enum):
    active = "active"
    paused = "paused"        # by its owner: nothing is written for it until resumed
    disabled = "disabled"    # by the worker, after failing for days: its owners were told by mail


class DeliveryStatus(str, enum.Enum):
    pending = "pending"      # to send (again) at `next_attempt_at`
    delivered = "delivered"  # a 2xx answer
    failed = "failed"        # every retry spent, or the subscription was disabled


class WebhookSubscription(Base):
    """An HTTPS address of an organisation that hears some events. The signing secret is kept
    encrypted (it must be read back to sign); its owners see it once, then only its last characters.
    After a rotation the previous secret also signs until `previous_secret_until`."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[SubscriptionStatus] = mapped_column(enum_column(SubscriptionStatus, "webhook_subscription_status"),
                                                       default=SubscriptionStatus.active)
    secret: Mapped[str] = mapped_column(Text)
    secret_hint: Mapped[str] = mapped_column(String(8))
    previous_secret: Mapped[str | None] = mapped_column(Text)
    previous_secret_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    failing_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    deliveries: Mapped[list[WebhookDelivery]] = relationship(back_populates="subscription",
                                                             cascade="all, delete-orphan", passive_deletes=True)


class WebhookDelivery(Base):
    """One event owed to one subscription. `body` is the exact JSON sent (the same on every attempt and
    resend, with the same `id`, so a receiver can drop duplicates); it names objects, never people."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
                                                 index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus, "webhook_delivery_status"),
                                                   default=DeliveryStatus.pending, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # since it was written or last resent
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    subscription: Mapped[WebhookSubscription] = relationship(back_populates="deliveries")
    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", passive_deletes=True,
        order_by="WebhookAttempt.id.desc()")


class WebhookAttempt(Base):
    """One POST of a delivery and what came back: a status and the start of the body, or an error."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(String(500), default="")

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
