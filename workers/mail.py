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


def send_password_reset(user_id: int) -> bool:
    """Make a single-use reset token and mail its link; nothing for an unknown or disabled account.

    The token is created here rather than in the request so that the raw secret never sits in
    Redis as a job argument: it lives only in this job's memory and in the mail. The token row is
    committed before sending, so a link that reaches the mailbox always works.
    """
    from fair.accounts.models import User
    from fair.accounts.services import issue_password_reset_token

    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        user = db.session.get(User, user_id)
        if user is None or not user.is_active:
            return False
        token = issue_password_reset_token(user)
        db.session.commit()
        link = url_for("accounts.reset_password", token=token, _external=True)
        minutes = max(1, app.config["PASSWORD_RESET_MAX_AGE"] // 60)
        subject, text, html = render_mail("reset_password", user.locale, user=user, link=link, minutes=minutes)
        deliver(build_message(user.email, subject, text, html))
        db.session.commit()
        log.info("password reset link mailed to account %s", user.id)
        return True
