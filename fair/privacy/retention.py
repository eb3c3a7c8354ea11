"""How long fair keeps each kind of personal data, per instance with per-organiser overrides.

The defaults follow the CNIL's guidance for recruitment as this project reads it (docs/personal-data.md
says so and how to change them): a candidate not retained is anonymised a few months after the fair,
two years after the last contact when they joined the talent pool; an inactive account is warned a
month before it is anonymised. The administrator sets the instance's periods; an organiser's own
periods (`Organisation.retention`) replace them for its editions. The privacy notice shows each rule
with the period in force, and the retention jobs (fair/privacy/jobs.py) apply the same values.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Rule:
    key: str
    default_days: int
    minimum_days: int
    maximum_days: int
    label: object  # lazy translated text
    overridable: bool = True  # whether an organiser may set its own period


RULES: tuple[Rule, ...] = (
    Rule("application_after_edition", 92, 1, 730,
         _l("Applications of candidates not retained are anonymised this long after their fair ends")),
    Rule("talent_pool_after_contact", 730, 30, 1095,
         _l("Profiles in the talent pool are anonymised this long after the last contact")),
    Rule("inactive_account", 730, 180, 1095,
         _l("Accounts nobody used for this long are anonymised"), overridable=False),
    Rule("inactivity_warning", 30, 7, 90,
         _l("Their owners are warned by mail this long before"), overridable=False),
    Rule("mail_bodies", 30, 1, 365,
         _l("The text of the mails sent, with their links, is deleted this long after sending"),
         overridable=False),
    Rule("cv_access_log", 365, 30, 1095,
         _l("The record of who opened a CV is deleted this long after"), overridable=False),
)
BY_KEY = {rule.key: rule for rule in RULES}


def periods(instance_values: dict | None, organiser_values: dict | None = None) -> dict[str, int]:
    """The period in days of each rule: an organiser's override, else the instance's, else the default."""
    result = {}
    for rule in RULES:
        days = rule.default_days
        for source, allowed in ((instance_values, True), (organiser_values, rule.overridable)):
            value = (source or {}).get(rule.key)
            if allowed and isinstance(value, int) and rule.minimum_days <= value <= rule.maximum_days:
                days = value
        result[rule.key] = days
    return result


def period_problem(key: str, days: int | None) -> tuple[int, int] | None:
    """None when `days` is an acceptable period for the rule, else its (minimum, maximum) for the message."""
    rule = BY_KEY[key]
    if days is None or not rule.minimum_days <= days <= rule.maximum_days:
        return rule.minimum_days, rule.maximum_days
    return None
