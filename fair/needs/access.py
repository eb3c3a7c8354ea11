"""Who reaches a recruitment need: the posting company's people and the network's coordinators answer it;
the advisers of the network's member structures propose people for it. Anyone else finds nothing (404).

Network membership itself is `fair.networks.access`, said once there.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select

from fair.access import as_id, organisations_of
from fair.accounts.models import Membership, Organisation, OrganisationKind
from fair.extensions import db
from fair.needs.models import NeedProposal, RecruitmentNeed
from fair.networks.access import coordinated_networks, member_ids, member_networks
from fair.networks.models import NetworkMember

# An employer that posts a need: a company, or a group of employers (itself a network organisation).
EMPLOYER_KINDS = (OrganisationKind.company, OrganisationKind.network)


def employers_of(user_id: int) -> Select:
    """The ids of the active companies and groups of employers this person belongs to."""
    return (select(Organisation.id).join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id, Organisation.kind.in_(EMPLOYER_KINDS),
                   Organisation.is_active.is_(True)))


def structures_in_network(network_id: int, user_id: int) -> Select:
    """The ids of this adviser's structures (partners) that are current members of the network."""
    return (organisations_of(user_id, OrganisationKind.partner)
            .where(Organisation.id.in_(member_ids(network_id))))


def postable_companies(network_id: int, user_id: int) -> list[Organisation]:
    """The members a person may post a need for: their own employer if it is a member; every employer
    member for the network's coordinators."""
    members = Organisation.id.in_(member_ids(network_id))
    coordinator = db.session.execute(
        select(Organisation.id).where(Organisation.id == network_id,
                                      Organisation.id.in_(coordinated_networks(user_id)))).first()
    query = select(Organisation).where(members, Organisation.kind.in_(EMPLOYER_KINDS))
    if not coordinator:
        query = query.where(Organisation.id.in_(employers_of(user_id)))
    return list(db.session.execute(query.order_by(Organisation.name)).scalars())


def answered_by(user_id: int):
    """The condition on needs this person answers: their employer's, or their network's as coordinator."""
    return or_(RecruitmentNeed.company_id.in_(employers_of(user_id)),
               RecruitmentNeed.network_id.in_(coordinated_networks(user_id)))


def answerable_need(need_id: Any, user_id: int) -> RecruitmentNeed | None:
    """A need of one of this person's employers, or of a network they coordinate (they answer it)."""
    wanted = as_id(need_id)
    if wanted is None:
        return None
    return db.session.execute(select(RecruitmentNeed).where(
        RecruitmentNeed.id == wanted, answered_by(user_id))).scalars().first()


def proposable_need(need_id: Any, user_id: int) -> RecruitmentNeed | None:
    """A need of a network one of this adviser's structures currently belongs to (they propose people)."""
    wanted = as_id(need_id)
    if wanted is None:
        return None
    need = db.session.get(RecruitmentNeed, wanted)
    if need is None or not need.network.is_active:
        return None
    if not db.session.execute(structures_in_network(need.network_id, user_id)).first():
        return None
    return need


def visible_needs(user_id: int) -> Select:
    """The needs this person answers or may propose people for, newest first."""
    structures = organisations_of(user_id, OrganisationKind.partner)
    adviser_networks = member_networks(user_id).where(NetworkMember.member_id.in_(structures))
    return (select(RecruitmentNeed).where(or_(answered_by(user_id), RecruitmentNeed.network_id.in_(adviser_networks)))
            .order_by(RecruitmentNeed.created_at.desc()))


def need_proposal(need: RecruitmentNeed, proposal_id: Any) -> NeedProposal | None:
    wanted = as_id(proposal_id)
    if wanted is None:
        return None
    return db.session.execute(select(NeedProposal).where(
        NeedProposal.id == wanted, NeedProposal.need_id == need.id)).scalars().first()
