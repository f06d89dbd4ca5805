"""Every check a form makes says what is wrong in our own, translated sentence: no validator or
field falls back to a WTForms default ("Field must be between 5 and 500 characters long")."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from wtforms import Form, StringField
from wtforms.fields import DateTimeField, DecimalField, FloatField, IntegerField
from wtforms.fields.choices import SelectFieldBase
from wtforms.fields.core import Field
from wtforms.fields.form import FormField
from wtforms.fields.list import FieldList

import workspace
from workspace.core.forms import DateField, at_most, number_between
from workspace.core.forms import IntegerField as OurInteger


def _form_classes() -> list[type[Form]]:
    for module in pkgutil.walk_packages(workspace.__path__, "workspace."):
        importlib.import_module(module.name)
    found: list[type[Form]] = []
    stack = [Form]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("workspace."):
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _defaults(field: Field) -> list[str]:
    """What in this field would show a WTForms default message."""
    problems = []
    for validator in field.validators:
        if hasattr(validator, "message") and validator.message is None:
            problems.append(f"{type(validator).__name__} without a message")
    if isinstance(field, DateTimeField | IntegerField | DecimalField | FloatField) and not getattr(
        field, "invalid_value_message", None
    ):
        problems.append("no invalid_value_message (use workspace.core.forms' field)")
    if (
        isinstance(field, SelectFieldBase)
        and getattr(field, "validate_choice", True)
        and not getattr(field, "invalid_choice_message", None)
    ):
        problems.append("no invalid_choice_message (use workspace.core.forms' field)")
    return problems


def test_the_forms_are_found() -> None:
    names = {c.__name__ for c in _form_classes()}
    assert {"ProgrammeForm", "EventForm", "SettingsForm", "LanguageForm"} <= names


def test_no_field_in_any_form_carries_a_wtforms_default_message(app: Flask) -> None:
    problems = []
    with app.test_request_context(method="POST"):
        for cls in _form_classes():
            # A form made for one object (a programme, say) gets None: only its fields matter.
            needed = [
                p
                for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
                if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty
            ]
            given = [None] * len(needed)
            form = cls(*given, meta={"csrf": False}) if issubclass(cls, FlaskForm) else cls(*given)
            for field in form:
                if isinstance(field, FieldList | FormField):
                    continue  # their rows are forms of their own, checked as such
                problems += [
                    f"{cls.__module__}.{cls.__name__}.{field.name}: {p}" for p in _defaults(field)
                ]
    assert problems == []


class _Sample(FlaskForm):
    name = StringField("name", validators=[at_most(3)])
    count = OurInteger("count", validators=[number_between(1, 9)])
    day = DateField("day")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Write at most 3 characters.", "Write a whole number, like 30.", "Choose a date"]),
        ("fi", ["enintään 3 merkkiä", "kokonaisluku", "Valitse päivä"]),
        ("sv", ["högst 3 tecken", "heltal", "Välj ett datum"]),
    ],
)
def test_the_messages_are_ours_in_each_language(
    app: Flask, language: str, expected: list[str]
) -> None:
    data = {"name": "toolong", "count": "many", "day": "31.31.2026"}
    with app.test_request_context(
        method="POST", data=data, headers={"Cookie": f"pb_lang={language}"}
    ):
        form = _Sample(meta={"csrf": False})
        assert not form.validate()
        got = [str(form.name.errors[0]), str(form.count.errors[0]), str(form.day.errors[0])]
    for message, part in zip(got, expected, strict=True):
        assert part.lower() in message.lower(), got
