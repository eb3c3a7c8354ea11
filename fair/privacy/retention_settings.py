"""Changing the retention periods: the instance's (`InstanceSettings.retention`) and an organiser's own
(`Organisation.retention`, for the rules an organiser may override). The values are checked against each
rule's bounds (fair/privacy/retention.py) and every change is written to the audit log."""
from __future__ import annotations

from sqlalchemy.orm import Session

from fair import audit
from fair.accounts.models import Organisation, OrganisationKind
from fair.instance import settings_row
from fair.privacy.retention import BY_KEY, period_problem


class RetentionRefused(ValueError):
    """The period cannot be set: an unknown rule, a value out of bounds, a rule an organiser may not change."""


def set_period(session: Session, key: str, days: int | None, organisation: Organisation | None = None,
               actor=None) -> dict:
    """Set (or with `days=None`, remove) one period; answers the values now stored."""
    rule = BY_KEY.get(key)
    if rule is None:
        raise RetentionRefused(f"unknown rule {key!r}: one of {', '.join(BY_KEY)}")
    if days is not None and (bounds := period_problem(key, days)) is not None:
        raise RetentionRefused(f"{key} must be between {bounds[0]} and {bounds[1]} days")
    if organisation is not None:
        if organisation.kind != OrganisationKind.organiser:
            raise RetentionRefused("only an organiser has retention periods of its own")
        if not rule.overridable:
            raise RetentionRefused(f"{key} is set for the whole instance only")
        values = dict(organisation.retention or {})
    else:
        values = dict(settings_row(session).retention or {})
    if days is None:
        values.pop(key, None)
    else:
        values[key] = days
    if organisation is not None:
        organisation.retention = values or None
        audit.record(session, "retention.update", organisation, organisation_id=organisation.id, actor=actor,
                     details={key: days})
    else:
        row = settings_row(session)
        row.retention = values
        audit.record(session, "retention.update", row, object_type="instance_settings", label="instance",
                     actor=actor, details={key: days})
    return values
