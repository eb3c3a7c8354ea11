"""Candidates: profiles and CVs, pre-applications, the recruiter's inbox, referrals by advisers.

Services take plain arguments and never commit: the request that calls them owns the transaction.
Look-ups are scoped to who asks (the candidate, the recruiter's companies, the adviser), so another
owner's object is simply not found and the view answers 404.
"""
from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from fair import clock
from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose, ConsentRecord
from fair.accounts.models import Membership, Organisation, OrganisationKind, User
from fair.accounts.phone import find_user_by_mobile
from fair.accounts.reach import NotifyBy, stored_phone
from fair.accounts.services import find_user_by_email, new_security_stamp, normalise_email, require_confirmed
from fair.calendar import reminders
from fair.candidates import jobs, labels, storage
from fair.candidates.models import (
    Application,
    ApplicationChange,
    ApplicationStatus,
    CandidateCv,
    CandidateProfile,
    CvAccess,
    Referral,
    ReferralStatus,
    RejectionReason,
    Situation,
)
from fair.candidates.webhook_audience import emit_application
from fair.companies.models import Booth, Offer
from fair.db import utcnow
from fair.extensions import db
from fair.fairs.models import Edition, EditionStatus
from fair.fairs.rules import RegistrationClosed, check_registration_open
from fair.security import hash_password
from fair.territory import services as territory

log = logging.getLogger("fair.candidates")

# Fairs whose offers take applications: announced or running, not closed.
APPLYING_STATUSES = (EditionStatus.published, EditionStatus.live)
ACTIVE_STATUSES = (ApplicationStatus.submitted, ApplicationStatus.shortlisted, ApplicationStatus.invited)
# What a recruiter may turn an application into, from each status.
RECRUITER_MOVES: dict[ApplicationStatus, tuple[ApplicationStatus, ...]] = {
    ApplicationStatus.submitted: (ApplicationStatus.shortlisted, ApplicationStatus.invited, ApplicationStatus.rejected),
    ApplicationStatus.shortlisted: (ApplicationStatus.invited, ApplicationStatus.rejected),
    ApplicationStatus.invited: (ApplicationStatus.rejected,),
    ApplicationStatus.rejected: (ApplicationStatus.shortlisted,),
    ApplicationStatus.withdrawn: (),
}
REFERRAL_SALT = "fair.candidates.referral-confirmation"
REFERRAL_MAX_AGE = 30 * 24 * 3600


__all__ = ["RegistrationClosed"]


class AlreadyApplied(Exception):
    """The candidate already has an application to this offer (the database said so)."""


class NotApplicable(Exception):
    """The offer takes no application now (hidden, or its fair is not open)."""


class MoveRefused(Exception):
    """This status change is not possible from the application's current status."""


class ReferralRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------- profiles

def profile_of(user: User) -> CandidateProfile | None:
    return db.session.execute(select(CandidateProfile).where(CandidateProfile.user_id == user.id)).scalars().first()


def ensure_profile(user: User) -> CandidateProfile:
    profile = profile_of(user)
    if profile is None:
        profile = CandidateProfile(user=user, situations=[])
        db.session.add(profile)
    return profile


def update_profile(user: User, *, full_name: str, phone: str | None, situations: Iterable[str],
                   situation_consent: bool, talent_pool: bool = False, notify_by: str = NotifyBy.email.value,
                   **fields) -> CandidateProfile:
    """Situations are kept only with the consent to the statistics text; withdrawing it clears them.

    Each consent the form asks for is recorded with the words shown (fair.accounts.consent): the
    statistics text, joining the talent pool, and text messages (choosing SMS, or email and SMS, as the
    way to be reached: `users.notify_by`, read by fair.accounts.reach); unticking or unchoosing
    withdraws it. A mobile `phone` is kept in E.164."""
    profile = ensure_profile(user)
    address_before = territory.address_of(profile)
    situations_before = list(profile.situations or [])
    user.full_name = full_name
    before = (user.notify_by, user.phone)
    user.phone = stored_phone(phone)
    user.notify_by = NotifyBy(notify_by).value
    for name, value in fields.items():
        setattr(profile, name, value)
    if situation_consent and list(situations):
        profile.situations = sorted(set(situations))
        if profile.situation_consent_at is None:
            profile.situation_consent_at = utcnow()
        _give(user, ConsentPurpose.situations, labels.SITUATION_CONSENT_TEXT)
    else:
        _clear_situations(user, profile)
    territory.situations_changed_by_person(profile, situations_before)
    db.session.flush()
    territory.address_saved(db.session, profile, address_before)
    if talent_pool:
        _give(user, ConsentPurpose.talent_pool, labels.TALENT_POOL_TEXT)
    else:
        consent.withdraw(db.session, user.id, ConsentPurpose.talent_pool)
    if user.notify_by != NotifyBy.email.value:
        _give(user, ConsentPurpose.sms, labels.SMS_CONSENT_TEXT)
    else:
        consent.withdraw(db.session, user.id, ConsentPurpose.sms)
    if (user.notify_by, user.phone) != before:
        db.session.flush()
        reminders.replan_user(db.session, user.id)  # SMS reminders planned, or no longer
    return profile


def _give(user: User, purpose: ConsentPurpose, wording) -> ConsentRecord:
    return consent.give(db.session, user.id, purpose, str(wording), consent.version_of(wording))


def _clear_situations(user: User, profile: CandidateProfile | None) -> None:
    if profile is not None:
        profile.situations = []
        profile.situation_consent_at = None
    consent.withdraw(db.session, user.id, ConsentPurpose.situations)


def withdraw_consent(user: User, record: ConsentRecord) -> None:
    """The person withdraws one of their consents from their account: it takes effect everywhere.

    Situations are cleared (the statistics no longer count them), a referral is revoked as the
    candidate's own "end this follow-up" does (the adviser no longer sees them), SMS is no longer
    the way to reach them; leaving the talent pool changes what retention keeps. The caller commits."""
    if record.withdrawn_at is not None:
        return
    if record.purpose is ConsentPurpose.situations:
        _clear_situations(user, profile_of(user))
    elif record.purpose is ConsentPurpose.referral:
        for referral in confirmed_referrals_of(user.id):
            if referral.partner_id == record.organisation_id:
                revoke_referral(referral)
    elif record.purpose is ConsentPurpose.sms:
        user.notify_by = NotifyBy.email.value  # reach() would stop SMS anyway: the choice says so too
    consent.withdraw(db.session, user.id, record.purpose, record.organisation_id)
    if record.purpose is ConsentPurpose.sms:
        reminders.replan_user(db.session, user.id)  # its SMS reminders are no longer planned


def in_talent_pool(user_id: int) -> bool:
    return consent.current(db.session, user_id, ConsentPurpose.talent_pool) is not None


# ---------------------------------------------------------------- CVs

def candidate_cvs(user_id: int) -> list[CandidateCv]:
    return list(db.session.execute(
        select(CandidateCv).where(CandidateCv.user_id == user_id).order_by(CandidateCv.created_at.desc(),
                                                                             CandidateCv.id.desc())
    ).scalars())


def check_cv_quota(user: User, size: int) -> None:
    """Raises CvRefused when one more file of `size` bytes would pass the candidate's quota
    (`CV_MAX_COUNT` files, `CV_MAX_TOTAL_BYTES` in all): uploads cannot fill the disk."""
    count, total = db.session.execute(
        select(func.count(CandidateCv.id), func.coalesce(func.sum(CandidateCv.size), 0))
        .where(CandidateCv.user_id == user.id)
    ).one()
    if count + 1 > current_app.config["CV_MAX_COUNT"]:
        raise storage.CvRefused("too_many")
    if total + size > current_app.config["CV_MAX_TOTAL_BYTES"]:
        raise storage.CvRefused("quota_full")


def add_cv(user: User, checked: storage.CheckedCv) -> CandidateCv:
    """Stores the file and adds its row, within the quota (CvRefused, nothing stored, otherwise).
    The caller removes the file if its commit fails."""
    check_cv_quota(user, len(checked.data))
    storage_name = storage.store(checked.data)
    cv = CandidateCv(user=user, kind=checked.kind, original_name=checked.display_name,
                     storage_name=storage_name, size=len(checked.data), sha256=checked.sha256)
    db.session.add(cv)
    return cv


def delete_cv(cv: CandidateCv) -> None:
    """Deletes the row; its file is removed by a job once the deletion is committed."""
    jobs.remove_cv_file.after_commit(db.session, cv.storage_name)
    db.session.delete(cv)


# ---------------------------------------------------------------- applications

def applicable_offer(offer_id: int) -> Offer | None:
    return db.session.execute(
        select(Offer).join(Booth, Booth.id == Offer.booth_id).join(Edition, Edition.id == Booth.edition_id)
        .where(Offer.id == offer_id, Offer.is_published.is_(True), Edition.status.in_(APPLYING_STATUSES))
        .options(joinedload(Offer.booth).joinedload(Booth.company), joinedload(Offer.booth).joinedload(Booth.edition))
    ).scalars().first()


def existing_application(candidate_id: int, offer_id: int) -> Application | None:
    return db.session.execute(
        select(Application).where(Application.candidate_id == candidate_id, Application.offer_id == offer_id)
    ).scalars().first()


def apply(candidate: User, offer: Offer, *, message: str = "", cv: CandidateCv | None = None,
          applied_by: User | None = None) -> Application:
    """One application per candidate and offer: the unique constraint decides between racing requests.

    A withdrawn application may be sent again (the same row comes back to life). On AlreadyApplied
    the session must be rolled back by the caller. Outside the edition's registration window it
    raises RegistrationClosed, whose message says when it opens or that it closed.
    """
    if cv is not None and cv.user_id != candidate.id:
        raise ValueError("a CV of another candidate")
    require_confirmed(candidate)
    check_registration_open(offer.booth.edition, clock.now())
    offer_id = offer.id  # read now: after a failed flush the session cannot load attributes
    now = utcnow()
    revived = db.session.execute(
        update(Application)
        .where(Application.candidate_id == candidate.id, Application.offer_id == offer.id,
               Application.status == ApplicationStatus.withdrawn)
        .values(status=ApplicationStatus.submitted, message=message, cv_id=cv.id if cv else None,
                applied_by_id=applied_by.id if applied_by else None, rejection_reason=None,
                status_changed_at=now, created_at=now, first_answered_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if revived:
        application = existing_application(candidate.id, offer.id)
        db.session.refresh(application)
        emit_application(db.session, "application.updated", application)
        return application
    application = Application(candidate_id=candidate.id, offer_id=offer.id, message=message,
                              cv_id=cv.id if cv else None, applied_by_id=applied_by.id if applied_by else None,
                              status=ApplicationStatus.submitted, created_at=now, status_changed_at=now)
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise AlreadyApplied(offer_id) from error
    emit_application(db.session, "application.created", application)
    return application


def candidate_applications(candidate_id: int) -> list[Application]:
    return list(db.session.execute(
        select(Application).where(Application.candidate_id == candidate_id)
        .options(joinedload(Application.offer).joinedload(Offer.booth).joinedload(Booth.company),
                 joinedload(Application.offer).joinedload(Offer.booth).joinedload(Booth.edition),
                 joinedload(Application.cv))
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).scalars().unique())


def _log_change(application: Application) -> None:
    """Each status change is kept for the advisers' timeline (fair/candidates/followup.py)."""
    db.session.add(ApplicationChange(application_id=application.id, status=application.status,
                                     created_at=application.status_changed_at))


def withdraw(application: Application) -> Application:
    if application.status not in ACTIVE_STATUSES:
        raise MoveRefused(application.status.value)
    application.status = ApplicationStatus.withdrawn
    application.status_changed_at = utcnow()
    _log_change(application)
    emit_application(db.session, "application.updated", application)
    return application


# ---------------------------------------------------------------- the recruiter's inbox

def is_anonymised(application: Application) -> bool:
    """Anonymised fairs hide who applied until an interview is booked."""
    return bool(application.offer.booth.edition.anonymised_applications) and application.interview_booked_at is None


def mark_interview_booked(application: Application) -> Application:
    """Called by the booking of an interview: from then on the recruiter sees who the candidate is."""
    if application.interview_booked_at is None:
        application.interview_booked_at = utcnow()
    return application


def pseudonym(application: Application) -> str:
    return f"{application.id:05d}"


@dataclass
class InboxFilters:
    offer_id: int | None = None
    status: ApplicationStatus | None = None
    with_cv: bool = False


def inbox(booth: Booth, filters: InboxFilters, page: int | None = None,
          per_page: int = 50) -> tuple[list[Application], int]:
    """Applications to the booth's offers, oldest first, withdrawn ones left out, and their total.

    `page` None gives them all (the export)."""
    statement = (
        select(Application).join(Offer, Offer.id == Application.offer_id)
        .where(Offer.booth_id == booth.id, Application.status != ApplicationStatus.withdrawn)
        .options(joinedload(Application.offer), joinedload(Application.candidate), joinedload(Application.cv))
        .order_by(Application.created_at, Application.id)
    )
    if filters.offer_id is not None:
        statement = statement.where(Application.offer_id == filters.offer_id)
    if filters.status is not None:
        statement = statement.where(Application.status == filters.status)
    if filters.with_cv:
        statement = statement.where(Application.cv_id.is_not(None))
    if page is None:
        items = list(db.session.execute(statement).scalars().unique())
        return items, len(items)
    total = db.session.execute(
        statement.with_only_columns(func.count(Application.id)).order_by(None)
    ).scalar_one()
    items = list(db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).scalars().unique())
    return items, total


def inbox_counts(booth: Booth) -> dict[int, int]:
    rows = db.session.execute(
        select(Application.offer_id, func.count(Application.id)).join(Offer, Offer.id == Application.offer_id)
        .where(Offer.booth_id == booth.id, Application.status != ApplicationStatus.withdrawn)
        .group_by(Application.offer_id)
    )
    return {offer_id: n for offer_id, n in rows}


def application_of_booth(booth: Booth, application_id: int) -> Application | None:
    return db.session.execute(
        select(Application).join(Offer, Offer.id == Application.offer_id)
        .where(Application.id == application_id, Offer.booth_id == booth.id,
               Application.status != ApplicationStatus.withdrawn)
        .options(joinedload(Application.offer).joinedload(Offer.booth).joinedload(Booth.edition),
                 joinedload(Application.candidate), joinedload(Application.cv))
    ).scalars().first()


def move(application: Application, target: ApplicationStatus, reason: RejectionReason | None = None) -> Application:
    if target not in RECRUITER_MOVES[application.status]:
        raise MoveRefused(application.status.value)
    if target is ApplicationStatus.rejected and reason is None:
        raise MoveRefused("no_reason")
    application.status = target
    application.rejection_reason = reason if target is ApplicationStatus.rejected else None
    application.status_changed_at = utcnow()
    if application.first_answered_at is None:
        application.first_answered_at = application.status_changed_at
    _log_change(application)
    emit_application(db.session, "application.updated", application)
    return application


# ---------------------------------------------------------------- who may read a CV

def cv_for_recruiter(booth: Booth, application: Application) -> CandidateCv | None:
    """The file as uploaded names and describes the person: in an anonymised fair it stays closed
    until an interview with this booth is booked (the structured profile is what the recruiter reads)."""
    if application.cv is None or application.offer.booth_id != booth.id or is_anonymised(application):
        return None
    return application.cv


# ---------------------------------------------------------------- referrals

def adviser_partners(user: User) -> list[Organisation]:
    return list(db.session.execute(
        select(Organisation).join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id, Organisation.kind == OrganisationKind.partner)
        .order_by(Organisation.name)
    ).scalars())


def refer(adviser: User, partner: Organisation, *, email: str | None, full_name: str, note: str = "",
          mobile: str | None = None) -> Referral | None:
    """Links (or creates) the candidate's account and opens a referral waiting for their consent.

    Without `email`, `mobile` (E.164) names the person: a phone-only account, who confirms by the link
    sent by SMS and signs in with a code by SMS (fair/accounts/phone.py).
    An address of an account that cannot be referred (staff, the adviser themself) gives None and
    changes nothing: the view answers as for any other address, so the form tells no one what an
    address holds."""
    candidate = find_user_by_email(email) if email else find_user_by_mobile(db.session, mobile)
    if candidate is None:
        # A phone-only account's number is also its phone, which phone interviews and recruiters use.
        candidate = User(email=normalise_email(email) if email else None, mobile=None if email else mobile,
                         phone=None if email else mobile,
                         full_name=full_name, password_hash=hash_password(secrets.token_urlsafe(32)),
                         security_stamp=new_security_stamp(), locale="fr")
        db.session.add(candidate)
        db.session.flush()
    elif not candidate.is_candidate or candidate.id == adviser.id:
        log.info("referral by %s: an address that cannot be referred, nothing done", adviser.id)
        return None
    referral = db.session.execute(
        select(Referral).where(Referral.adviser_id == adviser.id, Referral.candidate_id == candidate.id)
    ).scalars().first()
    if referral is not None:
        if referral.status is not ReferralStatus.revoked:
            raise ReferralRefused("already_referred")
        referral.status = ReferralStatus.pending
        referral.partner_id = partner.id
        referral.note = note
        referral.revoked_at = None
        referral.confirmed_at = None
        referral.consent_text = None
        referral.created_at = utcnow()
        return referral
    referral = Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=candidate.id, note=note,
                        status=ReferralStatus.pending)
    db.session.add(referral)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise ReferralRefused("already_referred") from error
    return referral


def _referral_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=REFERRAL_SALT)


def referral_token(referral: Referral) -> str:
    # The creation time is in the token, so a link from before a revocation and new referral is dead.
    return _referral_serializer().dumps([referral.id, int(referral.created_at.timestamp())])


def referral_from_token(token: str) -> Referral | None:
    try:
        referral_id, created = _referral_serializer().loads(token, max_age=REFERRAL_MAX_AGE)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    referral = db.session.get(Referral, referral_id) if isinstance(referral_id, int) else None
    if referral is None or int(referral.created_at.timestamp()) != created:
        return None
    return referral


def confirm_referral(referral: Referral, consent_text: str, version: str) -> Referral:
    """The candidate agreed to `consent_text` (as shown, of wording `version`): recorded with the referral
    and as their consent to the partner."""
    if referral.status is not ReferralStatus.pending:
        raise ReferralRefused(referral.status.value)
    referral.status = ReferralStatus.confirmed
    referral.confirmed_at = utcnow()
    referral.consent_text = consent_text
    consent.give(db.session, referral.candidate_id, ConsentPurpose.referral, consent_text, version,
                 organisation_id=referral.partner_id)
    candidate = referral.candidate
    if candidate.email is not None and candidate.email_confirmed_at is None:  # the link reached their mailbox
        candidate.email_confirmed_at = referral.confirmed_at
    if candidate.email is None:
        # A phone-only person is reached by SMS alone: the confirmation page showed them the SMS text
        # with the follow-up's, and agreeing records both (fair.accounts.reach needs this consent).
        _give(candidate, ConsentPurpose.sms, labels.SMS_CONSENT_TEXT)
        candidate.notify_by = NotifyBy.sms.value
    return referral


def revoke_referral(referral: Referral) -> Referral:
    if referral.status is ReferralStatus.revoked:
        raise ReferralRefused("revoked")
    referral.status = ReferralStatus.revoked
    referral.revoked_at = utcnow()
    others = [r for r in confirmed_referrals_of(referral.candidate_id)
              if r.id != referral.id and r.partner_id == referral.partner_id]
    if not others:  # the consent was to the partner: it ends with its last follow-up
        consent.withdraw(db.session, referral.candidate_id, ConsentPurpose.referral, referral.partner_id)
    return referral


def adviser_referrals(adviser_id: int) -> list[Referral]:
    return list(db.session.execute(
        select(Referral).where(Referral.adviser_id == adviser_id)
        .options(joinedload(Referral.candidate), joinedload(Referral.partner))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    ).scalars())


def confirmed_referrals_of(candidate_id: int) -> list[Referral]:
    return list(db.session.execute(
        select(Referral).where(Referral.candidate_id == candidate_id, Referral.status == ReferralStatus.confirmed)
        .options(joinedload(Referral.adviser))
    ).scalars())


def candidate_referrals(candidate_id: int) -> list[Referral]:
    return list(db.session.execute(
        select(Referral).where(Referral.candidate_id == candidate_id)
        .options(joinedload(Referral.adviser), joinedload(Referral.partner))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    ).scalars())


def open_offers() -> list[Offer]:
    """Offers that take applications now, across every open fair."""
    return list(db.session.execute(
        select(Offer).join(Booth, Booth.id == Offer.booth_id).join(Edition, Edition.id == Booth.edition_id)
        .where(Offer.is_published.is_(True), Edition.status.in_(APPLYING_STATUSES))
        .options(joinedload(Offer.booth).joinedload(Booth.company), joinedload(Offer.booth).joinedload(Booth.edition))
        .order_by(Edition.starts_at, Offer.title, Offer.id)
    ).scalars().unique())


# ---------------------------------------------------------------- the organiser's statistics

# Counts under this are shown as "fewer than …": a small group could point at a person.
SMALL_COUNT = 5


@dataclass
class EditionStatistics:
    candidates: int
    applications_by_status: dict[str, int]
    referred: int
    consenting: int
    situations: dict[str, int | None]  # None: fewer than SMALL_COUNT


def edition_statistics(edition: Edition) -> EditionStatistics:
    """Who the fair reached, from the applications to its offers; situations only of consenting candidates."""
    applied = (select(Application.candidate_id).join(Offer, Offer.id == Application.offer_id)
               .join(Booth, Booth.id == Offer.booth_id).where(Booth.edition_id == edition.id))
    by_status = dict(db.session.execute(
        select(Application.status, func.count(Application.id)).join(Offer, Offer.id == Application.offer_id)
        .join(Booth, Booth.id == Offer.booth_id).where(Booth.edition_id == edition.id).group_by(Application.status)
    ).all())
    candidate_ids = set(db.session.execute(applied.distinct()).scalars())
    referred = db.session.execute(
        select(func.count(func.distinct(Referral.candidate_id)))
        .where(Referral.candidate_id.in_(candidate_ids), Referral.status == ReferralStatus.confirmed)
    ).scalar_one() if candidate_ids else 0
    profiles = list(db.session.execute(
        select(CandidateProfile).where(CandidateProfile.user_id.in_(candidate_ids),
                                       CandidateProfile.situation_consent_at.is_not(None),
                                       situations_consent_in_force())
    ).scalars()) if candidate_ids else []
    counts = {s.value: sum(1 for p in profiles if s.value in (p.situations or [])) for s in Situation}
    return EditionStatistics(
        candidates=len(candidate_ids),
        applications_by_status={s.value: by_status.get(s, 0) for s in ApplicationStatus},
        referred=referred, consenting=len(profiles),
        situations={k: (v if v == 0 or v >= SMALL_COUNT else None) for k, v in counts.items()},
    )


def situations_consent_in_force():
    """The person's situations consent is in force: its record is current, or it was given before
    consents were recorded (no record at all). A withdrawn one leaves the counts at once."""
    recorded = select(ConsentRecord.user_id).where(ConsentRecord.purpose == ConsentPurpose.situations)
    return or_(CandidateProfile.user_id.in_(consent.consenting_users(ConsentPurpose.situations)),
               CandidateProfile.user_id.not_in(recorded))


# ---------------------------------------------------------------- who opened a CV

def record_cv_access(cv: CandidateCv, viewer: User, organisation_id: int | None, action: str = "download") -> None:
    """A recruiter (or an adviser) opened the file: its owner sees the organisation and the time."""
    db.session.add(CvAccess(cv_id=cv.id, viewer_id=viewer.id, company_id=organisation_id, action=action,
                            created_at=clock.now()))


def cv_accesses(cv_ids: Iterable[int]) -> dict[int, list[CvAccess]]:
    """CV id → who opened it (organisation, time, view or download), newest first."""
    ids = list(cv_ids)
    result: dict[int, list[CvAccess]] = {cv_id: [] for cv_id in ids}
    if not ids:
        return result
    rows = db.session.execute(
        select(CvAccess).where(CvAccess.cv_id.in_(ids)).options(joinedload(CvAccess.company))
        .order_by(CvAccess.created_at.desc(), CvAccess.id.desc())
    ).scalars()
    for row in rows:
        result[row.cv_id].append(row)
    return result


# ---------------------------------------------------------------- suggestions

@dataclass
class Suggestion:
    offer: Offer
    score: int
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail) worded by the template


def _plain(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", "".join(c for c in decomposed if not unicodedata.combining(c))).split())


def _terms(text: str) -> list[str]:
    """Skills and places as the candidate listed them: one per line or comma."""
    return [t.strip() for t in re.split(r"[,;\n]+", text or "") if t.strip()]


def suggestions(profile: CandidateProfile | None, offers: Iterable[Offer], exclude_offer_ids: set[int],
                limit: int = 10) -> list[Suggestion]:
    """Offers ranked by reasons the candidate can read and check: each point of score has its reason."""
    if profile is None:
        return []
    skills = [(s, _plain(s)) for s in _terms(profile.skills) if len(_plain(s)) >= 3]
    places = {_plain(p) for p in [profile.city or "", *_terms(profile.mobility)] if _plain(p)}
    found: list[Suggestion] = []
    for offer in offers:
        if offer.id in exclude_offer_ids:
            continue
        suggestion = Suggestion(offer=offer, score=0)
        haystack = f" {_plain(' '.join([offer.title, offer.description or '', offer.requirements or '']))} "
        matched = [label for label, plain in skills if f" {plain} " in haystack]
        if matched:
            suggestion.score += 3 * len(matched)
            suggestion.reasons.append(("skills", ", ".join(matched)))
        if _plain(offer.place) in places:
            suggestion.score += 2
            suggestion.reasons.append(("near", offer.place))
        if offer.open_to_beginners:
            suggestion.score += 1
            suggestion.reasons.append(("beginners", ""))
        if suggestion.score:
            found.append(suggestion)
    found.sort(key=lambda s: (-s.score, s.offer.title.lower(), s.offer.id))
    return found[:limit]


# ---------------------------------------------------------------- who a partner referred (organisers' lists)

def _covers_organiser_invitations():
    """The stored consent holds the sentence about organisers' invitations, in any language it could
    have been given in: the words the candidate agreed to are the record of what they cover."""
    sentences = set()
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            sentences.add(str(labels.ORGANISER_INVITATIONS_TEXT))
    return or_(*[Referral.consent_text.contains(sentence, autoescape=True) for sentence in sorted(sentences)])


def _consenting_referrals():
    """Referrals the candidate confirmed, did not revoke, and whose consent covers the organisers'
    invitations, of an active account."""
    return (select(Referral.partner_id, User.id, User.email, User.full_name, User.locale)
            .join(User, User.id == Referral.candidate_id)
            .where(Referral.status == ReferralStatus.confirmed, Referral.revoked_at.is_(None),
                   _covers_organiser_invitations(), User.is_active_account.is_(True)))


def referred_counts(session, partner_ids: list[int]) -> dict[int, int]:
    """Partner organisation id → how many people it referred who consented."""
    referrals = _consenting_referrals().where(Referral.partner_id.in_(partner_ids)).subquery()
    return dict(session.execute(
        select(referrals.c.partner_id, func.count(func.distinct(referrals.c.id))).group_by(referrals.c.partner_id)
    ).all())


def referred_people(session, partner_id: int) -> list[tuple[int, str, str, str]]:
    """(user id, email, name, locale) of the people a partner referred who consented, by name."""
    rows = session.execute(
        _consenting_referrals().where(Referral.partner_id == partner_id).order_by(User.full_name, User.id)).all()
    return [(user_id, email, name, locale) for _partner, user_id, email, name, locale in rows]
