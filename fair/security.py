"""Passwords, tokens and redirects: the few rules every domain must apply the same way."""
from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from gevent import get_hub, monkey

_hasher = PasswordHasher()

# The password rules, the same for a person registering and an administrator made from the shell.
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256

# Passwords that top every leaked-password list (and their French favourites): a guesser tries them
# first, whatever their length.
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890", "0123456789", "12345678910", "qwertyuiop", "azertyuiop",
    "password123", "password1234", "passwordpassword", "motdepasse", "motdepasse1", "motdepasse123",
    "administrator", "administrateur", "admin12345", "admin123456", "iloveyou123", "football123",
    "soleil1234", "bonjour1234", "azerty1234", "azerty12345", "qwerty1234", "qwerty12345",
    "changeme123", "welcome123", "letmein1234", "1q2w3e4r5t", "1qaz2wsx3edc", "aaaaaaaaaa",
})


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why this password is refused, in the reader's language, or None when it will do."""
    if len(password) < PASSWORD_MIN_LENGTH or len(password) > PASSWORD_MAX_LENGTH:
        return _("The password must have between %(min)d and %(max)d characters.",
                 min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH)
    if password.strip().lower() in COMMON_PASSWORDS:
        return _("This password is one of the most common ones: choose another.")
    if email and password.strip().lower() == email.strip().lower():
        return _("The password must not be the email address.")
    return None


def _off_the_loop(work, *args):
    """Under gevent, hash in gevent's thread pool: argon2's C code releases the GIL, so the node
    keeps serving pages and sockets for the 0.1–0.3 s a hash takes instead of freezing."""
    if monkey.is_module_patched("threading"):
        return get_hub().threadpool.apply(work, args)
    return work(*args)


def hash_password(password: str) -> str:
    return _off_the_loop(_hasher.hash, password)


def verify_password(password_hash: str, password: str) -> bool:
    return _off_the_loop(_verify, password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the email is unknown, so both answers take the same time.
DUMMY_PASSWORD_HASH = _hasher.hash(secrets.token_hex(16))


def new_token() -> tuple[str, str]:
    """A URL-safe secret for the user and the SHA-256 we keep of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no `//` or `/\\` that browsers read as a host."""
    if not target:
        return None
    target = target.strip()
    if any(ch in target for ch in ("\\", "\r", "\n", "\t")) or any(ord(ch) < 32 for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
