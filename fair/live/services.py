"""Walk-in queue rules, the live states pages and sockets show, announcements and the dashboard.

Services take plain arguments and never commit: the socket handler, the request or the job owns the
transaction, and broadcasts what changed once it is committed (`fair.live.events`).

Concurrency. Every change of a booth's queue or presence starts with `lock_booth`: on PostgreSQL it
locks the booth's row (FOR NO KEY UPDATE, so rows that merely point at the booth are not blocked);
on SQLite it opens the transaction with BEGIN IMMEDIATE (one writer at a time) behind the process's
writer lock (`fair.db.begin_sqlite_write`), and nothing but the database runs until the commit:
Redis is read before and written after. Under that lock the
next ticket is read and written, and "call next" picks the first person waiting: two web processes
can never give the same place or call the same person twice. The database holds both rules even so
(unique ticket per booth; one open entry per candidate and booth).

Turns expire lazily: every change and every read treats a called entry past its `turn_expires_at`
as skipped (changes write it down), and an RQ job scheduled for that moment does the same and tells
the people concerned, in case nobody touches the booth meanwhile.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, event, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, joinedload

from fair.accounts.models import User
from fair.accounts.services import require_confirmed
from fair.companies.access import recruiter_booth
from fair.companies.models import Booth
from fair.db import begin_sqlite_write
from fair.fairs.models import Edition, EditionStatus
from fair.jobs import after_commit
from fair.live import chat, jobs, presence
from fair.live.models import OPEN_STATUSES, Announcement, LiveBooth, QueueEntry, QueueStatus
from fair.video.models import CallRoom, CallSource
from fair.video.rooms import open_room, room_path

log = logging.getLogger("fair.live")

FOLLOWABLE = (EditionStatus.published, EditionStatus.live)
ANNOUNCEMENTS_SHOWN = 5
ANNOUNCEMENT_MAX = 1000


class QueueRefused(Exception):
    """A refusal the person is told about in words, with a stable code for pages and tests."""

    def __init__(self, message: Any, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


# ---------------------------------------------------------------- lookups


def followable_edition(session: Session, edition_id: Any) -> Edition | None:
    edition = session.get(Edition, _int(edition_id))
    return edition if edition is not None and edition.status in FOLLOWABLE else None


@cache
def _booth_with_edition_query():
    """Built once, with the edition's columns a queue or chat event reads (the others, JSON among
    them, load if touched)."""
    return select(Booth).options(joinedload(Booth.edition).load_only(
        Edition.id, Edition.organiser_id, Edition.title, Edition.timezone, Edition.starts_at, Edition.ends_at,
        Edition.status, Edition.anonymised_applications)).where(Booth.id == bindparam("booth_id"))


def followable_booth(session: Session, booth_id: Any) -> Booth | None:
    # with its edition in the same query: every queue and chat event of a booth page starts here
    booth = session.execute(_booth_with_edition_query(), {"booth_id": _int(booth_id)}).scalars().first()
    return booth if booth is not None and booth.edition.status in FOLLOWABLE else None


def _int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0


# ---------------------------------------------------------------- locking and settings


def lock_booth(session: Session, booth_id: int, recruiters: int | None = None) -> LiveBooth:
    """Serialise the changes of one booth's queue (on SQLite: of every writer) until commit.

    Nothing but the database may run while it is held, since on SQLite every writer of the process
    waits for it: Redis (the available recruiters) is read after the commit, with the followers
    (`fair.live.events.booth_changed`); a change of availability reads it before and gives the count
    (`recruiters`). The first lock of a transaction reads the booth's open entries once
    (`Locked.read`): the rules of a change and the broadcasts after the commit work from them.
    """
    before = session.info.setdefault(BEFORE_KEY, {})
    first = booth_id not in before
    live = _lock_live(session, booth_id)
    if first:
        read = open_entries(session, booth_id)
        before[booth_id] = Locked(positions=_positions(read), live_before=_copy(live), recruiters_before=recruiters,
                                  read=read)
    before[booth_id].held = live
    return live


def _lock_live(session: Session, booth_id: int) -> LiveBooth:
    """The booth's live row, locked (PostgreSQL: FOR NO KEY UPDATE, read in the same statement;
    its first change makes it under the booth row's lock)."""
    if begin_sqlite_write(session):
        live = session.get(LiveBooth, booth_id, populate_existing=True)
    else:
        live = _live_for_update(session, booth_id)
        if live is None:
            session.connection().execute(select(Booth.id).where(Booth.id == booth_id).with_for_update(key_share=True))
            live = _live_for_update(session, booth_id)  # made meanwhile by the holder of that lock?
    if live is None:
        live = LiveBooth(booth_id=booth_id, queue_open=True, seq=0, last_ticket=0)
        session.add(live)
        session.flush()
    return live


def _live_for_update(session: Session, booth_id: int) -> LiveBooth | None:
    return session.execute(select(LiveBooth).where(LiveBooth.booth_id == booth_id)
                           .with_for_update(key_share=True)
                           .execution_options(populate_existing=True)).scalars().first()


BEFORE_KEY = "fair_live_before"
COMMITTED_KEY = "fair_live_committed"


class OpenEntry(NamedTuple):
    """An open entry of a booth's queue as the database has it (see `open_entries`)."""

    id: int
    candidate_id: int
    status: QueueStatus
    ticket: int
    joined_at: dt.datetime
    turn_expires_at: dt.datetime | None
    started_at: dt.datetime | None
    room_path: str | None
    called_by_id: int | None
    full_name: str


@dataclass
class Locked:
    """What a transaction that locked a booth knows of it, so the broadcasts after the commit need
    no second reading: the positions before the change and the live row they were shown with (with
    `recruiters_before`, or, when None, the count read after the commit: the waits people were
    shown), the available recruiters after the change when it changed them, the open entries (`read`
    under the lock, kept up to date by the changes that know what they did; None after a change that
    leaves it to the database), and, filled in just before the commit, a copy of the booth's live
    row and its open entries as the commit leaves them. `held` is the booth's live row in the session,
    kept here since the session holds its rows weakly: read again before the commit otherwise."""

    positions: dict[int, int]
    live_before: LiveBooth | None
    held: LiveBooth | None = None
    recruiters_before: int | None = None
    recruiters: int | None = None
    read: list[OpenEntry] | None = None
    live: LiveBooth | None = None
    entries: list[OpenEntry] | None = None

    def shown(self, recruiters_now: int) -> dict[int, tuple[int, int]]:
        """candidate id → (position, minutes) each person waiting was shown before the change."""
        recruiters = recruiters_now if self.recruiters_before is None else self.recruiters_before
        return {candidate_id: (position, estimated_wait(position, recruiters, self.live_before))
                for candidate_id, position in self.positions.items()}


def _locked(session: Session, booth_id: int) -> Locked:
    return session.info[BEFORE_KEY][booth_id]


def _read(session: Session, booth_id: int) -> list[OpenEntry]:
    """The booth's open entries now, first ticket first (call under `lock_booth`)."""
    locked = _locked(session, booth_id)
    if locked.read is None:
        session.flush()
        locked.read = open_entries(session, booth_id)
    return locked.read


def _entries_changed(session: Session, booth_id: int) -> None:
    """A change the open entries read under the lock do not show: read them again when needed."""
    _locked(session, booth_id).read = None


def _positions(read: list[OpenEntry]) -> dict[int, int]:
    """candidate id → position of each person waiting, to tell only those the change moves."""
    waiting = [entry.candidate_id for entry in read if entry.status == QueueStatus.waiting]
    return {candidate_id: position for position, candidate_id in enumerate(waiting, start=1)}


def _copy(live: LiveBooth | None) -> LiveBooth | None:
    """A copy of the live row that no flush, commit or expiry changes."""
    return LiveBooth(**{attr.key: getattr(live, attr.key) for attr in _LIVE_COLUMNS}) if live is not None else None


def changes_since_lock(session: Session, booth_id: int) -> Locked | None:
    """What this committed transaction knew of the booth it locked (then forgotten); None if it did not."""
    return session.info.get(COMMITTED_KEY, {}).pop(booth_id, None)


def _snapshot_locked_booths(session: Session) -> None:
    """Before the commit, under the lock: each locked booth's live row (a copy, which the commit does
    not expire) and open entries as the commit leaves them."""
    for booth_id, locked in session.info.get(BEFORE_KEY, {}).items():
        locked.live = _copy(locked.held)
        locked.entries = _read(session, booth_id)


_LIVE_COLUMNS = sa_inspect(LiveBooth).column_attrs


def _live(session: Session, booth_id: int) -> LiveBooth | None:
    return session.get(LiveBooth, booth_id)


def queue_max(live: LiveBooth | None) -> int:
    if live is not None and live.queue_max:
        return live.queue_max
    return current_app.config["LIVE_QUEUE_MAX"]


def is_open(booth: Booth, live: LiveBooth | None) -> bool:
    """People may join: the fair is live and the booth has not closed its queue."""
    return booth.edition.status == EditionStatus.live and (live is None or live.queue_open)


def _average_call_minutes(live: LiveBooth | None) -> float:
    if live is not None and live.average_call_seconds:
        return live.average_call_seconds / 60
    return float(current_app.config["LIVE_AVERAGE_CALL_MINUTES"])


def estimated_wait(people_ahead_and_me: int, recruiters: int, live: LiveBooth | None) -> int:
    """Minutes: people × average call length ÷ available recruiters (at least one), rounded up."""
    if people_ahead_and_me <= 0:
        return 0
    return math.ceil(people_ahead_and_me * _average_call_minutes(live) / max(1, recruiters))


# ---------------------------------------------------------------- expiry


def expire_turns(session: Session, booth_id: int, now: dt.datetime) -> list[QueueEntry]:
    """Write down the turns that lapsed (call under `lock_booth`); answers the entries skipped."""
    read = _read(session, booth_id)
    ids = [entry.id for entry in read if _lapsed(entry, now)]
    if not ids:
        return []
    lapsed = list(session.execute(select(QueueEntry).where(QueueEntry.id.in_(ids))).scalars())
    for entry in lapsed:
        entry.status, entry.ended_at = QueueStatus.skipped, now
        log.info("queue entry %s skipped: turn not accepted in time", entry.id)
    session.flush()
    _locked(session, booth_id).read = [entry for entry in read if entry.id not in ids]
    return lapsed


def expire_turn(session: Session, entry_id: int, now: dt.datetime) -> QueueEntry | None:
    """The job's side: skip this entry if its turn is still unanswered and over. None: nothing to do."""
    entry = session.get(QueueEntry, entry_id)
    if entry is None or entry.status != QueueStatus.called or entry.turn_expires_at > now:
        return None
    live = lock_booth(session, entry.booth_id)
    session.refresh(entry)
    if entry.status != QueueStatus.called or entry.turn_expires_at > now:
        return None
    entry.status, entry.ended_at = QueueStatus.skipped, now
    live.seq += 1
    session.flush()
    _entries_changed(session, entry.booth_id)
    return entry


def _lapsed(entry: QueueEntry | OpenEntry, now: dt.datetime) -> bool:
    return entry.status == QueueStatus.called and entry.turn_expires_at is not None and entry.turn_expires_at <= now


# ---------------------------------------------------------------- the candidate's side


def open_entry(session: Session, booth_id: int, candidate_id: int) -> QueueEntry | None:
    return session.execute(select(QueueEntry).where(
        QueueEntry.booth_id == booth_id, QueueEntry.candidate_id == candidate_id,
        QueueEntry.status.in_(OPEN_STATUSES))).scalars().first()


def join(session: Session, booth: Booth, candidate: User, now: dt.datetime) -> QueueEntry:
    if not candidate.is_candidate:
        raise QueueRefused(_l("Only candidates can join a queue."), "not_candidate")
    require_confirmed(candidate)
    live = lock_booth(session, booth.id)
    expire_turns(session, booth.id, now)
    if not is_open(booth, live):
        raise QueueRefused(_l("This booth's queue is closed right now."), "closed")
    read = _read(session, booth.id)
    if any(row.candidate_id == candidate.id for row in read):
        raise QueueRefused(_l("You are already in this booth's queue."), "already")
    if sum(1 for row in read if row.status in (QueueStatus.waiting, QueueStatus.called)) >= queue_max(live):
        raise QueueRefused(_l("This booth's queue is full. Please try again in a few minutes."), "full")
    live.last_ticket += 1
    live.seq += 1
    entry = QueueEntry(booth_id=booth.id, edition_id=booth.edition_id, candidate_id=candidate.id,
                       ticket=live.last_ticket, status=QueueStatus.waiting, joined_at=now)
    session.add(entry)
    session.flush()
    read.append(OpenEntry(entry.id, candidate.id, QueueStatus.waiting, entry.ticket, now, None, None, None, None,
                          candidate.full_name))
    return entry


def leave(session: Session, booth_id: int, candidate_id: int, now: dt.datetime) -> None:
    live = lock_booth(session, booth_id)
    expire_turns(session, booth_id, now)
    read = _read(session, booth_id)
    entry = next((row for row in read if row.candidate_id == candidate_id), None)
    if entry is None or entry.status == QueueStatus.in_call:
        raise QueueRefused(_l("You are not waiting in this booth's queue."), "not_in_queue")
    session.execute(update(QueueEntry).where(QueueEntry.id == entry.id)
                    .values(status=QueueStatus.left, ended_at=now))
    live.seq += 1
    session.flush()
    read.remove(entry)


def accept(session: Session, booth_id: int, candidate_id: int, now: dt.datetime) -> QueueEntry:
    """The called candidate takes their turn: a 1:1 call room opens for them and the recruiter."""
    live = lock_booth(session, booth_id)
    entry = open_entry(session, booth_id, candidate_id)
    if entry is None or entry.status != QueueStatus.called:
        expire_turns(session, booth_id, now)
        raise QueueRefused(_l("It is not your turn at this booth."), "not_called")
    if _lapsed(entry, now):
        expire_turns(session, booth_id, now)
        live.seq += 1
        raise QueueRefused(_l("Your turn has passed. You can join the queue again."), "expired")
    closes = now + dt.timedelta(minutes=current_app.config["LIVE_CALL_MINUTES"])
    room = open_room(session, source=CallSource.queue, booth_id=booth_id, recruiter_id=entry.called_by_id,
                     candidate_id=candidate_id, opens_at=now, closes_at=closes)
    entry.status, entry.started_at = QueueStatus.in_call, now
    entry.room_id, entry.room_path = room.id, room_path(room)
    live.seq += 1
    session.flush()
    _entries_changed(session, booth_id)
    return entry


# ---------------------------------------------------------------- the recruiter's side


def call_next(session: Session, booth: Booth, recruiter_id: int,
              now: dt.datetime) -> tuple[QueueEntry | None, list[QueueEntry]]:
    """Give the turn to the first person waiting; answers them (None: nobody waits) and the turns that
    lapsed meanwhile (written down even when nobody waits, so the caller commits either way)."""
    live = lock_booth(session, booth.id)
    skipped = expire_turns(session, booth.id, now)
    entry = session.execute(select(QueueEntry).where(
        QueueEntry.booth_id == booth.id, QueueEntry.status == QueueStatus.waiting)
        .order_by(QueueEntry.ticket).limit(1)).scalars().first()
    if entry is None:
        if skipped:
            live.seq += 1
            session.flush()
        return None, skipped
    # Compare-and-set on top of the lock: the row changes only if it is still waiting.
    changed = session.execute(
        update(QueueEntry).where(QueueEntry.id == entry.id, QueueEntry.status == QueueStatus.waiting)
        .values(status=QueueStatus.called, called_at=now, called_by_id=recruiter_id,
                turn_expires_at=now + dt.timedelta(seconds=current_app.config["LIVE_TURN_SECONDS"]))
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise QueueRefused(_l("Someone else called this person. Please try again."), "conflict")
    session.refresh(entry)
    live.seq += 1
    session.flush()
    _entries_changed(session, booth.id)
    _schedule_turn_expiry(session, entry)
    jobs.text_turn.after_commit(session, entry.id)
    return entry, skipped


def finish(session: Session, entry: QueueEntry, now: dt.datetime) -> QueueEntry:
    """"Done": the call (or the turn offered) ends; the booth's average call length learns from it."""
    live = lock_booth(session, entry.booth_id)
    session.refresh(entry)
    if entry.status not in (QueueStatus.called, QueueStatus.in_call):
        raise QueueRefused(_l("This call has already ended."), "ended")
    entry.status, entry.ended_at = QueueStatus.done, now
    if entry.room_id:
        room = session.get(CallRoom, entry.room_id)
        if room is not None and room.ended_at is None:
            room.ended_at = now
    live.seq += 1
    session.flush()
    lengths = session.execute(select(QueueEntry.started_at, QueueEntry.ended_at).where(
        QueueEntry.booth_id == entry.booth_id, QueueEntry.status == QueueStatus.done,
        QueueEntry.started_at.is_not(None)).order_by(QueueEntry.ended_at.desc()).limit(20)).all()
    seconds = [(end - start).total_seconds() for start, end in lengths if end and start and end > start]
    if seconds:
        live.average_call_seconds = max(60, int(sum(seconds) / len(seconds)))
    session.flush()
    _entries_changed(session, entry.booth_id)
    return entry


def entry_for_staff(session: Session, entry_id: Any, user_id: int) -> QueueEntry | None:
    entry = session.get(QueueEntry, _int(entry_id))
    if entry is None or recruiter_booth(entry.booth_id, user_id) is None:
        return None
    return entry


def set_available(session: Session, booth: Booth, user_id: int, sid: str, available: bool,
                  now: dt.datetime) -> bool:
    """Mark this recruiter's socket available (or not) at the booth. Answers whether the count changed.

    Redis is read before the booth's lock and written once the transaction is committed (see
    `lock_booth`); the count after is worked out from what was read.
    """
    sockets = presence.available_sockets(booth.id)
    before = len(set(sockets.values()))
    if available:
        sockets[sid] = user_id
    else:
        sockets.pop(sid, None)
    after = len(set(sockets.values()))
    live = lock_booth(session, booth.id, recruiters=before)
    _staffing_changed(live, after, now)
    live.seq += 1
    session.flush()
    booth_id = booth.id
    after_commit(session, lambda: presence.set_available(booth_id, user_id, sid, available))
    _locked(session, booth.id).recruiters = after
    return before != after


def _staffing_changed(live: LiveBooth, recruiters: int, now: dt.datetime) -> None:
    if recruiters > 0:
        live.unstaffed_since = None
    elif live.unstaffed_since is None:
        live.unstaffed_since = now


def set_queue_open(session: Session, booth: Booth, is_open_now: bool) -> LiveBooth:
    live = lock_booth(session, booth.id)
    live.queue_open = bool(is_open_now)
    live.seq += 1
    session.flush()
    return live


# ---------------------------------------------------------------- announcements


def announce(session: Session, edition: Edition, booth_id: Any, author_id: int, text: Any,
             now: dt.datetime) -> Announcement:
    words = (text if isinstance(text, str) else "").strip()
    if not words:
        raise QueueRefused(_l("Write the announcement first."), "empty")
    if len(words) > ANNOUNCEMENT_MAX:
        raise QueueRefused(_l("An announcement may have %(max)d characters at most.", max=ANNOUNCEMENT_MAX),
                           "too_long")
    booth = None
    if booth_id not in (None, "", 0):
        booth = session.get(Booth, _int(booth_id))
        if booth is None or booth.edition_id != edition.id:
            raise QueueRefused(_l("This booth is not part of this fair."), "not_found")
    item = Announcement(edition_id=edition.id, booth_id=booth.id if booth else None, author_id=author_id,
                        text=words, created_at=now)
    session.add(item)
    session.flush()
    return item


def announcement_data(item: Announcement) -> dict[str, Any]:
    return {"id": item.id, "text": item.text, "booth": item.booth_id, "at": _iso(item.created_at)}


def announcements(session: Session, edition_id: int, booth_id: int | None = None) -> list[dict[str, Any]]:
    """The latest announcements, newest first: the whole fair's, and this booth's when one is named."""
    where = Announcement.booth_id.is_(None)
    if booth_id is not None:
        where = where | (Announcement.booth_id == booth_id)
    rows = session.execute(select(Announcement).where(Announcement.edition_id == edition_id, where)
                           .order_by(Announcement.created_at.desc(), Announcement.id.desc())
                           .limit(ANNOUNCEMENTS_SHOWN)).scalars()
    return [announcement_data(item) for item in rows]


# ---------------------------------------------------------------- states


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z") if moment else None


@dataclass
class _Counts:
    waiting: int = 0
    calls: int = 0


def _counts(session: Session, booth_ids: list[int], now: dt.datetime) -> dict[int, _Counts]:
    counts = {booth_id: _Counts() for booth_id in booth_ids}
    if not booth_ids:
        return counts
    rows = session.execute(select(QueueEntry.booth_id, QueueEntry.status, QueueEntry.turn_expires_at).where(
        QueueEntry.booth_id.in_(booth_ids),
        QueueEntry.status.in_((QueueStatus.waiting, QueueStatus.in_call, QueueStatus.called)))).all()
    for booth_id, status, _expires in rows:
        if status == QueueStatus.waiting:
            counts[booth_id].waiting += 1
        elif status == QueueStatus.in_call:
            counts[booth_id].calls += 1
    return counts


def _presence_rows(session: Session, booths: list[Booth], now: dt.datetime) -> list[dict[str, Any]]:
    ids = [b.id for b in booths]
    lives = {live.booth_id: live for live in session.execute(
        select(LiveBooth).where(LiveBooth.booth_id.in_(ids))).scalars()} if ids else {}
    counts = _counts(session, ids, now)
    recruiters = presence.available_counts(ids)
    return [_presence_row(booth, lives.get(booth.id), counts[booth.id].waiting, counts[booth.id].calls,
                          recruiters[booth.id]) for booth in booths]


def _presence_row(booth: Booth, live: LiveBooth | None, waiting: int, calls: int, recruiters: int) -> dict[str, Any]:
    return {"booth": booth.id, "recruiters": recruiters, "waiting": waiting,
            "wait_min": estimated_wait(waiting, recruiters, live), "open": is_open(booth, live),
            "seq": live.seq if live else 0, "calls": calls}


def booth_presence(session: Session, booth: Booth, now: dt.datetime) -> dict[str, Any]:
    return _presence_rows(session, [booth], now)[0]


@cache
def _open_entries_query():
    """Built once, with a bound parameter."""
    return select(
        QueueEntry.id, QueueEntry.candidate_id, QueueEntry.status, QueueEntry.ticket, QueueEntry.joined_at,
        QueueEntry.turn_expires_at, QueueEntry.started_at, QueueEntry.room_path, QueueEntry.called_by_id,
        User.full_name).join(User, User.id == QueueEntry.candidate_id).where(
        QueueEntry.booth_id == bindparam("booth_id"), QueueEntry.status.in_(OPEN_STATUSES)).order_by(QueueEntry.ticket)


def open_entries(session: Session, booth_id: int) -> list[OpenEntry]:
    """The booth's open entries, first ticket first, with each candidate's name: one query (rows, not
    objects, so they are as the database has them whatever the session holds; on the session's
    connection, past the ORM, since every queue change reads them)."""
    return [OpenEntry(*row) for row in session.connection().execute(_open_entries_query(), {"booth_id": booth_id})]


def presence_from(booth: Booth, live: LiveBooth | None, entries: list[Any], recruiters: int) -> dict[str, Any]:
    """The booth's presence row from values already known (see `open_entries`)."""
    waiting = sum(1 for row in entries if row.status == QueueStatus.waiting)
    calls = sum(1 for row in entries if row.status == QueueStatus.in_call)
    return _presence_row(booth, live, waiting, calls, recruiters)


def me(session: Session, booth_id: int, user_id: int | None, now: dt.datetime,
       recruiters: int | None = None) -> dict[str, Any]:
    """This person's place at the booth: position and wait, their turn, or their call's room."""
    if user_id is None:
        return _me_from([], None, now, 0, None)
    if recruiters is None:
        recruiters = presence.available_count(booth_id)
    return _me_from(open_entries(session, booth_id), user_id, now, recruiters, _live(session, booth_id))


def _me_from(entries: list[Any], user_id: int | None, now: dt.datetime, recruiters: int,
             live: LiveBooth | None) -> dict[str, Any]:
    empty = {"position": None, "wait_min": None, "status": None, "turn_expires_at": None, "room": None}
    waiting = [entry for entry in entries if entry.status == QueueStatus.waiting]
    entry = next((entry for entry in entries if entry.candidate_id == user_id), None)
    if entry is None or _lapsed(entry, now):
        return empty
    answer = dict(empty, status=entry.status.value)
    if entry.status == QueueStatus.waiting:
        position = waiting.index(entry) + 1
        answer.update(position=position, wait_min=estimated_wait(position, recruiters, live))
    elif entry.status == QueueStatus.called:
        answer["turn_expires_at"] = _iso(entry.turn_expires_at)
    else:
        answer["room"] = entry.room_path
    return answer


def booth_state(session: Session, booth: Booth, user_id: int | None, now: dt.datetime) -> dict[str, Any]:
    """The booth page's state: its presence, this person's place, chat and announcements (the open
    entries read once for the first two)."""
    live = _live(session, booth.id)
    entries = open_entries(session, booth.id)
    recruiters = presence.available_count(booth.id)
    state = presence_from(booth, live, entries, recruiters)
    state["me"] = _me_from(entries, user_id, now, recruiters, live)
    state["chat"] = chat.history(session, booth.id, user_id)
    state["announcements"] = announcements(session, booth.edition_id, booth.id)
    return state


def edition_booths(session: Session, edition: Edition) -> list[Booth]:
    return list(session.execute(select(Booth).where(Booth.edition_id == edition.id).order_by(Booth.id)).scalars())


def edition_state(session: Session, edition: Edition, now: dt.datetime) -> dict[str, Any]:
    return {"edition": edition.id, "booths": _presence_rows(session, edition_booths(session, edition), now),
            "announcements": announcements(session, edition.id)}


def candidate_label(entry: QueueEntry, anonymised: bool) -> str:
    """Anonymised fairs show recruiters a number, never a name, as the applications inbox does."""
    return _label(entry.id, entry.candidate.full_name if not anonymised else "", anonymised)


def _label(entry_id: int, full_name: str, anonymised: bool) -> str:
    if anonymised:
        return _("Candidate no. %(code)s", code=f"{entry_id:05d}")
    return full_name


def staff_state(session: Session, booth: Booth, user_id: int | None, now: dt.datetime,
                sid: str | None = None, *, entries: list[Any] | None = None, live: LiveBooth | None = None,
                recruiters: int | None = None) -> dict[str, Any]:
    """The recruiters' view of the queue. `entries`/`live`/`recruiters`, when the caller knows them
    already (a change just committed), spare reading them again."""
    anonymised = bool(booth.edition.anonymised_applications)
    if entries is None:
        entries = open_entries(session, booth.id)
    queue, calls, position = [], [], 0
    for entry in entries:
        if _lapsed(entry, now):
            continue
        if entry.status == QueueStatus.in_call:
            calls.append({"entry": entry.id, "label": _label(entry.id, entry.full_name, anonymised),
                          "room": entry.room_path, "started_at": _iso(entry.started_at),
                          "recruiter": entry.called_by_id})
            continue
        if entry.status == QueueStatus.waiting:
            position += 1
        queue.append({"entry": entry.id, "label": _label(entry.id, entry.full_name, anonymised),
                      "position": position if entry.status == QueueStatus.waiting else 0,
                      "status": entry.status.value, "joined_at": _iso(entry.joined_at),
                      "turn_expires_at": _iso(entry.turn_expires_at)})
    if live is None:
        live = _live(session, booth.id)
    if recruiters is None:
        recruiters = presence.available_count(booth.id)
    waiting = sum(1 for item in queue if item["status"] == QueueStatus.waiting.value)
    state = {"booth": booth.id, "recruiters": recruiters, "queue": queue, "calls": calls,
             "waiting": waiting, "wait_min": estimated_wait(waiting, recruiters, live),
             "open": is_open(booth, live), "seq": live.seq if live else 0}
    if user_id is not None:
        state["available"] = presence.is_available(booth.id, user_id)
    return state


def dashboard_row(booth: Booth, presence_row: dict[str, Any], live: LiveBooth | None,
                  now: dt.datetime) -> dict[str, Any]:
    idle_minutes = None
    if presence_row["recruiters"] == 0:
        since = (live.unstaffed_since if live and live.unstaffed_since else booth.edition.starts_at)
        idle_minutes = max(0, int((now - since).total_seconds() // 60)) if since and since < now else 0
    limit = current_app.config["LIVE_IDLE_BOOTH_MINUTES"]
    return {**presence_row, "company": booth.company.name, "idle_minutes": idle_minutes,
            "idle": idle_minutes is not None and idle_minutes > limit}


def dashboard_state(session: Session, edition: Edition, now: dt.datetime) -> dict[str, Any]:
    booths = edition_booths(session, edition)
    rows = _presence_rows(session, booths, now)
    lives = {live.booth_id: live for live in session.execute(
        select(LiveBooth).where(LiveBooth.booth_id.in_([b.id for b in booths]))).scalars()} if booths else {}
    lines = [dashboard_row(booth, row, lives.get(booth.id), now) for booth, row in zip(booths, rows, strict=True)]
    return {"edition": edition.id, "connected": presence.connected_count(edition.id),
            "waiting": sum(r["waiting"] for r in lines), "calls": sum(r["calls"] for r in lines),
            "idle_booths": sum(1 for r in lines if r["idle"]), "booths": lines,
            "idle_limit": current_app.config["LIVE_IDLE_BOOTH_MINUTES"],
            "announcements": announcements(session, edition.id)}


# ---------------------------------------------------------------- the expiry job


def _schedule_turn_expiry(session: Session, entry: QueueEntry) -> None:
    """A job a second after the end of the turn (so it never finds it still running) skips a called
    person who did not answer; the turn also lapses when the booth is next read or changed."""
    at = entry.turn_expires_at
    jobs.expire_turn.after_commit(session, entry.id, at=at + dt.timedelta(seconds=1),
                                  job_id=f"live-turn-{entry.id}-{int(at.timestamp())}")


# ---------------------------------------------------------------- what a transaction knew of its booths

def _remember_committed(session: Session) -> None:
    """After every commit: what it knew of the booths it locked, for the broadcasts that follow."""
    session.info[COMMITTED_KEY] = session.info.pop(BEFORE_KEY, {})


def _forget_locked(session: Session) -> None:
    session.info.pop(BEFORE_KEY, None)
    session.info.pop(COMMITTED_KEY, None)


def _listen() -> None:
    """Transaction-local state, not side effects (those go through fair.jobs.after_commit)."""
    if not event.contains(Session, "after_commit", _remember_committed):
        event.listen(Session, "before_commit", _snapshot_locked_booths)
        event.listen(Session, "after_commit", _remember_committed)
        event.listen(Session, "after_rollback", _forget_locked)


_listen()
