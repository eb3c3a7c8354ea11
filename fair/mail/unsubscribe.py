"""Unsubscribing from an organiser's bulk mail (RFC 8058 one-click, RFC 2369 List-Unsubscribe).

The link names the address and the organisation without a lookup table: its token is signed with
SECRET_KEY (itsdangerous) and holds the organisation's id and the SHA-256 of the lowered address,
which is all `MailUnsubscribe` keeps. Why a signature and not `fair.links.ActionToken`: an
unsubscribe link must keep working for as long as the mail sits in a mailbox (RFC 8058 asks that it
work without expiring soon), for every address of every list, so a stored token per recipient would
be a row per mail sent kept for ever; a signed token costs nothing to keep, cannot be forged or
guessed, and carries no readable address (only its hash) into URLs and server logs.

Which mails are bulk mail is said by the layer that sends them: `register_list_mail(template,
organisation_of)` (the fairs layer registers its bulk invitation), so that `build_email` adds the
headers to those messages only. Transactional mail (a booking, a reminder, a password reset) never
carries them and is never held back.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fair.mail.models import MailUnsubscribe, OutboxMessage
from fair.mail.render import mail_url

SALT = "fair.mail.unsubscribe"
ENDPOINT = "privacy.unsubscribe"

# template name → the organisation a message of it is sent for (from its outbox row), or None.
_LIST_MAIL: dict[str, Callable[[Session, OutboxMessage], int | None]] = {}


def address_hash(address: str) -> str:
    return hashlib.sha256((address or "").strip().lower().encode("utf-8")).hexdigest()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(address: str, organisation_id: int) -> str:
    return _serializer().dumps([organisation_id, address_hash(address)])


def read_token(token: str) -> tuple[int, str] | None:
    """(organisation id, address hash) of a genuine token, else None."""
    try:
        organisation_id, digest = _serializer().loads(token or "")
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(organisation_id, int) or not isinstance(digest, str) or len(digest) != 64:
        return None
    return organisation_id, digest


def unsubscribe_url(address: str, organisation_id: int) -> str:
    return mail_url(ENDPOINT, token=token_for(address, organisation_id))


def unsubscribe(session: Session, digest: str, organisation_id: int) -> bool:
    """Record the wish (once): True when it is new. The caller commits."""
    if is_unsubscribed_hash(session, digest, organisation_id):
        return False
    session.add(MailUnsubscribe(address_hash=digest, organisation_id=organisation_id))
    session.flush()
    return True


def is_unsubscribed_hash(session: Session, digest: str, organisation_id: int) -> bool:
    return session.execute(
        select(MailUnsubscribe.id).where(
            MailUnsubscribe.address_hash == digest,
            or_(MailUnsubscribe.organisation_id == organisation_id, MailUnsubscribe.organisation_id.is_(None)))
        .limit(1)
    ).first() is not None


def is_unsubscribed(session: Session, address: str, organisation_id: int) -> bool:
    """Whether `address` asked for no more bulk mail from this organisation (or from every one)."""
    return is_unsubscribed_hash(session, address_hash(address), organisation_id)


def register_list_mail(template: str, organisation_of: Callable[[Session, OutboxMessage], int | None]) -> None:
    _LIST_MAIL[template] = organisation_of


def list_headers(session: Session, row: OutboxMessage) -> dict[str, str]:
    """The List-Unsubscribe headers of a bulk message (RFC 2369 + RFC 8058), {} for any other mail.

    Only the https link: fair reads no mailbox, so a mailto: would go unanswered
    (UNSUBSCRIBE_MAILTO, when set, is a mailbox someone does read, and is added second)."""
    organisation_of = _LIST_MAIL.get(row.template)
    if organisation_of is None:
        return {}
    organisation_id = organisation_of(session, row)
    if organisation_id is None:
        return {}
    targets = [f"<{unsubscribe_url(row.to_address, organisation_id)}>"]
    mailto = current_app.config.get("UNSUBSCRIBE_MAILTO")
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
