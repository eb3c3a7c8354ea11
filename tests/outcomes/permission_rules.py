"""The outcome routes in the permission matrix: a hire form is for the company whose booth met the
person (another company's recruiter gets 404); the adviser's page of a person for the adviser the
person agreed to; cohorts for members of organisers, companies and partners, each cohort for its own
organisation; the follow-up page needs no sign-in, only its link decides. The world gets a person
followed by the adviser, interviewed at booth A and hired, with a follow-up and its link, and a cohort
run by company A."""
from __future__ import annotations

from tests.matrix import Check, everyone, only

RA = "recruiter_a"
COHORT_MEMBERS = {"recruiter_a": 200, "recruiter_b": 200, "organiser_f": 200, "organiser_g": 200, "adviser": 200}


def build(factory, session, world) -> None:
    import datetime as dt

    from sqlalchemy import select

    from fair import links
    from fair.accounts.models import Organisation, User
    from fair.candidates.models import Referral, ReferralStatus
    from fair.companies.models import Booth
    from fair.db import utcnow
    from fair.jobdating.models import Attendance, Booking
    from fair.jobdating.models import Outcome as InterviewOutcome
    from fair.outcomes.models import CohortKind, ContractType, FollowUp, Outcome, RecordedAs, TrainingCohort

    def one(model, **where):
        return session.execute(select(model).filter_by(**where)).scalar_one()

    adviser = one(User, email=world.users["adviser"])
    recruiter_a = one(User, email=world.users["recruiter_a"])
    partner, company_a = one(Organisation, name="Partner P"), one(Organisation, name="Company A")
    person = factory.user(email="hired@example.org", full_name="Hired Person")
    booth = session.get(Booth, world.ids["booth_a"])
    slots = list(factory.slot_range(booth, recruiter_a, dt.date(2030, 3, 12), "14:00", "14:40",
                                    slot_minutes=20).slots)
    hired = Booking(slot_id=slots[0].id, booth_id=booth.id, edition_id=booth.edition_id, candidate_id=person.id,
                    starts_at=slots[0].starts_at, ends_at=slots[0].ends_at, attendance=Attendance.attended,
                    outcome=InterviewOutcome.hired)
    open_booking = Booking(slot_id=slots[1].id, booth_id=booth.id, edition_id=booth.edition_id,
                           candidate_id=person.id, starts_at=slots[1].starts_at, ends_at=slots[1].ends_at)
    referral = Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=person.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok")
    session.add_all([hired, open_booking, referral])
    session.flush()
    outcome = Outcome(candidate_id=person.id, edition_id=booth.edition_id, company_id=company_a.id,
                      booking_id=hired.id, contract=ContractType.cdi, job_title="Cariste",
                      starts_on=dt.date(2030, 4, 1), weekly_hours=35, recorded_as=RecordedAs.recruiter)
    cohort = TrainingCohort(organisation_id=company_a.id, name="POEC cariste", kind=CohortKind.poec,
                            starts_on=dt.date(2030, 1, 6), ends_on=dt.date(2030, 2, 28))
    session.add_all([outcome, cohort])
    session.flush()
    follow_up = FollowUp(outcome_id=outcome.id, months=0, due_at=utcnow(), sent_at=utcnow())
    session.add(follow_up)
    session.flush()
    world.ids.update({
        "booking_hired": hired.id, "booking_open": open_booking.id, "company_a_outcomes": company_a.id,
        "hired_person": person.id, "referral_hired": referral.id, "follow_up_hired": follow_up.id,
        "cohort_a": cohort.id,
        "follow_up_token": links.issue(session, "follow_up", user_id=person.id, ttl=dt.timedelta(days=30),
                                       subject_type="follow_up", subject_id=follow_up.id, max_uses=500),
        "follow_up_other_purpose": links.issue(session, "survey", user_id=person.id, ttl=dt.timedelta(days=30),
                                               subject_type="follow_up", subject_id=follow_up.id),
    })


BOOTH_A = "/recruiter/booths/{booth_a}/applications/{application_c}/hire"
PERSON = "/adviser/referrals/{referral_hired}/outcomes"

EXPECTED: dict[str, list[Check]] = {
    "outcomes.hire_booking": [
        Check("GET", lambda i: "/recruiter/interviews/{booking_hired}/hire".format(**i), only({RA: 200})),
        Check("GET", lambda i: "/recruiter/interviews/{booking_open}/hire".format(**i), only({})),
        Check("POST", lambda i: "/recruiter/interviews/{booking_hired}/hire".format(**i), only({RA: 422}), {}),
    ],
    "outcomes.hire_application": [
        Check("GET", lambda i: BOOTH_A.format(**i), only({RA: 200})),
        Check("GET", lambda i: "/recruiter/booths/{booth_b}/applications/{application_c}/hire".format(**i), only({})),
        Check("POST", lambda i: BOOTH_A.format(**i), only({RA: 422}), {"weekly_hours": "70"}),
    ],
    "outcomes.hire_pipeline": [
        Check("GET", lambda i: "/recruiter/companies/{company_a_outcomes}/pipeline/people/{hired_person}/hire"
              .format(**i), only({RA: 200})),
        Check("POST", lambda i: "/recruiter/companies/{company_a_outcomes}/pipeline/people/{hired_person}/hire"
              .format(**i), only({RA: 422}), {}),
    ],
    "outcomes.adviser_person": [
        Check("GET", lambda i: PERSON.format(**i), only({"adviser": 200})),
        Check("GET", lambda i: "/adviser/referrals/{referral_q}/outcomes".format(**i), only({})),
        Check("POST", lambda i: PERSON.format(**i), only({"adviser": 422}), {}),
    ],
    "outcomes.adviser_answer": [
        Check("POST", lambda i: "/adviser/referrals/{referral_hired}/follow-ups/{follow_up_hired}".format(**i),
              only({"adviser": 302}), {"answer": "same"}),
        Check("POST", lambda i: "/adviser/referrals/{referral_q}/follow-ups/{follow_up_hired}".format(**i),
              only({}), {"answer": "same"}),
    ],
    "outcomes.cohorts": [
        Check("GET", lambda i: "/cohorts", only(COHORT_MEMBERS)),
        Check("POST", lambda i: "/cohorts", only({role: 422 for role in COHORT_MEMBERS}), {}),
    ],
    "outcomes.cohort": [
        Check("GET", lambda i: "/cohorts/{cohort_a}".format(**i), only({RA: 200})),
        Check("POST", lambda i: "/cohorts/{cohort_a}".format(**i), only({RA: 422}), {"email": "nobody@example.org"}),
    ],
    "outcomes.follow_up": [
        Check("GET", lambda i: "/follow-up/{follow_up_token}".format(**i), everyone(200)),
        Check("GET", lambda i: "/follow-up/not-a-token", everyone(404)),
        Check("GET", lambda i: "/follow-up/{follow_up_other_purpose}".format(**i), everyone(404)),
        Check("POST", lambda i: "/follow-up/{follow_up_token}".format(**i), everyone(422), {"answer": "maybe"}),
        Check("POST", lambda i: "/follow-up/{follow_up_token}".format(**i), everyone(200), {"answer": "no"}),
    ],
    "outcomes.follow_up_tap": [
        Check("GET", lambda i: "/follow-up/{follow_up_token}/same".format(**i), everyone(200)),
        Check("GET", lambda i: "/follow-up/{follow_up_token}/maybe".format(**i), everyone(400)),
        Check("GET", lambda i: "/follow-up/not-a-token/same", everyone(404)),
    ],
}
RUN_LAST = ["outcomes.adviser_answer", "outcomes.follow_up", "outcomes.follow_up_tap"]
