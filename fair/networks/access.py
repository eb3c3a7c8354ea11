"""Who belongs to which network, said once: the lookups every page about networks, needs and partners uses.

A network is an organisation of kind `network`; its own members (memberships of that organisation) are
its coordinators. Its member structures are organisations linked by a `NetworkMember` row without
`left_at`. A person reaches a network as a coordinator, or through an active organisation of theirs
that is an active member; anyone else finds nothing (404).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select

from fair.access import as_id, organisations_of
from fair.accounts.consent import ConsentPurpose, ConsentRecord
from fair.accounts.models import Membership, Organisation, OrganisationKind
from fair.extensions import db
from fair.networks.models import NetworkMember


def coordinated_networks(user_id: int) -> Select:
    """The ids of the active networks this person coordinates (belongs to), for `in_()`."""
    return organisations_of(user_id, OrganisationKind.network)


def member_ids(network_id: int) -> Select:
    """The ids of the network's current, active member structures, for `in_()`."""
    return (select(NetworkMember.member_id)
            .join(Organisation, Organisation.id == NetworkMember.member_id)
            .where(NetworkMember.network_id == network_id, NetworkMember.left_at.is_(None),
                   Organisation.is_active.is_(True)))


def networks_of_organisation(organisation_id: int) -> Select:
    """The ids of the active networks this organisation currently belongs to, for `in_()`."""
    return (select(NetworkMember.network_id)
            .join(Organisation, Organisation.id == NetworkMember.network_id)
            .where(NetworkMember.member_id == organisation_id, NetworkMember.left_at.is_(None),
                   Organisation.is_active.is_(True)))


def member_networks(user_id: int) -> Select:
    """The ids of the active networks one of this person's active organisations currently belongs to."""
    mine = (select(Organisation.id).join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id, Organisation.is_active.is_(True)))
    return (select(NetworkMember.network_id)
            .join(Organisation, Organisation.id == NetworkMember.network_id)
            .where(NetworkMember.member_id.in_(mine), NetworkMember.left_at.is_(None),
                   Organisation.is_active.is_(True)))


def coordinated_network(network_id: Any, user_id: int) -> Organisation | None:
    """The network if this person coordinates it, else None (404)."""
    wanted = as_id(network_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Organisation).where(Organisation.id == wanted, Organisation.id.in_(coordinated_networks(user_id)))
    ).scalars().first()


def reachable_network(network_id: Any, user_id: int) -> Organisation | None:
    """The network if this person coordinates it or works for one of its current members, else None (404)."""
    wanted = as_id(network_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Organisation).where(Organisation.id == wanted, or_(
            Organisation.id.in_(coordinated_networks(user_id)), Organisation.id.in_(member_networks(user_id))))
    ).scalars().first()


def named_to_network(network_id: int) -> Select:
    """The ids of the people whose consent in force lets this network (and its members) see their name.

    Everyone else is counted by the network, never named (ConsentPurpose.network, scoped to the network)."""
    return select(ConsentRecord.user_id).where(
        ConsentRecord.purpose == ConsentPurpose.network, ConsentRecord.organisation_id == network_id,
        ConsentRecord.withdrawn_at.is_(None))
