"""The forms of the organiser's survey pages."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from workspace.core.forms import (
    DateField,
    IntegerField,
    SelectField,
    at_most,
    number_between,
    required,
)
from workspace.surveys import definitions

MAX_OPTIONS = 20


def _choices(labels: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(k, v) for k, v in labels.items()]


def option_lines(text: str | None) -> list[str]:
    """The non-empty lines of an options box, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ScheduleForm(FlaskForm):
    """When a survey is sent, and its one reminder."""

    send_on = DateField(_l("Day it is sent"), validators=[Optional()])
    reminder_days = IntegerField(
        _l("Reminder after how many days"),
        default=7,
        validators=[required(), number_between(1, 60)],
    )


class QuestionForm(FlaskForm):
    """A new question."""

    kind = SelectField(_l("Kind of question"), choices=_choices(definitions.KIND_LABELS))
    audience = SelectField(_l("Who is asked"), choices=_choices(definitions.AUDIENCE_LABELS))
    text = TextAreaField(_l("Question"), validators=[required(), at_most(500)])
    options = TextAreaField(_l("Choices, one per line"), validators=[Optional(), at_most(4000)])
    required = BooleanField(_l("An answer is required"))

    def validate_options(self, field: Any) -> None:  # noqa: D102
        lines = option_lines(field.data)
        if self.kind.data in ("choice", "choices"):
            if len(lines) < 2:
                raise ValidationError(_("Write at least two choices, one per line."))
            if len(lines) > MAX_OPTIONS:
                raise ValidationError(_("Write at most 20 choices."))
            if any(len(line) > 200 for line in lines):
                raise ValidationError(_("Keep each choice under 200 characters."))


class EditQuestionForm(FlaskForm):
    """Editing a question: its kind stays (answers already given keep their meaning); each
    existing choice keeps its id, new choices get new ones."""

    audience = SelectField(_l("Who is asked"), choices=_choices(definitions.AUDIENCE_LABELS))
    text = TextAreaField(_l("Question"), validators=[required(), at_most(500)])
    new_options = TextAreaField(
        _l("New choices, one per line"), validators=[Optional(), at_most(4000)]
    )
    required = BooleanField(_l("An answer is required"))
