"""Bulk invitations: an organiser uploads a list (CSV) of people invited to register for an edition.

Every row is checked before anything is sent: a bad row is reported with its line number and the
reason, and nothing is sent to it; an address met twice is sent once. The valid rows are kept as
recipients and a `bulk` queue job queues their mails through the outbox in batches, so pausing
takes effect between two batches and resuming carries on where it stopped. A recipient whose mail
is in the outbox is marked, and the outbox key is per recipient: a job run twice sends once.
"""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fair.accounts.models import Membership, Organisation, OrganisationKind
from fair.fairs.models import Edition
from fair.notify.models import BulkInvitation, BulkRecipient, BulkStatus

log = logging.getLogger("fair.notify")

MAX_ROWS = 20_000
LOCALES = ("fr", "en")
NAME_MAX = 200

# Reasons a row is refused, stored as codes and worded in the reader's language by the views.
BAD_EMAIL = "bad_email"
MISSING_EMAIL = "missing_email"
DUPLICATE = "duplicate"
BAD_LOCALE = "bad_locale"
NAME_TOO_LONG = "name_too_long"
TOO_MANY_COLUMNS = "too_many_columns"

_EMAIL_HEADERS = {"email", "e-mail", "mail", "courriel", "adresse e-mail", "adresse email"}


class BulkFileError(ValueError):
    """The file as a whole cannot be used (empty, unreadable, too long); `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class ParsedList:
    rows: list[tuple[int, str, str, str]] = field(default_factory=list)   # line, email, name, locale
    rejected: list[dict] = field(default_factory=list)                    # {line, reason, value, other_line?}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # spreadsheets in France often save in Windows-1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BulkFileError("encoding")


def parse_csv(data: bytes, default_locale: str = "fr") -> ParsedList:
    """Rows `email, name, locale` (name and locale optional), comma or semicolon separated, with or without a header."""
    text = _decode(data)
    if not text.strip():
        raise BulkFileError("empty")
    first_line = text.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    parsed = ParsedList()
    seen: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    count = 0
    for cells in reader:
        line = reader.line_num
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if count == 0 and not parsed.rejected and cells[0].lower() in _EMAIL_HEADERS:
            continue  # a header row
        count += 1
        if count > MAX_ROWS:
            raise BulkFileError("too_many_rows")
        email_raw = cells[0] if cells else ""
        name = cells[1] if len(cells) > 1 else ""
        locale = (cells[2] if len(cells) > 2 else "").lower() or default_locale
        if len(cells) > 3 and any(cells[3:]):
            parsed.rejected.append({"line": line, "reason": TOO_MANY_COLUMNS, "value": email_raw})
            continue
        if not email_raw:
            parsed.rejected.append({"line": line, "reason": MISSING_EMAIL, "value": ""})
            continue
        try:
            email = validate_email(email_raw, check_deliverability=False).normalized
        except EmailNotValidError:
            parsed.rejected.append({"line": line, "reason": BAD_EMAIL, "value": email_raw})
            continue
        if locale not in LOCALES:
            parsed.rejected.append({"line": line, "reason": BAD_LOCALE, "value": locale})
            continue
        if len(name) > NAME_MAX:
            parsed.rejected.append({"line": line, "reason": NAME_TOO_LONG, "value": email})
            continue
        key = email.lower()
        if key in seen:
            parsed.rejected.append({"line": line, "reason": DUPLICATE, "value": email, "other_line": seen[key]})
            continue
        seen[key] = line
        parsed.rows.append((line, email, name, locale))
    if not parsed.rows and not parsed.rejected:
        raise BulkFileError("empty")
    return parsed


def create_bulk(session: Session, *, edition: Edition, user_id: int, filename: str, data: bytes) -> BulkInvitation:
    """Record the list and its valid recipients; the caller commits, then `start_bulk` queues the job.

    Raises BulkFileError when the file cannot be used at all, or holds no valid row.
    """
    default_locale = next((code for code in (edition.languages or []) if code in LOCALES), "fr")
    parsed = parse_csv(data, default_locale)
    if not parsed.rows:
        raise BulkFileError("no_valid_row")
    bulk = BulkInvitation(edition_id=edition.id, created_by_id=user_id, filename=(filename or "")[:255],
                          status=BulkStatus.queued, total=len(parsed.rows), sent=0, rejected=parsed.rejected)
    session.add(bulk)
    session.flush()
    session.add_all(BulkRecipient(bulk_id=bulk.id, line=line, email=email, name=name, locale=locale)
                    for line, email, name, locale in parsed.rows)
    session.flush()
    return bulk


def start_bulk(session: Session, bulk: BulkInvitation) -> None:
    """Queue the sending job once the caller commits."""
    from fair.tasks import enqueue_after_commit

    enqueue_after_commit(session, "workers.bulk.send_bulk", bulk.id, queue="bulk")


def pause_bulk(session: Session, bulk: BulkInvitation) -> bool:
    if bulk.status not in (BulkStatus.queued, BulkStatus.running):
        return False
    bulk.status = BulkStatus.paused
    return True


def resume_bulk(session: Session, bulk: BulkInvitation) -> bool:
    if bulk.status != BulkStatus.paused:
        return False
    bulk.status = BulkStatus.queued
    start_bulk(session, bulk)
    return True


def queued_count(session: Session, bulk_id: int) -> int:
    return session.execute(
        select(func.count(BulkRecipient.id)).where(BulkRecipient.bulk_id == bulk_id,
                                                    BulkRecipient.queued_at.is_not(None))
    ).scalar_one()


def organiser_edition_ids(session: Session, user_id: int) -> select:
    return (select(Edition.id).join(Organisation, Organisation.id == Edition.organiser_id)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id, Organisation.kind == OrganisationKind.organiser))


def bulk_for_organiser(bulk_id: int, user_id: int, session: Session | None = None) -> BulkInvitation | None:
    """The bulk invitation if `user_id` organises its edition, else None (the caller answers 404)."""
    from fair.extensions import db

    session = session or db.session
    return session.execute(
        select(BulkInvitation).where(BulkInvitation.id == bulk_id,
                                     BulkInvitation.edition_id.in_(organiser_edition_ids(session, user_id)))
    ).scalar_one_or_none()


def bulks_of_edition(session: Session, edition_id: int) -> list[BulkInvitation]:
    return list(session.execute(
        select(BulkInvitation).where(BulkInvitation.edition_id == edition_id)
        .order_by(BulkInvitation.created_at.desc(), BulkInvitation.id.desc())
    ).scalars())
