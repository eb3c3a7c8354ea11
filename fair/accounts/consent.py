"""Consent records: every consent a person gives (or an adviser collects for them), as it was worded.

In the accounts layer so that every domain that asks for a consent (candidates' situations, referrals,
SMS later) records it the same way; fair.privacy shows them, withdraws them and exports them.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.db import Base, UTCDateTime, enum_column, utcnow


class ConsentPurpose(str, enum.Enum):
    talent_pool = "talent_pool"  # keep my profile for later fairs (longer retention)
    situations = "situations"  # share my priority-public situations for statistics
    referral = "referral"  # an adviser's structure follows me (scope: the partner organisation)
    sms = "sms"  # text messages to my mobile number


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
