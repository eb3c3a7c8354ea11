"""Forms of the recruiter pages; every message is translated and shown next to its field."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from fair.companies.labels import contract_choices, remote_choices

ROME_CODE_PATTERN = r"^[A-Z][0-9]{4}$"


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _upper(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else value


def https_url(_form: FlaskForm, field) -> None:
    """Only https links: candidates open them from the fair's pages, which are served over https."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in field.data):
        raise ValidationError(_l("Enter a full web address starting with https://"))


class ListField(SelectField):
    """A select whose refusal of an unlisted value is worded by us (and so translated)."""

    def __init__(self, *args, invalid_message: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError as error:
            raise ValidationError(self.invalid_message) from error


def _required() -> DataRequired:
    """Required after stripping: a title of spaces is no title."""
    return DataRequired(message=_l("This field is required."))


def _given() -> InputRequired:
    """Required for selects and numbers, where 0 is a value the range check speaks about."""
    return InputRequired(message=_l("This field is required."))


class BoothForm(FlaskForm):
    pitch = TextAreaField(
        _l("Pitch"), filters=[_strip], render_kw={"rows": 8},
        validators=[Optional(), Length(max=4000, message=_l("At most %(max)d characters."))],
    )
    video_url = StringField(
        _l("Video link"), filters=[_strip],
        validators=[Optional(), Length(max=500, message=_l("At most %(max)d characters.")), https_url],
    )
    stand_number = StringField(
        _l("Stand number"), filters=[_strip],
        validators=[Optional(), Length(max=40, message=_l("At most %(max)d characters."))],
    )


class DocumentForm(FlaskForm):
    title = StringField(
        _l("Document title"), filters=[_strip],
        validators=[_required(), Length(max=200, message=_l("At most %(max)d characters."))],
    )
    url = StringField(
        _l("Document link"), filters=[_strip],
        validators=[_required(), Length(max=500, message=_l("At most %(max)d characters.")), https_url],
    )


class StaffForm(FlaskForm):
    user_id = SelectField(_l("Team member"), coerce=int, validate_choice=False)
    job_title = StringField(
        _l("Job title shown to candidates"), filters=[_strip],
        validators=[Optional(), Length(max=120, message=_l("At most %(max)d characters."))],
    )

    def __init__(self, members: list[tuple[int, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = members
        self.user_id.validators = [InputRequired(message=_l("Choose a team member."))]

    def validate_user_id(self, field) -> None:
        if field.data not in {value for value, _label in self.user_id.choices}:
            raise ValidationError(_l("Choose a member of your company."))


class OfferForm(FlaskForm):
    title = StringField(
        _l("Job title"), filters=[_strip],
        validators=[_required(), Length(max=200, message=_l("At most %(max)d characters."))],
    )
    contract_type = ListField(_l("Contract type"), validators=[_given()],
                              invalid_message=_l("Choose a contract type from the list."))
    positions = IntegerField(
        _l("Number of positions"), default=1,
        validators=[_given(), NumberRange(min=1, max=500, message=_l("Enter a number between %(min)s and %(max)s."))],
    )
    place = StringField(
        _l("Place (city)"), filters=[_strip],
        validators=[_required(), Length(max=120, message=_l("At most %(max)d characters."))],
    )
    remote = ListField(_l("Remote work"), validators=[_given()], default="none",
                       invalid_message=_l("Choose an option from the list."))
    description = TextAreaField(
        _l("Description"), filters=[_strip], render_kw={"rows": 10},
        validators=[_required(), Length(max=10000, message=_l("At most %(max)d characters."))],
    )
    requirements = TextAreaField(
        _l("Requirements"), filters=[_strip], render_kw={"rows": 5},
        validators=[Optional(), Length(max=10000, message=_l("At most %(max)d characters."))],
    )
    rome_code = StringField(
        _l("ROME code"), filters=[_strip, _upper], render_kw={"autocapitalize": "characters", "maxlength": 5},
        validators=[Optional(), Regexp(ROME_CODE_PATTERN, message=_l(
            "A ROME code is one letter followed by 4 digits, for example N1103."))],
    )
    open_to_beginners = BooleanField(_l("Open to beginners"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.contract_type.choices = contract_choices()
        self.remote.choices = remote_choices()

    def validate_positions(self, field) -> None:
        # IntegerField's own parse error is not in our catalogue; replace it with ours.
        if field.data is None and field.raw_data and field.raw_data[0].strip():
            field.errors[:] = []
            raise ValidationError(_l("Enter a whole number."))

    def offer_fields(self) -> dict:
        return {
            "title": self.title.data,
            "contract_type": self.contract_type.data,
            "positions": self.positions.data,
            "place": self.place.data,
            "remote": self.remote.data,
            "description": self.description.data,
            "requirements": self.requirements.data or "",
            "rome_code": self.rome_code.data or None,
            "open_to_beginners": bool(self.open_to_beginners.data),
        }
