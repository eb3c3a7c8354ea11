"""Retention periods as form fields: one number of days per rule, checked against the rule's bounds
(`retention.period_problem`), an empty field meaning "the period that applies otherwise". Used by the
organiser's page here and by the administrator's instance page (fair.admin)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import ValidationError

from fair.privacy.retention import Rule, period_problem

PREFIX = "days_"


class _Period:
    """The rule's bounds, in words: a number outside them, or not a number, is refused."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.field_flags = {}

    def __call__(self, form, field) -> None:
        raw = (field.raw_data or [""])[0]
        if field.data is None and not str(raw).strip():
            field.errors[:] = []
            return
        problem = period_problem(self.key, field.data)
        if problem is not None:
            field.errors[:] = []
            raise ValidationError(_l("Enter a number of days between %(min)d and %(max)d.",
                                     min=problem[0], max=problem[1]))


def with_retention_fields(form_class: type[FlaskForm], rules: Iterable[Rule]) -> type[FlaskForm]:
    """`form_class` with a `days_<rule>` field for each rule."""
    fields = {PREFIX + rule.key: IntegerField(rule.label, validators=[_Period(rule.key)]) for rule in rules}
    return type(form_class.__name__, (form_class,), fields)


def fill_retention(form: FlaskForm, rules: Iterable[Rule], values: Mapping[str, int]) -> None:
    for rule in rules:
        if rule.key in values:
            getattr(form, PREFIX + rule.key).data = values[rule.key]


def retention_values(form: FlaskForm, rules: Iterable[Rule]) -> dict[str, int | None]:
    """Rule key → days entered (None: empty field)."""
    return {rule.key: getattr(form, PREFIX + rule.key).data for rule in rules}


def retention_fields(form: FlaskForm, rules: Iterable[Rule]) -> list:
    return [getattr(form, PREFIX + rule.key) for rule in rules]


class RetentionForm(FlaskForm):
    """The organiser's own periods."""

    @classmethod
    def for_rules(cls, rules: list[Rule], values: Mapping[str, int] | None, formdata=None) -> FlaskForm:
        form = with_retention_fields(cls, rules)(formdata=formdata)
        if values:
            fill_retention(form, rules, values)
        return form
