"""Bulk invitations: an organiser invites a list of people to register for an edition, either an
uploaded CSV file or the candidates one of the edition's partners referred (only those who confirmed
the referral and did not revoke it).

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
from collections.abc import Callable
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fair.accounts.models import Organisation
from fair.db import utcnow
from fair.extensions import db
from fair.fairs import jobs
from fair.fairs.models import BulkInvitation, BulkRecipient, BulkStatus, Edition, EditionPartner
from fair.fairs.rules import editions_run_by
from fair.mail import unsubscribe
from fair.mail.models import OutboxMessage

log = logging.getLogger("fair.fairs")

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
# Not a bad row: the address asked this organiser for no more bulk mail (kept with the rows not sent).
UNSUBSCRIBED = "unsubscribed"

TEMPLATE = "bulk_invitation"


def _organiser_of_message(session: Session, row: OutboxMessage) -> int | None:
    """The organisation a bulk invitation is sent for: its edition's organiser."""
    edition = session.get(Edition, row.edition_id) if row.edition_id is not None else None
    return edition.organiser_id if edition is not None else None


# Bulk invitations are list mail: they carry List-Unsubscribe and respect earlier unsubscriptions.
unsubscribe.register_list_mail(TEMPLATE, _organiser_of_message)

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
    lines_by_email: dict[str, int] = field(default_factory=dict)          # lower-cased email -> its first line

    def valid_email(self, line: int, raw: str) -> str | None:
        """The normalised address, or None with the line rejected as a bad address."""
        try:
            return validate_email(raw, check_deliverability=False).normalized
        except EmailNotValidError:
            self.rejected.append({"line": line, "reason": BAD_EMAIL, "value": raw})
            return None

    def keep(self, line: int, email: str, name: str, locale: str) -> None:
        """Keep the row, unless its address came earlier (case aside): then it is rejected as a duplicate."""
        key = email.lower()
        if key in self.lines_by_email:
            self.rejected.append({"line": line, "reason": DUPLICATE, "value": email,
                                  "other_line": self.lines_by_email[key]})
            return
        self.lines_by_email[key] = line
        self.rows.append((line, email, name, locale))


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
        email = parsed.valid_email(line, email_raw)
        if email is None:
            continue
        if locale not in LOCALES:
            parsed.rejected.append({"line": line, "reason": BAD_LOCALE, "value": locale})
            continue
        if len(name) > NAME_MAX:
            parsed.rejected.append({"line": line, "reason": NAME_TOO_LONG, "value": email})
            continue
        parsed.keep(line, email, name, locale)
    if not parsed.rows and not parsed.rejected:
        raise BulkFileError("empty")
    return parsed


def create_bulk(session: Session, *, edition: Edition, user_id: int, filename: str, data: bytes) -> BulkInvitation:
    """Record the list and its valid recipients; the caller commits, then `start_bulk` queues the job.

    Raises BulkFileError when the file cannot be used at all, or holds no valid row.
    """
    parsed = parse_csv(data, default_locale_of(edition))
    if not parsed.rows:
        raise BulkFileError("no_valid_row")
    return record_bulk(session, edition=edition, user_id=user_id, filename=filename, parsed=parsed)


def default_locale_of(edition: Edition) -> str:
    return next((code for code in (edition.languages or []) if code in LOCALES), "fr")


def record_bulk(session: Session, *, edition: Edition, user_id: int, filename: str,
                parsed: ParsedList) -> BulkInvitation:
    """Store a checked list (CSV or a partner's candidates) and its recipients, ready for `start_bulk`."""
    bulk = BulkInvitation(edition_id=edition.id, created_by_id=user_id, filename=(filename or "")[:255],
                          status=BulkStatus.queued, total=len(parsed.rows), sent=0, rejected=parsed.rejected)
    session.add(bulk)
    session.flush()
    session.add_all(BulkRecipient(bulk_id=bulk.id, line=line, email=email, name=name, locale=locale)
                    for line, email, name, locale in parsed.rows)
    session.flush()
    return bulk


# ---------------------------------------------------------------- a partner's candidates

# A list made from a partner's candidates is labelled with this prefix and the partner's name; a
# browser's file name (kept as `Path(...).name`) never holds a "/", so no CSV list can look like one.
PARTNER_LABEL_PREFIX = "partner/"
NO_PARTNER = "no_partner"
UNKNOWN_PARTNER = "unknown_partner"
NO_CANDIDATE = "no_candidate"


def partner_label(bulk: BulkInvitation) -> str | None:
    """The partner's name when the list was made from its candidates, else None."""
    name = bulk.filename or ""
    return name[len(PARTNER_LABEL_PREFIX):] if name.startswith(PARTNER_LABEL_PREFIX) else None


# Who a partner referred is the candidates domain's to say (the organiser's console passes
# fair.candidates.services.referred_people and referred_counts in): this layer never reads referrals.
ReferredPeople = Callable[[Session, int], list[tuple[int, str, str, str]]]
ReferredCounts = Callable[[Session, list[int]], dict[int, int]]


def edition_partners(session: Session, edition_id: int, counts_of: ReferredCounts) -> list[tuple[EditionPartner, int]]:
    """The edition's partners by name, each with its number of consenting referred candidates."""
    partners = list(session.execute(
        select(EditionPartner).join(Organisation, Organisation.id == EditionPartner.organisation_id)
        .where(EditionPartner.edition_id == edition_id).order_by(Organisation.name, EditionPartner.id)
    ).scalars())
    counts = counts_of(session, [p.organisation_id for p in partners]) if partners else {}
    return [(partner, counts.get(partner.organisation_id, 0)) for partner in partners]


def partner_candidates(people: list[tuple[int, str, str, str]], default_locale: str = "fr") -> ParsedList:
    """A partner's consenting referred candidates (user id, email, name, locale) as list rows, one per person."""
    parsed = ParsedList()
    seen_ids: set[int] = set()
    for user_id, email_raw, name, locale in people:
        if user_id in seen_ids:  # referred by two advisers of the same partner
            continue
        seen_ids.add(user_id)
        line = len(seen_ids)
        email = parsed.valid_email(line, email_raw or "")
        if email is None:
            continue
        locale = (locale or "").lower()
        parsed.keep(line, email, (name or "")[:NAME_MAX], locale if locale in LOCALES else default_locale)
    return parsed


def create_bulk_from_partner(session: Session, *, edition: Edition, user_id: int,
                             edition_partner_id: int | None, people_of: ReferredPeople) -> BulkInvitation:
    """A list of the consenting candidates of one of the edition's partners; the caller commits and starts it.

    Raises BulkFileError(NO_PARTNER) when none is chosen, (UNKNOWN_PARTNER) when the id is not one of
    this edition's partners, (NO_CANDIDATE) when the partner has no consenting candidate.
    """
    if not edition_partner_id:
        raise BulkFileError(NO_PARTNER)
    partner = session.execute(
        select(EditionPartner).where(EditionPartner.id == edition_partner_id, EditionPartner.edition_id == edition.id)
    ).scalar_one_or_none()
    if partner is None:
        raise BulkFileError(UNKNOWN_PARTNER)
    parsed = partner_candidates(people_of(session, partner.organisation_id), default_locale_of(edition))
    if not parsed.rows:
        raise BulkFileError(NO_CANDIDATE)
    return record_bulk(session, edition=edition, user_id=user_id,
                       filename=PARTNER_LABEL_PREFIX + partner.organisation.name, parsed=parsed)


def start_bulk(session: Session, bulk: BulkInvitation) -> None:
    """Queue the sending job once the caller commits."""
    jobs.send_bulk.after_commit(session, bulk.id)


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
    return editions_run_by(user_id)


def bulk_for_organiser(bulk_id: int, user_id: int, session: Session | None = None) -> BulkInvitation | None:
    """The bulk invitation if `user_id` organises its edition, else None (the caller answers 404)."""
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


# ---------------------------------------------------------------- progress, as pages and the room `bulk:<id>` show it

def bulk_room(bulk_id: int) -> str:
    return f"bulk:{bulk_id}"


def bulk_state(bulk) -> dict:
    skipped = len(unsubscribed_rows(bulk))
    return {"id": bulk.id, "status": bulk.status.value, "total": bulk.total, "sent": bulk.sent,
            "percent": percent(bulk.sent + skipped, bulk.total),
            "rejected": len(bulk.rejected or []) - skipped, "unsubscribed": skipped}


def unsubscribed_rows(bulk) -> list[dict]:
    """The recipients left out because they had unsubscribed from the organiser's bulk mail."""
    return [row for row in bulk.rejected or [] if row.get("reason") == UNSUBSCRIBED]


def invalid_rows(bulk) -> list[dict]:
    """The rows of the list that could not be used at all."""
    return [row for row in bulk.rejected or [] if row.get("reason") != UNSUBSCRIBED]


def leave_out_unsubscribed(session: Session, bulk: BulkInvitation, edition: Edition,
                           recipients: list[BulkRecipient]) -> list[BulkRecipient]:
    """The recipients to send to: those who unsubscribed from this organiser are marked handled and
    kept with the rows not sent (counted as "unsubscribed" on the list's page), nothing queued for them."""
    keep, skipped = [], []
    for recipient in recipients:
        if unsubscribe.is_unsubscribed(session, recipient.email, edition.organiser_id):
            recipient.queued_at = recipient.queued_at or utcnow()
            skipped.append({"line": recipient.line, "reason": UNSUBSCRIBED, "value": recipient.email})
        else:
            keep.append(recipient)
    if skipped:
        bulk.rejected = [*(bulk.rejected or []), *skipped]
    return keep


def percent(done: int, total: int) -> int:
    return 100 if total <= 0 else min(100, (done * 100) // total)
