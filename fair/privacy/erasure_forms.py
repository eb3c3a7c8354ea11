"""Forms of erasure: the person confirms with their password (or a code when two-step sign-in is on);
an administrator types the person's address."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class DeleteWithPasswordForm(FlaskForm):
    password = PasswordField(_l("Your password"),
                             validators=[DataRequired(message=_l("Enter your password to confirm."))])


class DeleteWithCodeForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(message=_l("Enter a code to confirm.")), Length(max=40)])


class DeleteWithSmsCodeForm(FlaskForm):
    """A phone-only account has no password: it confirms with a code sent by SMS to its number."""

    code = StringField(_l("Code received by SMS"),
                       validators=[DataRequired(message=_l("Enter the code we sent you by SMS.")), Length(max=12)])


class AdminEraseForm(FlaskForm):
    confirmation = StringField(_l("Type the person's email address to confirm"),
                               validators=[DataRequired(message=_l("Type the address to confirm.")),
                                           Length(max=254)])
