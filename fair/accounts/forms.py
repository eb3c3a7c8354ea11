"""Account forms. Every message is written for the person filling the form, in their language."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from fair.security import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from fair.sms.numbers import InvalidMobile, parse_mobile

# Each language named in itself, and marked so that screen readers pronounce it right.
LANGUAGE_CHOICES = [SelectChoice("fr", "Français", render_kw={"lang": "fr"}),
                    SelectChoice("en", "English", render_kw={"lang": "en"})]

_PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-]+$")


def _phone_number(form: FlaskForm, field: TelField) -> None:
    """French and international numbers, written the way people write them (spaces, dots, +33)."""
    value = (field.data or "").strip()
    if not value:
        return
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARS.match(value) or not 6 <= len(digits) <= 15 or len(value) > 32:
        raise ValidationError(_l("Enter a valid phone number, for example 06 12 34 56 78."))


def _email_field(label: str = _l("Email address")) -> EmailField:
    return EmailField(label, validators=[
        DataRequired(message=_l("Enter your email address.")),
        Length(max=254, message=_l("The email address is too long.")),
        Email(message=_l("Enter a valid email address, for example name@example.org.")),
    ])


def _new_password_field(label: str) -> PasswordField:
    return PasswordField(label, validators=[
        DataRequired(message=_l("Choose a password.")),
        Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH,
               message=_l("The password must have between %(min)d and %(max)d characters.")),
    ])


def _confirm_password_field(label: str, other: str) -> PasswordField:
    return PasswordField(label, validators=[
        DataRequired(message=_l("Type the password a second time.")),
        EqualTo(other, message=_l("The two passwords are not the same.")),
    ])


def _full_name_field() -> StringField:
    return StringField(_l("Full name"), validators=[
        DataRequired(message=_l("Enter your full name.")),
        Length(max=200, message=_l("The name is too long (200 characters at most).")),
    ])


def _phone_field() -> TelField:
    return TelField(_l("Phone number (optional)"), validators=[Optional(), _phone_number])


def _language_field() -> SelectField:
    return SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES, default="fr",
                       validators=[DataRequired(message=_l("Choose a language."))])


class RegisterForm(FlaskForm):
    full_name = _full_name_field()
    email = _email_field()
    phone = _phone_field()
    password = _new_password_field(_l("Password"))
    confirm_password = _confirm_password_field(_l("Password again"), "password")
    locale = _language_field()
    submit = SubmitField(_l("Create my account"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(message=_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = _email_field()
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    confirm_password = _confirm_password_field(_l("New password again"), "password")
    submit = SubmitField(_l("Save my new password"))


class ProfileForm(FlaskForm):
    full_name = _full_name_field()
    phone = _phone_field()
    locale = _language_field()
    submit = SubmitField(_l("Save my details"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(message=_l("Enter your current password."))])
    new_password = _new_password_field(_l("New password"))
    confirm_password = _confirm_password_field(_l("New password again"), "new_password")
    submit = SubmitField(_l("Change my password"))


class ResendConfirmationForm(FlaskForm):
    submit = SubmitField(_l("Send me a new confirmation link"))


def _code_field(label: str, field_id: str | None = None) -> StringField:
    return StringField(label, id=field_id, validators=[
        DataRequired(message=_l("Enter the code.")),
        Length(max=32, message=_l("The code is too long.")),
    ])


class TotpCodeForm(FlaskForm):
    """One code from the authenticator app: to confirm enrolment, new recovery codes or turning it off."""

    code = _code_field(_l("Code from the app (6 digits)"))


class RegenerateCodesForm(FlaskForm):
    code = _code_field(_l("Code from the app (6 digits)"), "regenerate-code")


class DisableMfaForm(FlaskForm):
    code = _code_field(_l("Code from the app (6 digits)"), "disable-code")


class SecondStepForm(FlaskForm):
    """The login's second step: a code from the app, or one of the recovery codes."""

    code = _code_field(_l("Code from the app, or a recovery code"))
    submit = SubmitField(_l("Continue"))


# ---------------------------------------------------------------- mobile numbers (phone-only accounts)

MOBILE_ERRORS = {
    "invalid": _l("Enter a mobile number, for example 06 12 34 56 78 (or +32 470 12 34 56 for another country)."),
    "not_mobile": _l("This number cannot receive text messages: give a mobile number."),
}


def mobile_number(form: FlaskForm, field: StringField) -> None:
    """Checks a mobile number (fair.sms.numbers.parse_mobile) and leaves its E.164 form in the field."""
    if not (field.data or "").strip():
        return
    try:
        field.data = parse_mobile(field.data)
    except InvalidMobile as refused:
        raise ValidationError(MOBILE_ERRORS[refused.reason]) from None


def mobile_field(label: str = _l("Mobile number"), required: bool = True) -> TelField:
    first = DataRequired(message=_l("Enter your mobile number.")) if required else Optional()
    return TelField(label, validators=[first, Length(max=32, message=_l("The number is too long.")), mobile_number],
                    render_kw={"autocomplete": "tel", "inputmode": "tel"})


class PhoneLoginForm(FlaskForm):
    mobile = mobile_field()
    submit = SubmitField(_l("Send me a code"))


class PhoneCodeForm(FlaskForm):
    code = StringField(_l("Code received by SMS"), validators=[
        DataRequired(message=_l("Enter the code of 6 digits.")),
        Length(max=12, message=_l("Enter the code of 6 digits.")),
    ], render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Log in"))
