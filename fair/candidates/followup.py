"""A structure's shared file on a person: the timeline, the notes, and handing the person over.

A candidate's consent goes to the structure (the partner organisation), not to one adviser
(fair.candidates.access.structure_referrals): every adviser of the structure reads the same file, and
the person may be handed from one adviser to another without losing anything of it. The timeline is
read from the rows themselves (referrals, applications, bookings, outcomes, notes), so a handover,
which changes only who follows the person, leaves every line where it was and adds one.

Services take a session and never commit; the request owns the transaction.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from fair import audit, clock
from fair.accounts.models import Membership, Organisation, User
from fair.accounts.reach import Message, reach
from fair.candidates.access import structure_referrals
from fair.candidates.labels import referrer_label, status_label
from fair.candidates.models import (
    AdviserNote,
    Application,
    ApplicationChange,
    ApplicationStatus,
    FileEntryKind,
    Referral,
    ReferralStatus,
)
from fair.companies.models import Booth, Offer
from fair.jobdating.models import Attendance, Booking, BookingMove, BookingStatus
from fair.mail.render import mail_url
from fair.outcomes.models import Outcome
from fair.teams.access import team_membership

NOTE_MAX = 5000
# Referrals a handover moves: the person agreed (confirmed) or has yet to answer (pending).
OPEN_STATUSES = (ReferralStatus.confirmed, ReferralStatus.pending)


class HandoverRefused(Exception):
    """The handover is not possible; `message` says why, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Line:
    """One line of the timeline: when, what kind (a CSS hook and a test's handle), what to read."""

    at: dt.datetime
    kind: str
    text: str
    detail: str = ""
    interview_at: dt.datetime | None = None


# ---------------------------------------------------------------- who

def structure_advisers(session: Session, partner_id: int) -> list[User]:
    """The structure's members today, by name: whom a person may be handed to."""
    return list(session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == partner_id, User.erased_at.is_(None))
        .order_by(User.full_name, User.id)
    ).scalars())


def advisers_with_people(session: Session, partner_id: int) -> list[tuple[User, int]]:
    """Each adviser named on the structure's open referrals (members or not: someone who left the team
    still holds people until they are handed over), with how many people."""
    counts: dict[int, int] = {}
    for adviser_id in session.execute(select(Referral.adviser_id).where(
            Referral.partner_id == partner_id, Referral.status.in_(OPEN_STATUSES))).scalars():
        counts[adviser_id] = counts.get(adviser_id, 0) + 1
    users = session.execute(select(User).where(User.id.in_(counts))).scalars() if counts else []
    return sorted(((u, counts[u.id]) for u in users), key=lambda pair: (pair[0].full_name or "", pair[0].id))


def home_referrals(session: Session, adviser_id: int) -> list[Referral]:
    """The adviser's home: the people their structures follow (whoever their adviser is) and the
    adviser's own referrals still waiting for consent or ended, newest first."""
    shared = structure_referrals(adviser_id).with_only_columns(Referral.id)
    return list(session.execute(
        select(Referral).where(or_(Referral.id.in_(shared), Referral.adviser_id == adviser_id))
        .options(joinedload(Referral.candidate), joinedload(Referral.partner), joinedload(Referral.adviser))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    ).scalars())


# ---------------------------------------------------------------- the timeline

def _when(value: dt.datetime | None, fallback: dt.datetime) -> dt.datetime:
    return value if value is not None else fallback


def _referral_lines(referrals: Iterable[Referral], notes: list[AdviserNote]) -> list[Line]:
    """A referral is told as it was made: by the adviser who made it, whoever follows the person now
    (the first handover of the referral names them)."""
    first_holder: dict[int, User | None] = {}
    for note in sorted(notes, key=lambda n: (n.created_at, n.id)):
        if note.kind is FileEntryKind.handover and note.referral_id is not None:
            first_holder.setdefault(note.referral_id, note.handed_from)
    lines = []
    for referral in referrals:
        holder = first_holder[referral.id] if referral.id in first_holder else referral.adviser
        who = holder.full_name if holder is not None else _("a former adviser")
        lines.append(Line(referral.created_at, "referral",
                          _("Referred by %(adviser)s (%(partner)s).", adviser=who, partner=referral.partner.name)))
        if referral.confirmed_at is not None:
            lines.append(Line(referral.confirmed_at, "referral-confirmed",
                              _("The person agreed to be followed by %(partner)s.", partner=referral.partner.name)))
        if referral.revoked_at is not None:
            lines.append(Line(referral.revoked_at, "referral-ended",
                              _("The follow-up by %(partner)s ended.", partner=referral.partner.name)))
    return lines


def _application_lines(session: Session, candidate_id: int) -> list[Line]:
    """Each application, then each change of its status (ApplicationChange); an application changed
    before changes were kept shows its current status only."""
    lines = []
    applications = list(session.execute(
        select(Application).where(Application.candidate_id == candidate_id)
        .options(joinedload(Application.offer).joinedload(Offer.booth).joinedload(Booth.company))
    ).scalars())
    changes: dict[int, list[ApplicationChange]] = {}
    for change in session.execute(select(ApplicationChange).where(
            ApplicationChange.application_id.in_([a.id for a in applications]))).scalars():
        changes.setdefault(change.application_id, []).append(change)
    for application in applications:
        offer = application.offer
        company = offer.booth.company.name
        lines.append(Line(application.created_at, "application",
                          _("Applied to “%(title)s” at %(company)s.", title=offer.title, company=company)))
        steps = [(c.created_at, c.status) for c in changes.get(application.id, [])]
        if not steps and application.status is not ApplicationStatus.submitted:
            steps = [(_when(application.status_changed_at, application.created_at), application.status)]
        for at, status in steps:
            lines.append(Line(at, "application-status",
                              _("Application to “%(title)s” at %(company)s: %(status)s.", title=offer.title,
                                company=company, status=status_label(status))))
    return lines


def _booking_lines(session: Session, candidate_id: int) -> list[Line]:
    lines = []
    bookings = session.execute(
        select(Booking).where(Booking.candidate_id == candidate_id)
        .options(joinedload(Booking.booth).joinedload(Booth.company))
    ).scalars()
    bookings = list(bookings)
    moves: dict[int, list[BookingMove]] = {}
    for move in session.execute(select(BookingMove).where(BookingMove.booking_id.in_([b.id for b in bookings]))
                                .order_by(BookingMove.moved_at, BookingMove.id)).scalars():
        moves.setdefault(move.booking_id, []).append(move)
    for booking in bookings:
        company = booking.booth.company.name
        first_time = moves[booking.id][0].from_starts_at if booking.id in moves else booking.starts_at
        lines.append(Line(booking.created_at, "booking",
                          _("Interview booked with %(company)s.", company=company), interview_at=first_time))
        for move in moves.get(booking.id, []):
            mover = session.get(User, move.moved_by_id) if move.moved_by_id is not None else None
            text = (_("Interview with %(company)s moved by %(name)s.", company=company, name=mover.full_name)
                    if mover is not None else _("Interview with %(company)s moved.", company=company))
            lines.append(Line(move.moved_at, "booking-moved", text, interview_at=move.to_starts_at))
        if booking.status is BookingStatus.cancelled:
            lines.append(Line(_when(booking.cancelled_at, booking.created_at), "booking-cancelled",
                              _("Interview with %(company)s cancelled.", company=company),
                              interview_at=booking.starts_at))
        elif booking.attendance is Attendance.attended:
            lines.append(Line(booking.ends_at, "booking-attended",
                              _("Came to the interview with %(company)s.", company=company)))
        elif booking.attendance is Attendance.no_show:
            lines.append(Line(booking.ends_at, "booking-no-show",
                              _("Did not come to the interview with %(company)s.", company=company)))
    return lines


def _outcome_lines(session: Session, candidate_id: int) -> list[Line]:
    lines = []
    for outcome in session.execute(select(Outcome).where(Outcome.candidate_id == candidate_id)
                                   .options(joinedload(Outcome.company))).scalars():
        employer = outcome.company.name if outcome.company is not None else outcome.employer_name
        lines.append(Line(outcome.created_at, "outcome",
                          _("Outcome recorded: %(job)s at %(employer)s.", job=outcome.job_title or "—",
                            employer=employer or "—")))
    return lines


def _note_lines(notes: Iterable[AdviserNote]) -> list[Line]:
    lines = []
    for note in notes:
        author = note.author.full_name if note.author is not None else _("a former adviser")
        if note.kind is FileEntryKind.handover:
            before = note.handed_from.full_name if note.handed_from is not None else _("a former adviser")
            after = note.handed_to.full_name if note.handed_to is not None else _("a former adviser")
            lines.append(Line(note.created_at, "handover",
                              _("Handed over from %(before)s to %(after)s by %(author)s.", before=before,
                                after=after, author=author)))
        else:
            lines.append(Line(note.created_at, "note", _("Note by %(author)s.", author=author), detail=note.text))
    return lines


def structure_notes(session: Session, candidate_id: int, partner_ids: Iterable[int]) -> list[AdviserNote]:
    return list(session.execute(
        select(AdviserNote).where(AdviserNote.candidate_id == candidate_id,
                                  AdviserNote.partner_id.in_(list(partner_ids)))
        .options(joinedload(AdviserNote.author), joinedload(AdviserNote.handed_from),
                 joinedload(AdviserNote.handed_to))
    ).scalars())


def timeline(session: Session, candidate_id: int, referrals: list[Referral]) -> list[Line]:
    """Everything the structure(s) of `referrals` know of the person, newest first: the referrals,
    applications and their status, bookings (booked, cancelled, attended, no-show), outcomes, notes
    and handovers. Notes of another structure are never read."""
    notes = structure_notes(session, candidate_id, {r.partner_id for r in referrals})
    lines = (_referral_lines(referrals, notes) + _application_lines(session, candidate_id)
             + _booking_lines(session, candidate_id) + _outcome_lines(session, candidate_id)
             + _note_lines(notes))
    return sorted(lines, key=lambda line: line.at, reverse=True)


# ---------------------------------------------------------------- notes

def add_note(session: Session, *, partner_id: int, candidate_id: int, author: User, text: str) -> AdviserNote:
    note = AdviserNote(partner_id=partner_id, candidate_id=candidate_id, author_id=author.id,
                       kind=FileEntryKind.note, text=text.strip()[:NOTE_MAX], created_at=clock.now())
    session.add(note)
    return note


# ---------------------------------------------------------------- handover

def hand_over(session: Session, referral: Referral, to: User, *, actor: User, notify: bool = True) -> AdviserNote:
    """`to`, an adviser of the referral's structure, follows the person from now on. Only the referral's
    adviser changes: consent (given to the structure), applications, bookings, outcomes and notes stay
    as they are. One line on the file, one audit row, and the person is told who follows them now."""
    if referral.status not in OPEN_STATUSES:
        raise HandoverRefused(_("This follow-up has ended: it cannot be handed over."))
    if to.id == referral.adviser_id:
        raise HandoverRefused(_("%(name)s already follows this person.", name=to.full_name))
    if team_membership(referral.partner_id, to.id) is None:
        raise HandoverRefused(_("Choose an adviser of %(partner)s.", partner=referral.partner.name))
    taken = session.execute(select(Referral.id).where(
        Referral.adviser_id == to.id, Referral.candidate_id == referral.candidate_id)).first()
    if taken is not None:
        raise HandoverRefused(_("%(name)s already has a referral of this person: they cannot be handed over "
                                "to them.", name=to.full_name))
    before = referral.adviser_id
    referral.adviser_id = to.id
    referral.adviser = to
    note = AdviserNote(partner_id=referral.partner_id, candidate_id=referral.candidate_id, author_id=actor.id,
                       kind=FileEntryKind.handover, referral_id=referral.id, handed_from_id=before,
                       handed_to_id=to.id, created_at=clock.now())
    session.add(note)
    session.flush()
    audit.record(session, "referral.handover", referral, organisation_id=referral.partner_id, actor=actor,
                 label=f"referral {referral.id}", details={"from": before, "to": to.id})
    if notify and referral.status is ReferralStatus.confirmed:
        _tell_person(session, referral, to, note)
    return note


def _tell_person(session: Session, referral: Referral, to: User, note: AdviserNote) -> None:
    person = referral.candidate
    context = {"name": person.full_name, "adviser": to.full_name, "partner": referral.partner.name,
               "link": mail_url("candidates.referrals")}
    reach(session, person, key=f"referral-handover:{note.id}", mail=Message("referral_handover", context),
          sms=Message("referral_handover", {"adviser": to.full_name, "partner": referral.partner.name}))


def hand_over_all(session: Session, partner: Organisation, from_id: int, to: User, *, actor: User) -> tuple[int, int]:
    """Every open referral of the structure held by `from_id` goes to `to` (someone leaving the team).
    Answers (handed over, left because `to` already has a referral of the person)."""
    if from_id == to.id:
        raise HandoverRefused(_("Choose two different advisers."))
    if team_membership(partner.id, to.id) is None:
        raise HandoverRefused(_("Choose an adviser of %(partner)s.", partner=partner.name))
    referrals = list(session.execute(
        select(Referral).where(Referral.partner_id == partner.id, Referral.adviser_id == from_id,
                               Referral.status.in_(OPEN_STATUSES))
        .options(joinedload(Referral.candidate), joinedload(Referral.partner)).order_by(Referral.id)
    ).scalars())
    if not referrals:
        raise HandoverRefused(_("This adviser follows nobody for %(partner)s.", partner=partner.name))
    moved = left = 0
    for referral in referrals:
        try:
            hand_over(session, referral, to, actor=actor)
        except HandoverRefused:
            left += 1
        else:
            moved += 1
    return moved, left


# ---------------------------------------------------------------- what companies see

def referrers_of(session: Session, candidate_ids: Iterable[int]) -> dict[int, str]:
    """Who refers each person, as companies may read it: the structures following them (confirmed
    referrals), each by `referrer_label` ("a partner" for a sensitive one), joined by ", "."""
    wanted = {i for i in candidate_ids if i is not None}
    if not wanted:
        return {}
    names: dict[int, list[str]] = {}
    rows = session.execute(
        select(Referral.candidate_id, Organisation).join(Organisation, Organisation.id == Referral.partner_id)
        .where(Referral.candidate_id.in_(wanted), Referral.status == ReferralStatus.confirmed)
        .order_by(Organisation.name, Organisation.id)
    ).all()
    for candidate_id, partner in rows:
        label = referrer_label(partner)
        if label not in names.setdefault(candidate_id, []):
            names[candidate_id].append(label)
    return {candidate_id: ", ".join(labels) for candidate_id, labels in names.items()}
