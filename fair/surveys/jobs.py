"""The survey mail: every half hour (workers/schedule.py), each person who took part in a fair that
ended in the last seven days and has not had its survey gets one mail, through the outbox, keyed by
edition and person: a later run, or a retried job, sends nothing more and issues no new link.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from fair.clock import now
from fair.db import db
from fair.jobs import job
from fair.mail.models import OutboxMessage
from fair.mail.outbox import queue_mail
from fair.mail.render import mail_url
from fair.surveys import services

log = logging.getLogger("fair.surveys")


@job(queue="default")
def send_surveys() -> int:
    """Queue the survey mail of every participant of a recently ended fair who has none; answers how many."""
    queued = 0
    for edition in services.editions_to_survey(db.session, now()):
        people = services.participants(db.session, edition)
        keys = {services.mail_key(edition.id, user.id) for user, _role in people}
        already = set(db.session.execute(select(OutboxMessage.idempotency_key)
                                         .where(OutboxMessage.idempotency_key.in_(keys))).scalars()) if keys else set()
        for user, role in people:
            key = services.mail_key(edition.id, user.id)
            if key in already:
                continue
            token = services.issue_link(db.session, edition, user.id)
            # Lazy texts: the mail renders them in the recipient's language.
            answers = [(code, label, mail_url("surveys.one_tap", token=token, code=code))
                       for code, label in services.OVERALL.choices]
            queue_mail(db.session, to=user.email, template="survey", locale=user.locale, key=key,
                       edition_id=edition.id,
                       context={"edition": edition, "name": user.full_name, "role": role, "answers": answers,
                                "page": mail_url("surveys.survey", token=token),
                                "question": services.OVERALL.text})
            queued += 1
        db.session.commit()
    if queued:
        log.info("%d survey mails queued", queued)
    return queued
