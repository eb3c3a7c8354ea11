"""Webhooks: organisations hear of applications, bookings and outcomes at an address of theirs.

`emit(session, event_type, object_id, organisation_ids)` is the one way a domain service announces
such a change (fair/webhooks/services.py says how deliveries are written, signed and retried)."""
from fair.webhooks.services import emit

__all__ = ["emit"]
