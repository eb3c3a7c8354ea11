"""The form of a new API token: a name, its permissions, an optional last day.

The name and the permissions are checked by `fair.api.services.create_token` (FieldErrors)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from fair.api.models import SCOPES
from fair.fairs.forms import MultiCheckboxField
from fair.forms import select_choices

SCOPE_LABELS = {
    "offers:read": _l("Read the offers"),
    "offers:write": _l("Publish and change offers"),
    "applications:read": _l("Read the applications"),
    "applications:write": _l("Shortlist, invite or decline applicants"),
    "bookings:read": _l("Read the interview bookings"),
    "bookings:write": _l("Cancel interviews"),
    "outcomes:read": _l("Read the outcomes (hires, trainings)"),
    "outcomes:write": _l("Record outcomes"),
}


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), render_kw={"maxlength": 100, "autocomplete": "off"})
    scopes = MultiCheckboxField(_l("Permissions"), validate_choice=False, widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())
    expires_on = DateField(_l("Last day of use (optional)"), validators=[Optional()],
                           invalid_value_message=_l("Enter a date, for example 2030-10-27."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scopes.choices = select_choices((scope, f"{SCOPE_LABELS[scope]} ({scope})") for scope in SCOPES)
