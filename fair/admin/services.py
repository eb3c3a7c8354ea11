"""What an instance administrator does: the first administrator, organisations, people, the instance's
settings, and reading the audit log.

Services never commit (the request or the command owns the transaction) and each staff action writes
exactly one audit row through `fair.audit.record`, in the same transaction. A refusal raises
`AdminRefused` with its reason, worded for the reader, before anything changed.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from fair import jobs
from fair.accounts import jobs as account_jobs
from fair.accounts import mfa, sessions
from fair.accounts.models import (
    JoinRequest,
    Membership,
    NetworkType,
    Organisation,
    OrganisationKind,
    PartnerType,
    TeamInvitation,
    User,
)
from fair.accounts.services import new_security_stamp
from fair.audit import AuditEntry, record
from fair.candidates.models import Referral
from fair.companies.models import Booth
from fair.db import utcnow
from fair.fairs.models import Edition, EditionOrganiser, EditionPartner, Invitation
from fair.instance import InstanceSettings, forget, settings_row
from fair.mail.models import OutboxMessage, OutboxStatus
from fair.security import hash_password, password_problem
from fair.sockets import disconnect_user
from fair.timezones import DEFAULT_ZONE, local_day_bounds

log = logging.getLogger("fair.admin")

PER_PAGE = 50


class AdminRefused(Exception):
    """The action cannot be done; `str(error)` says why, in the reader's language. Nothing changed."""


# ---------------------------------------------------------------- the first administrator

@dataclass
class AdminMade:
    user: User
    created: bool
    already_admin: bool = False


def find_user(session: Session, email: str) -> User | None:
    """The account with this address, whatever its case."""
    return session.execute(select(User).where(func.lower(User.email) == email.strip().lower())).scalars().first()


def checked_email(email: str) -> str:
    """The address as stored (normalised), or AdminRefused when it is not an email address."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise AdminRefused(_("Enter a valid email address, for example name@example.org.")) from error


def create_admin(session: Session, *, email: str, password: str | None, full_name: str | None = None,
                 actor: User | None = None) -> AdminMade:
    """Make `email` an administrator: an existing account keeps its password, a new one is created
    confirmed with `password` (refused when weak). One `admin.grant` row; none when nothing changes."""
    email = checked_email(email)
    user = find_user(session, email)
    if user is not None:
        if user.is_admin:
            return AdminMade(user, created=False, already_admin=True)
        user.is_admin = True
        record(session, "admin.grant", user, actor=actor, details={"created": False})
        return AdminMade(user, created=False)
    problem = password_problem(password or "", email)
    if problem:
        raise AdminRefused(problem)
    user = User(email=email, password_hash=hash_password(password or ""),
                full_name=(full_name or "").strip() or email.split("@")[0], locale="fr",
                security_stamp=new_security_stamp(), email_confirmed_at=utcnow(), is_admin=True)
    session.add(user)
    session.flush()
    record(session, "admin.grant", user, actor=actor, details={"created": True})
    log.info("administrator account %s created", user.id)
    return AdminMade(user, created=True)


# ---------------------------------------------------------------- organisations

def organisations_query(name: str = "", kind: OrganisationKind | None = None, active: bool | None = None) -> Select:
    query = select(Organisation).order_by(func.lower(Organisation.name), Organisation.id)
    if name.strip():
        query = query.where(func.lower(Organisation.name).contains(name.strip().lower(), autoescape=True))
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    if active is not None:
        query = query.where(Organisation.is_active.is_(active))
    return query


def page_of(session: Session, query: Select, page: int, per_page: int = PER_PAGE) -> tuple[list[Any], int]:
    """One page of a query's rows and the number of pages (at least 1)."""
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = list(session.execute(query.limit(per_page).offset((max(page, 1) - 1) * per_page)).scalars())
    return rows, max(1, -(-total // per_page))


@dataclass
class OrganisationData:
    name: str
    kind: OrganisationKind
    partner_type: PartnerType | None = None
    network_type: NetworkType | None = None
    city: str | None = None
    website: str | None = None
    description: str | None = None


def _apply(organisation: Organisation, data: OrganisationData) -> None:
    organisation.name = data.name.strip()
    organisation.kind = data.kind
    organisation.partner_type = data.partner_type if data.kind == OrganisationKind.partner else None
    organisation.network_type = data.network_type if data.kind == OrganisationKind.network else None
    organisation.city = (data.city or "").strip() or None
    organisation.website = (data.website or "").strip() or None
    organisation.description = (data.description or "").strip() or None


def create_organisation(session: Session, data: OrganisationData) -> Organisation:
    organisation = Organisation(kind=data.kind, name=data.name)
    _apply(organisation, data)
    session.add(organisation)
    session.flush()
    record(session, "organisation.create", organisation, organisation_id=organisation.id,
           details={"kind": data.kind.value})
    return organisation


def update_organisation(session: Session, organisation: Organisation, data: OrganisationData) -> None:
    """Its kind stays: booths, editions and referrals hang on it."""
    data.kind = organisation.kind
    before = {"name": organisation.name, "city": organisation.city, "website": organisation.website}
    _apply(organisation, data)
    record(session, "organisation.update", organisation, organisation_id=organisation.id,
           details={"before": before})


def set_organisation_active(session: Session, organisation: Organisation, active: bool) -> None:
    """A deactivated organisation keeps its history; its members lose the role it gave them."""
    if organisation.merged_into_id is not None and active:
        raise AdminRefused(_("This organisation was merged into another one: it cannot be reactivated."))
    if organisation.is_active == active:
        raise AdminRefused(_("This organisation is already active.") if active
                           else _("This organisation is already inactive."))
    organisation.is_active = active
    record(session, "organisation.reactivate" if active else "organisation.deactivate", organisation,
           organisation_id=organisation.id)


def merge_targets(session: Session, duplicate: Organisation) -> list[Organisation]:
    """The organisations a duplicate may be merged into: active ones of its kind."""
    return list(session.execute(
        organisations_query(kind=duplicate.kind, active=True).where(Organisation.id != duplicate.id)
    ).scalars())


def merge_organisation(session: Session, duplicate: Organisation, target: Organisation) -> dict[str, int]:
    """Move everything of `duplicate` to `target`, then mark `duplicate` inactive and merged.

    Every foreign key to organisations.id is covered: memberships (people already in the target are
    skipped), booths, edition partnerships, editions it organises and co-organises, edition
    invitations, team invitations, join requests, referrals, and organisations merged into it before.
    Two booths of one edition are refused: their offers, slots, queues and applications cannot be
    combined safely, so the administrator removes one booth first. Returns what moved, by kind.
    """
    if duplicate.id == target.id:
        raise AdminRefused(_("An organisation cannot be merged into itself."))
    if duplicate.kind != target.kind:
        raise AdminRefused(_("Only organisations of the same kind can be merged."))
    if duplicate.merged_into_id is not None or not target.is_active:
        raise AdminRefused(_("Choose an active organisation to merge into."))
    shared = list(session.execute(
        select(Edition.title).join(Booth, Booth.edition_id == Edition.id)
        .where(Booth.company_id == duplicate.id,
               Booth.edition_id.in_(select(Booth.edition_id).where(Booth.company_id == target.id)))
        .order_by(Edition.title)
    ).scalars())
    if shared:
        raise AdminRefused(_("Both organisations have a booth in %(fairs)s: remove one of the two booths "
                             "first, then merge.", fairs=", ".join(shared)))
    moved: dict[str, int] = {}

    def move(name: str, statement: Any) -> None:
        moved[name] = session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0

    members_of_target = select(Membership.user_id).where(Membership.organisation_id == target.id)
    move("memberships", update(Membership).where(Membership.organisation_id == duplicate.id,
                                                 Membership.user_id.not_in(members_of_target))
         .values(organisation_id=target.id))
    # Those already in the target keep their place there; their membership of the duplicate goes.
    session.execute(Membership.__table__.delete().where(Membership.organisation_id == duplicate.id))
    move("booths", update(Booth).where(Booth.company_id == duplicate.id).values(company_id=target.id))
    partner_of = select(EditionPartner.edition_id).where(EditionPartner.organisation_id == target.id)
    move("partnerships", update(EditionPartner).where(EditionPartner.organisation_id == duplicate.id,
                                                      EditionPartner.edition_id.not_in(partner_of))
         .values(organisation_id=target.id))
    session.execute(EditionPartner.__table__.delete().where(EditionPartner.organisation_id == duplicate.id))
    move("editions", update(Edition).where(Edition.organiser_id == duplicate.id).values(organiser_id=target.id))
    co_of = select(EditionOrganiser.edition_id).where(EditionOrganiser.organisation_id == target.id)
    led_by = select(Edition.id).where(Edition.organiser_id == target.id)
    move("co_organisations", update(EditionOrganiser).where(
        EditionOrganiser.organisation_id == duplicate.id, EditionOrganiser.edition_id.not_in(co_of),
        EditionOrganiser.edition_id.not_in(led_by)).values(organisation_id=target.id))
    session.execute(EditionOrganiser.__table__.delete().where(EditionOrganiser.organisation_id == duplicate.id))
    move("invitations", update(Invitation).where(Invitation.organisation_id == duplicate.id)
         .values(organisation_id=target.id))
    move("team_invitations", update(TeamInvitation).where(TeamInvitation.organisation_id == duplicate.id)
         .values(organisation_id=target.id))
    move("join_requests", update(JoinRequest).where(JoinRequest.organisation_id == duplicate.id)
         .values(organisation_id=target.id))
    move("referrals", update(Referral).where(Referral.partner_id == duplicate.id).values(partner_id=target.id))
    move("merged_before", update(Organisation).where(Organisation.merged_into_id == duplicate.id)
         .values(merged_into_id=target.id))
    session.expire_all()  # the rows moved by UPDATE: what the session holds of them is stale
    duplicate.is_active = False
    duplicate.merged_into_id = target.id
    record(session, "organisation.merge", duplicate, organisation_id=duplicate.id,
           details={"into_id": target.id, "into": target.name, "moved": moved})
    log.info("organisation %s merged into %s: %s", duplicate.id, target.id, moved)
    return moved


# ---------------------------------------------------------------- people

def people_query(text: str = "") -> Select:
    query = select(User).order_by(func.lower(User.full_name), User.id)
    text = text.strip().lower()
    if text:
        query = query.where(or_(func.lower(User.full_name).contains(text, autoescape=True),
                                func.lower(User.email).contains(text, autoescape=True)))
    return query


def _active_admin_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(User).where(
        User.is_admin.is_(True), User.is_active_account.is_(True))).scalar_one()


def _keep_one_admin(session: Session, user: User) -> None:
    if user.is_admin and user.is_active_account and _active_admin_count(session) <= 1:
        raise AdminRefused(_("%(name)s is the last active administrator: make someone else administrator "
                             "first.", name=user.full_name))


def _end_sessions(session: Session, user: User) -> None:
    """Every server-side session of the person ends (a copied cookie is refused on every node, even
    while Redis is down); live pages close once this commits, on every node Redis reaches."""
    sessions.end_all(session, user)
    user_id = user.id
    jobs.after_commit(session, lambda: disconnect_user(user_id))


def set_account_active(session: Session, user: User, active: bool) -> None:
    if user.is_active_account == active:
        raise AdminRefused(_("This account is already enabled.") if active else _("This account is already disabled."))
    if not active:
        _keep_one_admin(session, user)
        _end_sessions(session, user)
    user.is_active_account = active
    record(session, "user.enable" if active else "user.disable", user)


def end_sessions(session: Session, user: User) -> None:
    _end_sessions(session, user)
    record(session, "user.end_sessions", user)


def send_password_reset(session: Session, user: User) -> None:
    """The reset mail is made by the accounts job once this commits (the link's secret never waits in Redis)."""
    if not user.is_active_account:
        raise AdminRefused(_("This account is disabled: enable it before sending a password reset."))
    account_jobs.send_password_reset.after_commit(session, user.id)
    record(session, "user.password_reset", user)


def reset_mfa(session: Session, user: User) -> None:
    """A lost device: the person sets two-step verification up again (at next login when it is required)."""
    if not user.totp_secret and user.totp_enabled_at is None:
        raise AdminRefused(_("This person has not set up two-step verification."))
    mfa.reset(session, user)


def set_admin(session: Session, user: User, granted: bool) -> None:
    if user.is_admin == granted:
        raise AdminRefused(_("This person is already an administrator.") if granted
                           else _("This person is not an administrator."))
    if not granted:
        _keep_one_admin(session, user)
    user.is_admin = granted
    record(session, "admin.grant" if granted else "admin.revoke", user)


# ---------------------------------------------------------------- the instance

@dataclass
class InstanceData:
    name: str
    logo_url: str | None
    contact_email: str | None
    legal_notice: str
    privacy_notice: str
    accessibility_statement: str
    privacy_contact: str | None = None
    retention: dict = field(default_factory=dict)  # rule key → days (fair.privacy.retention); absent: default


def save_instance(session: Session, data: InstanceData) -> InstanceSettings:
    """Every page shows the new values once this commits (this process's cache is dropped then)."""
    row = settings_row(session)
    changed = [name for name, value in vars(data).items() if (getattr(row, name) or "") != (value or "")]
    for name, value in vars(data).items():
        setattr(row, name, value)
    record(session, "instance.update", row, object_type="instance_settings", label=data.name,
           details={"changed": changed})
    jobs.after_commit(session, forget)
    return row


# ---------------------------------------------------------------- jobs and outbox

def outbox_counts(session: Session) -> dict[OutboxStatus, int]:
    counts = dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: counts.get(status, 0) for status in OutboxStatus}


def record_retry(session: Session, job_ids: list[str], retry_all: bool) -> None:
    record(session, "job.retry", object_type="job", label="all" if retry_all else ", ".join(job_ids)[:300],
           details={"job_ids": job_ids})


# ---------------------------------------------------------------- the audit log

@dataclass
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    zone: str = DEFAULT_ZONE
    query_args: dict[str, str] = field(default_factory=dict)


def audit_query(filters: AuditFilters) -> Select:
    """The log, newest first; dates are whole local days, both ends included."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if filters.actor.strip():
        query = query.where(func.lower(AuditEntry.actor_email).contains(filters.actor.strip().lower(),
                                                                        autoescape=True))
    if filters.action.strip():
        query = query.where(AuditEntry.action == filters.action.strip())
    if filters.object_type.strip():
        query = query.where(AuditEntry.object_type == filters.object_type.strip())
    if filters.date_from is not None:
        query = query.where(AuditEntry.created_at >= local_day_bounds(filters.date_from, filters.zone)[0])
    if filters.date_to is not None:
        query = query.where(AuditEntry.created_at < local_day_bounds(filters.date_to, filters.zone)[1])
    return query


def audit_choices(session: Session) -> tuple[list[str], list[str]]:
    """The actions and object types the log holds, for its filters."""
    actions = list(session.execute(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars())
    types = list(session.execute(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type))
                 .scalars())
    return actions, [t for t in types if t]
