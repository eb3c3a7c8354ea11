"""Invitation mail jobs (queue `mail`): the link that brings a company or a partner into a fair."""
from __future__ import annotations

import logging

from flask import current_app, url_for

from fair.db import utcnow
from fair.extensions import db
from fair.notify.mail import build_message, deliver, render_mail
from fair.redis_conn import get_redis
from workers.app import job_app

log = logging.getLogger("workers.invitations")


def send_invitation(invitation_id: int) -> bool:
    """Mail the invitation link; nothing if the invitation is gone, accepted or expired.

    The idempotency key is the RQ job id (kept by a retry of the same job), so a retried job does
    not mail twice while a resend, which is a new job, does mail again.
    """
    from rq import get_current_job

    from fair.fairs.models import Invitation
    from fair.fairs.services import invitation_state, invitation_token

    app = job_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"] or None):
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is None or invitation_state(invitation, utcnow()) != "pending":
            log.info("invitation %s no longer pending: nothing sent", invitation_id)
            return False
        edition = invitation.edition
        job = get_current_job()
        send_id = job.id if job is not None else invitation.expires_at.isoformat()
        key = f"fair:sent:invitation:{invitation.id}:{send_id}"
        redis = get_redis()
        if not redis.set(key, "1", nx=True, ex=current_app.config["INVITATION_MAX_AGE"] + 86400):
            log.info("invitation %s already mailed for this validity period", invitation_id)
            return False
        try:
            link = url_for("fairs.accept_invitation", token=invitation_token(invitation.id), _external=True)
            languages = current_app.config["LANGUAGES"]
            # The invitee has no account (so no language) yet: write in the fair's first language.
            locale = next((code for code in (edition.languages or []) if code in languages), "fr")
            subject, text, html = render_mail("invitation", locale, invitation=invitation, edition=edition, link=link)
            deliver(build_message(invitation.email, subject, text, html))
            db.session.commit()
        except Exception:
            redis.delete(key)  # not sent: let a retry try again
            raise
        log.info("invitation %s mailed", invitation_id)
        return True
