"""Transactional mail jobs (queue `mail`): they write outbox rows; `workers.outbox` sends them."""
from __future__ import annotations

import logging

from flask import url_for

from fair.extensions import db
from workers.app import job_app

log = logging.getLogger("workers.mail")


def _job_id(fallback: str) -> str:
    from rq import get_current_job

    job = get_current_job()
    return job.id if job is not None else fallback


def send_email_confirmation(user_id: int) -> bool:
    """Queue the link that confirms a new account's address; nothing if already confirmed or gone.

    Requests queue this mail themselves (`fair.accounts.services.queue_email_confirmation`); the
    job remains for timed or scripted sends.
    """
    from fair.accounts.models import User
    from fair.accounts.services import queue_email_confirmation

    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        user = db.session.get(User, user_id)
        if user is None or user.email_confirmed_at is not None:
            return False
        queue_email_confirmation(user)
        db.session.commit()
        return True


def send_password_reset(user_id: int) -> bool:
    """Make a single-use reset token and queue the mail with its link; nothing for an unknown or
    disabled account.

    Where the secret lives: the raw token is made here, not in the request, so it never sits in
    Redis as a job argument. The token row (only its SHA-256) and the outbox row (the rendered
    mail, link included) are committed together, so a link that reaches the mailbox always works.
    The outbox row is the one place the raw link is stored, from now until the send job delivers
    it, usually seconds; the send job then erases the bodies of this template
    (`fair.notify.outbox.SECRET_TEMPLATES`). The link dies after PASSWORD_RESET_MAX_AGE anyway.
    That is acceptable because whoever can read the outbox table can read the database, and a
    mail waiting to be sent has to be kept somewhere the worker can reach.

    The outbox key is this job's id: the same job run again (an RQ retry) queues nothing more.
    """
    from fair.accounts.models import User
    from fair.accounts.services import issue_password_reset_token
    from fair.notify.models import OutboxMessage
    from fair.notify.outbox import queue_mail

    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        user = db.session.get(User, user_id)
        if user is None or not user.is_active:
            return False
        key = f"password-reset:{user.id}:{_job_id('direct')}"
        if db.session.query(OutboxMessage.id).filter_by(idempotency_key=key).first() is not None:
            log.info("password reset for account %s already queued by this job", user.id)
            return False
        token = issue_password_reset_token(user)
        link = url_for("accounts.reset_password", token=token, _external=True)
        minutes = max(1, app.config["PASSWORD_RESET_MAX_AGE"] // 60)
        queue_mail(db.session, to=user.email, template="reset_password", locale=user.locale,
                   context={"user": user, "link": link, "minutes": minutes}, key=key)
        db.session.commit()
        log.info("password reset link queued for account %s", user.id)
        return True
