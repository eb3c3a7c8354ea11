"""Form pieces the domains share."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

# A plausible address (one @, a dot in the domain, no space): services check typed addresses with it.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class FieldErrors(Exception):
    """Bad input, as translated messages per form field, so that a view can show each next to its field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors

    @property
    def message(self) -> str:
        """The first message, for a page that shows only one."""
        return next(iter(self.errors.values()))[0]


class ConfirmForm(FlaskForm):
    """A button that changes something (register, cancel, resend, pause): only the CSRF token."""


def select_choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as the options of a select (WTForms 3.3 deprecates bare pairs)."""
    return [SelectChoice(value, label) for value, label in pairs]


class ChoiceField(SelectField):
    """A select whose refusal of an unlisted value is worded by us (and so translated)."""

    def pre_validate(self, form) -> None:
        values = {choice.value if isinstance(choice, SelectChoice) else choice[0] for choice in self.choices or ()}
        if self.data not in values:
            raise ValidationError(_l("Choose from the list."))


def csv_cell(value: object) -> str:
    """A cell of a CSV export. A spreadsheet reads a cell starting with = + - @ (or a tab or a return)
    as a formula: such a cell is neutralised with a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def form_status(*forms: Any) -> int:
    """The status of a page showing these forms: 422 when a submitted one has errors (the page shows it
    again with its messages, nothing saved), else 200. JSON APIs answer their own 4xx."""
    return 422 if any(form is not None and form.errors for form in forms) else 200
