"""Recording what became of people after a fair, training cohorts, and the follow-up answers.

One place records an outcome (`record`): a recruiter's hire (from an interview, an application or the
company's pipeline), an adviser's outcome for a person they follow, a trainee added to a cohort. An
outcome that is a job plans its follow-ups (`plan_follow_ups`): at the start of the job, then 1, 3 and
6 months later, at 10:00 in the fair's time zone (Europe/Paris without a fair). A later outcome of a
trainee may name the cohort ("a CDI after the training"): that is how a cohort's results are counted.

Who may see whom: a recruiter, the people met at their company's booths (the views look the object up
through the owner-scoped lookups); an adviser, the people who confirmed their referral; a cohort's
organisation, its trainees, who must be people it knows (`known_people`).

Nothing here commits; the request or the job does.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import Session

from fair import links
from fair.accounts.models import Organisation, OrganisationKind, User
from fair.candidates.models import Application, Referral, ReferralStatus
from fair.candidates.webhook_audience import emit_outcome
from fair.clock import now
from fair.companies.models import Booth, Offer
from fair.fairs.models import Edition, EditionOrganiser, EditionPartner
from fair.fairs.rules import editions_run_by
from fair.forms import FieldErrors
from fair.jobdating import notices
from fair.jobdating.models import Booking
from fair.outcomes.models import (
    FOLLOW_UP_MONTHS,
    AnsweredBy,
    ContractType,
    FollowUp,
    Outcome,
    RecordedAs,
    TrainingCohort,
)
from fair.pipeline.models import PipelineEntry
from fair.timezones import local_to_utc, zone_named

CONTRACT_LABELS = {
    ContractType.cdi: _l("Permanent contract (CDI)"),
    ContractType.cdd_long: _l("Fixed-term contract of 6 months or more"),
    ContractType.cdd_short: _l("Fixed-term contract of less than 6 months"),
    ContractType.temporary: _l("Temporary work"),
    ContractType.apprenticeship: _l("Apprenticeship"),
    ContractType.professionalisation: _l("Professionalisation contract"),
    ContractType.insertion: _l("Insertion contract"),
    ContractType.training: _l("Training (POEC, GEIQ path…)"),
}

FOLLOW_UP_HOUR = dt.time(10, 0)
FOLLOW_UP_PURPOSE = "follow_up"
FOLLOW_UP_SUBJECT = "follow_up"
FOLLOW_UP_TTL = dt.timedelta(days=30)
FOLLOW_UP_USES = 5  # a mistaken tap can be corrected, a forwarded mail is not an open door

SAME, OTHER, NO = "same", "other", "no"
ANSWERS = (SAME, OTHER, NO)
ANSWER_LABELS = {SAME: _l("Yes, same contract"), OTHER: _l("Yes, another contract"), NO: _l("No")}


@dataclass(frozen=True)
class HireDetails:
    """What a hire form gives, already checked by the form (fair/outcomes/forms.py)."""

    contract: ContractType
    starts_on: dt.date
    weekly_hours: float | None
    job_title: str = ""
    social_clause: bool = False
    social_clause_contract: str = ""
    cohort_id: int | None = None
    employer_name: str = ""
    note: str = ""


# ---------------------------------------------------------------- recording


def record(session: Session, *, candidate_id: int, details: HireDetails, recorded_as: RecordedAs,
           recorded_by_id: int | None, edition_id: int | None = None, company_id: int | None = None,
           booking_id: int | None = None, application_id: int | None = None,
           existing: Outcome | None = None) -> Outcome:
    """Add (or change `existing`) an outcome, and plan its follow-ups when it is a job; no commit."""
    outcome = existing
    if outcome is None:
        outcome = Outcome(candidate_id=candidate_id, edition_id=edition_id, company_id=company_id,
                          booking_id=booking_id, application_id=application_id, recorded_as=recorded_as,
                          recorded_by_id=recorded_by_id)
        session.add(outcome)
    outcome.contract = details.contract
    outcome.starts_on = details.starts_on
    outcome.weekly_hours = details.weekly_hours
    outcome.job_title = details.job_title.strip()
    outcome.social_clause = details.social_clause
    outcome.social_clause_contract = details.social_clause_contract.strip() if details.social_clause else ""
    outcome.cohort_id = details.cohort_id
    outcome.employer_name = details.employer_name.strip()
    outcome.note = details.note.strip()
    session.flush()
    plan_follow_ups(session, outcome)
    emit_outcome(session, outcome)
    if existing is None and booking_id is None:  # an interview's hire was told when the interview recorded it
        _tell_structures(session, outcome)
    return outcome


def _tell_structures(session: Session, outcome: Outcome) -> None:
    """Every adviser of the structures that follow the person hears of a new outcome, once (the key
    names it); the adviser who recorded it hears nothing."""
    company = session.get(Organisation, outcome.company_id) if outcome.company_id else None
    employer = company.name if company is not None else outcome.employer_name
    person = session.get(User, outcome.candidate_id)

    def headline(adviser: User) -> str:
        contract = str(CONTRACT_LABELS[outcome.contract])
        starts = format_date(outcome.starts_on, format="long", locale=adviser.locale or "fr")
        if employer:
            return _l("%(candidate)s: %(contract)s with %(employer)s from %(date)s", candidate=person.full_name,
                      contract=contract, employer=employer, date=starts)
        return _l("%(candidate)s: %(contract)s from %(date)s", candidate=person.full_name, contract=contract,
                  date=starts)

    notices.tell_structures(
        session, outcome.candidate_id, key=f"outcome-recorded:{outcome.id}", template="outcome_adviser",
        context=lambda adviser: {"candidate": person.full_name, "headline": str(headline(adviser)),
                                 "detail": outcome.job_title},
        sms_text=lambda adviser: str(headline(adviser)), edition_id=outcome.edition_id,
        except_user_id=outcome.recorded_by_id if outcome.recorded_as is RecordedAs.adviser else None)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter: 31 January + 1 = 28 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_due(outcome: Outcome, months: int, edition: Edition | None) -> dt.datetime:
    """10:00 in the fair's time zone on the day, in UTC; month 0 is the first day of the job."""
    zone = zone_named(edition.timezone if edition is not None else None)
    local = dt.datetime.combine(add_months(outcome.starts_on, months), FOLLOW_UP_HOUR)
    return local_to_utc(local, zone)


def plan_follow_ups(session: Session, outcome: Outcome) -> list[FollowUp]:
    """The follow-ups of a job at 0, 1, 3 and 6 months; a changed start moves those not sent yet.
    A training is followed through its cohort, not asked."""
    rows = {f.months: f for f in session.execute(
        select(FollowUp).where(FollowUp.outcome_id == outcome.id)).scalars()}
    if outcome.contract is ContractType.training:
        for row in rows.values():
            if row.sent_at is None:
                session.delete(row)
        session.flush()
        return []
    edition = session.get(Edition, outcome.edition_id) if outcome.edition_id else None
    for months in FOLLOW_UP_MONTHS:
        due = follow_up_due(outcome, months, edition)
        row = rows.get(months)
        if row is None:
            rows[months] = FollowUp(outcome_id=outcome.id, months=months, due_at=due)
            session.add(rows[months])
        elif row.sent_at is None:
            row.due_at = due
    session.flush()
    return [rows[m] for m in FOLLOW_UP_MONTHS]


def outcome_of_booking(session: Session, booking: Booking) -> Outcome | None:
    return session.execute(select(Outcome).where(Outcome.booking_id == booking.id)).scalars().first()


def outcome_of_application(session: Session, application: Application) -> Outcome | None:
    return session.execute(select(Outcome).where(Outcome.application_id == application.id)).scalars().first()


def company_outcome(session: Session, company_id: int, candidate_id: int) -> Outcome | None:
    """The latest hire a company recorded for this person (the pipeline's hire form edits it)."""
    return session.execute(select(Outcome).where(
        Outcome.company_id == company_id, Outcome.candidate_id == candidate_id,
        Outcome.recorded_as == RecordedAs.recruiter).order_by(Outcome.id.desc())).scalars().first()


def outcomes_of(session: Session, candidate_id: int) -> list[Outcome]:
    return list(session.execute(select(Outcome).where(Outcome.candidate_id == candidate_id)
                                .order_by(Outcome.starts_on.desc(), Outcome.id.desc())).scalars())


def follow_ups_of(session: Session, outcome_ids: list[int]) -> dict[int, list[FollowUp]]:
    found: dict[int, list[FollowUp]] = {i: [] for i in outcome_ids}
    if outcome_ids:
        for row in session.execute(select(FollowUp).where(FollowUp.outcome_id.in_(outcome_ids))
                                   .order_by(FollowUp.months)).scalars():
            found[row.outcome_id].append(row)
    return found


def employer_of(outcome: Outcome) -> str:
    return outcome.company.name if outcome.company is not None else outcome.employer_name


# ---------------------------------------------------------------- training cohorts


def trainee_cohorts(session: Session, candidate_id: int) -> list[TrainingCohort]:
    """The cohorts this person was a trainee of: a later outcome may name one."""
    return list(session.execute(
        select(TrainingCohort).join(Outcome, Outcome.cohort_id == TrainingCohort.id)
        .where(Outcome.candidate_id == candidate_id, Outcome.contract == ContractType.training)
        .distinct().order_by(TrainingCohort.starts_on.desc(), TrainingCohort.id)).scalars())


def create_cohort(session: Session, organisation: Organisation, *, name: str, kind, starts_on: dt.date,
                  ends_on: dt.date, edition_id: int | None, created_by_id: int) -> TrainingCohort:
    cohort = TrainingCohort(organisation_id=organisation.id, name=name.strip(), kind=kind, starts_on=starts_on,
                            ends_on=ends_on, edition_id=edition_id, created_by_id=created_by_id)
    session.add(cohort)
    session.flush()
    return cohort


def cohorts_of(session: Session, organisation_ids: list[int]) -> list[TrainingCohort]:
    if not organisation_ids:
        return []
    return list(session.execute(select(TrainingCohort).where(TrainingCohort.organisation_id.in_(organisation_ids))
                                .order_by(TrainingCohort.starts_on.desc(), TrainingCohort.id.desc())).scalars())


def known_people(organisation: Organisation) -> Select:
    """Ids of the people an organisation may name as trainees: a partner, those who confirmed a
    referral to it; a company, those met at its booths (interview, application, pipeline); an organiser,
    those who booked or applied at its fairs."""
    if organisation.kind is OrganisationKind.partner:
        return select(Referral.candidate_id).where(Referral.partner_id == organisation.id,
                                                   Referral.status == ReferralStatus.confirmed)
    if organisation.kind is OrganisationKind.company:
        booths = select(Booth.id).where(Booth.company_id == organisation.id)
        return union(
            select(Booking.candidate_id).where(Booking.booth_id.in_(booths)),
            select(Application.candidate_id).join(Offer, Offer.id == Application.offer_id)
            .where(Offer.booth_id.in_(booths)),
            select(PipelineEntry.candidate_id).where(PipelineEntry.company_id == organisation.id))
    editions = select(Edition.id).where(or_(
        Edition.organiser_id == organisation.id,
        Edition.id.in_(select(EditionOrganiser.edition_id).where(EditionOrganiser.organisation_id == organisation.id))))
    return union(
        select(Booking.candidate_id).where(Booking.edition_id.in_(editions)),
        select(Application.candidate_id).join(Offer, Offer.id == Application.offer_id)
        .join(Booth, Booth.id == Offer.booth_id).where(Booth.edition_id.in_(editions)))


def find_known_person(session: Session, organisation: Organisation, email: str) -> User | None:
    known = known_people(organisation).subquery()
    return session.execute(select(User).where(
        func.lower(User.email) == email.strip().lower(), User.erased_at.is_(None),
        User.id.in_(select(known.c[0])))).scalars().first()


def add_trainee(session: Session, cohort: TrainingCohort, person: User, *, recorded_as: RecordedAs,
                recorded_by_id: int) -> Outcome:
    """The person's training outcome in the cohort; adding someone twice is refused."""
    already = session.execute(select(Outcome.id).where(
        Outcome.cohort_id == cohort.id, Outcome.candidate_id == person.id,
        Outcome.contract == ContractType.training)).first()
    if already:
        raise FieldErrors({"email": [str(_l("This person is already a trainee of this cohort."))]})
    organisation = session.get(Organisation, cohort.organisation_id)
    company_id = organisation.id if organisation.kind is OrganisationKind.company else None
    return record(session, candidate_id=person.id, recorded_as=recorded_as, recorded_by_id=recorded_by_id,
                  edition_id=cohort.edition_id, company_id=company_id, details=HireDetails(
                      contract=ContractType.training, starts_on=cohort.starts_on, weekly_hours=None,
                      job_title=cohort.name, cohort_id=cohort.id))


@dataclass
class Trainee:
    person: User
    training: Outcome
    after: list[Outcome]  # the outcomes that name the cohort after the training


def trainees(session: Session, cohort: TrainingCohort) -> list[Trainee]:
    rows = list(session.execute(select(Outcome).where(Outcome.cohort_id == cohort.id)
                                .order_by(Outcome.starts_on, Outcome.id)).scalars())
    found: dict[int, Trainee] = {}
    for row in rows:
        if row.contract is ContractType.training and row.candidate_id not in found:
            found[row.candidate_id] = Trainee(row.candidate, row, [])
    for row in rows:
        if row.contract is not ContractType.training and row.candidate_id in found:
            found[row.candidate_id].after.append(row)
    return sorted(found.values(), key=lambda t: (t.person.full_name or "").lower())


def cohort_editions(session: Session, user_id: int, organisation: Organisation) -> list[Edition]:
    """The editions a cohort may name: the organiser's own; a company's or partner's, those it took part in."""
    if organisation.kind is OrganisationKind.organiser:
        query = select(Edition).where(Edition.id.in_(editions_run_by(user_id)))
    elif organisation.kind is OrganisationKind.company:
        query = select(Edition).where(Edition.id.in_(select(Booth.edition_id).where(
            Booth.company_id == organisation.id)))
    else:
        query = select(Edition).where(Edition.id.in_(select(EditionPartner.edition_id).where(
            EditionPartner.organisation_id == organisation.id)))
    return list(session.execute(query.order_by(Edition.starts_at.desc())).scalars())


# ---------------------------------------------------------------- follow-up answers


def follow_up_key(follow_up: FollowUp) -> str:
    return f"follow-up:{follow_up.id}"


def issue_follow_up_link(session: Session, follow_up: FollowUp, candidate_id: int) -> str:
    return links.issue(session, FOLLOW_UP_PURPOSE, user_id=candidate_id, ttl=FOLLOW_UP_TTL,
                       subject_type=FOLLOW_UP_SUBJECT, subject_id=follow_up.id, max_uses=FOLLOW_UP_USES)


def open_follow_up(session: Session, raw: str, *, use: bool) -> FollowUp:
    """The follow-up a link opens; `use` spends one use. A link made for another person than the one
    the follow-up asks is refused like an unknown one. Raises links.LinkRefused."""
    token = links.redeem(session, raw, FOLLOW_UP_PURPOSE) if use else links.peek(session, raw, FOLLOW_UP_PURPOSE)
    follow_up = session.get(FollowUp, token.subject_id) if token.subject_type == FOLLOW_UP_SUBJECT else None
    if follow_up is None or token.user_id is None or follow_up.outcome.candidate_id != token.user_id:
        raise links.LinkRefused(links.LinkRefusal.unknown)
    return follow_up


def answer(session: Session, follow_up: FollowUp, choice: str, contract: ContractType | None, *,
           by: AnsweredBy, by_user_id: int | None) -> FollowUp:
    """Record (or correct) the answer; "another contract" needs which one. No commit."""
    if choice not in ANSWERS:
        raise FieldErrors({"answer": [str(_l("Choose one of the answers."))]})
    if choice == OTHER and contract is None:
        raise FieldErrors({"contract": [str(_l("Say which contract you have now."))]})
    follow_up.in_job = choice != NO
    follow_up.contract = (follow_up.outcome.contract if choice == SAME else contract if choice == OTHER else None)
    follow_up.answered_at = now()
    follow_up.answered_by = by
    follow_up.answered_by_id = by_user_id
    session.flush()
    return follow_up


def choice_of(follow_up: FollowUp) -> str | None:
    """The answer as one of ANSWERS (for showing it again), None before any answer."""
    if follow_up.answered_at is None:
        return None
    if not follow_up.in_job:
        return NO
    return SAME if follow_up.contract == follow_up.outcome.contract else OTHER


def followed_referral(session: Session, referral: Referral | None) -> Referral | None:
    """The referral if the person confirmed it (an adviser sees outcomes only then)."""
    return referral if referral is not None and referral.status is ReferralStatus.confirmed else None
