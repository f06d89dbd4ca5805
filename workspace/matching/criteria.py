"""The organiser's matching criteria: their shape, checked strictly (the same shape as
static/js/matching/score.js normaliseCriteria makes). Modes, weights, a field aim, which
questions count and how; an option label of the programme's own question at most."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

BUILTIN = ("language", "field", "themes", "mode", "times")
MODES = ("must", "weight", "off")
AIMS = ("same", "related", "different")
MAX_WEIGHT = 10
MAX_PREFERENCES = 5
QUESTION_PAIR = re.compile(r"^q[0-9]{1,3}:q[0-9]{1,3}$")
QUESTION_ID = re.compile(r"^q[0-9]{1,3}$")


class CriteriaError(ValueError):
    """The criteria are not of the expected shape; `field` names the part."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def _setting(value: Any, where: str, aim: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CriteriaError(_("Each criterion needs a mode and a weight."), where)
    mode, weight = value.get("mode"), value.get("weight")
    if mode not in MODES:
        raise CriteriaError(_("Choose must-have, weight or off."), where)
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= MAX_WEIGHT:
        raise CriteriaError(_("A weight is a whole number from 0 to %(n)s.", n=MAX_WEIGHT), where)
    out: dict[str, Any] = {"mode": mode, "weight": weight}
    if aim:
        if value.get("aim") not in AIMS:
            raise CriteriaError(_("Choose same, related or different."), where)
        out["aim"] = value["aim"]
    return out


def clean(value: Any) -> dict[str, Any]:
    """The criteria as they may be stored; CriteriaError for anything else."""
    if not isinstance(value, dict):
        raise CriteriaError(_("Send the criteria as an object."), "criteria")
    out: dict[str, Any] = {}
    for key in BUILTIN:
        out[key] = _setting(value.get(key), key, aim=key == "field")
    questions = value.get("questions", {})
    if not isinstance(questions, dict) or len(questions) > 20:
        raise CriteriaError(_("The question criteria are not valid."), "questions")
    out["questions"] = {}
    for key, setting in questions.items():
        if not isinstance(key, str) or not QUESTION_PAIR.match(key):
            raise CriteriaError(_("The question criteria are not valid."), "questions")
        out["questions"][key] = _setting(setting, f"questions.{key}", aim=True)
    preferences = value.get("preferences", [])
    if not isinstance(preferences, list) or len(preferences) > MAX_PREFERENCES:
        raise CriteriaError(_("The optional criteria are not valid."), "preferences")
    out["preferences"] = []
    for n, pref in enumerate(preferences):
        where = f"preferences.{n}"
        if not isinstance(pref, dict) or not all(
            isinstance(pref.get(k), str) and QUESTION_ID.match(pref[k])
            for k in ("mentee", "mentor")
        ):
            raise CriteriaError(_("The optional criteria are not valid."), where)
        any_option = pref.get("any", "")
        if not isinstance(any_option, str) or len(any_option) > 200:
            raise CriteriaError(_("The optional criteria are not valid."), where)
        out["preferences"].append(
            {"mentee": pref["mentee"], "mentor": pref["mentor"], "any": any_option}
            | _setting(pref, where, aim=False)
        )
    return out


def default(question_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """The criteria a programme starts with, as score.js defaultCriteria makes them."""
    return {
        "language": {"mode": "must", "weight": 5},
        "field": {"mode": "weight", "weight": 3, "aim": "same"},
        "themes": {"mode": "weight", "weight": 4},
        "mode": {"mode": "weight", "weight": 2},
        "times": {"mode": "weight", "weight": 2},
        "questions": {k: {"mode": "weight", "weight": 1, "aim": "same"} for k in question_keys},
        "preferences": [],
    }
