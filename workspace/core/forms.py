"""Forms every area uses: a button's CSRF-only form, an email field, and the validators and
fields that say what is wrong in our own sentences."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, fields
from wtforms.validators import DataRequired, Email, Length, NumberRange


class EmptyForm(FlaskForm):
    """Just the CSRF token, for buttons."""


def email_field(label: Any) -> EmailField:
    """A required email address of at most 254 characters."""
    return EmailField(
        label,
        validators=[
            required(_l("Write an email address.")),
            Email(message=_l("Write a whole email address.")),
            at_most(254),
        ],
    )


# Our own sentences for every check a form makes: WTForms' defaults ("Field must be between 5
# and 500 characters long", "Not a valid integer value") are not ours and not in every language.
def required(message: Any = None) -> DataRequired:
    """A field that must be filled in."""
    return DataRequired(message=message or _l("Fill in this field."))


def at_most(limit: int) -> Length:
    """At most `limit` characters."""
    return Length(max=limit, message=_l("Write at most %(max)d characters."))


def length_between(low: int, high: int) -> Length:
    """From `low` to `high` characters."""
    return Length(min=low, max=high, message=_l("Write from %(min)d to %(max)d characters."))


def number_between(low: int, high: int) -> NumberRange:
    """A number from `low` to `high`."""
    return NumberRange(min=low, max=high, message=_l("Give a number from %(min)s to %(max)s."))


class DateField(fields.DateField):
    """A date, with our sentence for one that cannot be read."""

    def __init__(self, *args: Any, invalid_value_message: Any = None, **kwargs: Any) -> None:
        message = invalid_value_message or _l("Choose a date from the calendar.")
        super().__init__(*args, invalid_value_message=message, **kwargs)


class TimeField(fields.TimeField):
    """A time of day, with our sentence for one that cannot be read."""

    def __init__(self, *args: Any, invalid_value_message: Any = None, **kwargs: Any) -> None:
        message = invalid_value_message or _l("Write the time as hours and minutes, like 18:30.")
        super().__init__(*args, invalid_value_message=message, **kwargs)


class IntegerField(fields.IntegerField):
    """A whole number, with our sentence for anything else."""

    def __init__(self, *args: Any, invalid_value_message: Any = None, **kwargs: Any) -> None:
        message = invalid_value_message or _l("Write a whole number, like 30.")
        super().__init__(*args, invalid_value_message=message, **kwargs)


class SelectField(fields.SelectField):
    """One of a list, with our sentence for a value not on it."""

    def __init__(self, *args: Any, invalid_choice_message: Any = None, **kwargs: Any) -> None:
        message = invalid_choice_message or _l("Choose one of the options.")
        super().__init__(*args, invalid_choice_message=message, **kwargs)


class SelectMultipleField(fields.SelectMultipleField):
    """Several of a list, with our sentence for a value not on it."""

    def __init__(self, *args: Any, invalid_choice_message: Any = None, **kwargs: Any) -> None:
        message = invalid_choice_message or _l("Choose only from the options.")
        super().__init__(*args, invalid_choice_message=message, **kwargs)


class RadioField(fields.RadioField):
    """One of a few shown as radio buttons, with our sentence for a value not on the list."""

    def __init__(self, *args: Any, invalid_choice_message: Any = None, **kwargs: Any) -> None:
        message = invalid_choice_message or _l("Choose one of the options.")
        super().__init__(*args, invalid_choice_message=message, **kwargs)
