"""A hybrid fair on 12 March 2030 (Paris): one company whose recruiter opened on-site slots from
09:00 (20 minutes, "Salle 3"), a candidate with a postal address followed by an association's
adviser (an English reader too), another candidate, and an adviser of another association. Tests act on
1 March 2030 (`EARLY`), within the registration window and before every cut-off."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.selfservice.helpers import EARLY, FAIR_DAY


@pytest.fixture
def database_url(sqlite_url):
    """Nothing here depends on the database's kind: SQLite only (the services are tested on both elsewhere)."""
    return sqlite_url


@pytest.fixture
def world(factory, session):
    from fair.candidates.models import CandidateProfile, Referral, ReferralStatus
    from fair.fairs.models import EditionFormat

    lead = factory.organisation("organiser", "Métropole emploi")
    organiser = factory.person("odile@example.org", "Odile Organisatrice", lead)
    edition = factory.edition(lead, title="Forum de l'emploi de Roubaix", format=EditionFormat.hybrid,
                              venue="Salle Watremez, Roubaix")
    company = factory.organisation("company", "Alpha Logistique")
    recruiter = factory.person("rita@alpha.example", "Rita Recruteuse", company)
    booth = factory.booth(edition, company, stand_number="12")
    availability = factory.slot_range(booth, recruiter, FAIR_DAY, "09:00", "11:00", mode="onsite",
                                      slot_minutes=20, location="Salle 3")
    candidate = factory.person("ana@example.org", "Ana Lima")
    english = factory.person("chloe@example.org", "Chloé Martin", locale="en")
    other = factory.person("ben@example.org", "Ben Okafor")
    session.add(CandidateProfile(user_id=candidate.id, address_line="12 rue des Arts", postcode="59100",
                                 city="Roubaix"))
    partner = factory.organisation("partner", "Association Tremplin")
    adviser = factory.person("adele@tremplin.example", "Adèle Conseillère", partner)
    colleague = factory.person("colin@tremplin.example", "Colin Conseiller", partner)
    other_partner = factory.organisation("partner", "Autre association")
    stranger = factory.person("sam@autre.example", "Sam Conseiller", other_partner)
    for person in (candidate, english):
        session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=person.id,
                             status=ReferralStatus.confirmed, consent_text="oui", confirmed_at=EARLY))
    session.commit()
    return SimpleNamespace(edition=edition, organiser=organiser, booth=booth,
                           recruiter=recruiter, candidate=candidate, english=english, other=other, adviser=adviser,
                           colleague=colleague, stranger=stranger, slots=list(availability.slots))

