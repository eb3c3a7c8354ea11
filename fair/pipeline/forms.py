"""The one small form a recruiter fills wherever they meet a person: rating, next step, note."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from fair.forms import select_choices
from fair.pipeline.services import NEXT_STEP_LABELS, NOTE_MAX, RATINGS, record


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PipelineForm(FlaskForm):
    """Posted alone (the desk, the inbox, the pipeline) or inside the interview's outcome form.
    A field left empty changes nothing."""

    rating = SelectField(_l("Rating"), validate_choice=False, choices=select_choices(
        [("", "—")] + [(str(n), f"{n}/5") for n in RATINGS]))
    next_step = SelectField(_l("Next step"), validate_choice=False, choices=select_choices(
        [("", "—")] + [(step.value, label) for step, label in NEXT_STEP_LABELS.items()]))
    note = TextAreaField(_l("Note for your colleagues"), filters=[_strip], render_kw={"rows": 2},
                         validators=[Optional(), Length(max=NOTE_MAX, message=_l("At most %(max)d characters."))])

    def validate_rating(self, field) -> None:
        if field.data and field.data not in {str(n) for n in RATINGS}:
            raise ValidationError(_l("Choose a rating from 1 to 5."))

    def validate_next_step(self, field) -> None:
        if field.data and field.data not in {step.value for step in NEXT_STEP_LABELS}:
            raise ValidationError(_l("Choose a next step from the list."))

    def given(self) -> dict[str, str]:
        return {"rating": self.rating.data or "", "next_step": self.next_step.data or "", "note": self.note.data or ""}


def save(form: PipelineForm, session, **where):
    """Record a validated form (see services.record for `where`): the entry, or None if nothing was given."""
    return record(session, **where, **form.given())
