"""Who reaches the webhook pages: members of a company, organiser or partner read its subscriptions
and their log; only its owners change them. Anything else (another organisation's subscription, a
network, a deactivated organisation) is None, which views answer 404."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fair.access import as_id
from fair.accounts.models import Membership, OrganisationKind
from fair.extensions import db
from fair.teams.access import owner_membership, team_membership
from fair.webhooks.models import WebhookDelivery, WebhookSubscription

KINDS = (OrganisationKind.company, OrganisationKind.organiser, OrganisationKind.partner)


def webhook_membership(organisation_id: Any, user_id: int, *, owner: bool = False) -> Membership | None:
    membership = (owner_membership if owner else team_membership)(organisation_id, user_id)
    if membership is None or membership.organisation.kind not in KINDS or not membership.organisation.is_active:
        return None
    return membership


def subscription_of(organisation_id: Any, subscription_id: Any, user_id: int, *,
                    owner: bool = False) -> WebhookSubscription | None:
    if webhook_membership(organisation_id, user_id, owner=owner) is None or as_id(subscription_id) is None:
        return None
    return db.session.execute(
        select(WebhookSubscription).where(WebhookSubscription.id == as_id(subscription_id),
                                          WebhookSubscription.organisation_id == as_id(organisation_id))
    ).scalars().first()


def delivery_of(organisation_id: Any, subscription_id: Any, delivery_id: str, user_id: int) -> WebhookDelivery | None:
    """A delivery of a subscription this person owns (to resend it)."""
    subscription = subscription_of(organisation_id, subscription_id, user_id, owner=True)
    if subscription is None:
        return None
    return db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.id == str(delivery_id)[:40],
                                      WebhookDelivery.subscription_id == subscription.id)
    ).scalars().first()
