"""Admin console forms. Every message is written for the administrator, in their language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from fair.accounts.models import NetworkType, OrganisationKind, PartnerType
from fair.fairs.labels import PARTNER_TYPE_LABELS
from fair.forms import ChoiceField, select_choices

KIND_LABELS = {
    OrganisationKind.organiser: _l("Organiser"),
    OrganisationKind.company: _l("Company"),
    OrganisationKind.partner: _l("Partner"),
    OrganisationKind.network: _l("Network"),
}
NETWORK_TYPE_LABELS = {
    NetworkType.union_of_associations: _l("Union of associations"),
    NetworkType.employers_group: _l("Group of employers"),
    NetworkType.other: _l("Other network"),
}


def _https_url(form: FlaskForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or any(ch.isspace() for ch in value):
        raise ValidationError(_l("Enter an address starting with https://, for example https://example.org/logo.png."))


class OrganisationForm(FlaskForm):
    kind = ChoiceField(_l("Kind"), choices=select_choices((k.value, label) for k, label in KIND_LABELS.items()))
    name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Enter the organisation's name.")),
        Length(max=200, message=_l("The name is too long (200 characters at most)."))])
    partner_type = ChoiceField(_l("Type of partner"), default="", choices=select_choices(
        [("", _l("Not a partner"))] + [(t.value, PARTNER_TYPE_LABELS[t]) for t in PartnerType]))
    network_type = ChoiceField(_l("Type of network"), default="", choices=select_choices(
        [("", _l("Not a network"))] + [(t.value, label) for t, label in NETWORK_TYPE_LABELS.items()]))
    city = StringField(_l("City"), validators=[
        Optional(), Length(max=120, message=_l("The city is too long (120 characters at most)."))])
    website = StringField(_l("Website"), validators=[
        Optional(), Length(max=300, message=_l("The address is too long (300 characters at most).")), _https_url])
    description = TextAreaField(_l("Description"), validators=[
        Optional(), Length(max=4000, message=_l("The description is too long (4000 characters at most)."))])

    def validate_partner_type(self, field: ChoiceField) -> None:
        if "kind" in self and self.kind.data == OrganisationKind.partner.value and not field.data:
            raise ValidationError(_l("Choose the type of partner."))

    def validate_network_type(self, field: ChoiceField) -> None:
        if "kind" in self and self.kind.data == OrganisationKind.network.value and not field.data:
            raise ValidationError(_l("Choose the type of network."))


class MergeForm(FlaskForm):
    target_id = ChoiceField(_l("Merge into"), coerce=str)


class OwnerInviteForm(FlaskForm):
    """The first owner of an organisation the administrator created (the team then grows by itself)."""

    email = EmailField(_l("Email address of the owner"))


class InstanceForm(FlaskForm):
    name = StringField(_l("Name of the instance"), validators=[
        DataRequired(message=_l("Enter the name people see in every page's header.")),
        Length(max=120, message=_l("The name is too long (120 characters at most)."))])
    logo_url = StringField(_l("Logo address"), validators=[
        Optional(), Length(max=500, message=_l("The address is too long (500 characters at most).")), _https_url])
    contact_email = EmailField(_l("Contact email address"), validators=[
        Optional(), Length(max=254, message=_l("The email address is too long.")),
        Email(message=_l("Enter a valid email address, for example name@example.org."))])
    legal_notice = TextAreaField(_l("Legal notice"), validators=[Optional()])
    privacy_notice = TextAreaField(_l("Privacy notice"), validators=[Optional()])
    accessibility_statement = TextAreaField(_l("Accessibility statement"), validators=[Optional()])
    privacy_contact = EmailField(_l("Contact for personal data"), validators=[
        Optional(), Length(max=254, message=_l("The email address is too long.")),
        Email(message=_l("Enter a valid email address, for example name@example.org."))])


class RetryForm(FlaskForm):
    job_id = HiddenField()


_DATE_MESSAGE = _l("Enter a date, for example 2030-10-27.")


class AuditFilterForm(FlaskForm):
    """Read from the address (GET): no CSRF token, and an empty field filters nothing."""

    class Meta:
        csrf = False

    actor = StringField(_l("Actor's email"), validators=[Optional(), Length(max=254)])
    action = ChoiceField(_l("Action"), validators=[Optional()])
    object_type = ChoiceField(_l("Object type"), validators=[Optional()])
    date_from = DateField(_l("First day"), validators=[Optional()], invalid_value_message=_DATE_MESSAGE)
    date_to = DateField(_l("Last day"), validators=[Optional()], invalid_value_message=_DATE_MESSAGE)

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))
