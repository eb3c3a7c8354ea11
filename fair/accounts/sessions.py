"""Server-side sessions: a signed-in browser is a `UserSession` row, so that it can be ended.

The signed Flask session cookie carries a random secret (`SESSION_TOKEN_KEY`); only its SHA-256 is
stored. A request (or a socket event) is signed in only while its row exists, is not revoked, is
before its absolute end (`expires_at`) and was seen within the idle timeout. Ending a row makes a
copied cookie worthless on every node at once, Redis or not: each node reads the database.

Staff (administrators, organisers, recruiters, advisers) get the shorter `STAFF_SESSION_*` limits.
Services here never commit; the caller (a view, the admin console) owns the transaction and closes
the live pages after the commit (`fair.sockets.disconnect_user`, which this layer may not import).
"""
from __future__ import annotations

import datetime as dt
import logging
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from fair import clock
from fair.accounts.models import Membership, User, UserSession
from fair.db import begin_sqlite_write, db, holds_sqlite_write
from fair.security import hash_token, new_token

log = logging.getLogger("fair.accounts")

SESSION_TOKEN_KEY = "_fair_session"  # the key of the secret in the signed Flask session
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most this often
ACTIVE_EVERY = dt.timedelta(days=1)  # and the account's last_active_at at most this often


def is_staff(user: User) -> bool:
    return bool(user.is_admin or user.is_organiser or user.is_recruiter or user.is_adviser)


def limits(user: User) -> tuple[dt.timedelta, dt.timedelta]:
    """(idle, absolute) for this person: staff sessions end sooner."""
    config = current_app.config
    prefix = "STAFF_SESSION" if is_staff(user) else "SESSION"
    return (dt.timedelta(minutes=config[f"{prefix}_IDLE_MINUTES"]),
            dt.timedelta(hours=config[f"{prefix}_ABSOLUTE_HOURS"]))


def start(session: Session, user: User, *, ip_address: str = "", user_agent: str = "") -> str:
    """A new session row for `user`; answers the secret for the cookie (never stored)."""
    token, digest = new_token()
    now = clock.now()
    mark_active(user, now)
    _idle, absolute = limits(user)
    session.add(UserSession(user_id=user.id, token_hash=digest, created_at=now, last_seen_at=now,
                            expires_at=now + absolute, ip_address=(ip_address or "")[:64],
                            user_agent=(user_agent or "")[:300]))
    session.flush()
    return token


def end(session: Session, token: str | None) -> UserSession | None:
    """End the session whose cookie holds `token` (logout); None if there is none."""
    row = _row(session, token)
    if row is not None and row.revoked_at is None:
        row.revoked_at = clock.now()
    return row


def end_all(session: Session, user: User, *, keep: str | None = None) -> int:
    """End every session of `user` but the one whose secret is `keep`; answers how many ended."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep:
        query = query.where(UserSession.token_hash != hash_token(keep))
    ended = session.execute(query.values(revoked_at=clock.now())
                            .execution_options(synchronize_session=False)).rowcount
    log.info("%d session(s) of account %s ended", ended, user.id)
    return ended


def live_session(session: Session, user: User, token: str | None, row: UserSession | None = None
                 ) -> UserSession | None:
    """The row of `token` (`row` if read already) if it belongs to `user` and may still act now, else None."""
    row = row or _row(session, token)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        return None
    now = clock.now()
    idle, _absolute = limits(user)
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        return None
    return row


@cache
def _signed_in_query():
    """Built once, with bound parameters: a request pays neither its construction nor its cache key."""
    return (select(UserSession)
            .where(UserSession.token_hash == bindparam("token_hash"), UserSession.user_id == bindparam("user_id"))
            .options(joinedload(UserSession.user).joinedload(User.memberships).joinedload(Membership.organisation)))


def signed_in(session: Session, user_id: int, token: str | None) -> UserSession | None:
    """`live_session` of the person `user_id`, read with that person and their memberships (what every
    request asks of them: the roles) in one statement: the check each signed-in request pays."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = session.execute(_signed_in_query(), {"token_hash": hash_token(token), "user_id": user_id}
                          ).unique().scalars().first()
    return live_session(session, row.user, token, row) if row is not None else None


def touch(row: UserSession) -> None:
    """Record activity (at most once a minute) in a transaction of its own, on the side pool: a page
    that only reads keeps its session alive without committing anything of the request (a socket's
    activity is recorded by its node's watch, `fair.sockets.watch_sockets`)."""
    now = clock.now()
    if now - row.last_seen_at < TOUCH_EVERY or holds_sqlite_write(db.session):
        return
    user = row.user
    active = user.last_active_at is None or now - user.last_active_at >= ACTIVE_EVERY
    with Session(db.side_engine()) as own:
        record_activity(own, {row.id}, {user.id} if active else set(), now)
        own.commit()
    set_committed_value(row, "last_seen_at", now)  # written already: the request need not write it
    if active:
        set_committed_value(user, "last_active_at", now)
        set_committed_value(user, "inactivity_warned_at", None)


def record_activity(own: Session, session_ids: set[int], user_ids: set[int], now: dt.datetime) -> None:
    """Sessions seen now, and accounts active now (retention counts from there, see `mark_active`), in
    `own`, a session of the caller's that holds nothing else (the caller commits)."""
    begin_sqlite_write(own)
    if session_ids:
        own.execute(update(UserSession).where(UserSession.id.in_(session_ids)).values(last_seen_at=now))
    if user_ids:
        own.execute(update(User).where(User.id.in_(user_ids)).values(last_active_at=now, inactivity_warned_at=None))


def mark_active(user: User, now: dt.datetime | None = None) -> None:
    """The person signed in or acted: inactivity retention counts from now, and a warning they were
    sent no longer holds (fair/privacy/jobs.py)."""
    user.last_active_at = now or clock.now()
    user.inactivity_warned_at = None


def _row(session: Session, token: str | None) -> UserSession | None:
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    return session.execute(select(UserSession).where(UserSession.token_hash == hash_token(token))
                           ).scalars().first()
