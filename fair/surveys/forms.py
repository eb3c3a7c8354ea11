"""The survey page's form, built for the person's role from `services.QUESTIONS`."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length, ValidationError

from fair.forms import select_choices
from fair.surveys import services


class AnswerField(RadioField):
    """Optional radio buttons whose refusal of an unlisted value is worded by us (and translated)."""

    def pre_validate(self, form) -> None:
        if self.data in (None, ""):
            return
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_l("Choose one of the answers."))


def survey_form(role: str, response=None, formdata=None) -> FlaskForm:
    class SurveyForm(FlaskForm):
        comment = TextAreaField(_l("Anything else you would like to tell the organisers? (optional)"),
                                validators=[Length(max=services.COMMENT_MAX,
                                                   message=_l("At most %(max)d characters."))])

    for question in services.QUESTIONS[role]:
        setattr(SurveyForm, question.code, AnswerField(question.text, choices=select_choices(question.choices),
                                                       validate_choice=False))
    answers = dict(response.answers or {}) if response else {}
    data = {**answers, "comment": response.comment if response else ""}
    form = SurveyForm(formdata=formdata, data=data) if formdata is not None else SurveyForm(data=data)
    form.question_fields = [form[q.code] for q in services.QUESTIONS[role]]
    return form
