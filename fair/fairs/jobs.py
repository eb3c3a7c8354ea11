"""Fair jobs: the invitation mail that brings a company or a partner into a fair."""
from __future__ import annotations

import logging

from flask import current_app, url_for
from rq import get_current_job

from fair.db import db, utcnow
from fair.fairs import services
from fair.fairs.models import Invitation
from fair.jobs import job
from fair.notify.outbox import queue_mail

log = logging.getLogger("fair.fairs")


@job(queue="mail")
def send_invitation(invitation_id: int) -> bool:
    """Queue the invitation mail in the outbox; nothing if the invitation is gone, accepted or expired.

    The state is checked here, when the job runs, so an invitation accepted meanwhile is not
    mailed. The outbox key holds the RQ job id (kept by a retry of the same job): a retried job
    does not mail twice, while a resend, which is a new job, does mail again. The mail carries the
    edition, so a refused address shows in that edition's failed mail page.
    """
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or services.invitation_state(invitation, utcnow()) != "pending":
        log.info("invitation %s no longer pending: nothing sent", invitation_id)
        return False
    edition = invitation.edition
    current = get_current_job()
    send_id = current.id if current is not None else invitation.expires_at.isoformat()
    link = url_for("fairs.accept_invitation", token=services.invitation_token(invitation.id), _external=True)
    languages = current_app.config["LANGUAGES"]
    # The invitee has no account (so no language) yet: write in the fair's first language.
    locale = next((code for code in (edition.languages or []) if code in languages), "fr")
    row = queue_mail(db.session, to=invitation.email, template="invitation", locale=locale,
                     context={"invitation": invitation, "edition": edition, "link": link},
                     key=f"invitation:{invitation.id}:{send_id}", edition_id=edition.id)
    db.session.commit()
    log.info("invitation %s queued as outbox message %s", invitation_id, row.id)
    return True
