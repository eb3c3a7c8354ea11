"""Webhook pages in the permission matrix: an organisation's subscriptions are read by its members and
changed by its owners (recruiter A owns Company A in the matrix's world); everyone else gets 404, and
another organisation's subscription is 404 to everyone."""
from __future__ import annotations

from fair.companies.models import Booth
from fair.webhooks import services
from fair.webhooks.models import DeliveryStatus, WebhookDelivery
from tests.matrix import Check, only

RA = "recruiter_a"
S = "/organisations/{company_a}/webhooks/{subscription_a}"


def _post(name: str, code: int = 302) -> list[Check]:
    return [Check("POST", lambda i: (S + "/" + name).format(**i), only({RA: code}))]


EXPECTED: dict[str, list[Check]] = {
    "webhooks.index": [
        Check("GET", lambda i: "/organisations/{company_a}/webhooks".format(**i), only({RA: 200})),
        Check("GET", lambda i: "/organisations/{organiser_org_f}/webhooks".format(**i), only({"organiser_f": 200})),
    ],
    "webhooks.create": [Check("POST", lambda i: "/organisations/{company_a}/webhooks".format(**i), only({RA: 201}),
                              data={"url": "https://hooks.example.org/x", "events": ["booking.created"]})],
    "webhooks.show": [
        Check("GET", lambda i: S.format(**i), only({RA: 200})),
        # Company B's address with Company A's subscription: found nowhere.
        Check("GET", lambda i: "/organisations/{company_b}/webhooks/{subscription_a}".format(**i), only({})),
    ],
    "webhooks.pause": _post("pause"),
    "webhooks.resume": _post("resume"),
    "webhooks.rotate": _post("rotate", 200),  # the new secret is shown in the answer, once
    "webhooks.test": _post("test"),
    "webhooks.delete": _post("delete"),
    "webhooks.resend": _post("deliveries/{delivery_a}/resend"),
}


RUN_LAST = ["webhooks.delete"]


def build(factory, session, world) -> None:
    booth_a, booth_b = session.get(Booth, world.ids["booth_a"]), session.get(Booth, world.ids["booth_b"])
    subscription, _secret = services.subscribe(session, booth_a.company, url="https://hooks.example.org/a",
                                               events=["booking.created"])
    session.flush()
    delivery = WebhookDelivery(id="msg_matrix", subscription_id=subscription.id, event_type="booking.created",
                               body="{}", status=DeliveryStatus.delivered, attempts=1)
    session.add(delivery)
    session.flush()
    world.ids.update(company_a=booth_a.company_id, company_b=booth_b.company_id, subscription_a=subscription.id,
                     delivery_a=delivery.id, organiser_org_f=booth_a.edition.organiser_id)
