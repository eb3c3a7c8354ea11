"""The webinar form, shared by organisers and companies; every message is translated and shown by its field."""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from fair.forms import ChoiceField, select_choices
from fair.webinars.models import Provider

REQUIRED = _l("This field is required.")
LANGUAGE_LABELS = {"fr": _l("French"), "en": _l("English")}
PROVIDER_LABELS = {
    Provider.jitsi: _l("Jitsi Meet"),
    Provider.bbb: _l("BigBlueButton"),
    Provider.external: _l("Another service (web address)"),
}
ROOM_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,99}$")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class WebinarForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip],
                        validators=[InputRequired(message=REQUIRED),
                                    Length(max=200, message=_l("At most %(max)d characters."))])
    speaker = StringField(_l("Speaker"), filters=[_strip],
                          validators=[InputRequired(message=REQUIRED),
                                      Length(max=200, message=_l("At most %(max)d characters."))])
    description = TextAreaField(_l("Description"), filters=[_strip], render_kw={"rows": 4},
                                validators=[Optional(), Length(max=4000, message=_l("At most %(max)d characters."))])
    day = DateField(_l("Date"), validators=[InputRequired(message=REQUIRED)])
    start = TimeField(_l("Start time"), validators=[InputRequired(message=REQUIRED)], render_kw={"step": 300})
    duration_minutes = IntegerField(
        _l("Duration, in minutes"), default=60,
        validators=[InputRequired(message=REQUIRED),
                    NumberRange(min=10, max=480, message=_l("Between %(min)d and %(max)d minutes."))])
    capacity = IntegerField(
        _l("Seats"), default=100,
        validators=[InputRequired(message=REQUIRED),
                    NumberRange(min=1, max=10000, message=_l("Between %(min)d and %(max)d."))])
    language = ChoiceField(_l("Language"), choices=select_choices(LANGUAGE_LABELS.items()),
                           validators=[InputRequired(message=REQUIRED)])
    provider = ChoiceField(_l("Video service"),
                           choices=select_choices((p.value, label) for p, label in PROVIDER_LABELS.items()),
                           validators=[InputRequired(message=REQUIRED)])
    room = StringField(_l("Room name"), filters=[_strip],
                       validators=[Optional(), Length(max=100, message=_l("At most %(max)d characters."))])
    external_url = StringField(_l("Web address of the webinar"), filters=[_strip],
                               validators=[Optional(), Length(max=500, message=_l("At most %(max)d characters."))])

    def validate_room(self, field) -> None:
        if field.data and self.provider.data in (Provider.jitsi.value, Provider.bbb.value) \
                and not ROOM_PATTERN.match(field.data):
            raise ValidationError(_l("Use 3 to 100 letters, digits, hyphens or underscores."))

    def validate_external_url(self, field) -> None:
        if self.provider.data != Provider.external.value:
            return
        if not field.data:
            raise ValidationError(REQUIRED)
        if not field.data.startswith("https://") or len(field.data) < 12 or any(c.isspace() for c in field.data):
            raise ValidationError(_l("Enter a full web address starting with https://"))

    def validate_provider(self, field) -> None:
        if field.data == Provider.bbb.value and not (current_app.config.get("BBB_URL")
                                                     and current_app.config.get("BBB_SECRET")):
            raise ValidationError(_l("BigBlueButton is not set up on this platform: choose another provider."))

