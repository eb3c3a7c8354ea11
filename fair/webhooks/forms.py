"""The form of a new subscription: the receiver's address, the events it hears, a note for the team.

The address and the events are checked by `fair.webhooks.services.subscribe` (FieldErrors)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, URLField
from wtforms.widgets import CheckboxInput, ListWidget

from fair.fairs.forms import MultiCheckboxField
from fair.forms import select_choices
from fair.webhooks.models import EVENT_TYPES

EVENT_LABELS = {
    "application.created": _l("An application is sent"),
    "application.updated": _l("The status of an application changes"),
    "booking.created": _l("An interview is booked"),
    "booking.cancelled": _l("An interview is cancelled"),
    "outcome.recorded": _l("An outcome (a hire, a training) is recorded"),
}


class SubscriptionForm(FlaskForm):
    url = URLField(_l("Address of your receiver"), render_kw={"maxlength": 2000, "autocapitalize": "none",
                                                               "spellcheck": "false", "inputmode": "url"})
    description = StringField(_l("Note for your team (optional)"), render_kw={"maxlength": 200})
    events = MultiCheckboxField(_l("Events"), validate_choice=False, default=list(EVENT_TYPES),
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.events.choices = select_choices((event, f"{EVENT_LABELS[event]} ({event})") for event in EVENT_TYPES)
