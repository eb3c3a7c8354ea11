"""Account jobs: the password reset mail."""
from __future__ import annotations

import logging

from flask import current_app, url_for
from rq import get_current_job
from sqlalchemy import select

from fair.accounts.models import User
from fair.accounts.services import issue_password_reset_token
from fair.db import db
from fair.jobs import job
from fair.mail.models import OutboxMessage
from fair.mail.outbox import queue_mail

log = logging.getLogger("fair.accounts")


@job(queue="mail")
def send_password_reset(user_id: int) -> bool:
    """Make a single-use reset token and queue the mail with its link; nothing for an unknown or
    disabled account.

    Where the secret lives: the raw token is made here, not in the request, so it never sits in
    Redis as a job argument. The token row (only its SHA-256) and the outbox row (the rendered
    mail, link included) are committed together, so a link that reaches the mailbox always works.
    The outbox row is the one place the raw link is stored, from now until the send job delivers
    it, usually seconds; the send job then erases the bodies of this template
    (`fair.mail.outbox.SECRET_TEMPLATES`). The link dies after PASSWORD_RESET_MAX_AGE anyway.
    That is acceptable because whoever can read the outbox table can read the database, and a
    mail waiting to be sent has to be kept somewhere the worker can reach.

    The outbox key is this job's id: the same job run again (an RQ retry) queues nothing more.
    """
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return False
    current = get_current_job()
    key = f"password-reset:{user.id}:{current.id if current is not None else 'direct'}"
    if db.session.execute(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)).first():
        log.info("password reset for account %s already queued by this job", user.id)
        return False
    token = issue_password_reset_token(user)
    link = url_for("accounts.reset_password", token=token, _external=True)
    minutes = max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    queue_mail(db.session, to=user.email, template="reset_password", locale=user.locale,
               context={"user": user, "link": link, "minutes": minutes}, key=key)
    db.session.commit()
    log.info("password reset link queued for account %s", user.id)
    return True
