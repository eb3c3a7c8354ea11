"""What a network's coordinators do with its members, what members see of each other, and the person's
consent that the networks of their structure see their name.

Services take plain arguments, raise `NetworkRefused` (with a translated message) when the request
cannot be done, record what the staff did in the audit log, and never commit: the request does.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose, version_of
from fair.accounts.models import Membership, MembershipRole, Organisation, OrganisationKind, User
from fair.audit import record
from fair.candidates.models import Referral, ReferralStatus
from fair.clock import now
from fair.networks.access import networks_of_organisation
from fair.networks.models import NetworkMember

# The words the person agrees to, as shown (names put in); their version is that of the English msgid.
NETWORK_CONSENT_TEXT = _l(
    "I agree that %(network)s and its member structures see my name and how my search for a job "
    "goes (applications, interviews, outcomes), so that %(partner)s can work with them for me. I can "
    "withdraw this at any time.")
CONSENT_VERSION = version_of(NETWORK_CONSENT_TEXT)

# The kinds of organisation that can belong to a network: structures that refer people, and employers.
MEMBER_KINDS = (OrganisationKind.partner, OrganisationKind.company)


class NetworkRefused(ValueError):
    """The change cannot be made; `message` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- members (coordinators)


def members(session: Session, network_id: int, *, with_left: bool = False) -> list[NetworkMember]:
    """The network's members, current first then those that left, by name."""
    query = (select(NetworkMember).join(Organisation, Organisation.id == NetworkMember.member_id)
             .where(NetworkMember.network_id == network_id)
             .options(joinedload(NetworkMember.member), joinedload(NetworkMember.referent))
             .order_by(NetworkMember.left_at.is_not(None), Organisation.name, NetworkMember.id))
    if not with_left:
        query = query.where(NetworkMember.left_at.is_(None), Organisation.is_active.is_(True))
    return list(session.execute(query).scalars())


def names_sensitive_members(session: Session, network_id: int, user_id: int, is_coordinator: bool) -> bool:
    """Whether this person may read the names of the network's sensitive partners (justice, addiction
    care, health): its coordinators and the people of its member structures may, the people of its member
    companies may not (companies never learn them, Organisation.is_sensitive)."""
    if is_coordinator:
        return True
    mine = select(Membership.organisation_id).where(Membership.user_id == user_id)
    return session.execute(
        select(NetworkMember.id).join(Organisation, Organisation.id == NetworkMember.member_id)
        .where(NetworkMember.network_id == network_id, NetworkMember.left_at.is_(None),
               NetworkMember.member_id.in_(mine), Organisation.kind == OrganisationKind.partner,
               Organisation.is_active.is_(True))).first() is not None


def member_row(session: Session, network_id: int, row_id: int | None) -> NetworkMember | None:
    """One member row of this network (the caller has checked the person coordinates it)."""
    if row_id is None:
        return None
    return session.execute(select(NetworkMember).where(NetworkMember.id == row_id,
                                                       NetworkMember.network_id == network_id)).scalars().first()


def addable_organisations(session: Session, network_id: int) -> list[Organisation]:
    """Active partners and companies that are not current members: what the "add a member" list offers."""
    current = select(NetworkMember.member_id).where(NetworkMember.network_id == network_id,
                                                    NetworkMember.left_at.is_(None))
    return list(session.execute(
        select(Organisation).where(Organisation.kind.in_(MEMBER_KINDS), Organisation.is_active.is_(True),
                                   Organisation.id.not_in(current)).order_by(Organisation.name)).scalars())


def people_of(session: Session, organisation_id: int) -> list[User]:
    """The people of an organisation, among whom its referent is named."""
    return list(session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.erased_at.is_(None))
        .order_by(User._full_name, User.id)).scalars())


def _referent_of(session: Session, organisation_id: int, referent_id: int | None) -> User | None:
    if referent_id is None:
        return None
    found = session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(User.id == referent_id, Membership.organisation_id == organisation_id,
               User.erased_at.is_(None))).scalars().first()
    if found is None:
        raise NetworkRefused(str(_l("The referent must be one of the people of this organisation.")))
    return found


def add_member(session: Session, network: Organisation, organisation_id: int | None,
               referent_id: int | None = None) -> NetworkMember:
    """Make an active partner or company a member of the network, with its referent if named. A member
    that had left joins again on its old row (its past stays counted)."""
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or not organisation.is_active or organisation.kind not in MEMBER_KINDS:
        raise NetworkRefused(str(_l("Choose an active association, structure or company.")))
    referent = _referent_of(session, organisation.id, referent_id)
    row = session.execute(select(NetworkMember).where(NetworkMember.network_id == network.id,
                                                      NetworkMember.member_id == organisation.id)).scalars().first()
    if row is not None and row.left_at is None:
        raise NetworkRefused(str(_l("%(name)s is already a member of this network.", name=organisation.name)))
    if row is None:
        row = NetworkMember(network_id=network.id, member_id=organisation.id)
        session.add(row)
    row.left_at, row.joined_at = None, now()
    row.referent_id = referent.id if referent is not None else None
    session.flush()
    record(session, "network.member_added", organisation, organisation_id=network.id,
           details={"network_id": network.id, "referent_id": row.referent_id})
    return row


def set_referent(session: Session, row: NetworkMember, referent_id: int | None) -> NetworkMember:
    """Name the member's referent among its people (None: nobody named)."""
    if row.left_at is not None:
        raise NetworkRefused(str(_l("This member has left the network.")))
    referent = _referent_of(session, row.member_id, referent_id)
    row.referent_id = referent.id if referent is not None else None
    record(session, "network.referent_set", row.member, organisation_id=row.network_id,
           details={"network_id": row.network_id, "referent_id": row.referent_id})
    return row


def mark_left(session: Session, row: NetworkMember) -> NetworkMember:
    """The member leaves: its row stays (its past figures still count), it reaches the network no more."""
    if row.left_at is not None:
        raise NetworkRefused(str(_l("This member has already left the network.")))
    row.left_at = now()
    record(session, "network.member_left", row.member, organisation_id=row.network_id,
           details={"network_id": row.network_id})
    return row


@dataclass(frozen=True)
class Contact:
    """A professional contact shown to a network's members or to companies: the member's referent, else
    an owner of the organisation."""

    name: str
    email: str | None
    phone: str | None


def contact_of(session: Session, organisation_id: int, referent: User | None = None) -> Contact | None:
    person = referent if referent is not None and referent.erased_at is None else session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, Membership.role == MembershipRole.owner,
               User.erased_at.is_(None))
        .order_by(Membership.id)).scalars().first()
    if person is None:
        return None
    return Contact(person.full_name, person.email, person.phone)


def referent_for_edition(session: Session, organisation_id: int) -> User | None:
    """The referent the organisation named in one of its networks (the first it joined), if any."""
    return session.execute(
        select(User).join(NetworkMember, NetworkMember.referent_id == User.id)
        .where(NetworkMember.member_id == organisation_id, NetworkMember.left_at.is_(None),
               NetworkMember.network_id.in_(networks_of_organisation(organisation_id)))
        .order_by(NetworkMember.joined_at, NetworkMember.id)).scalars().first()


# ---------------------------------------------------------------- the person's consent to a network


@dataclass(frozen=True)
class NetworkChoice:
    """A network one of the person's following structures belongs to, and whether their name is shared."""

    network: Organisation
    partner: Organisation
    given: consent.ConsentRecord | None

    @property
    def text(self) -> str:
        return str(NETWORK_CONSENT_TEXT % {"network": self.network.name, "partner": self.partner.name})


def network_choices(session: Session, candidate_id: int) -> list[NetworkChoice]:
    """The networks of the structures that follow the person (confirmed referrals), one line each."""
    partners = (select(Referral.partner_id).where(Referral.candidate_id == candidate_id,
                                                  Referral.status == ReferralStatus.confirmed))
    rows = session.execute(
        select(NetworkMember).join(Organisation, Organisation.id == NetworkMember.network_id)
        .where(NetworkMember.member_id.in_(partners), NetworkMember.left_at.is_(None),
               Organisation.is_active.is_(True))
        .options(joinedload(NetworkMember.network), joinedload(NetworkMember.member))
        .order_by(Organisation.name, NetworkMember.id)).scalars()
    seen: set[int] = set()
    choices = []
    for row in rows:
        if row.network_id in seen:
            continue
        seen.add(row.network_id)
        choices.append(NetworkChoice(row.network, row.member,
                                     consent.current(session, candidate_id, ConsentPurpose.network, row.network_id)))
    return choices


def choice_for(session: Session, candidate_id: int, network_id: int | None) -> NetworkChoice | None:
    """One of `network_choices` (None: not a network of the person's structures, the caller answers 404)."""
    return next((c for c in network_choices(session, candidate_id) if c.network.id == network_id), None)


def give_network_consent(session: Session, candidate_id: int, choice: NetworkChoice, *,
                         recorded_by_id: int | None = None) -> consent.ConsentRecord:
    """The person agrees (or an adviser of their structure records it with them present)."""
    return consent.give(session, candidate_id, ConsentPurpose.network, choice.text, CONSENT_VERSION,
                        organisation_id=choice.network.id, recorded_by_id=recorded_by_id)


def withdraw_network_consent(session: Session, candidate_id: int, network_id: int) -> bool:
    """Their name leaves the network at once; the record stays as proof. True if one was in force."""
    return bool(consent.withdraw(session, candidate_id, ConsentPurpose.network, network_id))
