"""The SMS aggregator's delivery-report webhook (fair/sms/http.py): no session, no CSRF token (the
provider posts JSON); the secret in the URL is what authenticates it."""
from __future__ import annotations

import hmac

from flask import Blueprint, abort, request

from fair.extensions import csrf, db
from fair.sms.http import receipt_from_webhook, webhook_secret
from fair.sms.receipts import apply_receipts, settle, store_receipts

bp = Blueprint("sms", __name__, url_prefix="/sms")


@bp.route("/receipts/<secret>", methods=["POST"])
@csrf.exempt
def receipts(secret: str):
    if not hmac.compare_digest(secret, webhook_secret()):
        abort(404)
    payload = request.get_json(silent=True)
    events = payload if isinstance(payload, list) else [payload]
    found = [receipt for event in events if isinstance(event, dict)
             for receipt in [receipt_from_webhook(event)] if receipt is not None]
    if not found:
        abort(400)
    store_receipts(db.session, found)
    settle(db.session, apply_receipts(db.session))
    db.session.commit()
    return "", 204
