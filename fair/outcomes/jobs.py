"""The mails of the outcomes domain, each through the outbox with its idempotency key.

- `send_follow_ups` (every half hour, workers/schedule.py): each follow-up whose time has come and
  that was not sent goes out through `send_follow_up`, the one function that sends a follow-up (mail
  today; another channel plugs in there).
- `send_outcome_reminders` (every hour): REMINDER_DAYS after an edition ends, each recruiter of each
  booth gets the list of the booth's interviews that were attended and have no outcome yet.
- `tell_advisers`: every adviser of the structures following the person hears of a follow-up answer.

A retried or repeated run sends nothing twice: the outbox key says what was sent.
"""
from __future__ import annotations

import datetime as dt
import logging

from flask_babel import gettext as _
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from fair.accounts.models import Membership, User
from fair.accounts.reach import Message, reach
from fair.clock import now
from fair.companies.models import Booth, BoothStaff
from fair.db import db
from fair.fairs.models import Edition, EditionStatus
from fair.jobdating.models import Attendance, Availability, Booking, BookingStatus
from fair.jobdating.notices import tell_structures
from fair.jobs import job
from fair.mail.models import OutboxMessage
from fair.mail.outbox import queue_mail
from fair.mail.render import mail_url
from fair.outcomes import services
from fair.outcomes.models import AnsweredBy, FollowUp, Outcome
from fair.selfservice.links import url as self_service_url
from fair.timezones import fair_zone, local_time_text

log = logging.getLogger("fair.outcomes")

REMINDER_DAYS = (3, 14)
# A reminder is sent within this window after its day (a worker down for a while), never later.
REMINDER_WINDOW = dt.timedelta(days=2)
# A follow-up due longer ago than this is not sent any more (its question no longer fits).
FOLLOW_UP_WINDOW = dt.timedelta(days=14)
BATCH = 200


# ---------------------------------------------------------------- follow-ups


def send_follow_up(session: Session, follow_up: FollowUp) -> bool:
    """Ask the person of `follow_up` whether they are still in the job, by mail and/or SMS as they
    chose (fair.accounts.reach); marks it sent. Answers whether something was queued."""
    key = services.follow_up_key(follow_up)
    follow_up.sent_at = follow_up.sent_at or now()
    already = session.execute(select(OutboxMessage.id).where(
        OutboxMessage.idempotency_key.in_([key, f"{key}:sms"]))).first()
    outcome = follow_up.outcome
    person = session.get(User, outcome.candidate_id)
    if already or person is None or person.erased_at is not None:
        return False
    token = services.issue_follow_up_link(session, follow_up, person.id)
    answers = [(code, services.ANSWER_LABELS[code], mail_url("outcomes.follow_up_tap", token=token, choice=code))
               for code in services.ANSWERS]
    employer = services.employer_of(outcome)
    mail = Message("follow_up", {"name": person.full_name, "job": outcome.job_title, "employer": employer,
                                 "months": follow_up.months, "answers": answers,
                                 "page": mail_url("outcomes.follow_up", token=token)})
    # The SMS opens the same page through the short self-service address (/r/ leads to it).
    sms = Message("follow_up", {"employer": employer, "link": self_service_url(token)})
    return bool(reach(session, person, key=key, mail=mail, sms=sms, edition_id=outcome.edition_id))


@job(queue="default")
def send_follow_ups() -> int:
    """Send every follow-up that is due (and not too old); answers how many mails were queued."""
    moment, queued = now(), 0
    while True:
        rows = list(db.session.execute(
            select(FollowUp).where(FollowUp.sent_at.is_(None), FollowUp.answered_at.is_(None),
                                   FollowUp.due_at <= moment, FollowUp.due_at > moment - FOLLOW_UP_WINDOW)
            .order_by(FollowUp.due_at, FollowUp.id).limit(BATCH)).scalars())
        if not rows:
            break
        for row in rows:
            queued += send_follow_up(db.session, row)
        db.session.commit()
    if queued:
        log.info("%d follow-up mails queued", queued)
    return queued


def tell_advisers(session: Session, follow_up: FollowUp, *, except_user_id: int | None = None) -> int:
    """Every adviser of the structures that follow the person hears of the answer, once per answer given
    (fair.jobdating.notices: the consent is the structure's, as for no-shows and interview outcomes)."""
    outcome = follow_up.outcome
    person = session.get(User, outcome.candidate_id)
    # One notice per answer given: a correction (another answer, or the same later) is news again.
    stamp = follow_up.answered_at.strftime("%Y%m%d%H%M%S%f") if follow_up.answered_at else "none"
    choice = services.choice_of(follow_up)
    stamp += f":{choice}:{follow_up.contract.value if follow_up.contract else ''}"

    def context(adviser: User) -> dict:
        return {"candidate": person.full_name, "employer": services.employer_of(outcome),
                "job": outcome.job_title, "months": follow_up.months, "answer": services.ANSWER_LABELS[choice],
                "contract": services.CONTRACT_LABELS[follow_up.contract] if follow_up.contract else "",
                "by_adviser": follow_up.answered_by is AnsweredBy.adviser}

    told = tell_structures(
        session, outcome.candidate_id, key=f"follow-up-answer:{follow_up.id}:{stamp}", template="follow_up_answer",
        context=context, edition_id=outcome.edition_id, except_user_id=except_user_id,
        sms_text=lambda adviser: _("Follow-up of %(name)s, %(months)s months after the hire: %(answer)s.",
                                   name=person.full_name, months=follow_up.months,
                                   answer=services.ANSWER_LABELS[choice]),
        link=mail_url("candidates.adviser_person", candidate_id=outcome.candidate_id))
    return len(told)


# ---------------------------------------------------------------- reminders to recruiters


def missing_outcomes(session: Session, booth_id: int) -> list[Booking]:
    """The booth's interviews that took place (the person came) and have no outcome yet."""
    return list(session.execute(select(Booking).where(
        Booking.booth_id == booth_id, Booking.status == BookingStatus.active,
        Booking.attendance == Attendance.attended, Booking.outcome.is_(None),
        Booking.id.not_in(select(Outcome.booking_id).where(Outcome.booking_id.is_not(None))))
        .order_by(Booking.starts_at)).scalars())


def booth_recruiters(session: Session, booth: Booth) -> list[User]:
    """Who staffed the booth (named on it or opened its slots) and still belongs to its company."""
    staffed = union(select(BoothStaff.user_id).where(BoothStaff.booth_id == booth.id),
                    select(Availability.recruiter_id).where(Availability.booth_id == booth.id)).subquery()
    return list(session.execute(select(User).join(Membership, Membership.user_id == User.id).where(
        User.id.in_(select(staffed.c[0])), Membership.organisation_id == booth.company_id,
        User.erased_at.is_(None), User.is_active_account.is_(True)).order_by(User.id)).scalars())


@job(queue="default")
def send_outcome_reminders() -> int:
    """REMINDER_DAYS after each fair, remind its recruiters of the interviews with no outcome."""
    moment, queued = now(), 0
    for days in REMINDER_DAYS:
        due = moment - dt.timedelta(days=days)
        editions = db.session.execute(select(Edition).where(
            Edition.status.in_((EditionStatus.published, EditionStatus.live, EditionStatus.closed)),
            Edition.ends_at <= due, Edition.ends_at > due - REMINDER_WINDOW).order_by(Edition.id)).scalars().all()
        for edition in editions:
            for booth in db.session.execute(select(Booth).where(Booth.edition_id == edition.id)
                                            .order_by(Booth.id)).scalars():
                bookings = missing_outcomes(db.session, booth.id)
                if not bookings:
                    continue
                queued += _remind_booth(db.session, edition, booth, bookings, days)
            db.session.commit()
    if queued:
        log.info("%d outcome reminders queued", queued)
    return queued


def _remind_booth(session: Session, edition: Edition, booth: Booth, bookings: list[Booking], days: int) -> int:
    zone = fair_zone(edition)
    queued = 0
    for recruiter in booth_recruiters(session, booth):
        key = f"outcome-reminder:{booth.id}:{days}:{recruiter.id}"
        if session.execute(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)).first():
            continue
        locale = recruiter.locale or "fr"
        day = bookings[0].starts_at.astimezone(zone).date().isoformat()
        interviews = [(local_time_text(b.starts_at, zone.key, locale), b.candidate.full_name) for b in bookings]
        queue_mail(session, to=recruiter.email, template="outcome_reminder", locale=locale,
                   key=key, edition_id=edition.id,
                   context={"name": recruiter.full_name, "fair": edition.title, "company": booth.company.name,
                            "interviews": interviews,
                            "link": mail_url("jobdating.recruiter_day", day=day)})
        queued += 1
    return queued
