"""Forms of the candidates' pages; every message is translated and shown next to its field."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from fair.accounts.forms import mobile_field
from fair.accounts.reach import NotifyBy
from fair.candidates.labels import CONTACT_LABELS, REASON_LABELS, SITUATION_LABELS
from fair.candidates.models import Gender
from fair.companies.forms import ListField
from fair.forms import ChoiceField, select_choices
from fair.sms.numbers import InvalidMobile, parse_mobile
from fair.territory.labels import GENDER_LABELS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _max(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters."))


def _required() -> DataRequired:
    return DataRequired(message=_l("This field is required."))


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        values = {value for value, _label in self.choices}
        if any(item not in values for item in self.data or []):
            raise ValidationError(_l("Choose from the list."))


MOBILE_ERRORS = {
    "invalid": _l("Enter a mobile number, for example 06 12 34 56 78 (or +32 470 12 34 56 from abroad)."),
    "not_mobile": _l("This number cannot receive text messages: enter a mobile number, for example 06 12 34 56 78."),
}


class ProfileForm(FlaskForm):
    full_name = StringField(_l("First name and last name"), filters=[_strip], validators=[_required(), _max(200)])
    phone = StringField(_l("Phone number"), filters=[_strip], validators=[
        Optional(), _max(32),
        Regexp(r"^\+?[0-9 .()-]{6,}$", message=_l("Enter a phone number, for example 06 12 34 56 78.")),
    ])
    preferred_contact = ListField(_l("How should we send you confirmations and reminders?"), validators=[InputRequired(
        message=_l("This field is required."))], invalid_message=_l("Choose from the list."))
    postcode = StringField(_l("Postcode"), filters=[_strip], validators=[
        Optional(), Regexp(r"^[0-9][0-9AB][0-9]{3}$", message=_l("A postcode has 5 digits, for example 59000."))])
    address_line = StringField(_l("Street address"), filters=[_strip], validators=[Optional(), _max(200)])
    city = StringField(_l("Town"), filters=[_strip], validators=[Optional(), _max(120)])
    gender = ListField(_l("Gender"), validators=[Optional()], invalid_message=_l("Choose from the list."))
    birth_year = IntegerField(_l("Year of birth"), validators=[Optional()])
    skills = TextAreaField(_l("Skills, licences and certificates"), filters=[_strip], render_kw={"rows": 4},
                           validators=[Optional(), _max(4000)])
    languages = StringField(_l("Languages you speak"), filters=[_strip], validators=[Optional(), _max(500)])
    mobility = StringField(_l("Towns where you can work"), filters=[_strip], validators=[Optional(), _max(500)])
    availability = StringField(_l("Availability"), filters=[_strip], validators=[Optional(), _max(500)])
    prefers_phone_interview = BooleanField(_l("I prefer a phone interview"))
    needs_interpreter = BooleanField(_l("I need an interpreter (including sign language)"))
    accessibility_needs = TextAreaField(_l("Other needs for the interview"), filters=[_strip],
                                        render_kw={"rows": 3}, validators=[Optional(), _max(1000)])
    situations = CheckboxList(_l("My situation (optional)"))
    situation_consent = BooleanField(_l("I agree to the text above"))
    talent_pool = BooleanField(_l("Keep my profile for the next fairs"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.preferred_contact.choices = [(k.value, str(v)) for k, v in CONTACT_LABELS.items()]
        self.situations.choices = [(k.value, str(v)) for k, v in SITUATION_LABELS.items()]
        self.gender.choices = [("", str(_l("Not given")))] + [(k.value, str(v)) for k, v in GENDER_LABELS.items()]

    def validate_birth_year(self, field) -> None:
        if field.data is None and field.raw_data and field.raw_data[0].strip():
            field.errors[:] = []
            raise ValidationError(_l("Enter a year, for example 1990."))
        if field.data is not None and not 1900 <= field.data <= dt.date.today().year - 14:
            raise ValidationError(_l("Enter a year, for example 1990."))

    def validate_phone(self, field) -> None:
        """Text messages need a mobile number: checked (French by default, else +country)."""
        if field.data:
            try:
                parse_mobile(field.data)
            except InvalidMobile as problem:
                if self.preferred_contact.data in (NotifyBy.sms.value, NotifyBy.both.value):
                    field.errors[:] = []
                    raise ValidationError(MOBILE_ERRORS[problem.reason]) from None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.preferred_contact.data in (NotifyBy.sms.value, NotifyBy.both.value) and not self.phone.data:
            # An empty optional field skips its own validators: the missing number is said here.
            self.phone.errors = [*self.phone.errors, _l("Enter your mobile number to receive text messages.")]
            return False
        return valid

    def validate_situation_consent(self, field) -> None:
        if self.situations.data and not field.data:
            raise ValidationError(_l("To keep your situation, tick this box; or untick the situations."))

    def profile_fields(self) -> dict:
        return {
            "full_name": self.full_name.data, "phone": self.phone.data or None,
            "notify_by": self.preferred_contact.data, "postcode": self.postcode.data or None,
            "city": self.city.data or None, "birth_year": self.birth_year.data,
            "address_line": self.address_line.data or "",
            "gender": Gender(self.gender.data) if self.gender.data else None,
            "skills": self.skills.data or "", "languages": self.languages.data or "",
            "mobility": self.mobility.data or "", "availability": self.availability.data or "",
            "prefers_phone_interview": bool(self.prefers_phone_interview.data),
            "needs_interpreter": bool(self.needs_interpreter.data),
            "accessibility_needs": self.accessibility_needs.data or "",
            "situations": list(self.situations.data or []),
            "situation_consent": bool(self.situation_consent.data),
            "talent_pool": bool(self.talent_pool.data),
        }


class CvForm(FlaskForm):
    file = FileField(_l("Your CV (PDF, Word or OpenDocument, 5 MB at most)"))


class ApplyForm(FlaskForm):
    cv_id = SelectField(_l("CV to send"), coerce=str, validate_choice=False)
    message = TextAreaField(_l("Message to the recruiter (optional)"), filters=[_strip], render_kw={"rows": 5},
                            validators=[Optional(), _max(2000)])

    def __init__(self, cvs, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cv_id.choices = [("", str(_l("No CV")))] + [(str(cv.id), cv.original_name) for cv in cvs]

    def validate_cv_id(self, field) -> None:
        if field.data not in {value for value, _label in self.cv_id.choices}:
            raise ValidationError(_l("Choose one of your CVs."))


class RejectForm(FlaskForm):
    reason = ListField(_l("Reason given to the candidate"), validators=[InputRequired(
        message=_l("Choose a reason from the list."))], invalid_message=_l("Choose a reason from the list."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", str(_l("Choose a reason")))] + [(k.value, str(v)) for k, v in REASON_LABELS.items()]

    def validate_reason(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose a reason from the list."))


class ReferralForm(FlaskForm):
    full_name = StringField(_l("Candidate's first name and last name"), filters=[_strip],
                            validators=[_required(), _max(200)])
    email = StringField(_l("Candidate's email address"), filters=[_strip], validators=[
        Optional(), _max(254), Email(message=_l("Enter a valid email address."))])
    # For a person without email: a phone-only account, who confirms and signs in by SMS.
    mobile = mobile_field(_l("Or, for someone without email, their mobile number"), required=False)
    partner_id = SelectField(_l("On behalf of"), coerce=int, validate_choice=False)
    note = TextAreaField(_l("Note for your own follow-up (optional)"), filters=[_strip], render_kw={"rows": 3},
                         validators=[Optional(), _max(2000)])

    def __init__(self, partners, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.partner_id.choices = [(p.id, p.name) for p in partners]

    def validate_partner_id(self, field) -> None:
        if field.data not in {value for value, _label in self.partner_id.choices}:
            raise ValidationError(_l("Choose from the list."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.email.data and not (self.mobile.data or "").strip():
            self.email.errors = [*self.email.errors,
                                 _l("Give the candidate's email address or, if they have none, their mobile number.")]
            return False
        return valid


class OnBehalfForm(FlaskForm):
    offer_id = SelectField(_l("Offer"), coerce=str, validate_choice=False)
    message = TextAreaField(_l("Message to the recruiter (optional)"), filters=[_strip], render_kw={"rows": 4},
                            validators=[Optional(), _max(2000)])

    def __init__(self, offers, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer_id.choices = [("", str(_l("Choose an offer")))] + [
            (str(o.id), f"{o.title} · {o.booth.company.name} · {o.place}") for o in offers]

    def validate_offer_id(self, field) -> None:
        if not field.data or field.data not in {value for value, _label in self.offer_id.choices}:
            raise ValidationError(_l("Choose an offer from the list."))


def _with_placeholder(choices: list) -> list:
    """No adviser chosen until someone picks one: a handover is never made by leaving the default."""
    return select_choices([("", _l("Choose an adviser"))]) + choices


class NoteForm(FlaskForm):
    """A note on a person's shared file; `partner_id` is asked only of someone in several structures."""

    text = TextAreaField(_l("Note for the advisers of your structure"), filters=[_strip], render_kw={"rows": 4},
                         validators=[_required(), _max(5000)])
    partner_id = ChoiceField(_l("Structure"))

    def __init__(self, partners, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.partner_id.choices = select_choices((str(p.id), p.name) for p in partners)
        if len(partners) == 1 and self.partner_id.data is None:
            self.partner_id.data = str(partners[0].id)


class HandoverForm(FlaskForm):
    """Hand one person to another adviser of the structure."""

    referral_id = ChoiceField(_l("Follow-up"))
    to_id = ChoiceField(_l("New adviser"))

    def __init__(self, referrals, advisers, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.referral_id.choices = select_choices((str(r.id), f"{r.partner.name} — {r.adviser.full_name}")
                                                  for r in referrals)
        self.to_id.choices = _with_placeholder(select_choices((str(a.id), a.full_name) for a in advisers))
        if len(referrals) == 1 and self.referral_id.data is None:
            self.referral_id.data = str(referrals[0].id)


class StructureHandoverForm(FlaskForm):
    """Hand every person an adviser follows (someone leaving the team) to another adviser."""

    from_id = ChoiceField(_l("Adviser who hands over"))
    to_id = ChoiceField(_l("New adviser"))

    def __init__(self, holders, advisers, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.from_id.choices = _with_placeholder(select_choices((str(u.id), f"{u.full_name} ({n})")
                                                                for u, n in holders))
        self.to_id.choices = _with_placeholder(select_choices((str(a.id), a.full_name) for a in advisers))
