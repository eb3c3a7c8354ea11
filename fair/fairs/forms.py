"""Console forms. They only read the request into Python values; the rules (dates in order, known
time zone, unique web address…) are checked by fair.fairs.services so that every caller gets them."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from fair.fairs.labels import (
    AUDIENCE_LABELS,
    BOOKING_POLICY_LABELS,
    FORMAT_LABELS,
    INVITATION_KIND_LABELS,
    LANGUAGE_LABELS,
    PARTNER_TYPE_LABELS,
    timezone_choices,
)
from fair.fairs.services import DATETIME_FIELDS, EditionData
from fair.forms import select_choices


class MarkedRequired:
    """Marks a field as required (label and `required` attribute); the service reports it missing."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class WallClockField(DateTimeLocalField):
    """A `datetime-local` input read as a naive wall-clock time; empty means not given."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
        kwargs.setdefault("invalid_value_message", _l("Enter a date and a time, for example 27/10/2030 09:00."))
        kwargs.setdefault("validators", [MarkedRequired()])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata([" ".join(valuelist).strip()])


class WholeNumberField(IntegerField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("invalid_value_message", _l("Enter a whole number."))
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata([valuelist[0].strip()])


def _int_or_zero(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(getattr(key, "value", key), text) for key, text in mapping.items()]


class EditionForm(FlaskForm):
    organiser_id = SelectField(_l("Organised by"), coerce=_int_or_zero, validate_choice=False)
    title = StringField(_l("Title"), validators=[MarkedRequired()], render_kw={"maxlength": 200})
    slug = StringField(_l("Web address"), render_kw={"maxlength": 80, "autocapitalize": "none", "spellcheck": "false"})
    description = TextAreaField(_l("Description"), render_kw={"rows": 6})
    privacy_purposes = TextAreaField(_l("Purposes of this fair for personal data"), render_kw={"rows": 3})
    timezone = SelectField(_l("Time zone"), validators=[MarkedRequired()], validate_choice=False,
                           default="Europe/Paris")
    starts_at = WallClockField(_l("Start"))
    ends_at = WallClockField(_l("End"))
    registration_opens_at = WallClockField(_l("Registration opens"))
    registration_closes_at = WallClockField(_l("Registration closes"))
    audiences = MultiCheckboxField(_l("Audiences"), choices=_choices(AUDIENCE_LABELS), validate_choice=False,
                                   default=["all"])
    languages = MultiCheckboxField(_l("Languages"), choices=_choices(LANGUAGE_LABELS), validate_choice=False,
                                   default=["fr"])
    format = RadioField(_l("Format"), choices=_choices(FORMAT_LABELS), validate_choice=False, default="online")
    venue = StringField(_l("Venue"), render_kw={"maxlength": 300})
    logo_url = StringField(_l("Logo address"), render_kw={"maxlength": 500, "type": "url", "inputmode": "url"})
    banner_url = StringField(_l("Banner address"), render_kw={"maxlength": 500, "type": "url", "inputmode": "url"})
    brand_colour = StringField(_l("Main colour"), default="#1d4f91", render_kw={"type": "color"})
    booking_policy = RadioField(_l("Who may book interviews"), choices=_choices(BOOKING_POLICY_LABELS),
                                validate_choice=False, default="open")
    default_slot_minutes = WholeNumberField(_l("Default interview length (minutes)"), validators=[MarkedRequired()],
                                            default=20, render_kw={"min": 5, "max": 120, "step": 5})
    max_bookings_per_candidate = WholeNumberField(_l("Interviews a candidate may book"),
                                                  validators=[MarkedRequired()], default=3,
                                                  render_kw={"min": 1, "max": 20})
    anonymised_applications = BooleanField(_l("Anonymised applications (recruiters see no name before an interview)"))
    sms_segment_budget = WholeNumberField(_l("Text message budget (segments)"), render_kw={"min": 0})

    def __init__(self, *args, timezone: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = select_choices(timezone_choices(timezone or self.timezone.data))

    def edition_data(self) -> EditionData:
        return EditionData(
            title=self.title.data,
            slug=self.slug.data,
            description=self.description.data,
            privacy_purposes=self.privacy_purposes.data,
            timezone=self.timezone.data,
            audiences=list(self.audiences.data or []),
            languages=list(self.languages.data or []),
            format=self.format.data,
            venue=self.venue.data,
            logo_url=self.logo_url.data,
            banner_url=self.banner_url.data,
            brand_colour=self.brand_colour.data,
            booking_policy=self.booking_policy.data,
            default_slot_minutes=self.default_slot_minutes.data,
            max_bookings_per_candidate=self.max_bookings_per_candidate.data,
            anonymised_applications=bool(self.anonymised_applications.data),
            sms_segment_budget=self.sms_segment_budget.data,
            **{name: getattr(self, name).data for name in DATETIME_FIELDS},
        )

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        """Service errors next to their fields, unless the field already says what is wrong."""
        for name, messages in errors.items():
            field = getattr(self, name, None)
            if field is None:
                continue
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            if not field.errors:
                field.errors.extend(messages)


class CoOrganiserForm(FlaskForm):
    organisation_id = SelectField(_l("Organiser organisation"), coerce=_int_or_zero, validate_choice=False,
                                  default=0)


class StatusForm(FlaskForm):
    status = HiddenField()


class InvitationForm(FlaskForm):
    kind = RadioField(_l("Invite"), choices=_choices(INVITATION_KIND_LABELS), validate_choice=False,
                      default="company", validators=[MarkedRequired()])
    organisation_id = SelectField(_l("Organisation already taking part"), coerce=_int_or_zero, validate_choice=False,
                                  default=0)
    organisation_name = StringField(_l("Name of the organisation"), render_kw={"maxlength": 200})
    email = EmailField(_l("Email address of the person to invite"), validators=[MarkedRequired()],
                       render_kw={"maxlength": 254, "autocomplete": "off"})
    partner_type = SelectField(_l("Type of partner"), validate_choice=False,
                               choices=[SelectChoice("", _l("— Choose (partners only) —"))]
                               + _choices(PARTNER_TYPE_LABELS))

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        EditionForm.add_errors(self, errors)  # type: ignore[arg-type]



class DayField(DateField):
    """A `date` input; empty means not given, anything unreadable gets a message in words."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("validators", [MarkedRequired()])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        text = " ".join(valuelist or []).strip()
        self.data = None
        if not text:
            return
        try:
            self.data = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(_l("Enter a date, for example 2030-10-27.")) from None


class CopyEditionForm(FlaskForm):
    """Run a fair again: what the new edition is called and its first day; everything else is copied."""

    title = StringField(_l("Title"), validators=[MarkedRequired()], render_kw={"maxlength": 200})
    slug = StringField(_l("Web address"), render_kw={"maxlength": 80, "autocapitalize": "none", "spellcheck": "false"})
    starts_on = DayField(_l("First day of the new fair"))

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        EditionForm.add_errors(self, errors)  # type: ignore[arg-type]
