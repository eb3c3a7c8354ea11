"""Health checks of an edition: what an organiser must fix before the fair, each line naming the page
where it is fixed, and the digest mailed to the organisers three days and one day before it.

The rules, as the health page words them:
- a booth **without a recruiter account**: nobody of its company has an account that can sign in
  (no member, or only deactivated or erased accounts), so nobody can staff the booth, open slots or
  answer the queue;
- a company **with no slots**: its booth has no interview slot at all; **with no offers**: none of its
  booth's offers is published;
- a booth **full with a waiting list**: every slot is booked and people wait on its waiting list;
  a booth **with no booking** a day before: it has slots, none is booked, and it is the day before the
  fair's start date or later (local dates, as the second digest is sent);
- a webinar **without a host**: a scheduled webinar of a booth whose company has no account that can
  sign in, so nobody of the company can open its room (the organisers' own webinars are hosted by them);
- a candidate **with no booking and no application**: a person of the edition (referred by an adviser
  of one of its partners with consent, registered to one of its webinars, queued at one of its booths
  or on a booth's waiting list, or invited by one of its bulk invitations and holding an account) who
  holds no active interview booking and no application (other than withdrawn) in it;
- a referral **waiting for consent**: an adviser of one of the edition's partners referred someone who
  has not confirmed yet (the candidate is not named: they have not agreed to anything).
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select, union
from sqlalchemy.orm import Session

from fair.accounts.models import Membership, Organisation, User
from fair.candidates.models import Application, ApplicationStatus, Referral, ReferralStatus
from fair.companies.models import Booth, Offer
from fair.fairs.models import BulkInvitation, BulkRecipient, Edition, EditionOrganiser, EditionPartner, EditionStatus
from fair.jobdating.models import Booking, BookingStatus, Slot, WaitlistEntry, WaitlistStatus
from fair.live.models import QueueEntry
from fair.timezones import fair_zone
from fair.webinars.models import RegistrationStatus, Webinar, WebinarRegistration, WebinarStatus

# The digest leaves on these days before the local start date, from this local hour on.
DIGEST_DAYS_BEFORE = (3, 1)
DIGEST_HOUR = 8
# Editions whose fair is ahead and may still change: a draft is not announced, a closed or archived
# edition (cancelled or over) needs no fixing.
CHECKED_STATUSES = (EditionStatus.published, EditionStatus.live)
NO_BOOKING_WARNING_DAYS = 1


class Kind(str, enum.Enum):
    """The kinds of problem, in the order the page lists them."""

    booth_without_account = "booth_without_account"
    company_without_slots = "company_without_slots"
    company_without_offers = "company_without_offers"
    booth_full_with_waitlist = "booth_full_with_waitlist"
    booth_without_booking = "booth_without_booking"
    webinar_without_host = "webinar_without_host"
    idle_candidate = "idle_candidate"
    referral_waiting = "referral_waiting"


KIND_ORDER = list(Kind)


@dataclass(frozen=True)
class Problem:
    kind: Kind
    # What the line is about: a company, a webinar's title, a candidate's name, a partner.
    name: str
    # The page where it is fixed: an endpoint and its arguments (the template builds the URL).
    endpoint: str
    args: tuple[tuple[str, int], ...] = ()
    anchor: str = ""
    # Extra words of the line: the people waiting, the adviser, the date...
    detail: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def url_args(self) -> dict:
        return dict(self.args)


@dataclass
class BoothSlots:
    booth_id: int
    company: str
    slots: int
    booked: int
    waiting: int

    @property
    def left(self) -> int:
        return self.slots - self.booked


@dataclass
class HealthReport:
    edition: Edition
    problems: list[Problem]
    booths: list[BoothSlots]

    def counts(self) -> list[tuple[Kind, int]]:
        """(kind, how many lines) for every kind that has any, in page order."""
        tally: dict[Kind, int] = {}
        for problem in self.problems:
            tally[problem.kind] = tally.get(problem.kind, 0) + 1
        return [(kind, tally[kind]) for kind in KIND_ORDER if kind in tally]

    def of(self, kind: Kind) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]


def _signing_in_companies(session: Session, company_ids: list[int]) -> set[int]:
    """The companies among these with at least one member whose account can sign in."""
    if not company_ids:
        return set()
    return set(session.execute(
        select(Membership.organisation_id).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(company_ids), User.is_active_account.is_(True),
               User.erased_at.is_(None)).distinct()
    ).scalars())


def _booth_problems(session: Session, edition: Edition, booths: list[tuple[Booth, str]],
                    moment: dt.datetime) -> tuple[list[Problem], list[BoothSlots]]:
    booth_ids = [booth.id for booth, _name in booths]
    staffed = _signing_in_companies(session, [booth.company_id for booth, _name in booths])
    published = dict(session.execute(
        select(Offer.booth_id, func.count(Offer.id)).where(Offer.booth_id.in_(booth_ids), Offer.is_published.is_(True))
        .group_by(Offer.booth_id)).all()) if booth_ids else {}
    slots = dict(session.execute(
        select(Slot.booth_id, func.count(Slot.id)).where(Slot.edition_id == edition.id).group_by(Slot.booth_id)).all())
    booked = dict(session.execute(
        select(Slot.booth_id, func.count(Booking.id))
        .join(Booking, and_(Booking.slot_id == Slot.id, Booking.status == BookingStatus.active))
        .where(Slot.edition_id == edition.id).group_by(Slot.booth_id)).all())
    waiting = dict(session.execute(
        select(WaitlistEntry.booth_id, func.count(WaitlistEntry.id))
        .where(WaitlistEntry.booth_id.in_(booth_ids), WaitlistEntry.status == WaitlistStatus.waiting)
        .group_by(WaitlistEntry.booth_id)).all()) if booth_ids else {}
    edition_arg = (("edition_id", edition.id),)
    problems: list[Problem] = []
    table: list[BoothSlots] = []
    tz = fair_zone(edition)
    days_left = (edition.starts_at.astimezone(tz).date() - moment.astimezone(tz).date()).days
    starts_soon = days_left <= NO_BOOKING_WARNING_DAYS
    for booth, name in booths:
        row = BoothSlots(booth.id, name, slots.get(booth.id, 0), booked.get(booth.id, 0), waiting.get(booth.id, 0))
        table.append(row)
        if booth.company_id not in staffed:
            problems.append(Problem(Kind.booth_without_account, name, "fairs.invitations", edition_arg))
        if not row.slots:
            problems.append(Problem(Kind.company_without_slots, name, "jobdating.overview", edition_arg))
        if not published.get(booth.id):
            problems.append(Problem(Kind.company_without_offers, name, "fairs.edition", edition_arg,
                                    anchor="booths-heading"))
        if row.slots and row.left == 0 and row.waiting:
            problems.append(Problem(Kind.booth_full_with_waitlist, name, "jobdating.overview", edition_arg,
                                    detail={"waiting": row.waiting}))
        if row.slots and row.booked == 0 and starts_soon:
            problems.append(Problem(Kind.booth_without_booking, name, "jobdating.overview", edition_arg))
    return problems, table


def _webinar_problems(session: Session, edition: Edition) -> list[Problem]:
    rows = session.execute(
        select(Webinar, Booth.company_id).join(Booth, Booth.id == Webinar.booth_id)
        .where(Webinar.edition_id == edition.id, Webinar.status == WebinarStatus.scheduled)
        .order_by(Webinar.starts_at, Webinar.id)).all()
    staffed = _signing_in_companies(session, [company_id for _w, company_id in rows])
    return [Problem(Kind.webinar_without_host, webinar.title, "webinars.console_edit", (("webinar_id", webinar.id),),
                    detail={"starts_at": webinar.starts_at})
            for webinar, company_id in rows if company_id not in staffed]


def edition_people(edition_id: int):
    """The ids of the people of an edition, as a union of selects (see the module's docstring)."""
    partners = select(EditionPartner.organisation_id).where(EditionPartner.edition_id == edition_id)
    booths = select(Booth.id).where(Booth.edition_id == edition_id)
    return union(
        select(Referral.candidate_id).where(Referral.partner_id.in_(partners),
                                            Referral.status == ReferralStatus.confirmed),
        select(WebinarRegistration.user_id).join(Webinar, Webinar.id == WebinarRegistration.webinar_id)
        .where(Webinar.edition_id == edition_id, Webinar.status == WebinarStatus.scheduled,
               WebinarRegistration.status.in_((RegistrationStatus.confirmed, RegistrationStatus.waitlisted))),
        select(QueueEntry.candidate_id).where(QueueEntry.edition_id == edition_id),
        select(WaitlistEntry.candidate_id).where(WaitlistEntry.booth_id.in_(booths)),
        select(User.id).join(BulkRecipient, func.lower(BulkRecipient.email) == func.lower(User.email))
        .join(BulkInvitation, BulkInvitation.id == BulkRecipient.bulk_id)
        .where(BulkInvitation.edition_id == edition_id),
    )


def _idle_candidates(session: Session, edition: Edition) -> list[Problem]:
    people = edition_people(edition.id).subquery()
    booked = select(Booking.candidate_id).where(Booking.edition_id == edition.id,
                                                Booking.status == BookingStatus.active)
    applied = (select(Application.candidate_id).join(Offer, Offer.id == Application.offer_id)
               .join(Booth, Booth.id == Offer.booth_id)
               .where(Booth.edition_id == edition.id, Application.status != ApplicationStatus.withdrawn))
    staff = select(Membership.user_id)  # organisers, recruiters and advisers are not the edition's candidates
    users = session.execute(
        select(User).where(User.id.in_(select(people.c[0])), User.id.not_in(booked), User.id.not_in(applied),
                           User.id.not_in(staff), User.is_active_account.is_(True), User.erased_at.is_(None))
        .order_by(User.full_name, User.id)).scalars()
    return [Problem(Kind.idle_candidate, user.full_name, "fairs.bulk_invitations", (("edition_id", edition.id),),
                    detail={"email": user.email}) for user in users]


def _waiting_referrals(session: Session, edition: Edition) -> list[Problem]:
    partners = select(EditionPartner.organisation_id).where(EditionPartner.edition_id == edition.id)
    rows = session.execute(
        select(Referral.created_at, Organisation.name, User.full_name)
        .join(Organisation, Organisation.id == Referral.partner_id).join(User, User.id == Referral.adviser_id)
        .where(Referral.partner_id.in_(partners), Referral.status == ReferralStatus.pending)
        .order_by(Organisation.name, Referral.created_at, Referral.id)).all()
    return [Problem(Kind.referral_waiting, partner, "fairs.edition", (("edition_id", edition.id),),
                    anchor="partners-heading", detail={"adviser": adviser, "since": created_at})
            for created_at, partner, adviser in rows]


def edition_health(session: Session, edition: Edition, moment: dt.datetime) -> HealthReport:
    """Every problem of the edition at `moment`, grouped by kind, and its slots per booth."""
    booths = list(session.execute(
        select(Booth, Organisation.name).join(Organisation, Organisation.id == Booth.company_id)
        .where(Booth.edition_id == edition.id).order_by(func.lower(Organisation.name), Booth.id)).all())
    booth_problems, table = _booth_problems(session, edition, booths, moment)
    problems = (booth_problems + _webinar_problems(session, edition) + _idle_candidates(session, edition)
                + _waiting_referrals(session, edition))
    problems.sort(key=lambda p: KIND_ORDER.index(p.kind))  # stable: each kind keeps its own order
    return HealthReport(edition, problems, table)


# ---------------------------------------------------------------- the digest mailed before the fair


def digest_day(edition: Edition, moment: dt.datetime) -> int | None:
    """3 or 1 when `moment` is, in the edition's time zone, on or after DIGEST_HOUR of the day that
    many days before its start date; otherwise None."""
    tz = fair_zone(edition)
    local = moment.astimezone(tz)
    days = (edition.starts_at.astimezone(tz).date() - local.date()).days
    if days in DIGEST_DAYS_BEFORE and local.hour >= DIGEST_HOUR:
        return days
    return None


def editions_due_a_digest(session: Session, moment: dt.datetime) -> list[tuple[Edition, int]]:
    """Published or live editions whose digest day is today (local time), with how many days are left."""
    ahead = session.execute(
        select(Edition).where(Edition.status.in_(CHECKED_STATUSES), Edition.starts_at > moment,
                              Edition.starts_at <= moment + dt.timedelta(days=max(DIGEST_DAYS_BEFORE) + 2))
        .order_by(Edition.id)).scalars()
    return [(edition, days) for edition in ahead if (days := digest_day(edition, moment)) is not None]


def organiser_people(session: Session, edition: Edition) -> list[User]:
    """The members of the lead and co-organisers whose accounts can sign in, by name."""
    organisations = select(EditionOrganiser.organisation_id).where(EditionOrganiser.edition_id == edition.id)
    return list(session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id.in_(organisations) | (Membership.organisation_id == edition.organiser_id),
               User.is_active_account.is_(True), User.erased_at.is_(None))
        .distinct().order_by(User.full_name, User.id)).scalars())


def digest_key(edition: Edition, local_day: dt.date, user_id: int) -> str:
    return f"health-digest:{edition.id}:{local_day.isoformat()}:{user_id}"
