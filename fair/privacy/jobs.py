"""Retention that runs by itself: periodic jobs (workers/schedule.py) applying fair/privacy/retention.py.

Each job is idempotent (it acts only on what the rule still calls for), works in batches committed one
by one (a big instance never holds a lock for long), logs counts and never names, and writes one audit
row per run with its counts, by the system. The periods are the instance's (`InstanceSettings.retention`),
replaced for an organiser's editions by its own (`Organisation.retention`) where a rule allows it.

What "not retained" means here: a candidate's part in an edition is kept as long as one of their
interviews of that edition ended with an outcome that goes on (hired, second interview, training
proposed) or a hire or training of theirs was recorded from it (fair/outcomes: its follow-ups run for
six months; outcomes live as long as the account and are erased with it); otherwise (rejected,
withdrawn, no answer, not retained, no interview) it is anonymised `application_after_edition` days
after the edition ended, or, when the person's talent-pool consent is current,
`talent_pool_after_contact` days after their last contact if that is later.

Inactive accounts: warned once `inactivity_warning` days before, erased `inactive_account` days after
their last sign-in or action (signing in clears the warning). Administrators are left out (an instance
must not lose its administrators to a holiday), and so is the last owner of an organisation that has
other members: they are counted as "kept" in the run's audit row, for the administrator to see.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update

from fair import audit, clock
from fair.accounts.consent import ConsentPurpose, ConsentRecord
from fair.accounts.models import User
from fair.candidates.models import Application, CvAccess
from fair.companies.models import Booth, Offer
from fair.db import db
from fair.fairs.models import Edition
from fair.instance import settings_row
from fair.jobdating.models import Booking
from fair.jobdating.models import Outcome as InterviewOutcome
from fair.jobs import job
from fair.mail.models import DevMail, OutboxMessage, OutboxStatus
from fair.mail.outbox import queue_mail
from fair.mail.render import mail_url
from fair.outcomes.models import Outcome
from fair.privacy import erasure
from fair.privacy.retention import BY_KEY, periods
from fair.sms.outbox import queue_sms

log = logging.getLogger("fair.privacy")

BATCH = 200
# People moved to tombstones per transaction: each costs a dozen statements (about 10 ms), so 200 at
# once held SQLite's one write lock for seconds (bench/privacy.py); 20 keep every transaction short.
PEOPLE_PER_COMMIT = 20
# Outcomes after which a candidate is retained: the relationship goes on beyond the fair.
RETAINED_OUTCOMES = (InterviewOutcome.hired, InterviewOutcome.second_interview, InterviewOutcome.training_proposed)


def _instance_periods() -> dict[str, int]:
    return periods(settings_row(db.session).retention)


def _audit_run(action: str, counts: dict[str, Any]) -> None:
    audit.record(db.session, action, object_type="retention", label=action.split(".", 1)[1], actor=None,
                 details=counts)
    db.session.commit()


def _batched_ids(statement) -> list[int]:
    return list(db.session.execute(statement.limit(BATCH)).scalars())


# ---------------------------------------------------------------- applications of candidates not retained


def _participants(edition: Edition):
    """Living accounts with applications to the edition's offers or bookings in it."""
    offers = select(Offer.id).join(Booth, Booth.id == Offer.booth_id).where(Booth.edition_id == edition.id)
    applied = select(Application.candidate_id).where(Application.offer_id.in_(offers))
    booked = select(Booking.candidate_id).where(Booking.edition_id == edition.id)
    return select(User.id).where(User.erased_at.is_(None), or_(User.id.in_(applied), User.id.in_(booked)))


def _retained(edition: Edition):
    return or_(exists().where(Booking.candidate_id == User.id, Booking.edition_id == edition.id,
                              Booking.outcome.in_(RETAINED_OUTCOMES)),
               exists().where(Outcome.candidate_id == User.id, Outcome.edition_id == edition.id))


def _in_talent_pool():
    return exists().where(ConsentRecord.user_id == User.id, ConsentRecord.purpose == ConsentPurpose.talent_pool,
                          ConsentRecord.withdrawn_at.is_(None))


@job(queue="default", request_context=False)
def anonymise_applications() -> dict[str, int]:
    """Move the part of candidates not retained in each ended edition to anonymous tombstones."""
    now = clock.now()
    instance = settings_row(db.session).retention
    counts = {"editions": 0, "people": 0}
    shortest = BY_KEY["application_after_edition"].minimum_days
    editions = list(db.session.execute(select(Edition).where(
        Edition.ends_at <= now - dt.timedelta(days=shortest))).scalars())
    for edition in editions:
        days = periods(instance, edition.organiser.retention)
        if now < edition.ends_at + dt.timedelta(days=days["application_after_edition"]):
            continue
        last_contact = func.coalesce(User.last_active_at, User.created_at)
        due = _participants(edition).where(
            ~_retained(edition),
            or_(~_in_talent_pool(),
                last_contact <= now - dt.timedelta(days=days["talent_pool_after_contact"])))
        moved, seen = 0, set()
        while True:
            ids = [i for i in _batched_ids(due.order_by(User.id)) if i not in seen]
            if not ids:
                break
            for start in range(0, len(ids), PEOPLE_PER_COMMIT):
                chunk = ids[start:start + PEOPLE_PER_COMMIT]
                for user in db.session.execute(select(User).where(User.id.in_(chunk))).scalars():
                    seen.add(user.id)
                    if erasure.anonymise_participation(db.session, user, edition, now=now) is not None:
                        moved += 1
                db.session.commit()
        if moved:
            counts["editions"] += 1
            counts["people"] += moved
    log.info("retention: applications anonymised: %s", counts)
    _audit_run("retention.applications", counts)
    return counts


# ---------------------------------------------------------------- inactive accounts


@job(queue="default")
def erase_inactive_accounts() -> dict[str, int]:
    """Warn accounts nearing the end of the inactivity period (once), erase those warned long enough
    ago that are still inactive."""
    now = clock.now()
    days = _instance_periods()
    inactive, warning = dt.timedelta(days=days["inactive_account"]), dt.timedelta(days=days["inactivity_warning"])
    last = func.coalesce(User.last_active_at, User.created_at)
    candidates = select(User.id).where(User.erased_at.is_(None), User.is_admin.is_(False))
    counts = {"warned": 0, "erased": 0, "kept": 0}
    to_warn = candidates.where(last <= now - (inactive - warning), User.inactivity_warned_at.is_(None))
    while ids := _batched_ids(to_warn.order_by(User.id)):
        for user in db.session.execute(select(User).where(User.id.in_(ids))).scalars():
            _warn(user, now, last_active=user.last_active_at or user.created_at, deleted_on=now + warning)
            counts["warned"] += 1
        db.session.commit()
    to_erase = candidates.where(last <= now - inactive, User.inactivity_warned_at <= now - warning)
    kept: set[int] = set()
    while ids := _batched_ids((to_erase.where(User.id.not_in(kept)) if kept else to_erase).order_by(User.id)):
        for user in db.session.execute(select(User).where(User.id.in_(ids))).scalars():
            try:
                erasure.erase(db.session, user, actor=None, how="retention", now=now)
                counts["erased"] += 1
            except erasure.ErasureRefused:
                kept.add(user.id)
                counts["kept"] += 1
        db.session.commit()
    log.info("retention: inactive accounts: %s", counts)
    _audit_run("retention.inactive_accounts", counts)
    return counts


def _warn(user: User, now: dt.datetime, *, last_active: dt.datetime, deleted_on: dt.datetime) -> None:
    if user.email is None and user.mobile:  # a phone-only account is warned by SMS
        queue_sms(db.session, to=user.mobile, template="inactivity_warning", locale=user.locale or "fr",
                  context={"deleted_on": deleted_on, "link": mail_url("accounts.login_phone")},
                  key=f"inactivity-warning:{user.id}:{now.date().isoformat()}", user_id=user.id)
        user.inactivity_warned_at = now
        return
    queue_mail(db.session, to=user.email, template="inactivity_warning", locale=user.locale or "fr",
               context={"name": user.full_name, "last_active": last_active, "deleted_on": deleted_on,
                        "link": mail_url("accounts.login")},
               key=f"inactivity-warning:{user.id}:{now.date().isoformat()}")
    user.inactivity_warned_at = now


# ---------------------------------------------------------------- mail bodies, CV access log


@job(queue="default", request_context=False)
def purge_mail_bodies() -> dict[str, int]:
    """Sent mails keep their subject; their bodies, calendar data and links go."""
    now = clock.now()
    cutoff = now - dt.timedelta(days=_instance_periods()["mail_bodies"])
    counts = {"outbox": 0, "dev_mail": 0}
    due = select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.sent, OutboxMessage.sent_at <= cutoff,
                                         OutboxMessage.purged_at.is_(None)).order_by(OutboxMessage.id)
    while ids := _batched_ids(due):
        counts["outbox"] += db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
            text_body="", html_body=None, calendar_ics=None, purged_at=now)
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
    dev_due = select(DevMail.id).where(DevMail.created_at <= cutoff, DevMail.text_body != "").order_by(DevMail.id)
    while ids := _batched_ids(dev_due):
        counts["dev_mail"] += db.session.execute(update(DevMail).where(DevMail.id.in_(ids)).values(
            text_body="", html_body=None, raw=b"").execution_options(synchronize_session=False)).rowcount
        db.session.commit()
    log.info("retention: mail bodies purged: %s", counts)
    _audit_run("retention.mail_bodies", counts)
    return counts


@job(queue="default", request_context=False)
def purge_cv_access_log() -> dict[str, int]:
    """Records of who opened a CV, older than the period, deleted."""
    cutoff = clock.now() - dt.timedelta(days=_instance_periods()["cv_access_log"])
    counts = {"deleted": 0}
    due = select(CvAccess.id).where(CvAccess.created_at <= cutoff).order_by(CvAccess.id)
    while ids := _batched_ids(due):
        counts["deleted"] += db.session.execute(delete(CvAccess).where(CvAccess.id.in_(ids))).rowcount
        db.session.commit()
    log.info("retention: CV access records deleted: %s", counts)
    _audit_run("retention.cv_access_log", counts)
    return counts
