"""Notices to the structures that follow a person: a no-show, an interview's outcome, a hire.

A candidate's consent is given to a structure, not to one adviser (fair.candidates.access): so every
adviser of every structure that follows the person hears of these events, not only the adviser who
made the referral. Each is reached in their own language and on their own channels
(fair.accounts.reach: mail, SMS or both), once per event and adviser: the outbox key names both, so a
retried job or a second click sends nothing more. Rows are written in the caller's transaction.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from fair.accounts.models import User
from fair.accounts.reach import Message, reach
from fair.candidates.access import structure_advisers
from fair.mail.render import mail_url

log = logging.getLogger("fair.jobdating")


def tell_structures(session: Session, candidate_id: int, *, key: str, template: str,
                    context: Callable[[User], dict], sms_text: Callable[[User], str], edition_id: int | None,
                    except_user_id: int | None = None, link: str | None = None) -> list[int]:
    """Queue the notice `template` for each adviser following the person; answers whom it reached.

    `context` and `sms_text` are called in the adviser's language; `context` gets `adviser` and
    `link` (the person's agenda unless another page is given) added. `except_user_id`: the adviser who
    did it hears nothing."""
    told = []
    adviser_ids = session.execute(select(User.id).where(User.id.in_(structure_advisers(candidate_id)))
                                  .order_by(User.id)).scalars().all()
    link = link or mail_url("jobdating.adviser_person_agenda", candidate_id=candidate_id)
    for adviser_id in adviser_ids:
        if adviser_id == except_user_id:
            continue
        adviser = session.get(User, adviser_id)
        with force_locale(adviser.locale or "fr"):
            values = {**context(adviser), "adviser": adviser.full_name, "link": link}
            text = f"{sms_text(adviser)} {link}"
        if reach(session, adviser, key=f"{key}:adviser:{adviser_id}", mail=Message(template, values),
                 sms=Message("text", {"text": text}), edition_id=edition_id):
            told.append(adviser_id)
    log.info("%s: %d adviser(s) of the following structures told", key, len(told))
    return told
