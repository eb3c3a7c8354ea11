"""Satisfaction surveys after a fair: who gets one, the questions, the answers and the report.

Who took part (and gets one mail per edition, `jobs.send_surveys`):
- candidates with an interview booking that was not cancelled and not marked a no-show, an
  application (not withdrawn) to one of its offers, a queue call that started, or a webinar they
  joined through our page;
- recruiters who staffed one of its booths: named on the booth, opened interview slots there, or
  called someone from its queue. A person who is both answers as a recruiter.

The mail's link carries a `fair.links` token (purpose "survey", subject the edition, 30 days, enough
uses to change one's answers for a while): each answer of the first question is a link that records
it without signing in, and the same link opens the page with the other questions and a comment.
One `SurveyResponse` per edition and person (a unique constraint); answering again updates it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, union
from sqlalchemy.orm import Session

from fair import links
from fair.accounts.models import User
from fair.candidates.models import Application, ApplicationStatus
from fair.clock import now
from fair.companies.models import Booth, BoothStaff, Offer
from fair.fairs.models import Edition, EditionStatus
from fair.jobdating.models import Attendance, Availability, Booking, BookingStatus
from fair.live.models import QueueEntry
from fair.surveys.models import SurveyResponse
from fair.webinars.models import Webinar, WebinarRegistration

PURPOSE = "survey"
SUBJECT = "edition"
LINK_TTL = dt.timedelta(days=30)
LINK_USES = 50  # enough to change one's answers for a while, not an open door
# Fairs that ended longer ago than this get no survey (a worker that was down for a month, an old fair).
SEND_WINDOW = dt.timedelta(days=7)
SURVEYED_STATUSES = (EditionStatus.published, EditionStatus.live, EditionStatus.closed)
COMMENT_MAX = 2000

CANDIDATE, RECRUITER = "candidate", "recruiter"
FIRST = "overall"
SCALE = ("1", "2", "3", "4", "5")
YES_PARTLY_NO = (("yes", _l("Yes")), ("partly", _l("Partly")), ("no", _l("No")))
YES_MAYBE_NO = (("yes", _l("Yes")), ("maybe", _l("Maybe")), ("no", _l("No")))
SCALE_LABELS = (("1", _l("1 – Very poor")), ("2", _l("2 – Poor")), ("3", _l("3 – Fair")),
                ("4", _l("4 – Good")), ("5", _l("5 – Excellent")))


@dataclass(frozen=True)
class Question:
    code: str
    text: object  # a lazy string
    choices: tuple[tuple[str, object], ...]

    def label(self, code: str) -> str:
        return str(dict(self.choices).get(code, code))


OVERALL = Question(FIRST, _l("Overall, how was the fair?"), SCALE_LABELS)
COME_AGAIN = Question("come_again", _l("Would you come again?"), YES_MAYBE_NO)
QUESTIONS: dict[str, tuple[Question, ...]] = {
    CANDIDATE: (OVERALL, Question("met_companies", _l("Did you meet the companies you wanted to meet?"),
                                  YES_PARTLY_NO), COME_AGAIN),
    RECRUITER: (OVERALL, Question("met_hires", _l("Did you meet candidates you would hire?"), YES_PARTLY_NO),
                COME_AGAIN),
}


class SurveyInvalid(Exception):
    """An answer that is not one of the choices: nothing is recorded."""


# ---------------------------------------------------------------- who took part


def candidates_of(edition_id: int):
    """Ids of the candidates who took part (see the module's docstring), as a union of selects."""
    offers = select(Offer.id).join(Booth, Booth.id == Offer.booth_id).where(Booth.edition_id == edition_id)
    return union(
        select(Booking.candidate_id).where(
            Booking.edition_id == edition_id, Booking.status == BookingStatus.active,
            or_(Booking.attendance.is_(None), Booking.attendance != Attendance.no_show)),
        select(Application.candidate_id).where(Application.offer_id.in_(offers),
                                               Application.status != ApplicationStatus.withdrawn),
        select(QueueEntry.candidate_id).where(QueueEntry.edition_id == edition_id, QueueEntry.started_at.is_not(None)),
        select(WebinarRegistration.user_id).join(Webinar, Webinar.id == WebinarRegistration.webinar_id)
        .where(Webinar.edition_id == edition_id, WebinarRegistration.joined_at.is_not(None)),
    )


def recruiters_of(edition_id: int):
    """Ids of the recruiters who staffed its booths, as a union of selects."""
    booths = select(Booth.id).where(Booth.edition_id == edition_id)
    return union(
        select(BoothStaff.user_id).where(BoothStaff.booth_id.in_(booths)),
        select(Availability.recruiter_id).where(Availability.booth_id.in_(booths)),
        select(QueueEntry.called_by_id).where(QueueEntry.edition_id == edition_id,
                                              QueueEntry.called_by_id.is_not(None)),
    )


def _people(session: Session, ids) -> list[User]:
    sub = ids.subquery()
    return list(session.execute(
        select(User).where(User.id.in_(select(sub.c[0])), User.is_active_account.is_(True), User.erased_at.is_(None))
        .order_by(User.id)).scalars())


def participants(session: Session, edition: Edition) -> list[tuple[User, str]]:
    """(person, role) of everyone who took part, recruiters first; nobody twice."""
    recruiters = _people(session, recruiters_of(edition.id))
    seen = {user.id for user in recruiters}
    candidates = [user for user in _people(session, candidates_of(edition.id)) if user.id not in seen]
    return [(user, RECRUITER) for user in recruiters] + [(user, CANDIDATE) for user in candidates]


def role_of(session: Session, edition_id: int, user_id: int) -> str:
    sub = recruiters_of(edition_id).subquery()
    found = session.execute(select(sub.c[0]).where(sub.c[0] == user_id)).first()
    return RECRUITER if found else CANDIDATE


def editions_to_survey(session: Session, moment: dt.datetime) -> list[Edition]:
    """Editions that ended within SEND_WINDOW before `moment` (not drafts, not archived)."""
    return list(session.execute(
        select(Edition).where(Edition.status.in_(SURVEYED_STATUSES), Edition.ends_at <= moment,
                              Edition.ends_at > moment - SEND_WINDOW).order_by(Edition.id)).scalars())


def mail_key(edition_id: int, user_id: int) -> str:
    return f"survey:{edition_id}:{user_id}"


def issue_link(session: Session, edition: Edition, user_id: int) -> str:
    return links.issue(session, PURPOSE, user_id=user_id, ttl=LINK_TTL, subject_type=SUBJECT,
                       subject_id=edition.id, max_uses=LINK_USES)


# ---------------------------------------------------------------- answering


@dataclass
class Opened:
    """What a valid link opens: the edition, the person's role and their current answers."""

    edition: Edition
    user_id: int
    role: str
    response: SurveyResponse | None

    @property
    def questions(self) -> tuple[Question, ...]:
        return QUESTIONS[self.role]


def open_link(session: Session, raw: str, *, use: bool) -> Opened:
    """The survey a link opens; `use` spends one use (an answer is recorded). Raises
    links.LinkRefused (unknown, another purpose, expired, revoked, used up)."""
    token = links.redeem(session, raw, PURPOSE) if use else links.peek(session, raw, PURPOSE)
    edition = session.get(Edition, token.subject_id) if token.subject_type == SUBJECT else None
    if edition is None or token.user_id is None:
        raise links.LinkRefused(links.LinkRefusal.unknown)
    response = session.execute(select(SurveyResponse).where(
        SurveyResponse.edition_id == edition.id, SurveyResponse.user_id == token.user_id)).scalars().first()
    role = response.role if response else role_of(session, edition.id, token.user_id)
    return Opened(edition, token.user_id, role, response)


def check_answers(role: str, answers: dict[str, str]) -> dict[str, str]:
    """The answers kept (empty ones dropped); an unknown question or choice raises SurveyInvalid."""
    questions = {q.code: q for q in QUESTIONS[role]}
    kept = {}
    for code, value in answers.items():
        if not value:
            continue
        question = questions.get(code)
        if question is None or value not in dict(question.choices):
            raise SurveyInvalid(code)
        kept[code] = value
    return kept


def record(session: Session, opened: Opened, answers: dict[str, str], comment: str | None = None) -> SurveyResponse:
    """Add or change the person's answers (and the comment, when given); no commit."""
    kept = check_answers(opened.role, answers)
    response = opened.response
    if response is None:
        response = SurveyResponse(edition_id=opened.edition.id, user_id=opened.user_id, role=opened.role,
                                  answers={}, comment="")
        session.add(response)
        opened.response = response
    response.answers = {**(response.answers or {}), **kept}  # a new dict: the JSON column sees the change
    if comment is not None:
        response.comment = comment.strip()[:COMMENT_MAX]
    response.updated_at = now()
    session.flush()
    return response


# ---------------------------------------------------------------- the edition's report


@dataclass
class QuestionResult:
    question: Question
    counts: list[tuple[str, int]]  # (choice label, how many), in the choices' order
    answered: int
    average: float | None = None


@dataclass
class RoleResult:
    role: str
    responses: int
    questions: list[QuestionResult] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def edition_report(session: Session, edition_id: int) -> list[RoleResult]:
    """Counts per answer, the average of the first question and the comments (no names), per role."""
    rows = list(session.execute(select(SurveyResponse).where(SurveyResponse.edition_id == edition_id)
                                .order_by(SurveyResponse.updated_at, SurveyResponse.id)).scalars())
    results = []
    for role in (CANDIDATE, RECRUITER):
        mine = [r for r in rows if r.role == role]
        result = RoleResult(role, len(mine), comments=[r.comment for r in mine if r.comment])
        for question in QUESTIONS[role]:
            given = [(r.answers or {}).get(question.code) for r in mine]
            given = [g for g in given if g in dict(question.choices)]
            counts = [(str(label), given.count(code)) for code, label in question.choices]
            average = (round(sum(int(g) for g in given) / len(given), 1)
                       if question.code == FIRST and given else None)
            result.questions.append(QuestionResult(question, counts, len(given), average))
        results.append(result)
    return results
