"""Forms of "call me back": every message is translated and shown next to its field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from fair.accounts.forms import mobile_field
from fair.forms import ChoiceField, select_choices

WHEN_CHOICES = [("now", _l("As soon as possible")), ("range", _l("Between two times today"))]
OUTCOME_CHOICES = [("", _l("Choose an outcome")), ("reached", _l("Reached")), ("no_answer", _l("No answer")),
                   ("wrong_number", _l("Wrong number")), ("call_again", _l("Call again"))]


class CallbackForm(FlaskForm):
    mobile = mobile_field(_l("Mobile number to call"))
    when = RadioField(_l("When can they call you?"), choices=select_choices(WHEN_CHOICES), default="now",
                      validators=[InputRequired(message=_l("Choose when they can call you."))])
    start = TimeField(_l("Earliest time"), validators=[Optional()], render_kw={"step": 300})
    end = TimeField(_l("Latest time"), validators=[Optional()], render_kw={"step": 300})
    consent = BooleanField(validators=[DataRequired(message=_l("Tick the box: without it the company cannot "
                                                              "receive your number."))])

    def validate_end(self, field) -> None:
        if self.when.data != "range":
            return
        if self.start.data is None or field.data is None:
            raise ValidationError(_l("Give the start and the end of the time range."))
        if field.data <= self.start.data:
            raise ValidationError(_l("The end of the time range must come after its start, later today."))


class OutcomeForm(FlaskForm):
    outcome = ChoiceField(_l("Outcome of the call"), choices=select_choices(OUTCOME_CHOICES),
                          validators=[DataRequired(message=_l("Choose the outcome of the call."))])
    note = TextAreaField(_l("Note (only your colleagues see it)"), render_kw={"rows": 2},
                         validators=[Optional(), Length(max=1000, message=_l(
                             "The note is too long (1,000 characters at most)."))])
