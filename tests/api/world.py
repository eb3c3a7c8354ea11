"""The API tests' world: an organiser running two editions (one anonymised), two companies, a partner
that follows one candidate, applications, an interview, an outcome, and tokens for each organisation.

`build` is shared by the tests, the token matrix and the permission matrix (tests/api/permission_rules.py).
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from fair.api import services as tokens
from fair.api.models import SCOPES

FAIR_DAY = dt.date(2030, 3, 12)


def make_token(session, organisation, scopes=SCOPES, *, by=None, name="ATS") -> str:
    _token, secret = tokens.create_token(session, organisation, name=name, scopes=scopes, created_by=by)
    session.commit()
    return secret


def build(factory, session) -> SimpleNamespace:
    from fair.candidates import services as candidates
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow
    from fair.jobdating import services as jobdating
    from fair.outcomes import services as outcomes
    from fair.outcomes.models import ContractType, RecordedAs

    organiser = factory.organisation("organiser", name="Métropole Emploi")
    olga = factory.member(organiser, email="olga.api@example.org", role="owner")
    alpha = factory.organisation("company", name="Transports Alpha")
    rita = factory.member(alpha, email="rita.api@example.org", role="owner", full_name="Rita Recruiter")
    ralph = factory.member(alpha, email="ralph.api@example.org", full_name="Ralph Member")
    beta = factory.organisation("company", name="Boulangerie Beta")
    bob = factory.member(beta, email="bob.api@example.org", role="owner")
    partner = factory.organisation("partner", name="Mission locale")
    paula = factory.member(partner, email="paula.api@example.org", role="owner")
    other_organiser = factory.organisation("organiser", name="Autre Salon")
    edition = factory.edition(organiser, starts_at=dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.UTC),
                              ends_at=dt.datetime(2030, 3, 12, 17, 0, tzinfo=dt.UTC))
    hidden_edition = factory.edition(organiser, anonymised_applications=True,
                                     starts_at=dt.datetime(2030, 3, 13, 7, 0, tzinfo=dt.UTC),
                                     ends_at=dt.datetime(2030, 3, 13, 17, 0, tzinfo=dt.UTC))
    booth_a, booth_b = factory.booth(edition, alpha), factory.booth(edition, beta)
    booth_hidden = factory.booth(hidden_edition, alpha)
    offer_a, offer_b = factory.offer(booth_a, title="Cariste"), factory.offer(booth_b, title="Boulanger")
    offer_hidden = factory.offer(booth_hidden, title="Magasinier")
    ana = factory.user(email="ana.api@example.org", full_name="Ana Candidate")
    ben = factory.user(email="ben.api@example.org", full_name="Ben Candidate")
    profile = candidates.ensure_profile(ben)
    profile.postcode, profile.city, profile.birth_year = "59000", "Lille", 1990
    session.add(Referral(candidate_id=ana.id, adviser_id=paula.id, partner_id=partner.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    session.commit()
    application_a = candidates.apply(ana, offer_a, message="Bonjour")
    application_b = candidates.apply(ben, offer_b)
    application_hidden = candidates.apply(ben, offer_hidden, message="Je m'appelle Ben")
    session.commit()
    slots = list(factory.slot_range(booth_a, rita, FAIR_DAY, "09:00", "10:00").slots)
    hidden_slots = list(factory.slot_range(booth_hidden, rita, dt.date(2030, 3, 13), "09:00", "10:00").slots)
    booking = jobdating.book(session, slot_id=slots[0].id, candidate_id=ana.id)
    session.commit()
    booking_b_slots = list(factory.slot_range(booth_b, bob, FAIR_DAY, "11:00", "12:00").slots)
    booking_b = jobdating.book(session, slot_id=booking_b_slots[0].id, candidate_id=ben.id)
    session.commit()
    outcome = outcomes.record(session, candidate_id=ana.id, recorded_as=RecordedAs.recruiter, recorded_by_id=rita.id,
                              edition_id=edition.id, company_id=alpha.id, booking_id=booking.id,
                              details=outcomes.HireDetails(contract=ContractType.cdi, starts_on=dt.date(2030, 4, 1),
                                                           weekly_hours=35))
    outcome_b = outcomes.record(session, candidate_id=ben.id, recorded_as=RecordedAs.recruiter, recorded_by_id=bob.id,
                                edition_id=edition.id, company_id=beta.id, booking_id=booking_b.id,
                                details=outcomes.HireDetails(contract=ContractType.cdd_long,
                                                             starts_on=dt.date(2030, 4, 1), weekly_hours=24))
    session.commit()
    world = SimpleNamespace(
        organiser=organiser, olga=olga, alpha=alpha, rita=rita, ralph=ralph, beta=beta, bob=bob, partner=partner,
        paula=paula, other_organiser=other_organiser, edition=edition, hidden_edition=hidden_edition,
        booth_a=booth_a, booth_b=booth_b, booth_hidden=booth_hidden, offer_a=offer_a, offer_b=offer_b,
        offer_hidden=offer_hidden, ana=ana, ben=ben, application_a=application_a, application_b=application_b,
        application_hidden=application_hidden, slots=slots, hidden_slots=hidden_slots, booking=booking,
        booking_b=booking_b, outcome=outcome, outcome_b=outcome_b,
    )
    world.ids = {name: getattr(world, name).id for name in (
        "alpha", "beta", "partner", "organiser", "booth_a", "booth_b", "booth_hidden", "offer_a", "offer_b",
        "offer_hidden", "application_a", "application_b", "application_hidden", "booking", "booking_b", "outcome",
        "outcome_b", "ana", "ben", "rita", "edition")}
    world.ids.update(slug=edition.slug, hidden_slot=hidden_slots[0].id)
    world.i = SimpleNamespace(**world.ids)  # ids read after a request (its end detaches the rows)
    world.alpha_token = make_token(session, alpha, by=rita)
    world.beta_token = make_token(session, beta, by=bob)
    world.organiser_token = make_token(session, organiser, by=olga)
    world.partner_token = make_token(session, partner, by=paula)
    return world


def bearer(secret: str, language: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {secret}"}
    if language:
        headers["Accept-Language"] = language
    return headers
