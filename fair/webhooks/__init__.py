"""Webhooks: organisations subscribe URLs to events; deliveries are signed, retried and logged."""
