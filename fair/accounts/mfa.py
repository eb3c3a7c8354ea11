"""Two-step verification for staff: RFC 6238 TOTP codes from an authenticator app, and recovery codes.

The TOTP secret is kept encrypted (Fernet, with a key derived from SECRET_KEY by HKDF) in
`User.totp_secret`; it is readable only by this process, never shown again once enrolment is done.
A secret with no `totp_enabled_at` is an enrolment in progress. Codes are 6 digits, 30 s, SHA-1, as
every authenticator app expects; one step either side is accepted for clocks that drift, and
`totp_last_step` refuses a code (or an earlier one) already used. Recovery codes are single use and
only their SHA-256 is kept.

Services never commit: the view owns the transaction.
"""
from __future__ import annotations

import base64
import datetime as dt
import hmac
import secrets

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from fair import clock
from fair.accounts.models import RecoveryCode, User
from fair.audit import record
from fair.security import hash_token

STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODE_COUNT = 10
# Recovery codes: 10 characters from an alphabet without look-alikes (no 0/o, 1/l/i), shown as xxxxx-xxxxx.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
# The roles MFA may concern; candidates are never offered it.
STAFF_ROLES = ("admin", "organiser", "recruiter", "adviser")


class MfaRefused(Exception):
    """A code that is wrong or already used, or an action the person may not take."""


class MfaRequired(MfaRefused):
    """Turning it off is refused: it is required for one of the person's roles."""


# ---------------------------------------------------------------- who

def roles_of(user: User) -> set[str]:
    roles = set()
    if user.is_admin:
        roles.add("admin")
    if user.is_organiser:
        roles.add("organiser")
    if user.is_recruiter:
        roles.add("recruiter")
    if user.is_adviser:
        roles.add("adviser")
    return roles


def parse_required_roles(value: str | None) -> tuple[str, ...]:
    """`MFA_REQUIRED_ROLES` as written by an operator: "admin,organiser", "" for none."""
    return tuple(r.strip().lower() for r in (value or "").split(",") if r.strip().lower() in STAFF_ROLES)


def is_offered(user: User) -> bool:
    """Staff may turn it on; candidates never see it."""
    return bool(roles_of(user))


def is_required(user: User, required_roles: tuple[str, ...]) -> bool:
    return bool(roles_of(user) & set(required_roles))


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None and bool(user.totp_secret)


# ---------------------------------------------------------------- the secret

def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"fair.accounts.mfa totp secret").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(secret: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def decrypt_secret(stored: str, secret_key: str) -> str | None:
    """None when SECRET_KEY changed since: the person must enrol again (an administrator resets it)."""
    try:
        return _fernet(secret_key).decrypt(stored.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def pending_secret(user: User, secret_key: str) -> str:
    """The secret of an enrolment in progress, made on first ask, kept until confirmed or reset."""
    if is_enabled(user):
        raise MfaRefused("already enabled")
    secret = decrypt_secret(user.totp_secret, secret_key) if user.totp_secret else None
    if secret is None:
        secret = pyotp.random_base32()
        user.totp_secret = encrypt_secret(secret, secret_key)
        user.totp_last_step = None
    return secret


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (the CSP allows images from data:)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# ---------------------------------------------------------------- codes

def _normalised(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _current_step(now: dt.datetime | None = None) -> int:
    return int((now or clock.now()).timestamp()) // STEP_SECONDS


def check_totp(user: User, secret: str, code: str) -> bool:
    """A code of this step or the one either side, newer than the last one used; the step is then spent."""
    code = _normalised(code)
    if len(code) != DIGITS or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = _current_step()
    for step in (current - 1, current, current + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _replace_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(_normalised(c)), created_at=clock.now())
                    for c in codes)
    return codes


def unused_recovery_codes(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def use_recovery_code(session: Session, user: User, code: str) -> bool:
    """Single use, even when two requests race: the conditional UPDATE marks it used once."""
    normalised = _normalised(code)
    if len(normalised) != 10:
        return False
    result = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == hash_token(normalised),
               RecoveryCode.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def verify_second_step(session: Session, user: User, code: str, secret_key: str) -> str:
    """Checks a login's second step; returns "totp" or "recovery", or raises MfaRefused."""
    secret = decrypt_secret(user.totp_secret or "", secret_key) if is_enabled(user) else None
    if secret is not None and check_totp(user, secret, code):
        return "totp"
    if use_recovery_code(session, user, code):
        return "recovery"
    raise MfaRefused("wrong code")


# ---------------------------------------------------------------- enrol, regenerate, turn off, reset

def enable(session: Session, user: User, code: str, secret_key: str) -> list[str]:
    """Confirms the pending secret with one code; returns the recovery codes to show once."""
    secret = decrypt_secret(user.totp_secret, secret_key) if user.totp_secret and not is_enabled(user) else None
    if secret is None or not check_totp(user, secret, code):
        raise MfaRefused("wrong code")
    user.totp_enabled_at = clock.now()
    codes = _replace_recovery_codes(session, user)
    record(session, "user.mfa_enable", user, actor=user)
    return codes


def _require_current_code(user: User, code: str, secret_key: str) -> None:
    secret = decrypt_secret(user.totp_secret or "", secret_key) if is_enabled(user) else None
    if secret is None or not check_totp(user, secret, code):
        raise MfaRefused("wrong code")


def regenerate_recovery_codes(session: Session, user: User, code: str, secret_key: str) -> list[str]:
    _require_current_code(user, code, secret_key)
    codes = _replace_recovery_codes(session, user)
    record(session, "user.mfa_recovery_codes", user, actor=user)
    return codes


def _clear(session: Session, user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(session: Session, user: User, code: str, secret_key: str, required_roles: tuple[str, ...]) -> None:
    if is_required(user, required_roles):
        raise MfaRequired("required")
    _require_current_code(user, code, secret_key)
    _clear(session, user)
    record(session, "user.mfa_disable", user, actor=user)


def reset(session: Session, user: User) -> None:
    """An administrator's answer to a lost device: the person enrols again (at next login if required).

    Ends nothing else: sessions already open stay open.
    """
    _clear(session, user)
    record(session, "user.mfa_reset", user)
