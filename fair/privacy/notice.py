"""The privacy notice, worked out from the instance's real settings.

What it says of retention is read from the same place the retention jobs read (fair.privacy.retention
with the instance's and the organiser's periods, and the booth chat's LIVE_CHAT_RETENTION_DAYS), so the
notice cannot promise one period while the jobs apply another. An edition's notice adds its organiser's
own periods and the edition's own purposes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy.orm import Session

from fair.accounts.models import Organisation
from fair.fairs.models import Edition
from fair.instance import settings_row
from fair.privacy import retention


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    days: int
    organiser_own: bool  # the edition's organiser set this period itself


@dataclass
class Notice:
    instance_name: str
    contact: str | None
    periods: list[Period]
    chat_days: int  # 0: booth chats are kept
    edition: Edition | None = None
    edition_purposes: list[str] = field(default_factory=list)
    additions: str = ""  # the administrator's own text


def instance_periods(session: Session) -> dict[str, int]:
    """The period of each rule for the instance (the administrator's, else the default)."""
    return retention.periods(settings_row(session).retention or {})


def organiser_periods(session: Session, organiser: Organisation) -> dict[str, int]:
    """The periods in force for the editions of `organiser` (its own overrides where it set one)."""
    return retention.periods(settings_row(session).retention or {}, organiser.retention or {})


def build(session: Session, edition: Edition | None = None) -> Notice:
    row = settings_row(session)
    base = retention.periods(row.retention or {})
    days = organiser_periods(session, edition.organiser) if edition is not None else base
    periods = [Period(rule.key, str(rule.label), days[rule.key],
                      edition is not None and days[rule.key] != base[rule.key]) for rule in retention.RULES]
    return Notice(
        instance_name=row.name, contact=(row.privacy_contact or row.contact_email or None), periods=periods,
        chat_days=int(current_app.config.get("LIVE_CHAT_RETENTION_DAYS") or 0), edition=edition,
        edition_purposes=[line.strip() for line in (edition.privacy_purposes or "").splitlines() if line.strip()]
        if edition is not None else [],
        additions=row.privacy_notice or "")


def overridable_rules() -> list[retention.Rule]:
    return [rule for rule in retention.RULES if rule.overridable]


def save_organiser_periods(organisation: Organisation, values: dict[str, int | None]) -> list[str]:
    """Set the organiser's own periods (None: the instance's applies); the keys that changed. The caller
    checks each value with `retention.period_problem`, audits and commits."""
    allowed = {rule.key for rule in overridable_rules()}
    before = dict(organisation.retention or {})
    after = {key: days for key, days in values.items() if key in allowed and days is not None}
    organisation.retention = after
    return sorted(key for key in allowed if before.get(key) != after.get(key))
