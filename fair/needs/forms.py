"""Forms of recruitment needs; every message is translated and shown next to its field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from fair.candidates.labels import REASON_LABELS
from fair.companies.forms import ROME_CODE_PATTERN
from fair.forms import ChoiceField, select_choices
from fair.jobdating.forms import AvailabilityForm

_REQUIRED = _l("This field is required.")
_DATE = _l("Enter a date, for example 2030-10-27.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _upper(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else value


class NeedForm(FlaskForm):
    company = ChoiceField(_l("Employer"), validators=[InputRequired(message=_REQUIRED)])
    job_title = StringField(_l("Job title"), filters=[_strip], validators=[
        DataRequired(message=_REQUIRED), Length(max=200, message=_l("At most %(max)d characters."))])
    rome_code = StringField(
        _l("ROME code"), filters=[_strip, _upper], render_kw={"autocapitalize": "characters", "maxlength": 5},
        validators=[Optional(), Regexp(ROME_CODE_PATTERN, message=_l(
            "A ROME code is one letter followed by 4 digits, for example N1103."))])
    posts = IntegerField(_l("Number of posts"), default=1, validators=[
        InputRequired(message=_REQUIRED),
        NumberRange(min=1, max=500, message=_l("Between %(min)d and %(max)d posts."))])
    starts_on = DateField(_l("Start date"), validators=[InputRequired(message=_REQUIRED)], invalid_value_message=_DATE)
    ends_on = DateField(_l("End date"), validators=[Optional()], invalid_value_message=_DATE)
    place = StringField(_l("Place of work"), filters=[_strip], validators=[
        Optional(), Length(max=200, message=_l("At most %(max)d characters."))])
    requirements = TextAreaField(_l("Requirements"), filters=[_strip], render_kw={"rows": 4}, validators=[
        Optional(), Length(max=4000, message=_l("At most %(max)d characters."))])
    training_possible = BooleanField(_l("Training before hiring is possible"))
    social_clause = BooleanField(_l("This hiring falls under a social clause"))

    def __init__(self, companies: list[tuple[str, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.company.choices = select_choices(companies)

    def validate_ends_on(self, field: DateField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class ProposeForm(FlaskForm):
    """The people come from the checkboxes `candidate` (read with getlist); the note is shared."""

    note = TextAreaField(_l("Note for the company (optional)"), filters=[_strip], render_kw={"rows": 2},
                         validators=[Optional(), Length(max=1000, message=_l("At most %(max)d characters."))])


DECISION_CHOICES = [("accept", _l("Accept: we want to meet this person")), ("decline", _l("Decline"))]


class AnswerForm(FlaskForm):
    decision = RadioField(_l("Your answer"), choices=select_choices(DECISION_CHOICES),
                          validators=[InputRequired(message=_l("Choose to accept or decline."))])
    reason = ChoiceField(_l("Reason for declining"), validators=[Optional()],
                         choices=select_choices([("", _l("Choose a reason")),
                                                 *((r.value, label) for r, label in REASON_LABELS.items())]))

    def validate(self, extra_validators=None) -> bool:
        """A decline needs its reason (checked here: an empty optional field skips its own validators)."""
        valid = super().validate(extra_validators)
        if valid and self.decision.data == "decline" and not self.reason.data:
            self.reason.errors = [_l("Choose the reason for declining.")]
            return False
        return valid


WHOM_CHOICES = [("accepted", _l("The people you accepted")),
                ("all", _l("Everyone proposed and not declined"))]


class JobDatingForm(AvailabilityForm):
    """The interview slots to open at the chosen booth (fair.jobdating's form), and whom to invite."""

    whom = RadioField(_l("Invite to book"), choices=select_choices(WHOM_CHOICES), default="accepted",
                      validators=[InputRequired(message=_l("Choose whom to invite."))])
