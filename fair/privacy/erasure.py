"""Erasure: the one function that anonymises a person, whoever asks (themself, an administrator, retention).

An erased account keeps its `users` row as an anonymous tombstone: the address becomes
`erased-<random>@erased.invalid`, the name, phone, password, second factor and everything personal go,
`erased_at` is set and the account can never sign in again. The rows the edition's statistics count
(applications, bookings, queue entries, webinar registrations, check-ins, confirmed referrals, survey
answers, outcomes and their follow-ups, consenting situations) stay linked to the tombstone, so every
figure reads the same after; their free text is emptied and their links to files cleared. Rows that are
only the person's (CVs and their files, sessions, codes, tokens, calendar entries and feed, exports, join
requests, invitations to their address, recruiters' and advisers' notes about them) are deleted. Mails and calendar
entries of other people that quote them, and the audit log, keep no trace of their name or address.

`anonymise_participation` does the same for one person's part in one ended edition while the account
lives on (retention of candidates not retained): the rows move to a fresh tombstone for that edition.

Nothing here commits; the caller does. What must happen after the commit (CV and export files leave
the disk, the calendar jobs of cancelled bookings, live pages closing) is queued after commit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from fair import audit, clock
from fair.accounts import sessions
from fair.accounts.consent import ConsentPurpose, ConsentRecord
from fair.accounts.models import (
    JoinRequest,
    Membership,
    MembershipRole,
    PasswordResetToken,
    RecoveryCode,
    TeamInvitation,
    User,
    UserSession,
)
from fair.accounts.phone import forget_codes
from fair.calendar.models import CalendarEntry, CalendarFeed
from fair.callbacks.models import CallbackRequest
from fair.candidates import jobs as candidate_jobs
from fair.candidates.models import (
    AdviserNote,
    Application,
    CandidateCv,
    CandidateProfile,
    CvAccess,
    Referral,
    ReferralStatus,
)
from fair.checkin.models import CheckIn
from fair.companies.models import Booth, BoothStaff, Offer
from fair.exports import jobs as export_jobs
from fair.exports.models import Export
from fair.fairs.models import BulkRecipient, Edition, Invitation
from fair.jobdating import services as jobdating
from fair.jobdating.models import Booking, BookingStatus, WaitlistEntry, WaitlistStatus
from fair.jobs import after_commit
from fair.links import ActionToken
from fair.live import services as live
from fair.live.chat import ChatMessage, ChatMute, PrivateMessage
from fair.live.models import OPEN_STATUSES, QueueEntry, QueueStatus
from fair.mail.models import CLAIMABLE_STATUSES, DevMail, OutboxMessage
from fair.mail.outbox import queue_mail
from fair.needs.models import NeedProposal
from fair.oidc.models import OidcIdentity
from fair.outcomes.models import Outcome
from fair.pipeline.models import PipelineEntry, PipelineNote
from fair.privacy import export as export_files
from fair.privacy.models import DataExport
from fair.sockets import disconnect_user
from fair.surveys.models import SurveyResponse
from fair.teams import services as teams
from fair.webinars import services as webinars
from fair.webinars.models import RegistrationStatus, Webinar, WebinarQuestion, WebinarRegistration

log = logging.getLogger("fair.privacy")

ERASED_DOMAIN = "erased.invalid"
# Consents kept on a tombstone: the statistics count them (situations of a consenting person, a
# referral's partner); their words are the instance's, nothing of the person.
KEPT_CONSENTS = (ConsentPurpose.situations, ConsentPurpose.referral)


class ErasureRefused(Exception):
    """The account cannot be erased yet; `reasons` say what to do first (translated)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


@dataclass
class Erased:
    user_id: int
    pseudonym: str
    counts: dict[str, int] = field(default_factory=dict)
    # Booths whose live queue the person left: the caller tells their followers once committed.
    booths: list[int] = field(default_factory=list)


def pseudonym(user_id: int) -> str:
    """What the audit log says instead of the person: stable for one account (entries about them can
    still be read together), telling nothing of who they were."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"erased:{user_id}".encode(), hashlib.sha256)
    return f"deleted account #{digest.hexdigest()[:8]}"


def _tombstone_address() -> str:
    return f"erased-{secrets.token_hex(12)}@{ERASED_DOMAIN}"


def _unusable_password() -> str:
    return f"!erased!{secrets.token_hex(32)}"  # not an argon2 hash: no password ever matches it


def _lower(value: str) -> str:
    return (value or "").lower()


# ---------------------------------------------------------------- who may be erased


def blockers(session: Session, user: User) -> list[str]:
    """What prevents erasing `user` now (empty: nothing). The team rule of fair/teams: an organisation
    that has other members keeps an owner, so its last owner hands over first; the instance keeps an
    active administrator."""
    reasons = []
    if user.erased_at is not None:
        return [_("This account is already deleted.")]
    if user.is_admin and user.is_active_account and session.execute(
            select(func.count(User.id)).where(User.is_admin.is_(True), User.is_active_account.is_(True),
                                               User.id != user.id)).scalar_one() == 0:
        reasons.append(_("This is the last active administrator of the instance: make someone else "
                         "administrator first."))
    for membership in session.execute(select(Membership).where(Membership.user_id == user.id)).scalars():
        if _is_blocking_owner(session, membership):
            reasons.append(_("This account is the last owner of %(name)s: make another member an owner first.",
                             name=membership.organisation.name))
    return reasons


def _is_blocking_owner(session: Session, membership: Membership) -> bool:
    if membership.role != MembershipRole.owner:
        return False
    others = teams.members(session, membership.organisation_id)
    other_owners = [m for m in others if m.user_id != membership.user_id and m.role == MembershipRole.owner]
    other_members = [m for m in others if m.user_id != membership.user_id]
    return bool(other_members) and not other_owners


# ---------------------------------------------------------------- erasure


def erase(session: Session, user: User, *, actor: User | None, how: str, now: dt.datetime | None = None) -> Erased:
    """Erase `user` (see the module's docstring). `how` says who asked: "self", "admin" or "retention";
    `actor` is the administrator (None for the person themself or the system). Raises ErasureRefused."""
    now = now or clock.now()
    reasons = blockers(session, user)
    if reasons:
        raise ErasureRefused(reasons)
    email, name = user.email, user._full_name or ""
    counts: dict[str, int] = {}
    booths: list[int] = []
    counts.update(_end_future(session, user, now, booths))
    counts.update(_end_referrals(session, user))
    counts.update(_end_memberships(session, user, actor))
    counts.update(_delete_own_rows(session, user))
    counts.update(_empty_free_text(session, user))
    counts.update(_scrub_mail_and_calendars(session, user.id, email, name))
    if user.mobile:  # text messages to a phone-only account, like mail to an address
        for key, value in _scrub_mail_and_calendars(session, user.id, user.mobile, "").items():
            counts[key] = counts.get(key, 0) + value
        forget_codes(session, user.mobile)
    label = pseudonym(user.id)
    audit.record(session, "account.erase", object_type="users", object_id=user.id, label=label,
                 actor=actor, details={"how": how})
    session.flush()
    counts["audit"] = audit.pseudonymise(session, user_id=user.id, email=email, full_name=name, pseudonym=label)
    _make_tombstone(user, now)
    session.flush()
    user_id = user.id
    after_commit(session, lambda: disconnect_user(user_id))
    log.info("account %s erased (%s): %s", user_id, how, counts)
    return Erased(user_id, label, counts, booths)


def _end_future(session: Session, user: User, now: dt.datetime, booths: list[int]) -> dict[str, int]:
    """Future bookings cancelled through the booking service (the recruiter is told and the slot freed),
    waiting lists and live queues left, registrations to future webinars cancelled."""
    bookings = list(session.execute(select(Booking).where(
        Booking.candidate_id == user.id, Booking.status == BookingStatus.active, Booking.starts_at > now)
    ).scalars())
    for booking in bookings:
        try:
            jobdating.cancel_booking(session, booking, by_user_id=user.id, now=now)
        except jobdating.BookingError:  # within the cut-off: cancelled all the same, as a company would
            jobdating.cancel_booking(session, booking, by_user_id=user.id, now=now, by_recruiter=True,
                                     reason="-")
    waiting = list(session.execute(select(WaitlistEntry).where(
        WaitlistEntry.candidate_id == user.id,
        WaitlistEntry.status.in_((WaitlistStatus.waiting, WaitlistStatus.offered)))).scalars())
    for entry in waiting:
        jobdating.leave_waitlist(session, entry, now=now)
    queued = list(session.execute(select(QueueEntry).where(
        QueueEntry.candidate_id == user.id, QueueEntry.status.in_(OPEN_STATUSES))).scalars())
    for entry in queued:
        booths.append(entry.booth_id)
        if entry.status == QueueStatus.in_call:
            live.finish(session, entry, now)
            continue
        try:
            live.leave(session, entry.booth_id, user.id, now)
        except live.QueueRefused:  # their turn lapsed meanwhile: nothing left to leave
            pass
    registrations = list(session.execute(
        select(WebinarRegistration).join(Webinar, Webinar.id == WebinarRegistration.webinar_id)
        .where(WebinarRegistration.user_id == user.id, WebinarRegistration.status != RegistrationStatus.cancelled,
               Webinar.starts_at > now)).scalars())
    for registration in registrations:
        webinars.cancel_registration(session, registration)
    return {"bookings_cancelled": len(bookings), "waitlists_left": len(waiting), "queues_left": len(queued),
            "webinars_cancelled": len(registrations)}


def _end_referrals(session: Session, user: User) -> dict[str, int]:
    """Each adviser who referred the person is told, without their name; a confirmed referral stays
    (ended) for the partner's count, a pending one goes."""
    referrals = list(session.execute(select(Referral).where(
        Referral.candidate_id == user.id, Referral.revoked_at.is_(None),
        Referral.status != ReferralStatus.revoked)).scalars())
    for referral in referrals:
        adviser = referral.adviser
        if adviser.erased_at is None and adviser.is_active_account:
            queue_mail(session, to=adviser.email, template="referral_ended", locale=adviser.locale or "fr",
                       context={"referred_on": referral.created_at, "partner": referral.partner.name},
                       key=f"referral-ended:{referral.id}")
        if referral.status == ReferralStatus.confirmed:
            referral.revoked_at = clock.now()
        else:
            session.delete(referral)
    return {"referrals_ended": len(referrals)}


def _end_memberships(session: Session, user: User, actor: User | None) -> dict[str, int]:
    """Memberships end by the team rules (audited); an organisation the person was alone in keeps its history."""
    memberships = list(session.execute(select(Membership).where(Membership.user_id == user.id)).scalars())
    for membership in memberships:
        if len(teams.members(session, membership.organisation_id)) > 1:
            teams.leave(session, membership, actor=actor or user)
        else:
            audit.record(session, "team.leave", user, object_type="memberships", object_id=membership.id,
                         organisation_id=membership.organisation_id, actor=actor or user)
            session.delete(membership)
    session.flush()
    session.expire(user, ["memberships"])
    session.execute(delete(BoothStaff).where(BoothStaff.user_id == user.id))
    return {"memberships": len(memberships)}


def _delete_own_rows(session: Session, user: User) -> dict[str, int]:
    """Rows that are only the person's: gone, files after the commit."""
    counts = {}
    cvs = list(session.execute(select(CandidateCv).where(CandidateCv.user_id == user.id)).scalars())
    cv_ids = [cv.id for cv in cvs]
    if cv_ids:
        session.execute(update(Application).where(Application.cv_id.in_(cv_ids)).values(cv_id=None)
                        .execution_options(synchronize_session=False))
        session.execute(delete(CvAccess).where(CvAccess.cv_id.in_(cv_ids)))
    for cv in cvs:
        candidate_jobs.remove_cv_file.after_commit(session, cv.storage_name)
        session.delete(cv)
    counts["cvs"] = len(cvs)
    for export in session.execute(select(DataExport).where(DataExport.user_id == user.id)).scalars():
        if export.storage_name:
            export_files.remove_export_file.after_commit(session, export.storage_name)
    for storage_name in session.execute(select(Export.storage_name).where(Export.user_id == user.id)).scalars():
        export_jobs.remove_export_files.after_commit(session, storage_name)
    sessions.end_all(session, user)
    notes_about = select(PipelineEntry.id).where(PipelineEntry.candidate_id == user.id)
    for name, statement in (
        ("exports", delete(DataExport).where(DataExport.user_id == user.id)),
        ("file_exports", delete(Export).where(Export.user_id == user.id)),
        ("sessions", delete(UserSession).where(UserSession.user_id == user.id)),
        ("recovery_codes", delete(RecoveryCode).where(RecoveryCode.user_id == user.id)),
        ("reset_tokens", delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id)),
        ("action_tokens", delete(ActionToken).where(ActionToken.user_id == user.id)),
        ("calendar_entries", delete(CalendarEntry).where(CalendarEntry.user_id == user.id)),
        ("calendar_feeds", delete(CalendarFeed).where(CalendarFeed.user_id == user.id)),
        # The provider's subject must not open the erased account again (fair/oidc).
        ("oidc_identities", delete(OidcIdentity).where(OidcIdentity.user_id == user.id)),
        ("join_requests", delete(JoinRequest).where(JoinRequest.user_id == user.id)),
        ("team_invitations", delete(TeamInvitation).where(func.lower(TeamInvitation.email) == _lower(user.email))),
        ("pipeline_notes", delete(PipelineNote).where(PipelineNote.entry_id.in_(notes_about))),
        # What a structure's advisers wrote on the person's file, and its handovers: about them alone.
        ("adviser_notes", delete(AdviserNote).where(AdviserNote.candidate_id == user.id)),
        ("chat_mutes", delete(ChatMute).where(ChatMute.user_id == user.id)),
        ("consents", delete(ConsentRecord).where(ConsentRecord.user_id == user.id,
                                                 ConsentRecord.purpose.not_in(KEPT_CONSENTS))),
    ):
        counts[name] = session.execute(statement.execution_options(synchronize_session=False)).rowcount
    return counts


def _empty_free_text(session: Session, user: User) -> dict[str, int]:
    """What statistics count stays, with nothing the person wrote or anyone wrote about them."""
    profile = session.execute(select(CandidateProfile).where(CandidateProfile.user_id == user.id)).scalar_one_or_none()
    if profile is not None:
        if profile.situation_consent_at is None:
            session.delete(profile)
        else:  # the situations the person agreed to share are counted; nothing else is kept
            _empty_profile(profile)
    updates = (
        update(Application).where(Application.candidate_id == user.id).values(message=""),
        update(Booking).where(Booking.candidate_id == user.id).values(cancel_reason=None),
        update(Referral).where(Referral.candidate_id == user.id).values(note="", consent_text=None),
        # A proposal for a recruitment need stays counted for the network; the adviser's note goes.
        update(NeedProposal).where(NeedProposal.candidate_id == user.id).values(note=""),
        update(ChatMessage).where(ChatMessage.author_id == user.id).values(text=""),
        update(PrivateMessage).where(or_(PrivateMessage.candidate_id == user.id,
                                         (PrivateMessage.recruiter_id == user.id)
                                         & PrivateMessage.from_recruiter.is_(True))).values(text=""),
        update(WebinarQuestion).where(WebinarQuestion.author_id == user.id).values(text="", hidden=True),
        update(SurveyResponse).where(SurveyResponse.user_id == user.id).values(comment=""),
        # Contract, start, hours, clause and follow-up answers stay counted; what was written goes.
        update(Outcome).where(Outcome.candidate_id == user.id).values(note="", job_title="", employer_name=""),
        update(QueueEntry).where(QueueEntry.candidate_id == user.id).values(room_path=None),
        update(CallbackRequest).where(CallbackRequest.candidate_id == user.id)
        .values(mobile="", note="", consent_text="", is_open=False),
        update(Invitation).where(func.lower(Invitation.email) == _lower(user.email))
        .values(email=f"{secrets.token_hex(6)}@{ERASED_DOMAIN}"),
        update(BulkRecipient).where(func.lower(BulkRecipient.email) == _lower(user.email))
        .values(email=f"{secrets.token_hex(6)}@{ERASED_DOMAIN}", name=""),
    )
    session.flush()
    emptied = 0
    for statement in updates:
        emptied += session.execute(statement.execution_options(synchronize_session=False)).rowcount
    session.expire_all()
    return {"rows_emptied": emptied}


def _empty_profile(profile: CandidateProfile) -> None:
    profile.postcode, profile.city, profile.birth_year = None, None, None
    profile.skills = profile.languages = profile.mobility = profile.availability = ""
    profile.accessibility_needs = ""
    profile.prefers_phone_interview = profile.needs_interpreter = False
    profile.address_line, profile.geocoded_at = "", None  # the QPV answer and gender stay, as the situations do


def _scrub_mail_and_calendars(session: Session, user_id: int, email: str, name: str) -> dict[str, int]:
    """Mail to the person: what was not sent yet goes, what was sent keeps its subject (without them) and
    loses its bodies, calendar and address. Mails and calendar entries of other people that quote their
    name or address say "Deleted account" instead, in the reader's language."""
    # Mail to their address, and text messages (fair/sms) to their number, which name them by user_id.
    theirs = or_(func.lower(OutboxMessage.to_address) == _lower(email), OutboxMessage.user_id == user_id)
    counts = {"mail_deleted": session.execute(delete(OutboxMessage).where(
        theirs, OutboxMessage.status.in_(CLAIMABLE_STATUSES)
    ).execution_options(synchronize_session=False)).rowcount}
    counts["mail_emptied"] = session.execute(update(OutboxMessage).where(theirs).values(
        to_address=_tombstone_address(), text_body="", html_body=None, calendar_ics=None, last_error=None,
        fallback_email=None, delivery_error=None,
        purged_at=clock.now()).execution_options(synchronize_session=False)).rowcount
    counts["dev_mail_deleted"] = session.execute(delete(DevMail).where(
        func.lower(DevMail.to_address) == _lower(email)).execution_options(synchronize_session=False)).rowcount
    needles = [value for value in (email, name) if value and len(value) >= 3]
    if not needles:
        return counts
    scrubbed = 0
    for model, columns in ((OutboxMessage, ("subject", "text_body", "html_body", "last_error")),
                           (CalendarEntry, ("summary", "description", "location")),
                           (DevMail, ("subject", "text_body", "html_body"))):
        found = or_(*[condition for column in columns for needle in needles for condition in (
            getattr(model, column).contains(needle, autoescape=True),
            func.lower(getattr(model, column)).contains(needle.lower(), autoescape=True))])
        for row in session.execute(select(model).where(found)).scalars():
            replacement = _deleted_account(_reader_locale(session, row))
            for column in columns:
                value = getattr(row, column)
                if value:
                    setattr(row, column, _replace(value, needles, replacement))
            if isinstance(row, DevMail):
                row.raw = b""
            if isinstance(row, OutboxMessage) and row.calendar_ics:
                unfolded = re.sub(r"\r?\n[ \t]", "", row.calendar_ics.decode("utf-8", "replace"))
                row.calendar_ics = _fold(_replace(unfolded, needles, replacement)).encode()
            scrubbed += 1
    counts["quoting_rows_scrubbed"] = scrubbed
    return counts


def _reader_locale(session: Session, row: OutboxMessage | CalendarEntry | DevMail) -> str:
    if isinstance(row, OutboxMessage):
        return row.locale or "fr"
    if isinstance(row, CalendarEntry):
        return session.execute(select(User.locale).where(User.id == row.user_id)).scalar_one_or_none() or "fr"
    return "fr"


def _deleted_account(locale: str) -> str:
    with force_locale(locale):
        return _("Deleted account")


def _replace(text: str, needles: list[str], replacement: str) -> str:
    for needle in needles:
        text = re.sub(re.escape(needle), replacement, text, flags=re.IGNORECASE)
    return text


def _fold(ics: str) -> str:
    """Lines of an iCalendar text folded again at 75 octets (RFC 5545 3.1)."""
    lines = []
    for line in ics.replace("\r\n", "\n").split("\n"):
        parts, chunk = [], b""
        for char in line:
            encoded = char.encode()
            if len(chunk) + len(encoded) > (74 if parts else 75):
                parts.append(chunk.decode())
                chunk = b""
            chunk += encoded
        parts.append(chunk.decode())
        lines.append("\r\n ".join(parts))
    return "\r\n".join(lines)


def _make_tombstone(user: User, now: dt.datetime) -> None:
    user.email = _tombstone_address()
    user.full_name = ""
    user.phone = None
    user.mobile = None
    user.password_hash = _unusable_password()
    user.security_stamp = secrets.token_hex(16)
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = None, None, None
    user.email_confirmed_at = None
    user.is_admin = False
    user.is_active_account = False
    user.last_active_at, user.inactivity_warned_at = None, None
    user.erased_at = now


# ---------------------------------------------------------------- one edition of a living account


def anonymise_participation(session: Session, user: User, edition: Edition, *, now: dt.datetime | None = None
                            ) -> User | None:
    """Move the person's part in `edition` (applications to its offers, its bookings, queue entries,
    webinar registrations and check-ins) to a fresh tombstone, free text emptied; the account lives on.
    The tombstone carries what the statistics read: the consenting situations and the confirmed
    referral's partner. Answers the tombstone, or None if there was nothing to move."""
    now = now or clock.now()
    offers = select(Offer.id).join(Booth, Booth.id == Offer.booth_id).where(Booth.edition_id == edition.id)
    applications = list(session.execute(select(Application).where(
        Application.candidate_id == user.id, Application.offer_id.in_(offers))).scalars())
    bookings = list(session.execute(select(Booking).where(
        Booking.candidate_id == user.id, Booking.edition_id == edition.id)).scalars())
    if not applications and not bookings:
        return None
    tombstone = User(email=_tombstone_address(), password_hash=_unusable_password(), full_name="",
                     security_stamp=secrets.token_hex(16), locale=user.locale, is_active_account=False,
                     erased_at=now, created_at=now)
    session.add(tombstone)
    session.flush()
    profile = session.execute(select(CandidateProfile).where(CandidateProfile.user_id == user.id)).scalar_one_or_none()
    if profile is not None and profile.situation_consent_at is not None:
        session.add(CandidateProfile(user_id=tombstone.id, situations=list(profile.situations or []),
                                     situation_consent_at=profile.situation_consent_at,
                                     # the figures' answers, without the address they came from
                                     qpv_status=profile.qpv_status, qpv_code=profile.qpv_code,
                                     gender=profile.gender))
        for consent in session.execute(select(ConsentRecord).where(
                ConsentRecord.user_id == user.id, ConsentRecord.purpose == ConsentPurpose.situations,
                ConsentRecord.withdrawn_at.is_(None))).scalars():
            session.add(ConsentRecord(user_id=tombstone.id, purpose=consent.purpose, text=consent.text,
                                      version=consent.version, locale=consent.locale, given_at=consent.given_at))
    for referral in session.execute(select(Referral).where(
            Referral.candidate_id == user.id, Referral.status == ReferralStatus.confirmed)).scalars():
        session.add(Referral(adviser_id=referral.adviser_id, partner_id=referral.partner_id,
                             candidate_id=tombstone.id, status=ReferralStatus.confirmed, note="",
                             created_at=referral.created_at, confirmed_at=referral.confirmed_at, revoked_at=now))
    for application in applications:
        application.candidate_id, application.message, application.cv_id = tombstone.id, "", None
    for booking in bookings:
        booking.candidate_id, booking.cancel_reason = tombstone.id, None
    session.flush()
    webinar_ids = select(Webinar.id).where(Webinar.edition_id == edition.id)
    booth_ids = select(Booth.id).where(Booth.edition_id == edition.id)
    for statement in (
        update(QueueEntry).where(QueueEntry.candidate_id == user.id, QueueEntry.edition_id == edition.id)
        .values(candidate_id=tombstone.id, room_path=None),
        update(WebinarRegistration).where(WebinarRegistration.user_id == user.id,
                                          WebinarRegistration.webinar_id.in_(webinar_ids))
        .values(user_id=tombstone.id),
        update(CheckIn).where(CheckIn.candidate_id == user.id, CheckIn.edition_id == edition.id)
        .values(candidate_id=tombstone.id),
        delete(PipelineNote).where(PipelineNote.entry_id.in_(select(PipelineEntry.id).where(
            PipelineEntry.candidate_id == user.id, PipelineEntry.edition_id == edition.id))),
        update(PipelineEntry).where(PipelineEntry.candidate_id == user.id, PipelineEntry.edition_id == edition.id)
        .values(candidate_id=tombstone.id),
        update(SurveyResponse).where(SurveyResponse.user_id == user.id, SurveyResponse.edition_id == edition.id)
        .values(user_id=tombstone.id, comment=""),
        delete(WaitlistEntry).where(WaitlistEntry.candidate_id == user.id, WaitlistEntry.booth_id.in_(booth_ids)),
        delete(CalendarEntry).where(CalendarEntry.user_id == user.id, CalendarEntry.edition_id == edition.id),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    session.flush()
    log.info("account %s: part in edition %s anonymised as account %s", user.id, edition.id, tombstone.id)
    return tombstone
