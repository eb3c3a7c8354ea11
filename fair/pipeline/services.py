"""A company's pipeline: ratings, next steps and shared notes, and the list of everyone it met.

What a company's recruiters think of a person is the company's own: it is read only for members of
that company (the views look the company up with `fair.companies.access.member_company`, so anyone
else gets 404) and never put into a socket payload. One `PipelineEntry` per company and person is held by a unique
constraint; `record` upserts it so that two colleagues saving at the same moment both land in it.

In an anonymised edition a recruiter sees a number, not a name, until an interview is booked. The
pipeline follows it: a person the company met only anonymously is listed under the label its
recruiters saw (the application's number in the inbox, the queue number at the desk), and the notes
written about them stay attached to that label. A page that hides a person (an anonymised
application, the desk of an anonymised fair) shows the company's notes on them only if the company
never met them by name, since a note written by name elsewhere would tell who they are.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, cast, exists, func, literal, null, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from fair.access import as_id, organisations_of
from fair.accounts.models import Organisation, OrganisationKind, User
from fair.candidates.models import Application, ApplicationStatus
from fair.companies.models import Booth, Offer
from fair.db import UTCDateTime, begin_sqlite_write, utcnow
from fair.fairs.models import Edition
from fair.forms import FieldErrors
from fair.jobdating.models import Booking, BookingStatus
from fair.live.models import QueueEntry
from fair.pipeline.models import NextStep, PipelineEntry, PipelineNote

log = logging.getLogger("fair.pipeline")

SOURCES = ("desk", "interview", "inbox", "pipeline")
RATINGS = (1, 2, 3, 4, 5)
NOTE_MAX = 2000
EXPORT_CHUNK = 500  # people read at once by the CSV export
NEXT_STEP_LABELS = {
    NextStep.interview: _l("Interview"),
    NextStep.second_interview: _l("Second interview"),
    NextStep.training: _l("Training"),
    NextStep.keep_in_pool: _l("Keep in the pool"),
    NextStep.not_a_fit: _l("Not a fit"),
}
TODO = "none"  # the next-step filter of the people who have none yet


def next_step_label(value: NextStep | str | None) -> str:
    return str(NEXT_STEP_LABELS[NextStep(value)]) if value else ""


# ---------------------------------------------------------------- who may read it


def member_companies(session: Session, user_id: int) -> list[Organisation]:
    return list(session.execute(select(Organisation).where(
        Organisation.id.in_(organisations_of(user_id, OrganisationKind.company))).order_by(Organisation.name)
    ).scalars())


# ---------------------------------------------------------------- recording


def clean_rating(value: Any) -> int | None:
    """A rating from a form or a caller: None for "no change", 1 to 5, anything else refused."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or number not in RATINGS or str(value).strip() != str(number):
        raise FieldErrors({"rating": [_("Choose a rating from 1 to 5.")]})
    return number


def clean_next_step(value: Any) -> NextStep | None:
    if value is None or value == "":
        return None
    try:
        return NextStep(value)
    except ValueError:
        raise FieldErrors({"next_step": [_("Choose a next step from the list.")]}) from None


def record(session: Session, *, company_id: int, candidate_id: int, author_id: int, source: str,
           edition_id: int | None = None, rating: Any = None, next_step: Any = None,
           note: str = "") -> PipelineEntry | None:
    """Write what a recruiter gave: the rating and next step replace the company's (a field left
    empty changes nothing, so two colleagues saving different fields at once both keep theirs), and a
    note is added with its author and source. Nothing given and no entry yet: nothing is written (None).

    Bad input raises FieldErrors before anything is written. The pair (company, person) is unique in
    the database: when a colleague inserts it at the same moment, the insert of this one fails inside
    a savepoint and the entry the colleague created is used (on SQLite the process's one writer lock
    orders the two first)."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    rating, next_step = clean_rating(rating), clean_next_step(next_step)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise FieldErrors({"note": [_("At most %(max)d characters.", max=NOTE_MAX)]})
    begin_sqlite_write(session)
    entry = entry_of(session, company_id, candidate_id)
    if entry is None:
        if rating is None and next_step is None and not note:
            return None
        entry = _insert_entry(session, company_id, candidate_id, edition_id, author_id)
    if rating is not None:
        entry.rating = rating
    if next_step is not None:
        entry.next_step = next_step
    if edition_id is not None:
        entry.edition_id = edition_id
    entry.updated_by_id = author_id
    entry.updated_at = utcnow()
    if note:
        session.add(PipelineNote(entry_id=entry.id, author_id=author_id, source=source, body=note))
    session.flush()
    session.expire(entry, ["notes"])
    return entry


def _insert_entry(session: Session, company_id: int, candidate_id: int, edition_id: int | None,
                  author_id: int) -> PipelineEntry:
    try:
        with session.begin_nested():
            entry = PipelineEntry(company_id=company_id, candidate_id=candidate_id, edition_id=edition_id,
                                  updated_by_id=author_id)
            session.add(entry)
            session.flush()
            return entry
    except IntegrityError:
        log.info("pipeline entry of company %s and person %s created by a colleague meanwhile", company_id,
                 candidate_id)
        found = entry_of(session, company_id, candidate_id)
        if found is None:
            raise
        return found


def entry_of(session: Session, company_id: int, candidate_id: int) -> PipelineEntry | None:
    return session.execute(select(PipelineEntry).where(
        PipelineEntry.company_id == company_id, PipelineEntry.candidate_id == candidate_id)
        .execution_options(populate_existing=True)).scalar_one_or_none()


def notes_of(session: Session, entry: PipelineEntry) -> list[PipelineNote]:
    return list(session.execute(select(PipelineNote).where(PipelineNote.entry_id == entry.id)
                                .options(joinedload(PipelineNote.author))
                                .order_by(PipelineNote.created_at.desc(), PipelineNote.id.desc())).scalars())


# ---------------------------------------------------------------- known by name, or by a label


def _named_contacts(company_id: int) -> list[Select]:
    """Each way a company learns a person's name: an application in a fair that is not anonymised or
    once an interview is booked, any interview booked at its booths, a queue call in a named fair."""
    return [
        select(Application.candidate_id).join(Offer, Offer.id == Application.offer_id)
        .join(Booth, Booth.id == Offer.booth_id).join(Edition, Edition.id == Booth.edition_id)
        .where(Booth.company_id == company_id,
               or_(Edition.anonymised_applications.is_(False), Application.interview_booked_at.is_not(None))),
        select(Booking.candidate_id).join(Booth, Booth.id == Booking.booth_id).where(Booth.company_id == company_id),
        select(QueueEntry.candidate_id).join(Booth, Booth.id == QueueEntry.booth_id)
        .join(Edition, Edition.id == QueueEntry.edition_id)
        .where(Booth.company_id == company_id, Edition.anonymised_applications.is_(False)),
    ]


def named_people(session: Session, company_id: int, candidate_ids: set[int]) -> set[int]:
    """Of these people, those the company's recruiters have seen by name."""
    if not candidate_ids:
        return set()
    found: set[int] = set()
    for statement in _named_contacts(company_id):
        found.update(session.execute(statement.where(statement.selected_columns[0].in_(candidate_ids))).scalars())
    return found


def known_by_name(session: Session, company_id: int, candidate_id: int) -> bool:
    return bool(named_people(session, company_id, {candidate_id}))


def anonymous_labels(session: Session, company_id: int, candidate_ids: set[int]) -> dict[int, str]:
    """The label the company's recruiters saw for each person met anonymously: the number of their
    first application (as the inbox shows it), else of their first queue call (as the desk shows it).
    The two are numbered apart, so the label says which of the two it is."""
    labels: dict[int, str] = {}
    if not candidate_ids:
        return labels
    for candidate_id, application_id in session.execute(
            select(Application.candidate_id, func.min(Application.id)).join(Offer, Offer.id == Application.offer_id)
            .join(Booth, Booth.id == Offer.booth_id)
            .where(Booth.company_id == company_id, Application.candidate_id.in_(candidate_ids))
            .group_by(Application.candidate_id)):
        labels[candidate_id] = _("Candidate no. %(code)s (applications)", code=f"{application_id:05d}")
    for candidate_id, entry_id in session.execute(
            select(QueueEntry.candidate_id, func.min(QueueEntry.id)).join(Booth, Booth.id == QueueEntry.booth_id)
            .where(Booth.company_id == company_id, QueueEntry.candidate_id.in_(candidate_ids))
            .group_by(QueueEntry.candidate_id)):
        labels.setdefault(candidate_id, _("Candidate no. %(code)s (live desk)", code=f"{entry_id:05d}"))
    for candidate_id in candidate_ids - set(labels):
        labels[candidate_id] = _("Candidate no. %(code)s", code=f"P{candidate_id:05d}")
    return labels


# ---------------------------------------------------------------- the panel shown where a person is met


@dataclass
class Panel:
    """What the form partial shows for one person on a page: the company's entry and notes (None
    when the page hides who the person is and the company knows them by name), and where to post."""

    key: str
    entry: PipelineEntry | None
    notes: list[PipelineNote] = field(default_factory=list)
    show_current: bool = True  # the pipeline page shows the rating and next step beside the name already


def panel(session: Session, *, company_id: int, candidate_id: int, key: str, hidden: bool = False) -> Panel:
    entry = entry_of(session, company_id, candidate_id)
    if entry is None or (hidden and known_by_name(session, company_id, candidate_id)):
        return Panel(key=key, entry=None)
    return Panel(key=key, entry=entry, notes=notes_of(session, entry))


# ---------------------------------------------------------------- the company's pipeline


@dataclass
class PipelineFilters:
    edition_id: int | None = None
    next_step: str | None = None  # a NextStep value, or TODO
    min_rating: int | None = None

    def query(self) -> dict[str, str]:
        wanted = {"edition": self.edition_id, "step": self.next_step, "rating": self.min_rating}
        return {name: str(value) for name, value in wanted.items() if value}


@dataclass
class PipelineRow:
    candidate_id: int
    name: str
    named: bool
    last_contact: dt.datetime
    edition: Edition | None
    entry: PipelineEntry | None
    status: ApplicationStatus | None = None
    booking: Booking | None = None
    notes: list[PipelineNote] = field(default_factory=list)

    @property
    def rating(self) -> int | None:
        return self.entry.rating if self.entry else None

    @property
    def next_step(self) -> NextStep | None:
        return self.entry.next_step if self.entry else None


def company_editions(session: Session, company_id: int) -> list[Edition]:
    return list(session.execute(select(Edition).join(Booth, Booth.edition_id == Edition.id)
                                .where(Booth.company_id == company_id).order_by(Edition.starts_at.desc())
                                ).scalars().unique())


def _contacts(company_id: int):
    """Every meeting of the company with a person: (candidate, edition, when)."""
    applications = (select(Application.candidate_id.label("candidate_id"), Booth.edition_id.label("edition_id"),
                           Application.created_at.label("at"))
                    .join(Offer, Offer.id == Application.offer_id).join(Booth, Booth.id == Offer.booth_id)
                    .where(Booth.company_id == company_id))
    bookings = (select(Booking.candidate_id, Booking.edition_id, Booking.starts_at)
                .join(Booth, Booth.id == Booking.booth_id).where(Booth.company_id == company_id))
    calls = (select(QueueEntry.candidate_id, QueueEntry.edition_id,
                    func.coalesce(QueueEntry.ended_at, QueueEntry.started_at))
             .join(Booth, Booth.id == QueueEntry.booth_id)
             .where(Booth.company_id == company_id, QueueEntry.started_at.is_not(None)))
    # An entry puts its person in the list without being a meeting: its time counts only when
    # nothing else dates them (see `_people`).
    entries = (select(PipelineEntry.candidate_id, PipelineEntry.edition_id, cast(null(), UTCDateTime()))
               .where(PipelineEntry.company_id == company_id))
    return union_all(applications, bookings, calls, entries).subquery("contacts")


def _people(company_id: int, filters: PipelineFilters):
    contacts = _contacts(company_id)
    people = select(contacts.c.candidate_id, func.max(contacts.c.at).label("last_contact")).group_by(
        contacts.c.candidate_id)
    if filters.edition_id is not None:
        people = people.where(contacts.c.edition_id == filters.edition_id)
    people = people.subquery("people")
    last_contact = func.coalesce(people.c.last_contact, PipelineEntry.created_at).label("last_contact")
    statement = (select(people.c.candidate_id, last_contact)
                 .outerjoin(PipelineEntry, and_(PipelineEntry.company_id == company_id,
                                                PipelineEntry.candidate_id == people.c.candidate_id)))
    if filters.next_step == TODO:
        statement = statement.where(PipelineEntry.next_step.is_(None))
    elif filters.next_step:
        statement = statement.where(PipelineEntry.next_step == NextStep(filters.next_step))
    if filters.min_rating:
        statement = statement.where(PipelineEntry.rating >= filters.min_rating)
    return statement


def _ordered_people(company_id: int, filters: PipelineFilters):
    statement = _people(company_id, filters)
    return statement.order_by(statement.selected_columns.last_contact.desc(),
                              statement.selected_columns.candidate_id.desc())


def pipeline(session: Session, company_id: int, filters: PipelineFilters, page: int = 1,
             per_page: int = 50) -> tuple[list[PipelineRow], int]:
    """One page of the people of the filtered view, the most recently met first, and their number."""
    total = session.execute(select(func.count()).select_from(_people(company_id, filters).subquery())).scalar_one()
    found = session.execute(_ordered_people(company_id, filters).limit(per_page).offset((page - 1) * per_page)).all()
    return _rows(session, company_id, [(c, at) for c, at in found], filters), total


def pipeline_in_chunks(session: Session, company_id: int, filters: PipelineFilters,
                       size: int = EXPORT_CHUNK) -> Iterator[list[PipelineRow]]:
    """Everyone of the filtered view (the export), in the pipeline's order, `size` people at a time:
    the export's memory is that of one chunk, however many people the company met."""
    found = [(c, at) for c, at in session.execute(_ordered_people(company_id, filters))]
    for start in range(0, len(found), size):
        yield _rows(session, company_id, found[start:start + size], filters)


def _rows(session: Session, company_id: int, found: list[tuple[int, dt.datetime]],
          filters: PipelineFilters) -> list[PipelineRow]:
    ids = {candidate_id for candidate_id, _at in found}
    if not ids:
        return []
    users = {u.id: u for u in session.execute(select(User).where(User.id.in_(ids))).scalars()}
    entries = {e.candidate_id: e for e in session.execute(
        select(PipelineEntry).where(PipelineEntry.company_id == company_id, PipelineEntry.candidate_id.in_(ids))
        .options(selectinload(PipelineEntry.notes).joinedload(PipelineNote.author))).scalars()}
    named = named_people(session, company_id, ids)
    labels = anonymous_labels(session, company_id, ids - named)
    editions = {e.id: e for e in session.execute(select(Edition).join(Booth, Booth.edition_id == Edition.id)
                                                 .where(Booth.company_id == company_id)).scalars().unique()}
    contacts = _contacts(company_id)
    last_edition: dict[int, int] = {}
    wanted = select(contacts.c.candidate_id, contacts.c.edition_id).where(contacts.c.candidate_id.in_(ids))
    if filters.edition_id is not None:
        wanted = wanted.where(contacts.c.edition_id == filters.edition_id)
    for candidate_id, edition_id in session.execute(wanted.order_by(contacts.c.at.nulls_first())):
        if edition_id is not None:
            last_edition[candidate_id] = edition_id
    statuses: dict[int, ApplicationStatus] = {}
    for application in session.execute(
            select(Application).join(Offer, Offer.id == Application.offer_id).join(Booth, Booth.id == Offer.booth_id)
            .where(Booth.company_id == company_id, Application.candidate_id.in_(ids))
            .order_by(Application.status_changed_at, Application.id)).scalars():
        statuses[application.candidate_id] = application.status
    bookings: dict[int, Booking] = {}
    for booking in session.execute(
            select(Booking).join(Booth, Booth.id == Booking.booth_id)
            .where(Booth.company_id == company_id, Booking.candidate_id.in_(ids),
                   Booking.status == BookingStatus.active).order_by(Booking.starts_at)).scalars():
        bookings[booking.candidate_id] = booking
    rows = []
    for candidate_id, at in found:
        entry = entries.get(candidate_id)
        is_named = candidate_id in named
        rows.append(PipelineRow(
            candidate_id=candidate_id, named=is_named,
            name=users[candidate_id].full_name if is_named else labels[candidate_id],
            last_contact=at, edition=editions.get(last_edition.get(candidate_id)), entry=entry,
            status=statuses.get(candidate_id), booking=bookings.get(candidate_id),
            notes=sorted(entry.notes, key=lambda n: (n.created_at, n.id), reverse=True) if entry else []))
    return rows


def todo_count(session: Session, company_id: int) -> int:
    statement = _people(company_id, PipelineFilters(next_step=TODO))
    return session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()


def has_met(session: Session, company_id: int, candidate_id: int) -> bool:
    """Whether the person is in the company's pipeline (a person it never met cannot be noted)."""
    contacts = _contacts(company_id)
    return bool(session.execute(select(literal(1)).where(
        exists(select(contacts.c.candidate_id).where(contacts.c.candidate_id == candidate_id)))).scalar())


def met_at_desk(session: Session, booth_id: int, limit: int = 10) -> list[QueueEntry]:
    """The walk-in calls of the booth that have ended, the latest first: the desk offers to note them."""
    return list(session.execute(
        select(QueueEntry).where(QueueEntry.booth_id == booth_id, QueueEntry.started_at.is_not(None),
                                 QueueEntry.ended_at.is_not(None))
        .options(joinedload(QueueEntry.candidate))
        .order_by(QueueEntry.ended_at.desc(), QueueEntry.id.desc()).limit(limit)).scalars())


def desk_call(session: Session, booth_id: int, entry_id: Any) -> QueueEntry | None:
    """A call of this booth that really took place (the person accepted their turn)."""
    wanted = as_id(entry_id)
    if wanted is None:
        return None
    return session.execute(select(QueueEntry).where(
        QueueEntry.id == wanted, QueueEntry.booth_id == booth_id, QueueEntry.started_at.is_not(None))
    ).scalar_one_or_none()
