"""A union of two associations (and a second union) with referred people who took part in one fair,
for the network pages and figures tests."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass
class NetworkWorld:
    union: Any
    other_union: Any
    tremplin: Any   # member, referent `referent`, adviser `adviser`
    horizon: Any    # member, adviser `other_adviser`
    outsider: Any   # a partner in no network
    coordinator: Any
    other_coordinator: Any
    referent: Any
    adviser: Any
    other_adviser: Any
    outsider_adviser: Any
    camille: Any
    camille_referral: Any
    people: list
    edition: Any
    company: Any
    recruiter: Any
    organiser: Any


def refer(session, adviser, partner, candidate):
    """A confirmed referral with its consent in force, as the emailed link leaves it."""
    from fair.accounts import consent
    from fair.accounts.consent import ConsentPurpose
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow

    referral = Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=candidate.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="J’accepte")
    session.add(referral)
    consent.give(session, candidate.id, ConsentPurpose.referral, "J’accepte", "v1", organisation_id=partner.id)
    session.commit()
    return referral


def build(app, session, factory) -> NetworkWorld:
    from fair.accounts.models import NetworkType, PartnerType
    from fair.candidates.models import Application, ApplicationStatus
    from fair.live.models import QueueEntry, QueueStatus
    from fair.networks.models import NetworkMember
    from fair.outcomes.models import ContractType, Outcome, RecordedAs

    union = factory.organisation("network", "Union des associations du Nord",
                                 network_type=NetworkType.union_of_associations)
    other_union = factory.organisation("network", "Union du Sud", network_type=NetworkType.union_of_associations)
    tremplin = factory.organisation("partner", "Association Tremplin", partner_type=PartnerType.association)
    horizon = factory.organisation("partner", "Association Horizon", partner_type=PartnerType.association)
    outsider = factory.organisation("partner", "Association Ailleurs", partner_type=PartnerType.association)
    coordinator = factory.person("coord@example.org", "Claire Coordinatrice", union)
    other_coordinator = factory.person("coord.sud@example.org", "Sami Sud", other_union)
    referent = factory.person("referente@example.org", "Rachida Référente", tremplin)
    referent.phone = "03 20 00 00 01"
    adviser = factory.person("conseil@example.org", "Antoine Conseil", tremplin)
    other_adviser = factory.person("horizon@example.org", "Hugo Horizon", horizon)
    outsider_adviser = factory.person("ailleurs@example.org", "Alice Ailleurs", outsider)
    session.add_all([NetworkMember(network_id=union.id, member_id=tremplin.id, referent_id=referent.id),
                     NetworkMember(network_id=union.id, member_id=horizon.id),
                     NetworkMember(network_id=other_union.id, member_id=outsider.id)])
    organiser = factory.organisation("organiser", "Métropole")
    organiser_user = factory.person("orga@example.org", "Olga Organisatrice", organiser)
    company = factory.organisation("company", "Boulangerie Lefort")
    recruiter = factory.person("recrute@example.org", "Romain Recruteur", company)
    edition = factory.edition(organiser, title="Salon de Lille", starts_at=dt.datetime(2030, 3, 12, 8,
                                                                                       tzinfo=dt.timezone.utc))
    booth = factory.booth(edition, company)
    offer = factory.offer(booth, title="Boulanger")
    camille = factory.person("camille@example.org", "Camille Martin")
    people = [factory.person(f"p{n}@example.org", f"Personne {n}") for n in range(6)]
    with app.test_request_context():
        referrals = [refer(session, adviser, tremplin, p) for p in [camille, *people]]
    for person in [camille, *people]:
        session.add(Application(candidate_id=person.id, offer_id=offer.id, status=ApplicationStatus.submitted))
    session.add(Outcome(candidate_id=people[0].id, edition_id=edition.id, company_id=company.id,
                        contract=ContractType("cdi"), starts_on=dt.date(2030, 4, 1), recorded_as=RecordedAs.recruiter))
    session.add(QueueEntry(booth_id=booth.id, edition_id=edition.id, candidate_id=people[1].id, ticket=1,
                           status=QueueStatus.done, started_at=edition.starts_at, ended_at=edition.starts_at))
    session.commit()
    return NetworkWorld(union, other_union, tremplin, horizon, outsider, coordinator, other_coordinator, referent,
                        adviser, other_adviser, outsider_adviser, camille, referrals[0], people, edition, company,
                        recruiter, organiser_user)
