"""The figures of every report, worked out once into a `Report` (fair.reports.document).

One entry point, `build(session, scope)`, for the pages, the PDF and the export jobs. A scope is a
small dict:

- {"kind": "edition", "edition_id": 12, "locale": "fr"}
- {"kind": "organiser", "organisation_id": 3, "year": 2026}
- {"kind": "company", "company_id": 8, "edition_id": 12 or None}
- {"kind": "partner", "partner_id": 5, "edition_id": 12 or None}
- {"kind": "network", "network_id": 9, "year": 2026}

("locale" is optional everywhere: the edition's first language, else French.)

Builders only read (no flush, no commit). Counting happens in the database: each person's furthest
stage is one GROUP BY over the union of what they did (`_stages`); the report then tallies those
rows with the person's priority publics, which come from `fair.territory.publics.publics_of` (the one
consent-aware answer: a withdrawn consent leaves the public rows and stays in the totals). Every
count goes through `count()`/`share()`, so small numbers are suppressed before any renderer sees them.

The stages (written into the report itself, as its "definitions" note): a person reaches the
furthest of
1. registered: took part in the fair in any way: applied to an offer, booked an interview slot
   (even one later cancelled) or was checked in on site;
2. applied: sent at least one application to an offer of the fair;
3. shortlisted: a recruiter kept one of their applications (shortlisted or invited to book), or they
   hold an interview booking;
4. interviewed: an interview of theirs was marked attended (or given an outcome);
5. hired: an outcome was recorded for them from this fair (any contract, a pre-hiring training
   included), or the interview's outcome says "hired";
6. in a job at 6 months: the six-month follow-up of such an outcome answered "still in the job".
Each stage counts the people who reached it *or a later one*, so the funnel never widens.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, case, cast, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from fair import clock
from fair.accounts.consent import ConsentPurpose, ConsentRecord
from fair.accounts.models import Organisation, User
from fair.candidates.labels import SITUATION_LABELS
from fair.candidates.models import Application, ApplicationStatus, Referral, ReferralStatus, Situation
from fair.checkin.models import CheckIn
from fair.companies.models import Booth, Offer
from fair.fairs.models import Edition
from fair.jobdating.models import Attendance, Booking, BookingStatus
from fair.jobdating.models import Outcome as InterviewOutcome
from fair.live.models import QueueEntry
from fair.networks.access import named_to_network
from fair.networks.models import NetworkMember
from fair.outcomes.models import FollowUp, Outcome
from fair.outcomes.services import CONTRACT_LABELS
from fair.reports.document import SUPPRESSED, Branding, Cell, Chart, Report, Section, Table, count, share
from fair.territory.publics import AGE_BANDS, publics_of

STAGES = ("registered", "applied", "shortlisted", "interviewed", "hired", "in_job_6m")
REGISTERED, APPLIED, SHORTLISTED, INTERVIEWED, HIRED, IN_JOB_6M = range(1, 7)
PUBLICS = ("qpv", "rsa", "rqth", "under_26", "over_50", "long_term_unemployed")
GENDERS = ("female", "male", "other", "undisclosed")
WEEKS_FOLLOWED = 26  # social-clause hours are counted over the six months the follow-ups cover
WEEKS_PER_MONTH = 52 / 12

STAGE_LABELS = {
    "registered": _l("Registered"),
    "applied": _l("Applied"),
    "shortlisted": _l("Shortlisted or invited"),
    "interviewed": _l("Interviewed"),
    "hired": _l("Hired or in training"),
    "in_job_6m": _l("In a job at 6 months"),
}
PUBLIC_LABELS = {
    "qpv": _l("Residents of a priority neighbourhood (QPV)"),
    "rsa": _l("RSA recipients"),
    "rqth": _l("Recognised disabled workers (RQTH)"),
    "under_26": _l("Under 26"),
    "over_50": _l("50 and over"),
    "long_term_unemployed": _l("Long-term unemployed"),
}
GENDER_LABELS = {"female": _l("Women"), "male": _l("Men"), "other": _l("Other"),
                 "undisclosed": _l("Chose not to say")}
AGE_LABELS = {"under_26": _l("Under 26"), "26_to_49": _l("26 to 49"), "50_and_over": _l("50 and over")}
assert set(SITUATION_LABELS) == {Situation(p) for p in PUBLICS}


class UnknownScope(LookupError):
    """The scope names nothing (or an unknown kind): the caller answers 404."""


# ---------------------------------------------------------------- what each person reached


@dataclass(frozen=True)
class Filter:
    """What a report covers: editions (a SELECT of ids), optionally one company's side of them, and
    optionally only some people (a SELECT of user ids: a partner's referred people)."""

    editions: Select | list[int]
    company_id: int | None = None
    people: Select | None = None


def _sources(f: Filter) -> list[Select]:
    """(candidate_id, edition_id, level) for everything a person did that counts, one SELECT each."""
    shortlisted = or_(Application.status.in_((ApplicationStatus.shortlisted, ApplicationStatus.invited)),
                      Application.interview_booked_at.is_not(None))
    applications = (
        select(Application.candidate_id.label("candidate_id"), Booth.edition_id.label("edition_id"),
               case((shortlisted, SHORTLISTED), else_=APPLIED).label("level"))
        .join(Offer, Offer.id == Application.offer_id).join(Booth, Booth.id == Offer.booth_id)
        .where(Booth.edition_id.in_(f.editions)))
    booking_level = case(
        (Booking.outcome == InterviewOutcome.hired, HIRED),
        (or_(Booking.attendance == Attendance.attended, Booking.outcome.is_not(None)), INTERVIEWED),
        (Booking.status == BookingStatus.active, SHORTLISTED),
        else_=REGISTERED)
    bookings = (select(Booking.candidate_id, Booking.edition_id, booking_level)
                .where(Booking.edition_id.in_(f.editions)))
    in_job = exists().where(FollowUp.outcome_id == Outcome.id, FollowUp.months == 6, FollowUp.in_job.is_(True))
    outcomes = (select(Outcome.candidate_id, Outcome.edition_id, case((in_job, IN_JOB_6M), else_=HIRED))
                .where(Outcome.edition_id.in_(f.editions)))
    if f.people is not None:
        applications = applications.where(Application.candidate_id.in_(f.people))
        bookings = bookings.where(Booking.candidate_id.in_(f.people))
        outcomes = outcomes.where(Outcome.candidate_id.in_(f.people))
    if f.company_id is not None:
        applications = applications.where(Booth.company_id == f.company_id)
        bookings = bookings.join(Booth, Booth.id == Booking.booth_id).where(Booth.company_id == f.company_id)
        outcomes = outcomes.where(Outcome.company_id == f.company_id)
        return [applications, bookings, outcomes]
    checkins = select(CheckIn.candidate_id, CheckIn.edition_id, literal(REGISTERED)).where(
        CheckIn.edition_id.in_(f.editions))
    if f.people is not None:
        checkins = checkins.where(CheckIn.candidate_id.in_(f.people))
    return [applications, bookings, outcomes, checkins]


def _stages(f: Filter, *, by_edition: bool = False):
    """A subquery of (candidate_id[, edition_id], level): each person's furthest stage."""
    done = union_all(*_sources(f)).subquery()
    keys = [done.c.candidate_id, done.c.edition_id] if by_edition else [done.c.candidate_id]
    return select(*keys, func.max(done.c.level).label("level")).group_by(*keys).subquery()


def _cumulative(levels: Counter) -> list[int]:
    """People at each stage or beyond, stage by stage (levels: level → people whose furthest it is)."""
    return [sum(n for level, n in levels.items() if level >= stage) for stage in range(1, len(STAGES) + 1)]


def consenting_referrals():
    """(partner_id, candidate_id) of referrals in force: confirmed, not revoked, the referral consent
    given to that partner not withdrawn."""
    consent_in_force = exists().where(
        ConsentRecord.user_id == Referral.candidate_id, ConsentRecord.purpose == ConsentPurpose.referral,
        ConsentRecord.organisation_id == Referral.partner_id, ConsentRecord.withdrawn_at.is_(None))
    return (select(Referral.partner_id, Referral.candidate_id)
            .where(Referral.status == ReferralStatus.confirmed, Referral.revoked_at.is_(None), consent_in_force))


# ---------------------------------------------------------------- the figures


@dataclass
class Figures:
    """Raw tallies of one filter (true values: only `_tables` turns them into shown cells)."""

    stages: list[str]
    total: list[int]                       # people per stage (cumulative)
    by_public: dict[str, list[int]]
    consenting: list[int]                  # people whose publics are known (consent in force)
    by_gender: dict[str | None, list[int]]
    by_age: dict[str | None, list[int]]


PUBLICS_CHUNK = 5000  # ids per look-up: well under every database's limit of bound parameters


def _publics(session: Session, candidate_ids: list[int], on: dt.date) -> dict:
    """`publics_of` for ids already read, by chunks: the stages are not worked out a second time."""
    found: dict = {}
    for start in range(0, len(candidate_ids), PUBLICS_CHUNK):
        chunk = candidate_ids[start:start + PUBLICS_CHUNK]
        found.update(publics_of(session, select(User.id).where(User.id.in_(chunk)), on))
    return found


def _tally(session: Session, f: Filter, on: dt.date, first_stage: int = REGISTERED) -> Figures:
    stages = _stages(f)
    rows = session.execute(select(stages.c.candidate_id, stages.c.level)).all()
    publics = _publics(session, [candidate_id for candidate_id, _level in rows], on)
    total: Counter = Counter()
    consenting: Counter = Counter()
    by_public: dict[str, Counter] = defaultdict(Counter)
    by_gender: dict[str | None, Counter] = defaultdict(Counter)
    by_age: dict[str | None, Counter] = defaultdict(Counter)
    for candidate_id, level in rows:
        total[level] += 1
        person = publics.get(candidate_id)
        if person is None:
            by_gender[None][level] += 1
            by_age[None][level] += 1
            continue
        consenting[level] += 1
        for public in person.situations:
            by_public[public][level] += 1
        by_gender[person.gender][level] += 1
        by_age[person.age_band][level] += 1
    cut = first_stage - 1

    def cum(levels: Counter) -> list[int]:
        return _cumulative(levels)[cut:]

    return Figures(
        stages=list(STAGES[cut:]), total=cum(total), consenting=cum(consenting),
        by_public={p: cum(by_public[p]) for p in PUBLICS},
        by_gender={g: cum(by_gender[g]) for g in (*GENDERS, None)},
        by_age={a: cum(by_age[a]) for a in (*AGE_BANDS, None)},
    )


def _stage_columns(stages: list[str]) -> list[str]:
    return [str(STAGE_LABELS[s]) for s in stages]


def _row(label: str, values: list[int]) -> list[Cell]:
    return [label, *[count(v) for v in values]]


def _funnel_blocks(fig: Figures, key: str) -> list:
    stages = _stage_columns(fig.stages)
    funnel = Table(f"{key}funnel", _("From registration to a job"), [_("Stage"), _("People")],
                   [[label, count(v)] for label, v in zip(stages, fig.total, strict=True)])
    summary = _("%(first)s: %(n1)s people; %(last)s: %(n2)s.", first=stages[0], n1=count(fig.total[0]),
                last=stages[-1], n2=count(fig.total[-1]))
    blocks: list = [Chart(f"{key}funnel-chart", funnel.title, summary, funnel, kind="funnel")]
    header = [_("Public"), *stages]
    public_rows = [_row(_("All people"), fig.total),
                   _row(_("Of whom agreed to count in the publics"), fig.consenting)]
    public_rows += [_row(str(PUBLIC_LABELS[p]), fig.by_public[p]) for p in PUBLICS]
    publics = Table(f"{key}publics", _("By priority public"), header, public_rows, note=_(
        "A person counts in every public they belong to, and only while their consent to the statistics "
        "is in force; the others count in “All people” only."))
    hired = fig.stages.index("hired") + 1
    share_rows = [[str(PUBLIC_LABELS[p]), share(fig.by_public[p][hired - 1], fig.consenting[hired - 1])]
                  for p in PUBLICS]
    shares = Table(f"{key}public-shares", _("Share of each public among the people hired (%)"),
                   [_("Public"), _("Share of hires (%)")], share_rows)
    blocks += [publics, Chart(f"{key}public-shares-chart", shares.title, _(
        "Share of the people hired who belong to each priority public, among those who agreed to be counted."),
        shares)]
    not_known = _("Not known")
    blocks.append(Table(f"{key}gender", _("By gender"), [_("Gender"), *stages],
                        [_row(str(GENDER_LABELS[g]) if g else not_known, fig.by_gender[g])
                         for g in (*GENDERS, None)]))
    blocks.append(Table(f"{key}age", _("By age band"), [_("Age band"), *stages],
                        [_row(str(AGE_LABELS[a]) if a else not_known, fig.by_age[a]) for a in (*AGE_BANDS, None)]))
    return blocks


def _companies(session: Session, f: Filter) -> Table:
    """People per company: applied to its offers, interviewed at its booth, hired by it."""
    applied = dict(session.execute(
        select(Booth.company_id, func.count(func.distinct(Application.candidate_id)))
        .join(Offer, Offer.booth_id == Booth.id).join(Application, Application.offer_id == Offer.id)
        .where(Booth.edition_id.in_(f.editions)).group_by(Booth.company_id)).all())
    interviewed = dict(session.execute(
        select(Booth.company_id, func.count(func.distinct(Booking.candidate_id)))
        .join(Booking, Booking.booth_id == Booth.id)
        .where(Booking.edition_id.in_(f.editions),
               or_(Booking.attendance == Attendance.attended, Booking.outcome.is_not(None)))
        .group_by(Booth.company_id)).all())
    hired = dict(session.execute(
        select(Outcome.company_id, func.count(func.distinct(Outcome.candidate_id)))
        .where(Outcome.edition_id.in_(f.editions), Outcome.company_id.is_not(None))
        .group_by(Outcome.company_id)).all())
    ids = set(applied) | set(interviewed) | set(hired)
    names = dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all()) \
        if ids else {}
    rows = [[names[i], count(applied.get(i, 0)), count(interviewed.get(i, 0)), count(hired.get(i, 0))]
            for i in sorted(ids, key=lambda i: (names[i].lower(), i))]
    return Table("companies", _("By company"), [_("Company"), _("Applied"), _("Interviewed"), _("Hired")], rows)


def _partners(session: Session, f: Filter) -> Table:
    """The funnel of the people each partner referred (referrals in force only)."""
    stages = _stages(f)
    referrals = consenting_referrals().subquery()
    rows = session.execute(
        select(referrals.c.partner_id, stages.c.level, func.count())
        .join(stages, stages.c.candidate_id == referrals.c.candidate_id)
        .group_by(referrals.c.partner_id, stages.c.level)).all()
    levels: dict[int, Counter] = defaultdict(Counter)
    for partner_id, level, n in rows:
        levels[partner_id][level] += n
    names = dict(session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(levels)))).all()) if levels else {}
    return Table("partners", _("By referring partner"), [_("Partner"), *_stage_columns(list(STAGES))],
                 [_row(names[p], _cumulative(levels[p])) for p in sorted(levels, key=lambda p: names[p].lower())],
                 note=_("People an adviser referred, counted while the referral and its consent are in force."))


def _outcomes_where(f: Filter) -> list:
    conditions = [Outcome.edition_id.in_(f.editions)]
    if f.company_id is not None:
        conditions.append(Outcome.company_id == f.company_id)
    if f.people is not None:
        conditions.append(Outcome.candidate_id.in_(f.people))
    return conditions


def _contracts(session: Session, conditions: list, key: str = "") -> list:
    in_job = exists().where(FollowUp.outcome_id == Outcome.id, FollowUp.months == 6, FollowUp.in_job.is_(True))
    rows = {contract: (people, stayed, clause) for contract, people, stayed, clause in session.execute(
        select(Outcome.contract, func.count(func.distinct(Outcome.candidate_id)),
               func.count(func.distinct(case((in_job, Outcome.candidate_id)))),
               func.count(func.distinct(case((Outcome.social_clause.is_(True), Outcome.candidate_id)))))
        .where(*conditions).group_by(Outcome.contract)).all()}
    table = Table(f"{key}contracts", _("By contract type"),
                  [_("Contract"), _("People hired"), _("In a job at 6 months"), _("Under a social clause")],
                  [[str(label), *[count(v) for v in rows.get(contract, (0, 0, 0))]]
                   for contract, label in CONTRACT_LABELS.items()])
    return [Chart(f"{key}contracts-chart", table.title, _("People hired, by type of contract."), table)]


def social_clause_hours(weekly_hours: float | None, starts_on: dt.date, left_after_months: int | None,
                        on: dt.date) -> float:
    """Hours worked under a social clause, as the report counts them: weekly hours × the weeks from
    the start to the report's date, at most the 26 weeks the follow-ups cover, and no further than
    the first follow-up that answered "no longer in the job"."""
    if not weekly_hours or starts_on > on:
        return 0.0
    weeks = min((on - starts_on).days / 7, WEEKS_FOLLOWED)
    if left_after_months is not None:
        weeks = min(weeks, left_after_months * WEEKS_PER_MONTH)
    return weekly_hours * weeks


def _social_clause(session: Session, conditions: list, on: dt.date, key: str = "") -> Table:
    left = (select(func.min(FollowUp.months)).where(FollowUp.outcome_id == Outcome.id, FollowUp.in_job.is_(False))
            .correlate(Outcome).scalar_subquery())
    grouped = session.execute(
        select(Outcome.social_clause_contract, Outcome.weekly_hours, Outcome.starts_on, left.label("left"),
               func.count(func.distinct(Outcome.candidate_id)))
        .where(*conditions, Outcome.social_clause.is_(True))
        .group_by(Outcome.social_clause_contract, Outcome.weekly_hours, Outcome.starts_on, left)).all()
    people = dict(session.execute(
        select(Outcome.social_clause_contract, func.count(func.distinct(Outcome.candidate_id)))
        .where(*conditions, Outcome.social_clause.is_(True)).group_by(Outcome.social_clause_contract)).all())
    hours: Counter = Counter()
    for contract, weekly, starts_on, left_after, n in grouped:
        hours[contract] += n * social_clause_hours(weekly, starts_on, left_after, on)
    rows: list[list[Cell]] = []
    for contract in sorted(people, key=str.lower):
        shown = count(people[contract])
        rows.append([contract or _("Contract not named"), shown,
                     SUPPRESSED if shown is SUPPRESSED else round(hours[contract])])
    return Table(f"{key}social-clause", _("Hours under social clauses, per contract"),
                 [_("Contract (public procurement)"), _("People"), _("Hours worked")], rows, note=_(
                     "Hours = weekly hours × weeks from the start of the job to the date of the report, at most "
                     "26 weeks (the six months followed), and no further than a follow-up that answered that "
                     "the person had left the job."))


def _no_shows(session: Session, f: Filter, now: dt.datetime) -> Table:
    held = (select(Booking.attendance, func.count()).where(
        Booking.edition_id.in_(f.editions), Booking.status == BookingStatus.active, Booking.starts_at <= now)
        .group_by(Booking.attendance))
    if f.company_id is not None:
        held = held.join(Booth, Booth.id == Booking.booth_id).where(Booth.company_id == f.company_id)
    counts = dict(session.execute(held).all())
    attended, no_show = counts.get(Attendance.attended, 0), counts.get(Attendance.no_show, 0)
    return Table("no-shows", _("Attendance at interviews"), [_("Interviews held"), _("Bookings")], [
        [_("Attended"), count(attended)],
        [_("Did not come"), count(no_show)],
        [_("Attendance not recorded"), count(counts.get(None, 0))],
        [_("No-show rate (%)"), share(no_show, attended + no_show)],
    ], note=_("Bookings not cancelled whose time has passed; the rate is of those whose attendance was recorded."))


def _whole_days(session: Session, later, earlier):
    """Whole days (rounded down) between two timestamps, in the database's own dialect."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return cast(func.floor(func.extract("epoch", later - earlier) / 86400), Integer)


def _first_answer(session: Session, f: Filter) -> Table:
    """Median whole days from an application to the recruiter's first answer, from a histogram."""
    days = _whole_days(session, Application.first_answered_at, Application.created_at)
    query = (select(days, func.count()).join(Offer, Offer.id == Application.offer_id)
             .join(Booth, Booth.id == Offer.booth_id)
             .where(Booth.edition_id.in_(f.editions), Application.first_answered_at.is_not(None)).group_by(days))
    waiting = (select(func.count()).select_from(Application).join(Offer, Offer.id == Application.offer_id)
               .join(Booth, Booth.id == Offer.booth_id)
               .where(Booth.edition_id.in_(f.editions), Application.first_answered_at.is_(None),
                      Application.status == ApplicationStatus.submitted))
    if f.company_id is not None:
        query = query.where(Booth.company_id == f.company_id)
        waiting = waiting.where(Booth.company_id == f.company_id)
    histogram = sorted((int(d), n) for d, n in session.execute(query).all())
    answered = sum(n for _d, n in histogram)
    shown = count(answered)
    median = None if answered == 0 else SUPPRESSED if shown is SUPPRESSED else median_of(histogram)
    return Table("first-answer", _("Days from an application to a first answer"), [_("Applications"), _("Value")], [
        [_("With an answer"), shown],
        [_("Median days to the first answer"), median],
        [_("Still waiting for an answer"), count(session.execute(waiting).scalar_one())],
    ], note=_("A first answer is the recruiter's first move on the application: shortlisted, invited or "
              "declined. Days are whole days, rounded down."))


def median_of(histogram: list[tuple[int, int]]) -> float:
    """The median of values given as sorted (value, how many) pairs."""
    total = sum(n for _v, n in histogram)
    wanted = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value, n in histogram:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return (found[0] + found[1]) / 2


# ---------------------------------------------------------------- detail tables (files only)


def _people_detail(session: Session, f: Filter, on: dt.date) -> Iterator[list[Cell]]:
    """One row per person: a number of the report (no name, no id), furthest stage, publics, gender, age."""
    # Words are fixed now, in the report's language: the rows are read later, by a file writer.
    stage_words = [str(STAGE_LABELS[s]) for s in STAGES]
    public_words = {p: str(PUBLIC_LABELS[p]) for p in PUBLICS}
    gender_words = {g: str(label) for g, label in GENDER_LABELS.items()}
    age_words = {a: str(label) for a, label in AGE_LABELS.items()}

    def rows() -> Iterator[list[Cell]]:
        stages = _stages(f)
        rows = session.execute(select(stages.c.candidate_id, stages.c.level).order_by(stages.c.candidate_id)).all()
        publics = _publics(session, [candidate_id for candidate_id, _level in rows], on)
        for number, (candidate_id, level) in enumerate(rows, start=1):
            person = publics.get(candidate_id)
            yield [number, stage_words[level - 1],
                   ", ".join(public_words[p] for p in PUBLICS if person and p in person.situations),
                   gender_words.get(person.gender, "") if person and person.gender else "",
                   age_words.get(person.age_band, "") if person and person.age_band else ""]
    return rows()


def _applications_detail(session: Session, f: Filter) -> Iterator[list[Cell]]:
    query = (select(Application.id, Organisation.name, Application.status, Application.created_at,
                    Application.first_answered_at)
             .join(Offer, Offer.id == Application.offer_id).join(Booth, Booth.id == Offer.booth_id)
             .join(Organisation, Organisation.id == Booth.company_id)
             .where(Booth.edition_id.in_(f.editions)).order_by(Application.id))
    if f.company_id is not None:
        query = query.where(Booth.company_id == f.company_id)
    for application_id, company, status, created, answered in session.execute(
            query.execution_options(yield_per=1000)):
        yield [application_id, company, status.value, created.date(), answered.date() if answered else None]


def _detail_tables(session: Session, f: Filter, on: dt.date) -> list[Table]:
    return [
        Table("people", _("People, one row each (no names)"),
              [_("Number"), _("Furthest stage"), _("Priority publics"), _("Gender"), _("Age band")],
              _people_detail(session, f, on), detail=True),
        Table("applications", _("Applications, one row each (no names)"),
              [_("Application"), _("Company"), _("Status"), _("Sent on"), _("First answer on")],
              _applications_detail(session, f), detail=True),
    ]


# ---------------------------------------------------------------- the reports


def _definitions() -> Table:
    return Table("definitions", _("What the figures mean"), [_("Figure"), _("Definition")], [
        [str(STAGE_LABELS["registered"]), _("Took part in the fair in any way: applied to an offer, booked an "
                                            "interview (even one cancelled later) or was checked in on site.")],
        [str(STAGE_LABELS["applied"]), _("Sent at least one application to an offer of the fair.")],
        [str(STAGE_LABELS["shortlisted"]), _("A recruiter shortlisted one of their applications or invited them "
                                             "to book, or they hold an interview booking.")],
        [str(STAGE_LABELS["interviewed"]), _("One of their interviews was marked attended.")],
        [str(STAGE_LABELS["hired"]), _("An outcome was recorded for them from the fair: a job of any contract "
                                       "or a pre-hiring training.")],
        [str(STAGE_LABELS["in_job_6m"]), _("The six-month follow-up of their outcome answered that they "
                                           "were still in the job.")],
        [_("Stages"), _("Each stage counts the people who reached it or a later one.")],
        [_("“< 5”"), _("A count from 1 to 4 is not shown, so that nobody can be recognised.")],
    ])


def _edition_sections(session: Session, f: Filter, on: dt.date, now: dt.datetime, *,
                      with_companies: bool = True, first_stage: int = REGISTERED) -> list[Section]:
    fig = _tally(session, f, on, first_stage)
    conditions = _outcomes_where(f)
    sections = [
        Section("funnel", _("The path to a job"), _funnel_blocks(fig, "")),
    ]
    breakdown: list = []
    if with_companies:
        breakdown.append(_companies(session, f))
        breakdown.append(_partners(session, f))
    breakdown += _contracts(session, conditions)
    sections.append(Section("breakdown", _("Companies, partners and contracts") if with_companies
                            else _("Contracts"), breakdown))
    sections.append(Section("commitments", _("Social clauses, attendance and answers"), [
        _social_clause(session, conditions, now.date()), _no_shows(session, f, now), _first_answer(session, f)]))
    sections.append(Section("details", _("Details and definitions"), [_definitions(),
                                                                      *_detail_tables(session, f, on)]))
    return sections


def _branding(edition: Edition | None, organisation: Organisation | None = None) -> Branding:
    if edition is not None:
        return Branding(edition.title, edition.brand_colour or "#1d4f91", edition.logo_url)
    return Branding(organisation.name if organisation else "fair")


def _locale(scope: dict, edition: Edition | None) -> str:
    return scope.get("locale") or (edition.languages[0] if edition is not None and edition.languages else "fr")


def _edition_report(session: Session, scope: dict) -> Report:
    edition = session.get(Edition, scope.get("edition_id") or 0)
    if edition is None:
        raise UnknownScope("edition")
    locale, now = _locale(scope, edition), clock.now()
    with force_locale(locale):
        f = Filter([edition.id])
        return Report(f"edition-{edition.id}", _("Report of the fair"), edition.title, locale, now, _branding(edition),
                      _edition_sections(session, f, edition.starts_at.date(), now))


def _organiser_report(session: Session, scope: dict) -> Report:
    organisation = session.get(Organisation, scope.get("organisation_id") or 0)
    year = int(scope.get("year") or clock.now().year)
    if organisation is None:
        raise UnknownScope("organisation")
    start = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.timezone.utc)
    editions = select(Edition.id).where(Edition.organiser_id == organisation.id, Edition.starts_at >= start,
                                        Edition.starts_at < end)
    locale, now = _locale(scope, None), clock.now()
    with force_locale(locale):
        f = Filter(editions)
        sections = _edition_sections(session, f, dt.date(year, 1, 1), now)
        per_edition = _per_edition(session, f)
        sections[1].blocks.insert(0, per_edition)
        return Report(f"organiser-{organisation.id}-{year}", _("Report of the year %(year)s", year=year),
                      organisation.name, locale, now, _branding(None, organisation), sections)


def _per_edition(session: Session, f: Filter, key: str = "editions", title: str | None = None) -> Table:
    stages = _stages(f, by_edition=True)
    rows = session.execute(select(stages.c.edition_id, stages.c.level, func.count())
                           .group_by(stages.c.edition_id, stages.c.level)).all()
    levels: dict[int, Counter] = defaultdict(Counter)
    for edition_id, level, n in rows:
        levels[edition_id][level] += n
    editions = session.execute(select(Edition.id, Edition.title, Edition.starts_at)
                               .where(Edition.id.in_(f.editions)).order_by(Edition.starts_at, Edition.id)).all()
    return Table(key, title or _("By fair"), [_("Fair"), _("Date"), *_stage_columns(list(STAGES))],
                 [[t, starts.date(), *[count(v) for v in _cumulative(levels[i])]] for i, t, starts in editions])


def _company_report(session: Session, scope: dict) -> Report:
    company = session.get(Organisation, scope.get("company_id") or 0)
    if company is None:
        raise UnknownScope("company")
    edition = session.get(Edition, scope["edition_id"]) if scope.get("edition_id") else None
    editions = ([edition.id] if edition is not None
                else select(Booth.edition_id).where(Booth.company_id == company.id)
                .union(select(Outcome.edition_id).where(Outcome.company_id == company.id,
                                                         Outcome.edition_id.is_not(None))))
    locale, now = _locale(scope, edition), clock.now()
    on = edition.starts_at.date() if edition is not None else now.date()
    with force_locale(locale):
        f = Filter(editions, company_id=company.id)
        fig = _tally(session, f, on, APPLIED)
        met, interviewed, hired = fig.total[0], fig.total[INTERVIEWED - APPLIED], fig.total[HIRED - APPLIED]
        c_met, c_int, c_hired = (fig.consenting[0], fig.consenting[INTERVIEWED - APPLIED],
                                 fig.consenting[HIRED - APPLIED])
        people = Table("company-people", _("People met, interviewed and hired"), [_("Stage"), _("People")], [
            [_("Met (applied or booked an interview)"), count(met)],
            [str(STAGE_LABELS["interviewed"]), count(interviewed)],
            [str(STAGE_LABELS["hired"]), count(hired)],
            [str(STAGE_LABELS["in_job_6m"]), count(fig.total[-1])]])
        rows = [[str(PUBLIC_LABELS[p]),
                 count(fig.by_public[p][0]), share(fig.by_public[p][0], c_met),
                 count(fig.by_public[p][INTERVIEWED - APPLIED]), share(fig.by_public[p][INTERVIEWED - APPLIED], c_int),
                 count(fig.by_public[p][HIRED - APPLIED]), share(fig.by_public[p][HIRED - APPLIED], c_hired)]
                for p in PUBLICS]
        publics = Table("company-publics", _("Priority publics among the people met, interviewed and hired"),
                        [_("Public"), _("Met"), _("Share met (%)"), _("Interviewed"), _("Share interviewed (%)"),
                         _("Hired"), _("Share hired (%)")], rows, note=_(
                             "Shares are of the people who agreed to count in the publics."))
        summary = _("%(met)s people met, %(hired)s hired.", met=count(met), hired=count(hired))
        conditions = _outcomes_where(f)
        sections = [
            Section("company", _("Your commitments"), [
                Chart("company-people-chart", people.title, summary, people, kind="funnel"), publics,
                Chart("company-public-shares-chart", _("Share of each public among the people hired (%)"),
                      _("Share of the people hired who belong to each priority public."),
                      Table("company-hire-shares", _("Share of each public among the people hired (%)"),
                            [_("Public"), _("Share of hires (%)")], [[r[0], r[6]] for r in rows]))]),
            Section("breakdown", _("Contracts"), [*_contracts(session, conditions),
                                                   _social_clause(session, conditions, now.date())]),
            Section("commitments", _("Attendance and answers"), [_no_shows(session, f, now),
                                                                 _first_answer(session, f)]),
            Section("details", _("Details and definitions"), [_definitions(), Table(
                "applications", _("Applications, one row each (no names)"),
                [_("Application"), _("Company"), _("Status"), _("Sent on"), _("First answer on")],
                _applications_detail(session, f), detail=True)]),
        ]
        key = f"company-{company.id}" + (f"-edition-{edition.id}" if edition is not None else "")
        return Report(key, _("Report of %(company)s", company=company.name),
                      edition.title if edition is not None else _("All fairs"), locale, now,
                      _branding(edition, company), sections)


def _partner_report(session: Session, scope: dict) -> Report:
    partner = session.get(Organisation, scope.get("partner_id") or 0)
    if partner is None:
        raise UnknownScope("partner")
    edition = session.get(Edition, scope["edition_id"]) if scope.get("edition_id") else None
    people = consenting_referrals().where(Referral.partner_id == partner.id).with_only_columns(
        Referral.candidate_id)
    editions = [edition.id] if edition is not None else select(Edition.id)
    locale, now = _locale(scope, edition), clock.now()
    on = edition.starts_at.date() if edition is not None else now.date()
    with force_locale(locale):
        f = Filter(editions, people=people)
        fig = _tally(session, f, on)
        brought = _per_edition(session, f, "partner-editions", _("People you referred, at each fair"))
        brought.rows = [row for row in brought.rows if row[2] != 0]
        conditions = [Outcome.candidate_id.in_(people)]
        if edition is not None:
            conditions.append(Outcome.edition_id == edition.id)
        sections = [
            Section("funnel", _("The path to a job of the people you referred"), _funnel_blocks(fig, "")),
            Section("breakdown", _("Fairs and contracts"), [brought, *_contracts(session, conditions)]),
            Section("details", _("Definitions"), [_definitions()], intro=_(
                "Only the people whose referral and consent are in force are counted. Outcomes recorded by "
                "your advisers outside a fair count in the contracts.")),
        ]
        key = f"partner-{partner.id}" + (f"-edition-{edition.id}" if edition is not None else "")
        return Report(key, _("Report of %(partner)s", partner=partner.name),
                      edition.title if edition is not None else _("All fairs"), locale, now,
                      _branding(edition, partner), sections)


# ---------------------------------------------------------------- a network's members


NETWORK_STEPS = ("referred", "met", "interviewed", "hired")


@dataclass
class NetworkTally:
    """True counts of the people a network's members referred (cumulative: [referred, met, interviewed,
    hired]); `named` only the people whose consent to the network is in force."""

    total: list[int]
    by_member: dict[int, list[int]]
    by_member_edition: dict[tuple[int, int], list[int]]
    named: list[tuple[int, int, int, int]]  # (member id, candidate id, edition id, furthest step 1–4)


def network_tally(session: Session, network_id: int, editions: Select | list[int]) -> NetworkTally:
    """Each member's people in these editions (`referred_tally`); a member that left still counts what it
    brought. Names only under a consent in force to this network."""
    members = select(NetworkMember.member_id).where(NetworkMember.network_id == network_id)
    return referred_tally(session, members, editions, named_to_network(network_id))


def referred_tally(session: Session, partners: Select | list[int], editions: Select | list[int],
                   named: Select | None = None) -> NetworkTally:
    """The people each partner referred, in these editions, from the same stages as every report
    (`_stages`): referred (took part in the fair), met (an interview attended or a live conversation
    held), interviewed, hired. A person referred by two partners counts for each, and once in the total;
    `named` (a SELECT of user ids) says whose rows may be listed by name."""
    refs = consenting_referrals().where(Referral.partner_id.in_(partners))
    pairs = session.execute(refs).all()
    partners_of: dict[int, set[int]] = defaultdict(set)
    for partner_id, candidate_id in pairs:
        partners_of[candidate_id].add(partner_id)
    people = refs.with_only_columns(Referral.candidate_id)
    stages = _stages(Filter(editions, people=people), by_edition=True)
    levels = {(c, e): level for c, e, level in session.execute(
        select(stages.c.candidate_id, stages.c.edition_id, stages.c.level)).all()}
    live = set(session.execute(select(QueueEntry.candidate_id, QueueEntry.edition_id).where(
        QueueEntry.edition_id.in_(editions), QueueEntry.started_at.is_not(None),
        QueueEntry.candidate_id.in_(people))).all())
    named_ids = set(session.execute(named).scalars()) if named is not None else set()
    per_edition: dict[tuple[int, int], Counter] = defaultdict(Counter)
    best_member: dict[tuple[int, int], int] = {}
    best: dict[int, int] = {}
    named_rows = []
    for key in set(levels) | live:
        candidate_id, edition_id = key
        level = levels.get(key, REGISTERED)
        step = 4 if level >= HIRED else 3 if level >= INTERVIEWED else 2 if key in live else 1
        best[candidate_id] = max(best.get(candidate_id, 0), step)
        for member_id in partners_of[candidate_id]:
            per_edition[(member_id, edition_id)][step] += 1
            best_member[(member_id, candidate_id)] = max(best_member.get((member_id, candidate_id), 0), step)
            if candidate_id in named_ids:
                named_rows.append((member_id, candidate_id, edition_id, step))
    by_member: dict[int, Counter] = defaultdict(Counter)
    for (member_id, _candidate), step in best_member.items():
        by_member[member_id][step] += 1

    def cum(steps: Counter) -> list[int]:
        return [sum(n for s, n in steps.items() if s >= wanted) for wanted in range(1, 5)]

    return NetworkTally(cum(Counter(best.values())), {m: cum(c) for m, c in by_member.items()},
                        {k: cum(c) for k, c in per_edition.items()}, named_rows)


def partner_companies(session: Session, partner_id: int, edition_id: int) -> list[tuple[int, str, int]]:
    """(company id, name, people) of the companies of this edition that the partner's referred people
    applied to, had an interview booked with, or were hired by."""
    people = consenting_referrals().where(Referral.partner_id == partner_id).with_only_columns(
        Referral.candidate_id)
    applied = (select(Booth.company_id.label("company_id"), Application.candidate_id.label("candidate_id"))
               .join(Offer, Offer.booth_id == Booth.id).join(Application, Application.offer_id == Offer.id)
               .where(Booth.edition_id == edition_id, Application.candidate_id.in_(people)))
    booked = (select(Booth.company_id, Booking.candidate_id).join(Booking, Booking.booth_id == Booth.id)
              .where(Booth.edition_id == edition_id, Booking.candidate_id.in_(people)))
    hired = (select(Outcome.company_id, Outcome.candidate_id)
             .where(Outcome.edition_id == edition_id, Outcome.company_id.is_not(None),
                    Outcome.candidate_id.in_(people)))
    done = union_all(applied, booked, hired).subquery()
    return [tuple(row) for row in session.execute(
        select(Organisation.id, Organisation.name, func.count(func.distinct(done.c.candidate_id)))
        .join(done, done.c.company_id == Organisation.id)
        .group_by(Organisation.id, Organisation.name).order_by(Organisation.name)).all()]


def network_step_labels() -> list[str]:
    return [_("People referred"), _("Met"), _("Interviewed"), _("Hired or in training")]


def network_named_rows(session: Session, tally: NetworkTally) -> list[list[str]]:
    """(member, person, fair, furthest step) for the people named to the network, by member and name."""
    if not tally.named:
        return []
    ids = {m for m, _c, _e, _s in tally.named}
    names = dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())
    people = {u.id: u for u in session.execute(select(User).where(
        User.id.in_({c for _m, c, _e, _s in tally.named}))).scalars()}
    fairs = dict(session.execute(select(Edition.id, Edition.title).where(
        Edition.id.in_({e for _m, _c, e, _s in tally.named}))).all())
    labels = network_step_labels()
    rows = [[names[m], people[c].full_name, fairs[e], labels[s - 1]] for m, c, e, s in tally.named]
    return sorted(rows, key=lambda r: (r[0].lower(), r[1].lower(), r[2].lower()))


def _network_report(session: Session, scope: dict) -> Report:
    network = session.get(Organisation, scope.get("network_id") or 0)
    if network is None:
        raise UnknownScope("network")
    year = int(scope.get("year") or clock.now().year)
    start = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.timezone.utc)
    editions = session.execute(select(Edition.id, Edition.title, Edition.starts_at).where(
        Edition.starts_at >= start, Edition.starts_at < end).order_by(Edition.starts_at, Edition.id)).all()
    locale, now = _locale(scope, None), clock.now()
    with force_locale(locale):
        tally = network_tally(session, network.id, [e.id for e in editions])
        rows = session.execute(select(NetworkMember.member_id, Organisation.name, NetworkMember.left_at)
                               .join(Organisation, Organisation.id == NetworkMember.member_id)
                               .where(NetworkMember.network_id == network.id)
                               .order_by(Organisation.name, NetworkMember.id)).all()
        steps = network_step_labels()
        zero = [0, 0, 0, 0]

        def label(name: str, left_at: dt.datetime | None) -> str:
            return _("%(name)s (left)", name=name) if left_at is not None else name

        members = Table("network-members", _("By member structure"), [_("Member"), *steps], [
            *[[label(name, left), *[count(v) for v in tally.by_member.get(m, zero)]] for m, name, left in rows],
            [_("The whole network"), *[count(v) for v in tally.total]]], note=_(
                "A person referred by two members counts for each, and once for the whole network."))
        per_fair = Table("network-fairs", _("By member structure and fair"), [_("Member"), _("Fair"), _("Date"),
                                                                            *steps], [
            [label(name, left), title, starts.date(), *[count(v) for v in tally.by_member_edition[(m, e)]]]
            for m, name, left in rows for e, title, starts in editions if (m, e) in tally.by_member_edition])
        named = Table("network-named", _("People who agreed that the network sees their name"),
                      [_("Member"), _("Person"), _("Fair"), _("Furthest step")],
                      iter(network_named_rows(session, tally)), detail=True)
        definitions = Table("definitions", _("What the figures mean"), [_("Figure"), _("Definition")], [
            [steps[0], _("People a member referred (referral and consent in force) who took part in the fair.")],
            [steps[1], _("Attended an interview or held a live conversation with a recruiter.")],
            [steps[2], _("One of their interviews was marked attended.")],
            [steps[3], _("An outcome was recorded for them from the fair: a job of any contract "
                         "or a pre-hiring training.")],
            [_("Names"), _("Only the people whose consent to the network is in force are named; everyone "
                           "is counted.")],
        ])
        sections = [
            Section("network-members", _("What the members brought"), [
                Chart("network-members-chart", members.title, _("People referred, by member structure."),
                      Table("network-members-referred", members.title, [_("Member"), steps[0]],
                            [[r[0], r[1]] for r in members.rows[:-1]]), kind="bar"),
                members, per_fair]),
            Section("details", _("Details and definitions"), [named, definitions]),
        ]
        return Report(f"network-{network.id}-{year}", _("Figures of the network %(network)s", network=network.name),
                      _("Year %(year)s", year=year), locale, now, _branding(None, network), sections)


BUILDERS = {"edition": _edition_report, "organiser": _organiser_report, "company": _company_report,
            "partner": _partner_report, "network": _network_report}


def build(session: Session, scope: dict) -> Report:
    """The report a scope names (see the module's docstring); UnknownScope when it names nothing."""
    builder = BUILDERS.get(scope.get("kind", ""))
    if builder is None:
        raise UnknownScope(scope.get("kind"))
    return builder(session, scope)


__all__ = ["build", "Filter", "UnknownScope", "social_clause_hours", "median_of", "consenting_referrals"]
