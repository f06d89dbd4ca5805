"""Forms every area uses: a button's CSRF-only form and an email field with our messages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length


class EmptyForm(FlaskForm):
    """Just the CSRF token, for buttons."""


def email_field(label: Any) -> EmailField:
    """A required email address of at most 254 characters."""
    return EmailField(
        label,
        validators=[
            DataRequired(),
            Email(message=_l("Write a whole email address.")),
            Length(max=254),
        ],
    )
