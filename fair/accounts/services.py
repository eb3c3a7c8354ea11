"""Accounts: registration, authentication, email confirmation, password reset and profile changes.

Services take plain arguments and never commit: the request (or the mail job) that calls them owns
the transaction. Secrets handed to people (reset links) are stored only as their SHA-256.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from dataclasses import dataclass
from enum import Enum

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fair.accounts.models import Membership, Organisation, PasswordResetToken, User
from fair.accounts.reach import stored_phone
from fair.db import begin_sqlite_write, utcnow
from fair.extensions import db
from fair.mail.outbox import queue_mail
from fair.mail.render import mail_url
from fair.security import DUMMY_PASSWORD_HASH, hash_password, hash_token, new_token, verify_password

log = logging.getLogger("fair.accounts")

EMAIL_CONFIRM_SALT = "fair.accounts.email-confirmation"


def lock_user(session: Session, user_id: int) -> None:
    """Serialise one person's writes (on SQLite, every writer's) until the transaction ends: their
    bookings, their export requests."""
    if not begin_sqlite_write(session):
        session.connection().execute(select(User.id).where(User.id == user_id).with_for_update())


class EmailTaken(Exception):
    """Another account already uses this address (whatever its case)."""


class EmailNotConfirmed(Exception):
    """A candidate whose address is not confirmed tried to act (apply, book, queue, chat, webinar).

    Raised by `require_confirmed`; pages answer it with an explanation and a new link
    (`fair.accounts.views`), socket events with a refusal (`fair.sockets.handle`). `user` is the
    person who must confirm: the one acting, or the candidate an adviser acts for.
    """

    code = "unconfirmed"

    def __init__(self, user: User) -> None:
        self.user = user
        self.message = _("Confirm your email address first: open the link in the email we sent you. "
                         "You can ask for a new link on your account page.")
        super().__init__(self.message)


# ---------------------------------------------------------------- users

def normalise_email(raw: str) -> str:
    """The address as we store it: trimmed, domain lowercased and IDNA-normalised by email-validator.

    Uniqueness and look-ups are case-insensitive anyway (`lower(email)` index); normalising keeps
    the same person from registering twice through Unicode or domain-case tricks.
    """
    raw = (raw or "").strip()
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        return raw


def find_user_by_email(email: str) -> User | None:
    email = normalise_email(email)
    if not email:
        return None
    return db.session.execute(
        select(User).where(func.lower(User.email) == email.lower())
    ).scalars().first()


def is_confirmed(user: User) -> bool:
    """Staff (members of an organisation, administrators) act as staff whatever their address;
    a candidate acts once someone opened a link sent to their address. A phone-only account (no
    address) has its number proven already: it was signed in with a code sent to it."""
    if user.email is None and user.mobile is not None:
        return True
    return not user.is_candidate or user.email_confirmed_at is not None


def require_confirmed(user: User) -> None:
    """The one check before a candidate applies, books, queues, chats or registers for a webinar:
    actions that reach recruiters need an address that answers (fewer throwaway accounts)."""
    if not is_confirmed(user):
        raise EmailNotConfirmed(user)


def mark_email_confirmed(user: User, address: str) -> bool:
    """Opening a link sent to `address` (an invitation) proves it: confirm the account if it is that
    address and not confirmed yet. True when it changed."""
    if (user.email is None or user.email_confirmed_at is not None
            or normalise_email(address).lower() != user.email.lower()):
        return False
    user.email_confirmed_at = utcnow()
    log.info("email of account %s confirmed by an invitation link", user.id)
    return True


def new_security_stamp() -> str:
    return secrets.token_hex(16)


def register_user(*, full_name: str, email: str, password: str, phone: str | None, locale: str) -> User:
    """A candidate account. Raises EmailTaken if the address is in use, even under another case.

    The database index on lower(email) settles races between two simultaneous sign-ups: the loser's
    flush fails and is reported the same way. The caller must roll back after EmailTaken.
    """
    email = normalise_email(email)
    # Hashed before looking the address up: a taken address costs the same time as a free one.
    password_hash = hash_password(password)
    if find_user_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(
        email=email,
        password_hash=password_hash,
        full_name=full_name.strip(),
        phone=stored_phone(phone),
        locale=locale,
        security_stamp=new_security_stamp(),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise EmailTaken(email) from error
    log.info("account %s registered", user.id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, or None.

    An unknown email still costs one argon2 verification, so that response times do not tell
    which addresses have an account. Disabled accounts are returned: the caller refuses them,
    but only after the password proved who is asking.
    """
    user = find_user_by_email(email)
    if user is None:
        verify_password(DUMMY_PASSWORD_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    return user


def update_profile(user: User, *, full_name: str, phone: str | None, locale: str) -> None:
    user.full_name = full_name.strip()
    user.phone = stored_phone(phone)
    user.locale = locale


def set_password(user: User, new_password: str) -> None:
    """New hash and new stamp: every other session (cookie id "id:stamp") and reset link dies."""
    user.password_hash = hash_password(new_password)
    user.security_stamp = new_security_stamp()
    invalidate_reset_tokens(user)
    log.info("password of account %s changed", user.id)


def change_password(user: User, *, current_password: str, new_password: str) -> bool:
    """False when the current password is wrong (nothing changes then)."""
    if not verify_password(user.password_hash, current_password):
        return False
    set_password(user, new_password)
    return True


def memberships_of(user: User) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.kind, Organisation.name)
        ).scalars()
    )


# ---------------------------------------------------------------- email confirmation

def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=EMAIL_CONFIRM_SALT)


def email_confirmation_token(user: User) -> str:
    """A signed, timed token naming the user and the address it confirms.

    Carrying the address means a link sent to an old address stops working if the email changes.
    """
    return _confirm_serializer().dumps({"uid": user.id, "email": user.email.lower()})


def queue_email_confirmation(user: User, next_url: str | None = None) -> None:
    """Write the confirmation mail to the outbox in the caller's transaction (sent after commit).

    Each call is a new request for a link, so each gets its own key (the signed token alone
    would repeat within one second). `next_url` (already checked safe) rides along on the link, so
    that a person registering from an invitation comes back to it.
    """
    if user.email is None:  # a phone-only account: there is no address to confirm
        return
    token = email_confirmation_token(user)
    link = mail_url("accounts.confirm_email", token=token, **({"next": next_url} if next_url else {}))
    queue_mail(db.session, to=user.email, template="confirm_email", locale=user.locale,
               context={"user": user, "link": link}, key=f"confirm-email:{user.id}:{uuid.uuid4().hex}")


def queue_registration_attempt_notice(owner: User, next_url: str | None = None) -> None:
    """Someone tried to register with an address that has an account: tell its owner, not the visitor.

    The page the visitor sees is the one a new account gets, so registering does not reveal who has
    an account; the owner learns it from their own mailbox, with the way in if it was them.
    """
    extra = {"next": next_url} if next_url else {}
    queue_mail(db.session, to=owner.email, template="registration_attempt", locale=owner.locale,
               context={"user": owner, "login_link": mail_url("accounts.login", **extra),
                        "reset_link": mail_url("accounts.forgot_password")},
               key=f"registration-attempt:{owner.id}:{uuid.uuid4().hex}")


class ConfirmOutcome(Enum):
    confirmed = "confirmed"
    already_confirmed = "already_confirmed"
    invalid = "invalid"
    expired = "expired"


@dataclass
class ConfirmResult:
    outcome: ConfirmOutcome
    user: User | None = None


def confirm_email(token: str) -> ConfirmResult:
    max_age = current_app.config["EMAIL_CONFIRM_MAX_AGE"]
    try:
        payload = _confirm_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return ConfirmResult(ConfirmOutcome.expired)
    except BadSignature:
        return ConfirmResult(ConfirmOutcome.invalid)
    if not isinstance(payload, dict):
        return ConfirmResult(ConfirmOutcome.invalid)
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) else None
    if user is None or user.email is None or user.email.lower() != payload.get("email"):
        return ConfirmResult(ConfirmOutcome.invalid)
    if user.email_confirmed_at is not None:
        return ConfirmResult(ConfirmOutcome.already_confirmed, user)
    user.email_confirmed_at = utcnow()
    log.info("email of account %s confirmed", user.id)
    return ConfirmResult(ConfirmOutcome.confirmed, user)


# ---------------------------------------------------------------- password reset

def issue_password_reset_token(user: User) -> str:
    """A new single-use reset token for `user`; only its SHA-256 is stored.

    Called by the mail job, so that the raw token exists only in the job's memory and the mail,
    never in Redis.
    """
    token, digest = new_token()
    now = utcnow()
    db.session.add(PasswordResetToken(
        user_id=user.id,
        token_hash=digest,
        created_at=now,
        expires_at=now + dt.timedelta(seconds=current_app.config["PASSWORD_RESET_MAX_AGE"]),
    ))
    db.session.flush()
    return token


def usable_reset_token(token: str) -> PasswordResetToken | None:
    """The stored token if it exists, is unused, unexpired and its account can still log in."""
    if not token or len(token) > 200:
        return None
    row = db.session.execute(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(token))
    ).scalars().first()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.is_active:
        return None
    return row


def reset_password(token_row: PasswordResetToken, new_password: str) -> User | None:
    """Use the token and set the password; None if it was used meanwhile (another tab, a replay).

    The conditional UPDATE makes single use hold even when two requests race on the same link.
    """
    now = utcnow()
    claimed = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == token_row.id, PasswordResetToken.used_at.is_(None),
               PasswordResetToken.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    db.session.refresh(token_row)
    user = token_row.user
    set_password(user, new_password)
    return user


def invalidate_reset_tokens(user: User) -> None:
    """Any reset link still out there stops working (after a reset or a password change)."""
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
