"""Webinar rules: scheduling, registration with a waitlist, joining, attendance and live questions.

Services take plain arguments and never commit: the request or the socket handler owns the
transaction, so a refusal leaves nothing behind.

Capacity. `register`, `cancel_registration` and `update_webinar` first call `lock_webinar`: on SQLite
it opens the transaction with BEGIN IMMEDIATE (one writer at a time, as the job-dating bookings do),
on PostgreSQL it takes the webinar's row with SELECT … FOR UPDATE. Only then are the confirmed seats
counted, so two people can never take the last seat together; whoever comes next is waitlisted.

Calendar. A confirmed seat is a calendar entry (`fair.calendar.agenda.schedule_entry`, kind
"webinar"): the invitation with its .ics and the reminders, pointing at our own join page (which
checks the seat, records attendance and forwards to the provider). A cancelled seat withdraws it
(`cancel_entry`), and the first person of the waitlist is promoted and invited in the same transaction.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fair import clock
from fair.accounts.models import Membership, User
from fair.accounts.services import require_confirmed
from fair.calendar.agenda import cancel_entry, move_entry, schedule_entry
from fair.calendar.models import CalendarEntry, EntryStatus
from fair.companies.models import Booth
from fair.fairs.models import Edition, EditionStatus
from fair.fairs.rules import editions_run_by
from fair.webinars import providers
from fair.webinars.models import (
    Provider,
    RegistrationStatus,
    Webinar,
    WebinarQuestion,
    WebinarRegistration,
    WebinarStatus,
    WebinarVote,
)

log = logging.getLogger("fair.webinars")

KIND = "webinar"  # calendar entries
JOIN_OPENS_MINUTES = 15  # candidates may join this long before the start
QUESTION_MAX_CHARS = 500
REGISTRABLE_STATUSES = (EditionStatus.published, EditionStatus.live)
ACTIVE = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)


class WebinarError(Exception):
    """A refusal the person is told about in words (kept lazy: worded in the reader's language)."""

    code = "refused"

    def __init__(self, message, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class WebinarData:
    """What an organiser or a company enters; `starts_at` already converted from the fair's zone to UTC."""

    title: str
    speaker: str
    description: str
    starts_at: dt.datetime
    duration_minutes: int
    capacity: int
    language: str
    provider: Provider
    room: str = ""
    external_url: str = ""


# ---------------------------------------------------------------- locking and reading


def lock_webinar(session: Session, webinar_id: int) -> Webinar | None:
    """Serialise the seat changes of one webinar until commit, and read it afresh."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return session.execute(select(Webinar).where(Webinar.id == webinar_id)
                               .execution_options(populate_existing=True)).scalar_one_or_none()
    return session.execute(select(Webinar).where(Webinar.id == webinar_id).with_for_update()
                           .execution_options(populate_existing=True)).scalar_one_or_none()


def confirmed_count(session: Session, webinar_id: int) -> int:
    return session.execute(select(func.count(WebinarRegistration.id)).where(
        WebinarRegistration.webinar_id == webinar_id,
        WebinarRegistration.status == RegistrationStatus.confirmed)).scalar_one()


def seat_counts(session: Session, webinar_ids: list[int]) -> dict[int, dict[str, int]]:
    """{webinar id: {"confirmed": n, "waitlisted": n, "attended": n}} in one query."""
    counts = {wid: {"confirmed": 0, "waitlisted": 0, "attended": 0} for wid in webinar_ids}
    if not webinar_ids:
        return counts
    rows = session.execute(
        select(WebinarRegistration.webinar_id, WebinarRegistration.status, func.count(WebinarRegistration.id),
               func.count(WebinarRegistration.joined_at))
        .where(WebinarRegistration.webinar_id.in_(webinar_ids), WebinarRegistration.status.in_(ACTIVE))
        .group_by(WebinarRegistration.webinar_id, WebinarRegistration.status))
    for webinar_id, status, number, joined in rows:
        counts[webinar_id][status.value] = number
        counts[webinar_id]["attended"] += joined
    return counts


def registration_of(session: Session, webinar_id: int, user_id: int) -> WebinarRegistration | None:
    return session.execute(select(WebinarRegistration).where(
        WebinarRegistration.webinar_id == webinar_id, WebinarRegistration.user_id == user_id)).scalar_one_or_none()


def waitlist_position(session: Session, registration: WebinarRegistration) -> int | None:
    """1 for the next person to get a seat; None unless waitlisted."""
    if registration.status != RegistrationStatus.waitlisted:
        return None
    ahead = session.execute(select(func.count(WebinarRegistration.id)).where(
        WebinarRegistration.webinar_id == registration.webinar_id,
        WebinarRegistration.status == RegistrationStatus.waitlisted,
        or_(WebinarRegistration.queued_at < registration.queued_at,
            and_(WebinarRegistration.queued_at == registration.queued_at,
                 WebinarRegistration.id < registration.id)))).scalar_one()
    return ahead + 1


def edition_webinars(session: Session, edition_id: int, *, include_cancelled: bool = True) -> list[Webinar]:
    query = select(Webinar).where(Webinar.edition_id == edition_id)
    if not include_cancelled:
        query = query.where(Webinar.status == WebinarStatus.scheduled)
    return list(session.execute(query.order_by(Webinar.starts_at, Webinar.id)).scalars())


def booth_webinars(session: Session, booth_id: int) -> list[Webinar]:
    return list(session.execute(select(Webinar).where(Webinar.booth_id == booth_id)
                                .order_by(Webinar.starts_at, Webinar.id)).scalars())


def registrations(session: Session, webinar_id: int) -> list[WebinarRegistration]:
    """Confirmed first, then the waitlist in its order, then cancellations."""
    order = {RegistrationStatus.confirmed: 0, RegistrationStatus.waitlisted: 1, RegistrationStatus.cancelled: 2}
    rows = list(session.execute(select(WebinarRegistration).where(WebinarRegistration.webinar_id == webinar_id)
                                .order_by(WebinarRegistration.queued_at, WebinarRegistration.id)).scalars())
    return sorted(rows, key=lambda r: order[r.status])


def is_host(session: Session, webinar: Webinar, user_id: int) -> bool:
    """The edition's organisers, and the members of the company whose booth runs it."""
    if is_organiser(session, webinar, user_id):
        return True
    return webinar.booth_id is not None and session.execute(select(Membership.id).where(
        Membership.user_id == user_id, Membership.organisation_id == webinar.booth.company_id)).first() is not None


def is_organiser(session: Session, webinar: Webinar, user_id: int) -> bool:
    return session.execute(editions_run_by(user_id).where(Edition.id == webinar.edition_id)).first() is not None


# ---------------------------------------------------------------- scheduling


def create_webinar(session: Session, *, edition: Edition, booth: Booth | None, created_by_id: int,
                   data: WebinarData) -> Webinar:
    _check_data(data, edition)
    webinar = Webinar(edition_id=edition.id, booth_id=booth.id if booth else None, created_by_id=created_by_id,
                      status=WebinarStatus.scheduled)
    _apply(webinar, data)
    session.add(webinar)
    session.flush()
    if data.provider != Provider.external and not webinar.room:
        webinar.room = default_room(webinar)
    session.flush()
    return webinar


def update_webinar(session: Session, webinar: Webinar, data: WebinarData) -> list[WebinarRegistration]:
    """Change a webinar; confirmed people get the new time in their calendar, and a larger capacity
    promotes the waitlist. Returns the people promoted."""
    webinar = lock_webinar(session, webinar.id)
    if webinar.status != WebinarStatus.scheduled:
        raise WebinarError(_l("This webinar has been cancelled: it can no longer be changed."))
    _check_data(data, webinar.edition, existing=webinar)
    confirmed = confirmed_count(session, webinar.id)
    if data.capacity < confirmed:
        raise WebinarError(_l("%(num)d people already have a seat: the capacity cannot be lower.", num=confirmed),
                           code="capacity")
    moved = (data.starts_at, data.duration_minutes) != (webinar.starts_at, webinar.duration_minutes)
    _apply(webinar, data)
    if data.provider != Provider.external and not webinar.room:
        webinar.room = default_room(webinar)
    session.flush()
    if moved:
        for entry in _active_entries(session, webinar.id):
            move_entry(session, entry, starts_at=webinar.starts_at, ends_at=webinar.ends_at)
    return promote_waitlist(session, webinar)


def cancel_webinar(session: Session, webinar: Webinar) -> int:
    """Cancel it for everyone: each confirmed person gets the calendar cancellation. Returns how many."""
    webinar = lock_webinar(session, webinar.id)
    if webinar.status == WebinarStatus.cancelled:
        return 0
    webinar.status = WebinarStatus.cancelled
    entries = _active_entries(session, webinar.id)
    for entry in entries:
        cancel_entry(session, entry)
    session.flush()
    return len(entries)


def copy_webinars(session: Session, old_edition: Edition, new_edition: Edition,
                  shift: Callable[[dt.datetime], dt.datetime]) -> list[Webinar]:
    """The organiser's own scheduled webinars of an edition, run again in its copy at `shift`ed times.

    A step of `fair.fairs.copy.copy_edition`. Registrations, questions and votes are people's and
    stay with the old webinars; companies' webinars come back with their companies; a Jitsi or
    BigBlueButton webinar gets a room of its own.
    """
    copies = []
    for webinar in session.execute(
        select(Webinar).where(Webinar.edition_id == old_edition.id, Webinar.booth_id.is_(None),
                              Webinar.status == WebinarStatus.scheduled)
        .order_by(Webinar.starts_at, Webinar.id)
    ).scalars():
        copy = Webinar(edition_id=new_edition.id, booth_id=None, title=webinar.title, speaker=webinar.speaker,
                       description=webinar.description, starts_at=shift(webinar.starts_at),
                       duration_minutes=webinar.duration_minutes, capacity=webinar.capacity,
                       language=webinar.language, provider=webinar.provider, external_url=webinar.external_url,
                       room=webinar.room if webinar.provider == Provider.external else "",
                       status=WebinarStatus.scheduled, created_by_id=webinar.created_by_id)
        session.add(copy)
        session.flush()
        if copy.provider != Provider.external:
            copy.room = default_room(copy)
        copies.append(copy)
    session.flush()
    return copies


def default_room(webinar: Webinar) -> str:
    """A room name nobody guesses: the webinar id plus a random part."""
    return f"fair-webinar-{webinar.id}-{secrets.token_hex(6)}"


def _apply(webinar: Webinar, data: WebinarData) -> None:
    webinar.title, webinar.speaker, webinar.description = data.title, data.speaker, data.description or ""
    webinar.starts_at, webinar.duration_minutes, webinar.capacity = data.starts_at, data.duration_minutes, data.capacity
    webinar.language, webinar.provider = data.language, data.provider
    webinar.room = data.room or (webinar.room if data.provider != Provider.external else "")
    webinar.external_url = data.external_url if data.provider == Provider.external else ""


def _check_data(data: WebinarData, edition: Edition, existing: Webinar | None = None) -> None:
    if data.starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    if existing is None or existing.starts_at != data.starts_at:
        if data.starts_at <= clock.now():
            raise WebinarError(_l("Choose a start time in the future."), code="past")
    if data.provider == Provider.bbb and not (current_app.config.get("BBB_URL")
                                              and current_app.config.get("BBB_SECRET")):
        raise WebinarError(_l("BigBlueButton is not set up on this platform: choose another provider."),
                           code="provider")


def _active_entries(session: Session, webinar_id: int) -> list:
    return list(session.execute(select(CalendarEntry).where(
        CalendarEntry.kind == KIND, CalendarEntry.ref_id == webinar_id,
        CalendarEntry.status == EntryStatus.active)).scalars())


# ---------------------------------------------------------------- registration


def register(session: Session, webinar_id: int, user: User) -> WebinarRegistration:
    """A seat while there is one, else the waitlist. Registering twice returns the same registration."""
    webinar = lock_webinar(session, webinar_id)
    if webinar is None:
        raise WebinarError(_l("This webinar does not exist."), code="not_found")
    _check_open(webinar)
    require_confirmed(user)
    registration = registration_of(session, webinar.id, user.id)
    if registration is not None and registration.status in ACTIVE:
        return registration
    now = clock.now()
    seat = confirmed_count(session, webinar.id) < webinar.capacity
    if registration is None:
        registration = WebinarRegistration(webinar_id=webinar.id, user_id=user.id)
        session.add(registration)
    registration.status = RegistrationStatus.confirmed if seat else RegistrationStatus.waitlisted
    registration.queued_at, registration.cancelled_at = now, None
    registration.confirmed_at = now if seat else None
    session.flush()
    if seat:
        _schedule(session, webinar, user, promoted=False)
    log.info("webinar %s: user %s %s", webinar.id, user.id, registration.status.value)
    return registration


def cancel_registration(session: Session, registration: WebinarRegistration) -> list[WebinarRegistration]:
    """Give the seat (or the waitlist place) back; a freed seat goes to the first of the waitlist."""
    webinar = lock_webinar(session, registration.webinar_id)
    session.refresh(registration)
    if registration.status == RegistrationStatus.cancelled:
        return []
    had_seat = registration.status == RegistrationStatus.confirmed
    registration.status, registration.cancelled_at = RegistrationStatus.cancelled, clock.now()
    session.flush()
    for entry in _active_entries(session, webinar.id):
        if entry.user_id == registration.user_id:
            cancel_entry(session, entry)
    if not had_seat or webinar.status != WebinarStatus.scheduled:
        return []
    return promote_waitlist(session, webinar)


def promote_waitlist(session: Session, webinar: Webinar) -> list[WebinarRegistration]:
    """Fill free seats from the waitlist, in order; each promoted person is invited (mail with .ics)."""
    promoted = []
    free = webinar.capacity - confirmed_count(session, webinar.id)
    if free <= 0 or webinar.status != WebinarStatus.scheduled or webinar.ends_at <= clock.now():
        return promoted
    waiting = session.execute(select(WebinarRegistration).where(
        WebinarRegistration.webinar_id == webinar.id, WebinarRegistration.status == RegistrationStatus.waitlisted)
        .order_by(WebinarRegistration.queued_at, WebinarRegistration.id).limit(free)).scalars().all()
    for registration in waiting:
        registration.status, registration.confirmed_at = RegistrationStatus.confirmed, clock.now()
        session.flush()
        _schedule(session, webinar, registration.user, promoted=True)
        promoted.append(registration)
        log.info("webinar %s: user %s promoted from the waitlist", webinar.id, registration.user_id)
    return promoted


def _check_open(webinar: Webinar) -> None:
    if webinar.status != WebinarStatus.scheduled:
        raise WebinarError(_l("This webinar has been cancelled."), code="cancelled")
    if webinar.edition.status not in REGISTRABLE_STATUSES:
        raise WebinarError(_l("Registration for this fair is not open."), code="closed")
    if webinar.ends_at <= clock.now():
        raise WebinarError(_l("This webinar is over."), code="over")


def join_path(webinar_id: int) -> str:
    return f"/webinars/{webinar_id}/join"


def _schedule(session: Session, webinar: Webinar, user: User, *, promoted: bool) -> None:
    """The invitation in the person's own language, pointing at our join page."""
    with force_locale(user.locale or "fr"):
        summary = gettext("Webinar: %(title)s", title=webinar.title)[:300]
        lines = [gettext("%(host)s, with %(speaker)s.", host=webinar.host_name, speaker=webinar.speaker)]
        if promoted:
            lines.insert(0, gettext("A seat has freed up: your place is confirmed."))
        lines.insert(0, webinar.edition.title)
        location = gettext("Online")
    base = current_app.config["BASE_URL"].rstrip("/")
    schedule_entry(session, user_id=user.id, edition_id=webinar.edition_id, kind=KIND, ref_id=webinar.id,
                   starts_at=webinar.starts_at, ends_at=webinar.ends_at, summary=summary,
                   description="\n".join(lines), location=location, join_url=base + join_path(webinar.id))


# ---------------------------------------------------------------- joining


def join_window(webinar: Webinar) -> tuple[dt.datetime, dt.datetime]:
    return webinar.starts_at - dt.timedelta(minutes=JOIN_OPENS_MINUTES), webinar.ends_at


def join(session: Session, webinar: Webinar, user: User, *, host: bool) -> str:
    """The provider address for this person; a candidate's first join is their attendance.

    Hosts may always go in (to prepare the room). Candidates need a confirmed seat and come from
    JOIN_OPENS_MINUTES before the start until the end.
    """
    registration = None
    if not host:
        registration = registration_of(session, webinar.id, user.id)
        if registration is None or registration.status != RegistrationStatus.confirmed:
            raise WebinarError(_l("You need a confirmed seat to join this webinar."), code="no_seat")
        if webinar.status != WebinarStatus.scheduled:
            raise WebinarError(_l("This webinar has been cancelled."), code="cancelled")
        opens, closes = join_window(webinar)
        now = clock.now()
        if now < opens:
            raise WebinarError(_l("The webinar opens %(num)d minutes before it starts.", num=JOIN_OPENS_MINUTES),
                               code="not_open")
        if now > closes:
            raise WebinarError(_l("This webinar is over."), code="over")
    url = provider_url(webinar, providers.Viewer(user_id=user.id, name=user.full_name, email=user.email, host=host))
    if registration is not None and registration.joined_at is None:
        registration.joined_at = clock.now()
        session.flush()
    return url


def provider_url(webinar: Webinar, viewer: providers.Viewer) -> str:
    config = current_app.config
    if webinar.provider == Provider.external:
        return webinar.external_url
    if webinar.provider == Provider.jitsi:
        return providers.jitsi_join_url(base_url=config["JITSI_BASE_URL"], room=webinar.room, viewer=viewer,
                                        expires_at=webinar.ends_at + dt.timedelta(hours=1),
                                        app_id=config.get("JITSI_APP_ID", ""),
                                        app_secret=config.get("JITSI_APP_SECRET", ""))
    base, secret = config.get("BBB_URL", ""), config.get("BBB_SECRET", "")
    algorithm = config.get("BBB_CHECKSUM", "sha1")
    if not (base and secret):
        raise providers.ProviderError("BigBlueButton is not configured")
    providers.bbb_create(providers.bbb_create_url(base_url=base, secret=secret, algorithm=algorithm,
                                                  meeting_id=webinar.room, name=webinar.title))
    return providers.bbb_join_url(base_url=base, secret=secret, algorithm=algorithm, meeting_id=webinar.room,
                                  viewer=viewer)


# ---------------------------------------------------------------- live questions


def can_follow(session: Session, webinar: Webinar, user_id: int) -> bool:
    """Registered people (seat or waitlist), hosts and organisers follow the Q&A."""
    registration = registration_of(session, webinar.id, user_id)
    if registration is not None and registration.status in ACTIVE:
        return True
    return is_host(session, webinar, user_id)


def clean_question(text: object) -> str:
    """Plain text only, on one line or a few; control characters dropped."""
    if not isinstance(text, str):
        raise WebinarError(_l("Write your question."), code="invalid")
    cleaned = "".join(ch for ch in text if ch in "\n" or ch >= " ").strip()
    if not cleaned:
        raise WebinarError(_l("Write your question."), code="invalid")
    if len(cleaned) > QUESTION_MAX_CHARS:
        raise WebinarError(_l("At most %(max)d characters.", max=QUESTION_MAX_CHARS), code="too_long")
    return cleaned


def ask(session: Session, webinar: Webinar, user_id: int, text: object) -> WebinarQuestion:
    if webinar.status != WebinarStatus.scheduled:
        raise WebinarError(_l("This webinar has been cancelled."), code="cancelled")
    question = WebinarQuestion(webinar_id=webinar.id, author_id=user_id, text=clean_question(text))
    session.add(question)
    session.flush()
    return question


def vote(session: Session, question: WebinarQuestion, user_id: int, up: bool = True) -> int:
    """One vote per person and question (the unique constraint decides under concurrency): voting
    again changes nothing, `up=False` takes the vote back. Returns the question's votes."""
    if up:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(WebinarVote).values(question_id=question.id, user_id=user_id, created_at=clock.now())
                        .on_conflict_do_nothing(index_elements=["question_id", "user_id"]))
    else:
        session.execute(delete(WebinarVote).where(WebinarVote.question_id == question.id,
                                                  WebinarVote.user_id == user_id))
    return votes_of(session, question.id)


def votes_of(session: Session, question_id: int) -> int:
    return session.execute(
        select(func.count(WebinarVote.id)).where(WebinarVote.question_id == question_id)).scalar_one()


def questions(session: Session, webinar_id: int, user_id: int | None = None) -> list[dict]:
    """Visible questions, most voted first (then oldest first), as the panel shows them."""
    votes = (select(WebinarVote.question_id, func.count(WebinarVote.id).label("n"))
             .group_by(WebinarVote.question_id).subquery())
    rows = session.execute(
        select(WebinarQuestion, func.coalesce(votes.c.n, 0))
        .outerjoin(votes, votes.c.question_id == WebinarQuestion.id)
        .where(WebinarQuestion.webinar_id == webinar_id, WebinarQuestion.hidden.is_(False))
        .order_by(func.coalesce(votes.c.n, 0).desc(), WebinarQuestion.created_at, WebinarQuestion.id)).all()
    mine = set()
    if user_id is not None and rows:
        mine = set(session.execute(select(WebinarVote.question_id).where(
            WebinarVote.user_id == user_id, WebinarVote.question_id.in_([q.id for q, _n in rows]))).scalars())
    return [question_json(q, n, voted=q.id in mine) for q, n in rows]


def question_json(question: WebinarQuestion, votes: int, voted: bool = False) -> dict:
    return {"id": question.id, "text": question.text, "votes": votes, "answered": question.answered,
            "voted": voted, "asked_at": question.created_at.isoformat()}
