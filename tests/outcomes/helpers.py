"""A fair that has ended, with a company's booth, its interviews, another company and an adviser."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tests.health.helpers import book, open_slots

START = dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc)
END = START + dt.timedelta(hours=8)
AFTER = END + dt.timedelta(hours=1)


def build_world(factory, session) -> SimpleNamespace:
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.companies.models import BoothStaff
    from fair.db import utcnow
    from fair.jobdating.models import Booking

    lead = factory.organisation("organiser", "Métropole emploi")
    edition = factory.edition(lead, title="Rencontres pour l'emploi", starts_at=START, ends_at=END)
    alpha = factory.organisation("company", "Alpha Logistique")
    rita = factory.person("rita@alpha.example", "Rita Recruteuse", alpha)
    beta = factory.organisation("company", "Beta Services")
    bob = factory.person("bob@beta.example", "Bob Recruteur", beta)
    factory.booth(edition, beta)
    booth = factory.booth(edition, alpha)
    session.add(BoothStaff(booth=booth, user=rita))
    slots = open_slots(factory, booth, rita, 3)
    ana = factory.person("ana@example.org", "Ana Lima")
    ben = factory.person("ben@example.org", "Ben Okafor")
    chloe = factory.person("chloe@example.org", "Chloé Martin")
    for slot, person in zip(slots, (ana, ben, chloe), strict=True):
        book(session, slot, person)
    bookings = {b.candidate_id: b for b in session.query(Booking).all()}
    mission = factory.organisation("partner", "Mission locale", partner_type=PartnerType.association)
    awa = factory.person("awa@mission.example", "Awa Conseillère", mission)
    referral = Referral(adviser_id=awa.id, partner_id=mission.id, candidate_id=ana.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok")
    session.add(referral)
    session.commit()
    return SimpleNamespace(edition=edition, alpha=alpha, beta=beta, booth=booth, rita=rita, bob=bob, ana=ana,
                           ben=ben, chloe=chloe, awa=awa, mission=mission, referral=referral,
                           booking_ana=bookings[ana.id], booking_ben=bookings[ben.id],
                           booking_chloe=bookings[chloe.id])


def hire(session, world, starts_on=dt.date(2030, 4, 1)):
    """Ana hired by Alpha on a CDI, recorded through the service."""
    from fair.outcomes import services
    from fair.outcomes.models import ContractType, RecordedAs

    outcome = services.record(session, candidate_id=world.ana.id, recorded_as=RecordedAs.recruiter,
                              recorded_by_id=world.rita.id, edition_id=world.edition.id, company_id=world.alpha.id,
                              booking_id=world.booking_ana.id, details=services.HireDetails(
                                  contract=ContractType.cdi, starts_on=starts_on, weekly_hours=35,
                                  job_title="Cariste"))
    session.commit()
    return outcome
