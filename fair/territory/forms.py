"""The adviser's form to confirm or correct the situations of a person they follow."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from fair.candidates.forms import CheckboxList
from fair.candidates.labels import SITUATION_LABELS


class ConfirmSituationsForm(FlaskForm):
    situations = CheckboxList(_l("Their situation"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.situations.choices = [(k.value, str(v)) for k, v in SITUATION_LABELS.items()]
