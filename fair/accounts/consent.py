"""Consent records: every consent a person gives (or an adviser collects for them), as it was worded.

In the accounts layer so that every domain that asks for a consent (candidates' situations, referrals,
SMS later) records it the same way; fair.privacy shows them, withdraws them and exports them.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib

from flask import has_request_context
from flask_babel import force_locale, get_locale
from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.clock import now
from fair.db import Base, UTCDateTime, enum_column, utcnow


class ConsentPurpose(str, enum.Enum):
    talent_pool = "talent_pool"  # keep my profile for later fairs (longer retention)
    situations = "situations"  # share my priority-public situations for statistics
    referral = "referral"  # an adviser's structure follows me (scope: the partner organisation)
    sms = "sms"  # text messages to my mobile number
    # The networks my structure belongs to see my name and follow-up (scope: the network organisation;
    # fair.networks). Without it, a network and its other members count the person but never name them.
    network = "network"


class ConsentRecord(Base):
    """One consent as given: the exact words shown, their version, when, and when it was withdrawn.

    A new consent to the same purpose and scope is a new row; the current state is the latest row
    without `withdrawn_at`. Rows outlive withdrawal: they are the proof of what was agreed to, and when.
    """

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_column(ConsentPurpose, "consent_purpose"))
    # The organisation the consent is given to, when it is given to one (a referral's partner).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                        index=True)
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    # Who recorded it: the person themself, or the adviser who collected it (then named here).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    given_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()


# ---------------------------------------------------------------- giving, withdrawing, reading

# The day the current wordings were settled: part of every version, so that a wording changed on
# purpose (and its English text with it) gets a new code, and an identical text a stable one.
WORDING_DATE = "2026-12-07"


def version_of(*wordings: object) -> str:
    """A short stable code of a wording (one or several sentences shown together): WORDING_DATE and the
    start of the SHA-256 of its English text (the msgids, before names are put in), so the same words
    give the same code in every language."""
    with force_locale("en"):
        english = " ".join(str(wording) for wording in wordings)
    return f"{WORDING_DATE}-{hashlib.sha256(english.encode('utf-8')).hexdigest()[:10]}"


def shown_locale() -> str:
    """The language the page is shown in (what the person read), outside a request the default."""
    if has_request_context():
        return str(get_locale() or "fr")
    return "fr"


def current(session: Session, user_id: int, purpose: ConsentPurpose,
            organisation_id: int | None = None) -> ConsentRecord | None:
    """The consent in force for this purpose (and organisation, for a referral), or None."""
    return session.execute(
        select(ConsentRecord).where(*_scope(user_id, purpose, organisation_id), ConsentRecord.withdrawn_at.is_(None))
        .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id.desc())
    ).scalars().first()


def give(session: Session, user_id: int, purpose: ConsentPurpose, text: str, version: str, *,
         organisation_id: int | None = None, recorded_by_id: int | None = None,
         locale: str | None = None) -> ConsentRecord:
    """Record a consent as shown: its words (`text`, in the language shown), their version and the time.

    Giving again the same wording (the same version, in whatever language) keeps the consent in force
    (its time is when it was first given); another wording replaces it: the old row is withdrawn now
    and a new one is the proof of what was agreed.
    """
    existing = current(session, user_id, purpose, organisation_id)
    if existing is not None and existing.version == version:
        return existing
    stamp = now()
    if existing is not None:
        existing.withdrawn_at = stamp
    record = ConsentRecord(user_id=user_id, purpose=purpose, organisation_id=organisation_id, text=text,
                           version=version, locale=locale or shown_locale(),
                           recorded_by_id=recorded_by_id if recorded_by_id is not None else user_id,
                           given_at=stamp)
    session.add(record)
    session.flush()
    return record


def withdraw(session: Session, user_id: int, purpose: ConsentPurpose,
             organisation_id: int | None = None) -> list[ConsentRecord]:
    """End every consent in force for this purpose (and organisation); the rows stay, as proof."""
    rows = list(session.execute(
        select(ConsentRecord).where(*_scope(user_id, purpose, organisation_id), ConsentRecord.withdrawn_at.is_(None))
    ).scalars())
    stamp = now()
    for row in rows:
        row.withdrawn_at = stamp
    return rows


def history(session: Session, user_id: int) -> list[ConsentRecord]:
    """Every consent of the person, in force or withdrawn, newest first."""
    return list(session.execute(
        select(ConsentRecord).where(ConsentRecord.user_id == user_id)
        .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id.desc())
    ).scalars())


def consenting_users(purpose: ConsentPurpose):
    """A SELECT of the ids of the people whose consent to `purpose` is in force (for reports' WHERE … IN)."""
    return select(ConsentRecord.user_id).where(ConsentRecord.purpose == purpose, ConsentRecord.withdrawn_at.is_(None))


def _scope(user_id: int, purpose: ConsentPurpose, organisation_id: int | None) -> list:
    conditions = [ConsentRecord.user_id == user_id, ConsentRecord.purpose == purpose]
    if organisation_id is not None:
        conditions.append(ConsentRecord.organisation_id == organisation_id)
    return conditions
