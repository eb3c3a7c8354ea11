"""A union of two associations and a company, with people the associations follow: the world of the
recruitment-needs tests (pages, browser journey, permission matrix)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose
from fair.accounts.models import PartnerType
from fair.candidates.models import Referral, ReferralStatus
from fair.db import utcnow
from fair.needs.models import RecruitmentNeed
from fair.networks.models import NetworkMember


def follow(session, adviser, structure, person) -> Referral:
    """A confirmed referral: `structure` follows `person` with their agreement."""
    referral = Referral(adviser_id=adviser.id, partner_id=structure.id, candidate_id=person.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="J'accepte")
    session.add(referral)
    session.commit()
    return referral


def agree_to_network(app, session, person, network) -> None:
    with app.test_request_context():
        consent.give(session, person.id, ConsentPurpose.network, "Je peux être nommé au réseau", "v1",
                     organisation_id=network.id)
        session.commit()


def post(session, network, company, posted_by, job_title="Agent de propreté", **kw) -> RecruitmentNeed:
    need = RecruitmentNeed(network_id=network.id, company_id=company.id, posted_by_id=posted_by.id,
                           job_title=job_title, posts=kw.pop("posts", 3),
                           starts_on=kw.pop("starts_on", dt.date(2030, 3, 1)), **kw)
    session.add(need)
    session.commit()
    return need


def union_world(app, session, factory, prefix: str = "") -> SimpleNamespace:
    """The union "Union Insertion Nord" with two member associations (the second one sensitive: a
    probation service), a member company and its recruiter; a coordinator; each association follows
    people who agreed to be named to the union, and one person who did not."""
    union = factory.organisation("network", "Union Insertion Nord")
    tremplin = factory.organisation("partner", "Association Tremplin", partner_type=PartnerType.association)
    spip = factory.organisation("partner", "SPIP du Nord", partner_type=PartnerType.justice)
    company = factory.organisation("company", "Propreté Services")
    outsider = factory.organisation("partner", "Association Ailleurs", partner_type=PartnerType.association)
    session.add_all([NetworkMember(network_id=union.id, member_id=m.id) for m in (tremplin, spip, company)])
    session.commit()
    w = SimpleNamespace(union=union, tremplin=tremplin, spip=spip, company=company, outsider=outsider)
    w.coordinator = factory.person(f"{prefix}coord@example.org", "Claire Coordination", union)
    w.recruiter = factory.person(f"{prefix}rh@example.org", "Rémi Recruteur", company)
    w.adviser1 = factory.person(f"{prefix}conseil1@example.org", "Amina Conseil", tremplin)
    w.colleague1 = factory.person(f"{prefix}collegue1@example.org", "Bruno Collègue", tremplin)
    w.adviser2 = factory.person(f"{prefix}conseil2@example.org", "Chloé Probation", spip)
    w.stranger = factory.person(f"{prefix}ailleurs@example.org", "Denis Ailleurs", outsider)
    w.ines = factory.person(f"{prefix}ines@example.org", "Inès Morel")
    w.jules = factory.person(f"{prefix}jules@example.org", "Jules Petit")
    w.karim = factory.person(f"{prefix}karim@example.org", "Karim Benali")
    w.lea = factory.person(f"{prefix}lea@example.org", "Léa Dubois")  # never agreed to the union
    for person, adviser, structure in ((w.ines, w.adviser1, tremplin), (w.jules, w.adviser1, tremplin),
                                       (w.lea, w.adviser1, tremplin), (w.karim, w.adviser2, spip)):
        follow(session, adviser, structure, person)
    for person in (w.ines, w.jules, w.karim):
        agree_to_network(app, session, person, union)
    return w
