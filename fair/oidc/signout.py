"""Logging out of a session opened with a provider ends the provider's session too (RP-initiated logout).

fair/oidc/views.py keeps the provider's name and the ID token in the signed session when it signs someone
in; accounts.logout asks `end_session_redirect` before it clears the session.
"""
from __future__ import annotations

from flask import current_app, session, url_for

from fair.oidc import providers

SESSION_KEY = "oidc_signout"  # {"provider", "id_token"} of a session opened with a provider


def end_session_redirect() -> str | None:
    """The provider's end-session URL (with `id_token_hint` and `post_logout_redirect_uri`) when this
    session was opened with a provider that has one, else None: then only our session ends."""
    signout = session.get(SESSION_KEY)
    if not isinstance(signout, dict):
        return None
    provider = providers.get(str(signout.get("provider")))
    if provider is None or not signout.get("id_token"):
        return None
    return providers.end_session_url(provider, str(signout["id_token"]),
                                     current_app.config["BASE_URL"] + url_for("public.home"))
