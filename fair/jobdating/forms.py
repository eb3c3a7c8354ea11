"""Forms of the job-dating pages; every message is translated and shown next to its field."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from fair.forms import ChoiceField, select_choices
from fair.jobdating.models import Attendance, Outcome, SlotMode
from fair.timezones import fair_zone, local_day_bounds
from fair.web import local_date

MODE_LABELS = {
    SlotMode.video: _l("Video"),
    SlotMode.phone: _l("Phone"),
    SlotMode.onsite: _l("On site (stand or room)"),
}
ATTENDANCE_LABELS = {Attendance.attended: _l("Came"), Attendance.no_show: _l("Did not come")}
OUTCOME_LABELS = {
    Outcome.hired: _l("Hired"),
    Outcome.second_interview: _l("Second interview"),
    Outcome.training_proposed: _l("Training proposed"),
    Outcome.not_retained: _l("Not retained"),
}


def fair_days(edition) -> list[tuple[str, str]]:
    """The days of the fair in its time zone, as the choices of AvailabilityForm's `day`."""
    tz = fair_zone(edition)
    first, last = edition.starts_at.astimezone(tz).date(), edition.ends_at.astimezone(tz).date()
    days = []
    day = first
    while day <= last:
        start, _end = local_day_bounds(day, tz)
        days.append((day.isoformat(), local_date(start, edition.timezone, "full")))
        day += dt.timedelta(days=1)
    return days


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AvailabilityForm(FlaskForm):
    day = ChoiceField(_l("Day"), validators=[InputRequired(message=_l("This field is required."))])
    start = TimeField(_l("Start time"), validators=[InputRequired(message=_l("This field is required."))],
                      render_kw={"step": 300})
    end = TimeField(_l("End time"), validators=[InputRequired(message=_l("This field is required."))],
                    render_kw={"step": 300})
    mode = ChoiceField(_l("Interview mode"),
                       choices=select_choices((m.value, label) for m, label in MODE_LABELS.items()),
                       validators=[InputRequired(message=_l("This field is required."))])
    slot_minutes = IntegerField(
        _l("Length of an interview, in minutes"),
        validators=[Optional(), NumberRange(min=5, max=240, message=_l("Between %(min)d and %(max)d minutes."))])
    buffer_minutes = IntegerField(
        _l("Break between interviews, in minutes"), default=0,
        validators=[Optional(), NumberRange(min=0, max=120, message=_l("Between %(min)d and %(max)d minutes."))])
    location = StringField(_l("Stand, room or video link"), filters=[_strip],
                           validators=[Optional(), Length(max=500, message=_l("At most %(max)d characters."))])

    def __init__(self, days: list[tuple[str, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.day.choices = days

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must come after the start."))

    def validate_location(self, field) -> None:
        if self.mode.data == SlotMode.video.value and field.data and not field.data.startswith("https://"):
            raise ValidationError(_l("Enter a full web address starting with https://"))


class RecruiterCancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason given to the candidate"), filters=[_strip], render_kw={"rows": 3},
                           validators=[InputRequired(message=_l("Give the candidate a reason.")),
                                       Length(max=1000, message=_l("At most %(max)d characters."))])


class OutcomeForm(FlaskForm):
    attendance = ChoiceField(_l("Attendance"),
                             choices=select_choices((a.value, label) for a, label in ATTENDANCE_LABELS.items()),
                             validators=[InputRequired(message=_l("This field is required."))])
    outcome = SelectField(_l("Outcome"), validate_choice=False, choices=select_choices(
        [("", "—")] + [(o.value, label) for o, label in OUTCOME_LABELS.items()]))

    def validate_outcome(self, field) -> None:
        if field.data and field.data not in {o.value for o in Outcome}:
            raise ValidationError(_l("Choose from the list."))
