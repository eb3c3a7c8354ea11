"""Signing in with a one-time code sent by SMS, for people whose account has a mobile number and
(often) no email address: phone-only accounts that an adviser opened for them.

A code is 6 digits from `secrets`, lives 10 minutes and allows 5 attempts, after which it dies; a
number has one live code at a time (a new one replaces it). Only an HMAC of the code (keyed with
SECRET_KEY and the number) is kept: a copy of the database does not give codes away. Sending is
throttled per number and per network by the view (flask-limiter), and a number without an account
gets the same answer as one with an account, with nothing sent and nothing stored.

Services never commit: the view does, a refused attempt included (its count must stay).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from fair.accounts.models import PhoneSignInCode, User
from fair.accounts.services import lock_user
from fair.sms.outbox import queue_sms

log = logging.getLogger("fair.accounts")

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5


class CodeRefused(Exception):
    """The code is wrong, expired, used up or was never sent: the person is told only "not right"."""


def find_user_by_mobile(session: Session, mobile: str) -> User | None:
    return session.execute(select(User).where(User.mobile == mobile)).scalars().first()


def may_sign_in_by_code(user: User | None) -> bool:
    """Candidates only: staff accounts sign in with a password (and their second factor)."""
    return (user is not None and user.is_active and user.erased_at is None and user.is_candidate
            and user.mobile is not None)


def _digest(secret_key: str, mobile: str, code: str) -> str:
    return hmac.new(secret_key.encode(), f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(session: Session, mobile: str, *, secret_key: str, now: dt.datetime) -> bool:
    """A new code for `mobile` (E.164) queued by SMS if an account may sign in with it; True if so.

    The view answers the same either way."""
    user = find_user_by_mobile(session, mobile)
    if not may_sign_in_by_code(user):
        log.info("sign-in code asked for a number without a usable account: nothing sent")
        return False
    lock_user(session, user.id)  # two requests at once: one row, the later code wins
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    row = session.execute(select(PhoneSignInCode).where(PhoneSignInCode.mobile == mobile)).scalars().first()
    if row is None:
        row = PhoneSignInCode(mobile=mobile)
        session.add(row)
    row.code_hash = _digest(secret_key, mobile, code)
    row.created_at = now
    row.expires_at = now + CODE_LIFETIME
    row.attempts = 0
    session.flush()
    queue_sms(session, to=mobile, template="sign_in_code", locale=user.locale or "fr",
              context={"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
              key=f"sign-in-code:{user.id}:{now.isoformat()}", user_id=user.id, urgent_before=row.expires_at)
    log.info("sign-in code sent to account %s", user.id)
    return True


def verify_code(session: Session, mobile: str, code: str, *, secret_key: str, now: dt.datetime) -> User:
    """The account of `mobile` if `code` is its live code (which is then used up), else CodeRefused.

    Each attempt counts, by a conditional UPDATE (two at once cannot both take the last one); the
    fifth wrong one, like expiry, deletes the code."""
    row = session.execute(select(PhoneSignInCode).where(PhoneSignInCode.mobile == mobile)).scalars().first()
    if row is None:
        raise CodeRefused()
    if now >= row.expires_at:
        session.delete(row)
        raise CodeRefused()
    counted = session.execute(
        update(PhoneSignInCode).where(PhoneSignInCode.id == row.id, PhoneSignInCode.attempts < MAX_ATTEMPTS)
        .values(attempts=PhoneSignInCode.attempts + 1).execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(row)
    wanted = _digest(secret_key, mobile, (code or "").strip())
    if not counted or not hmac.compare_digest(row.code_hash, wanted):
        if not counted or row.attempts >= MAX_ATTEMPTS:
            session.execute(delete(PhoneSignInCode).where(PhoneSignInCode.id == row.id))
            log.info("a sign-in code died after %d wrong attempts", MAX_ATTEMPTS)
        raise CodeRefused()
    user = find_user_by_mobile(session, mobile)
    session.execute(delete(PhoneSignInCode).where(PhoneSignInCode.id == row.id))
    if not may_sign_in_by_code(user):
        raise CodeRefused()
    return user


def forget_codes(session: Session, mobile: str | None) -> None:
    """The number leaves the account (erasure, a change): its live code goes with it."""
    if mobile:
        session.execute(delete(PhoneSignInCode).where(PhoneSignInCode.mobile == mobile))
