"""A hand-built fair whose figures the tests work out by hand (see EXPECTED_* below and the tests).

Twenty-five people take part in one edition (held on 12 March 2026, long before the tests run):
- hired (5): QPV + RSA, women, born 2005 (under 26); applied to company A's offer (shortlisted,
  answered after 1 day), interviewed at A (attended), hired by A on a CDI under the social clause
  "Tram line 2", 35 h a week from 1 April 2026; four still in the job at six months, one who left
  at the one-month follow-up; all five referred by partner P (consent in force);
- interviewed (3, the small group): RQTH, men, born 1975 (over 50); applied to company B's offer
  (declined after 2 days), interviewed at B;
- shortlisted (5): no public, gender "prefer not to say"; invited by A after 4 days; one of them was
  referred by P but withdrew the referral consent;
- applied (6): long-term unemployed, no gender; still waiting for an answer; one withdrew their
  statistics consent (out of the publics, still in the totals);
- no-shows (5): booked an interview at A, did not come (no profile);
- checked in on site only (1).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

UTC = dt.timezone.utc
DAY = dt.datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


@dataclass
class ReportWorld:
    edition: object
    organiser: object
    company_a: object
    company_b: object
    partner: object
    organiser_user: object
    owner_a: object
    adviser: object


def build_world(factory, session) -> ReportWorld:
    from fair.accounts import consent
    from fair.accounts.consent import ConsentPurpose
    from fair.accounts.models import PartnerType
    from fair.candidates.models import (
        Application,
        ApplicationStatus,
        CandidateProfile,
        Gender,
        Referral,
        ReferralStatus,
    )
    from fair.checkin.models import CheckIn
    from fair.jobdating.models import Attendance, Availability, Booking, Slot, SlotMode
    from fair.outcomes.models import ContractType, FollowUp, Outcome, RecordedAs

    organiser = factory.organisation("organiser", "Ville de Roubaix")
    company_a = factory.organisation("company", "Transports Alpha")
    company_b = factory.organisation("company", "Boulangerie Beta")
    partner = factory.organisation("partner", "Association Pas à pas", partner_type=PartnerType.association)
    organiser_user = factory.member(organiser, email="organiser@example.org")
    owner_a = factory.member(company_a, email="owner.a@example.org", role="owner")
    recruiter_a = factory.member(company_a, email="recruiter.a@example.org")
    recruiter_b = factory.member(company_b, email="recruiter.b@example.org")
    adviser = factory.member(partner, email="adviser@example.org")
    edition = factory.edition(organiser, status="closed", starts_at=DAY, title="Forum emploi Roubaix",
                              brand_colour="#7a1f5c")
    booth_a, booth_b = factory.booth(edition, company_a), factory.booth(edition, company_b)
    offer_a, offer_b = factory.offer(booth_a, title="Conducteur"), factory.offer(booth_b, title="Vendeur")
    ranges = {}
    for booth, recruiter in ((booth_a, recruiter_a), (booth_b, recruiter_b)):
        ranges[booth.id] = Availability(booth_id=booth.id, recruiter_id=recruiter.id, mode=SlotMode.video,
                                        starts_at=DAY, ends_at=DAY + dt.timedelta(hours=8))
        session.add(ranges[booth.id])
    session.flush()
    minute = iter(range(0, 10_000, 20))

    def person(name: str, *, situations=None, gender=None, birth_year=None):
        user = factory.user(email=f"{name}@example.org", full_name=name.title())
        if situations is not None:
            session.add(CandidateProfile(user_id=user.id, situations=situations, gender=gender,
                                         birth_year=birth_year, situation_consent_at=DAY - dt.timedelta(days=30)))
        return user

    def apply(user, offer, status, answered_after_days=None):
        created = DAY - dt.timedelta(days=10)
        session.add(Application(candidate_id=user.id, offer_id=offer.id, status=status, created_at=created,
                                status_changed_at=created, first_answered_at=None if answered_after_days is None
                                else created + dt.timedelta(days=answered_after_days, hours=3)))

    def book(user, booth, attendance):
        start = DAY + dt.timedelta(minutes=next(minute))
        slot = Slot(availability_id=ranges[booth.id].id, booth_id=booth.id, edition_id=edition.id,
                    recruiter_id=ranges[booth.id].recruiter_id, mode=SlotMode.video, starts_at=start,
                    ends_at=start + dt.timedelta(minutes=20))
        session.add(slot)
        session.flush()
        session.add(Booking(slot_id=slot.id, booth_id=booth.id, edition_id=edition.id, candidate_id=user.id,
                            starts_at=slot.starts_at, ends_at=slot.ends_at, attendance=attendance))

    def refer(user, withdrawn=False):
        session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=user.id,
                             status=ReferralStatus.confirmed, confirmed_at=DAY, consent_text="J’accepte"))
        consent.give(session, user.id, ConsentPurpose.referral, "J’accepte", "v1", organisation_id=partner.id)
        if withdrawn:
            consent.withdraw(session, user.id, ConsentPurpose.referral, partner.id)

    for n in range(5):
        user = person(f"hired{n}", situations=["qpv", "rsa"], gender=Gender.female, birth_year=2005)
        apply(user, offer_a, ApplicationStatus.shortlisted, 1)
        book(user, booth_a, Attendance.attended)
        refer(user)
        outcome = Outcome(candidate_id=user.id, edition_id=edition.id, company_id=company_a.id,
                          contract=ContractType.cdi, starts_on=dt.date(2026, 4, 1), weekly_hours=35,
                          social_clause=True, social_clause_contract="Tram line 2", recorded_as=RecordedAs.recruiter)
        session.add(outcome)
        session.flush()
        if n < 4:
            session.add(FollowUp(outcome_id=outcome.id, months=6, due_at=DAY, in_job=True))
        else:
            session.add(FollowUp(outcome_id=outcome.id, months=1, due_at=DAY, in_job=False))
    for n in range(3):
        user = person(f"interviewed{n}", situations=["rqth"], gender=Gender.male, birth_year=1975)
        apply(user, offer_b, ApplicationStatus.rejected, 2)
        book(user, booth_b, Attendance.attended)
    for n in range(5):
        user = person(f"shortlisted{n}", situations=[], gender=Gender.undisclosed)
        apply(user, offer_a, ApplicationStatus.invited, 4)
        if n == 0:
            refer(user, withdrawn=True)
    for n in range(6):
        user = person(f"applied{n}", situations=["long_term_unemployed"])
        apply(user, offer_a, ApplicationStatus.submitted)
        if n == 0:
            consent.give(session, user.id, ConsentPurpose.situations, "Statistiques", "v1")
            consent.withdraw(session, user.id, ConsentPurpose.situations)
    for n in range(5):
        book(person(f"noshow{n}"), booth_a, Attendance.no_show)
    session.add(CheckIn(edition_id=edition.id, candidate_id=person("walkin").id))
    session.commit()
    return ReportWorld(edition, organiser, company_a, company_b, partner, organiser_user, owner_a, adviser)


def table(report, key: str) -> list[list[str]]:
    """A summary table of a report by key, each cell as text (suppressed counts read "< 5")."""
    for found in report.tables(detail=False):
        if found.key == key:
            return [[str(cell) for cell in row] for row in found.rows]
    raise KeyError(key)
