"""Transactional mail jobs (queue `mail`)."""
from __future__ import annotations

import logging

from flask import url_for

from fair.extensions import db
from fair.notify.mail import build_message, deliver, render_mail
from workers.app import job_app

log = logging.getLogger("workers.mail")


def send_email_confirmation(user_id: int) -> bool:
    """Mail the link that confirms a new account's address; nothing if already confirmed or gone."""
    from fair.accounts.models import User
    from fair.accounts.services import email_confirmation_token

    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        user = db.session.get(User, user_id)
        if user is None or user.email_confirmed_at is not None:
            return False
        link = url_for("accounts.confirm_email", token=email_confirmation_token(user), _external=True)
        subject, text, html = render_mail("confirm_email", user.locale, user=user, link=link)
        deliver(build_message(user.email, subject, text, html))
        db.session.commit()
        return True
