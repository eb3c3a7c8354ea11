"""The SMS aggregator's receipt webhook: anyone may post to it (the provider has no session), but
only with the secret of its URL (else 404), and only a receipt the provider would send (else 400)."""
from __future__ import annotations

from tests.matrix import Check, everyone


def build(factory, session, world) -> None:
    from fair.sms.http import webhook_secret

    world.ids["sms_secret"] = webhook_secret()


EXPECTED = {
    "sms.receipts": [
        Check("POST", lambda i: "/sms/receipts/not-the-secret", everyone(404), {}),
        Check("POST", lambda i: "/sms/receipts/{sms_secret}".format(**i), everyone(400), {"msg_status": "delivered"}),
    ],
}
