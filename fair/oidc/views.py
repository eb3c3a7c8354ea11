"""Sign-in with an OpenID Connect provider: the button posts here, the provider answers at the callback.

What the callback must check (state, nonce, PKCE verifier) waits in the signed session cookie of the
browser that started, for at most PENDING_MINUTES; it is removed as soon as the answer arrives, whatever
the answer. A session opened this way starts as a password sign-in does (server-side row, second factor
for accounts that have one); the ID token is kept beside it so that logging out ends the provider's
session too (fair/oidc/signout.py, which accounts.logout asks).
"""
from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from fair.accounts.views import MFA_PENDING, after_first_factor, landing_url
from fair.extensions import db
from fair.oidc import providers, services, signout
from fair.security import safe_next_url

bp = Blueprint("oidc", __name__)
log = logging.getLogger("fair.oidc")

PENDING_KEY = "oidc_pending"  # the sign-in under way (state, nonce, verifier), until the callback

NOT_CHECKED = _l("We could not check the answer of your provider: the sign-in was not completed. "
                 "Start again from the login page.")
CANCELLED = _l("The sign-in was stopped at your provider, so you are not signed in. You can start again, "
               "or log in with your password.")
UNREACHABLE = _l("Your provider cannot be reached right now. Try again in a few minutes, or log in with "
                 "your password.")


@bp.app_template_global("oidc_providers")
def oidc_providers() -> list[providers.Provider]:
    """The buttons of the login page (templates/oidc/buttons.html)."""
    return providers.configured()


def _callback_url(provider: providers.Provider) -> str:
    return current_app.config["BASE_URL"] + url_for("oidc.callback", name=provider.name)


def _refused(message, status: int = 400) -> tuple[str, int]:
    return render_template("oidc/refused.html", message=message), status


@bp.route("/login/oidc/<name>", methods=["POST"])
def start(name: str):
    """POST (with the CSRF token every POST carries): another site cannot send a browser through a
    provider on its own. Neither route is throttled per address: there is nothing to guess (the state
    is 256 random bits, checked before anything else is done), and a whole office behind one address
    signs in at nine."""
    provider = providers.get(name)
    if provider is None:
        abort(404)
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    try:
        url, pending = providers.begin(provider, _callback_url(provider))
    except providers.ProviderUnreachable as error:
        log.warning("sign-in with %s not started: %s", provider.name, error)
        return _refused(UNREACHABLE, 503)
    pending["next"] = safe_next_url(request.args.get("next"))
    session[PENDING_KEY] = pending
    return redirect(url)


@bp.route("/login/oidc/<name>/callback")
def callback(name: str) -> Response | tuple[str, int]:
    provider = providers.get(name)
    if provider is None:
        abort(404)
    pending = session.pop(PENDING_KEY, None)  # one answer per start, whatever it is
    try:
        signed = providers.finish(provider, pending, request.args.to_dict(), _callback_url(provider))
    except providers.SignInRefused as refusal:
        log.warning("sign-in with %s refused: %s", provider.name, refusal.reason)
        return _refused(CANCELLED if refusal.cancelled else NOT_CHECKED)
    except providers.ProviderUnreachable as error:
        log.warning("sign-in with %s failed: %s", provider.name, error)
        return _refused(UNREACHABLE, 503)
    try:
        user = services.sign_in(db.session, provider, signed.claims)
        db.session.commit()
    except services.Refused as refusal:
        db.session.rollback()
        log.info("sign-in with %s opened no account: %s", provider.name, refusal.reason)
        return _refused(refusal.message, 403)
    except IntegrityError:  # the same account created by a sign-in racing this one
        db.session.rollback()
        return _refused(NOT_CHECKED, 409)
    log.info("account %s signed in with %s", user.id, provider.name)
    response = after_first_factor(user, safe_next_url((pending or {}).get("next")))
    signed_out_by = {"provider": provider.name, "id_token": signed.id_token}
    if isinstance(session.get(MFA_PENDING), dict):  # the second step starts a fresh session: it carries this
        session[MFA_PENDING] = {**session[MFA_PENDING], "keep": {signout.SESSION_KEY: signed_out_by}}
    else:
        session[signout.SESSION_KEY] = signed_out_by
    return response
