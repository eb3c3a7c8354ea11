"""The import form: a company's SIRET, or search words, a ROME code, a town or a department."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import Length, Optional, Regexp

from fair.forms import select_choices
from fair.francetravail.services import search_criteria, siret_is_valid


def _compact(value: str | None) -> str | None:
    """SIRETs are often typed in groups ("123 456 789 00012"): spaces and dots dropped."""
    return "".join(c for c in value if c not in " .\u00a0\u202f") if isinstance(value, str) else value


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ImportForm(FlaskForm):
    mode = RadioField(_l("Find the offers"), choices=select_choices([("siret", _l("By the company's SIRET")),
                                                                     ("search", _l("By a search"))]),
                      default="siret")
    siret = StringField(_l("SIRET"), filters=[_compact], validators=[Optional()])
    words = StringField(_l("Words"), filters=[_strip], validators=[Optional(), Length(max=100)])
    rome = StringField(_l("ROME code"), filters=[_strip], validators=[
        Optional(), Regexp(r"^[A-Za-z][0-9]{4}$", message=_l("A ROME code is a letter and four digits, e.g. K2204."))])
    commune = StringField(_l("Town (INSEE code)"), filters=[_strip], validators=[
        Optional(), Regexp(r"^[0-9][0-9AB][0-9]{3}$", message=_l("Enter the town's five-character INSEE code."))])
    departement = StringField(_l("Department"), filters=[_strip], validators=[
        Optional(), Regexp(r"^([0-9]{2,3}|2[AaBb])$", message=_l("Enter a department number, e.g. 59 or 974."))])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.mode.data == "siret":
            if not self.siret.data:
                self.siret.errors = [*self.siret.errors, _l("Enter the company's SIRET.")]
                return False
            if not siret_is_valid(self.siret.data):
                self.siret.errors = [*self.siret.errors, _l(
                    "This SIRET is not valid: it has 14 digits and its check digit must match.")]
                return False
        elif not any((self.words.data, self.rome.data, self.commune.data, self.departement.data)):
            self.words.errors = [*self.words.errors, _l("Enter at least one criterion.")]
            return False
        return valid

    def criteria(self) -> dict[str, str]:
        if self.mode.data == "siret":
            return search_criteria(siret=self.siret.data or "")
        return search_criteria(words=self.words.data or "", rome=self.rome.data or "", commune=self.commune.data or "",
                               departement=self.departement.data or "")
