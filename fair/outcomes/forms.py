"""Forms of the outcomes pages; every message is translated and shown next to its field."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from fair.clock import now
from fair.forms import ChoiceField, select_choices
from fair.outcomes import services
from fair.outcomes.models import CohortKind, ContractType

REQUIRED = _l("This field is required.")
# A start date further than this from today is a typing mistake (a year of 1926, 2062…).
START_PAST = dt.timedelta(days=2 * 366)
START_FUTURE = dt.timedelta(days=366)
KIND_LABELS = {CohortKind.poec: _l("POEC (collective pre-hiring training)"),
               CohortKind.geiq: _l("GEIQ path"), CohortKind.other: _l("Other training")}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def contract_choices(with_blank: bool = False):
    pairs = [(c.value, label) for c, label in services.CONTRACT_LABELS.items()]
    return select_choices(([("", "—")] if with_blank else []) + pairs)


class OutcomeForm(FlaskForm):
    """A hire (a recruiter's) or any outcome (an adviser's: the employer is typed)."""

    employer_name = StringField(_l("Employer"), filters=[_strip],
                                validators=[Optional(), Length(max=200, message=_l("At most %(max)d characters."))])
    contract = ChoiceField(_l("Contract"), choices=contract_choices(),
                           validators=[InputRequired(message=REQUIRED)])
    job_title = StringField(_l("Job title"), filters=[_strip],
                            validators=[InputRequired(message=REQUIRED),
                                        Length(max=200, message=_l("At most %(max)d characters."))])
    starts_on = DateField(_l("Start date"), validators=[InputRequired(message=REQUIRED)])
    weekly_hours = DecimalField(_l("Hours a week"), places=1, validators=[
        InputRequired(message=REQUIRED),
        NumberRange(min=1, max=48, message=_l("Between %(min)s and %(max)s hours a week."))])
    social_clause = BooleanField(_l("The post counts under a social clause of a public contract"))
    social_clause_contract = StringField(_l("Which public contract (name or reference)"), filters=[_strip],
                                         validators=[Length(max=200, message=_l("At most %(max)d characters."))])
    cohort_id = SelectField(_l("After the training"), validate_choice=False, choices=[])
    note = TextAreaField(_l("Note"), filters=[_strip], render_kw={"rows": 3},
                         validators=[Optional(), Length(max=2000, message=_l("At most %(max)d characters."))])

    def __init__(self, *args, cohorts=(), adviser: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.adviser = adviser
        self.cohorts = {str(c.id): c for c in cohorts}
        self.cohort_id.choices = select_choices([("", _l("Not after a training"))]
                                                + [(str(c.id), c.name) for c in cohorts])
        if not adviser:
            del self.employer_name
            del self.note

    def validate_employer_name(self, field) -> None:
        if self.adviser and not field.data:
            raise ValidationError(REQUIRED)

    def validate_starts_on(self, field) -> None:
        today = now().date()
        if field.data and not (today - START_PAST <= field.data <= today + START_FUTURE):
            raise ValidationError(_l("Enter a start date within two years before and one year after today."))

    def validate_social_clause_contract(self, field) -> None:
        if self.social_clause.data and not field.data:
            raise ValidationError(_l("Say which public contract the social clause belongs to."))

    def validate_cohort_id(self, field) -> None:
        if field.data and field.data not in self.cohorts:
            raise ValidationError(_l("Choose from the list."))

    def details(self) -> services.HireDetails:
        return services.HireDetails(
            contract=ContractType(self.contract.data), starts_on=self.starts_on.data,
            weekly_hours=float(self.weekly_hours.data) if self.weekly_hours.data is not None else None,
            job_title=self.job_title.data or "", social_clause=bool(self.social_clause.data),
            social_clause_contract=self.social_clause_contract.data or "",
            cohort_id=int(self.cohort_id.data) if self.cohort_id.data else None,
            employer_name=(self.employer_name.data or "") if self.adviser else "",
            note=(self.note.data or "") if self.adviser else "")

    def fill(self, outcome) -> None:
        """Show a recorded outcome again (the form edits it)."""
        self.contract.data = outcome.contract.value
        self.job_title.data = outcome.job_title
        self.starts_on.data = outcome.starts_on
        self.weekly_hours.data = outcome.weekly_hours
        self.social_clause.data = outcome.social_clause
        self.social_clause_contract.data = outcome.social_clause_contract
        self.cohort_id.data = str(outcome.cohort_id) if outcome.cohort_id else ""


class CohortForm(FlaskForm):
    name = StringField(_l("Name of the cohort"), filters=[_strip], validators=[
        InputRequired(message=REQUIRED), Length(max=200, message=_l("At most %(max)d characters."))])
    kind = ChoiceField(_l("Kind of training"),
                       choices=select_choices((k.value, label) for k, label in KIND_LABELS.items()),
                       validators=[InputRequired(message=REQUIRED)])
    organisation_id = ChoiceField(_l("Run by"), choices=[], validators=[InputRequired(message=REQUIRED)])
    starts_on = DateField(_l("First day"), validators=[InputRequired(message=REQUIRED)])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(message=REQUIRED)])
    edition_id = SelectField(_l("Fair it follows (optional)"), validate_choice=False, choices=[])

    def __init__(self, organisations, editions, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = select_choices((str(o.id), o.name) for o in organisations)
        self.editions = {str(e.id): e for e in editions}
        self.edition_id.choices = select_choices([("", "—")] + [(str(e.id), e.title) for e in editions])

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot come before the first."))

    def validate_edition_id(self, field) -> None:
        if field.data and field.data not in self.editions:
            raise ValidationError(_l("Choose from the list."))


class TraineeForm(FlaskForm):
    email = StringField(_l("Email address of the trainee"), filters=[_strip], validators=[
        InputRequired(message=REQUIRED), Length(max=320, message=_l("At most %(max)d characters."))])


class FollowUpForm(FlaskForm):
    answer = RadioField(_l("Are you still in this job?"), validate_choice=False,
                        choices=select_choices(services.ANSWER_LABELS.items()))
    contract = SelectField(_l("Which contract do you have now?"), validate_choice=False,
                           choices=contract_choices(with_blank=True))

    def validate_answer(self, field) -> None:
        if field.data not in services.ANSWERS:
            raise ValidationError(_l("Choose one of the answers."))

    def validate_contract(self, field) -> None:
        if field.data and field.data not in {c.value for c in ContractType}:
            raise ValidationError(_l("Choose from the list."))
        if self.answer.data == services.OTHER and not field.data:
            raise ValidationError(_l("Say which contract you have now."))

    def chosen_contract(self) -> ContractType | None:
        return ContractType(self.contract.data) if self.contract.data else None
