"""The network lookups: coordinators and members' people reach a network; others, and members that
left, find nothing; names only under a consent in force to that very network."""
from __future__ import annotations

import datetime as dt

from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose
from fair.extensions import db
from fair.networks import access
from fair.networks.models import NetworkMember


def test_who_reaches_a_network(app, session, factory):
    union = factory.organisation("network", "Union des associations du Nord")
    other_union = factory.organisation("network", "Union du Sud")
    coordinator = factory.member(union, "coord@example.org")
    association = factory.organisation("partner", "Association Tremplin")
    adviser = factory.member(association, "adviser@example.org")
    stranger = factory.member(factory.organisation("partner", "Ailleurs"), "stranger@example.org")
    left = factory.organisation("partner", "Partie")
    former = factory.member(left, "former@example.org")
    session.add_all([NetworkMember(network_id=union.id, member_id=association.id, referent_id=adviser.id),
                     NetworkMember(network_id=union.id, member_id=left.id,
                                   left_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))])
    session.commit()

    with app.test_request_context():
        assert access.coordinated_network(union.id, coordinator.id) == union
        assert access.coordinated_network(union.id, adviser.id) is None
        assert access.coordinated_network(other_union.id, coordinator.id) is None
        assert access.reachable_network(union.id, adviser.id) == union
        assert access.reachable_network(union.id, stranger.id) is None
        assert access.reachable_network(union.id, former.id) is None
        assert access.reachable_network("not-a-number", coordinator.id) is None
        assert list(db.session.execute(access.member_ids(union.id)).scalars()) == [association.id]

        union.is_active = False
        session.commit()
        assert access.reachable_network(union.id, adviser.id) is None
        assert access.coordinated_network(union.id, coordinator.id) is None


def test_names_only_under_a_consent_to_that_network(app, session, factory):
    union = factory.organisation("network", "Union des associations du Nord")
    other_union = factory.organisation("network", "Union du Sud")
    person = factory.person("camille@example.org", "Camille")
    with app.test_request_context():
        consent.give(session, person.id, ConsentPurpose.network, "texte", "v1", organisation_id=other_union.id)
        session.commit()
        assert person.id not in db.session.execute(access.named_to_network(union.id)).scalars().all()
        consent.give(session, person.id, ConsentPurpose.network, "texte", "v1", organisation_id=union.id)
        session.commit()
        assert person.id in db.session.execute(access.named_to_network(union.id)).scalars().all()
        consent.withdraw(session, person.id, ConsentPurpose.network, organisation_id=union.id)
        session.commit()
        assert person.id not in db.session.execute(access.named_to_network(union.id)).scalars().all()
