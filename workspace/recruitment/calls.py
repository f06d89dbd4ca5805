"""The rules of a call: its built-in questions and themes, the organiser's own questions, what a
call needs before it can open, and its public form (what the applicant's page and API show)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from workspace.core import clock

ROLES = ("mentor", "mentee")
ROLE_NAMES: dict[str, Any] = {"mentor": _l("Mentors"), "mentee": _l("Mentees")}
MODES: dict[str, Any] = {
    "in_person": _l("In person"),
    "remote": _l("Remote"),
    "either": _l("In person or remote"),
}
THEMES: dict[str, Any] = {
    "skills": _l("Recognising one's skills"),
    "working_life": _l("The unwritten rules of Finnish working life"),
    "networking": _l("Networking"),
    "job_search": _l("Job search channels"),
    "cv": _l("CV and LinkedIn"),
    "interview": _l("Interview practice"),
    "vocabulary": _l("Professional vocabulary"),
    "entrepreneurship": _l("Entrepreneurship"),
    "other": _l("Something else"),
}
TIMES: dict[str, Any] = {
    "weekday_day": _l("Weekdays, daytime"),
    "weekday_evening": _l("Weekday evenings"),
    "weekend": _l("Weekends"),
}
APPLICANT_LANGUAGES: dict[str, Any] = {
    "fi": _l("Finnish"),
    "en": _l("English"),
    "sv": _l("Swedish"),
    "fi@selko": _l("Plain Finnish"),
}
QUESTION_KINDS: dict[str, Any] = {
    "short": _l("Short text"),
    "long": _l("Long text"),
    "one": _l("One choice"),
    "many": _l("Several choices"),
}
MAX_QUESTIONS = 10
MAX_OPTIONS = 12
MAX_SHORT, MAX_LONG = 200, 4000
QUESTION_ID = re.compile(r"^q[0-9]{1,3}$")

# Words that suggest a question asks for special-category data (GDPR Art. 9); the editor warns.
SPECIAL_CATEGORY_WORDS = (
    "ethnic",
    "race",
    "religio",
    "faith",
    "health",
    "disab",
    "diagnos",
    "sexual",
    "political",
    "trade union",
    "union member",
    "genetic",
    "biometric",
    "etni",
    "rotu",
    "uskon",
    "uskonto",
    "terveys",
    "sairau",
    "vamma",
    "seksuaali",
    "poliitti",
    "ammattiliit",
    "geneett",
)


def builtin_questions(role: str) -> list[dict[str, Any]]:
    """The questions every application form asks, each with why pair-forming needs it."""
    themes_label = (
        _l("Themes you can offer") if role == "mentor" else _l("Themes you want to work on")
    )
    languages_label = (
        _l("Languages you can mentor in")
        if role == "mentor"
        else _l("Languages you can be mentored in")
    )
    field_label = (
        _l("Your field") if role == "mentor" else _l("Your field, or the field you are aiming for")
    )
    questions: list[dict[str, Any]] = [
        {
            "key": "name",
            "kind": "short",
            "label": _l("How should we address you?"),
            "why": _l("So that the organisers and your future pair know what to call you."),
            "required": True,
        },
        {
            "key": "languages",
            "kind": "many",
            "label": languages_label,
            "why": _l("A pair needs a language both are at ease in."),
            "options": APPLICANT_LANGUAGES,
            "required": True,
        },
        {
            "key": "field",
            "kind": "short",
            "label": field_label,
            "why": _l("Pairs are often formed by professional field."),
            "required": True,
        },
        {
            "key": "themes",
            "kind": "many",
            "label": themes_label,
            "why": _l("The mentoring is built around the mentee's themes; they guide the match."),
            "options": THEMES,
            "required": True,
        },
        {
            "key": "themes_other",
            "kind": "short",
            "label": _l("Another theme"),
            "why": _l("If your theme is not in the list."),
            "required": False,
        },
        {
            "key": "mode",
            "kind": "one",
            "label": _l("How would you like to meet?"),
            "why": _l("Both in a pair should be able to meet in the same way."),
            "options": MODES,
            "required": True,
        },
        {
            "key": "place",
            "kind": "short",
            "label": _l("Where could you meet? (town or area)"),
            "why": _l("For meeting in person, the two should live or work near each other."),
            "required": False,
        },
        {
            "key": "times",
            "kind": "many",
            "label": _l("When are you usually free?"),
            "why": _l("So that the pair can find time to meet."),
            "options": TIMES,
            "required": True,
        },
    ]
    if role == "mentor":
        questions.append(
            {
                "key": "capacity",
                "kind": "number",
                "label": _l("How many mentees could you take?"),
                "why": _l("So that nobody is given more mentees than they can meet."),
                "required": True,
                "min": 1,
                "max": 5,
            }
        )
    questions.append(
        {
            "key": "about",
            "kind": "long",
            "label": _l("About you and what you hope for"),
            "why": _l("In your own words: this helps most in finding a good pair."),
            "required": False,
        }
    )
    return questions


def questions_of(call: Any) -> list[dict[str, Any]]:
    """A call's own questions (parsed from its JSON column)."""
    value = json.loads(call["questions"] or "[]")
    return value if isinstance(value, list) else []


def languages_of(call: Any) -> list[str]:
    """A call's languages (parsed from its JSON column)."""
    value = json.loads(call["languages"] or "[]")
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def special_category_hint(text: str) -> bool:
    """Whether a question's wording looks like it asks about special-category data."""
    lowered = text.lower()
    return any(word in lowered for word in SPECIAL_CATEGORY_WORDS)


def is_open(call: Any, today: date | None = None) -> bool:
    """Open, and its closing day (inclusive) has not passed."""
    if call is None or call["state"] != "open":
        return False
    today = today or clock.now().date()
    return not call["closes_on"] or today <= date.fromisoformat(call["closes_on"])


def missing_to_open(call: Any, programme: Any) -> list[Any]:
    """What must be filled in before the call can open (empty when it can)."""
    missing: list[Any] = []
    if not (programme["controller"] and programme["privacy_contact"]):
        missing.append(
            _l(
                "The programme's privacy notice: the controller and the contact for "
                "privacy questions."
            )
        )
    if not call["offer"].strip():
        missing.append(_l("What the programme offers and asks"))
    if not (call["contact_name"].strip() and call["contact_email"].strip()):
        missing.append(_l("The contact person and their email"))
    if not (call["closes_on"] and call["pairs_by"] and call["starts_on"]):
        missing.append(_l("The dates: applications close, pairs are formed, the programme starts"))
    elif call["closes_on"] < clock.now().date().isoformat():
        missing.append(_l("A closing date that has not passed"))
    if not languages_of(call):
        missing.append(_l("The language(s) of the programme"))
    return missing


def public_call(call: Any) -> dict[str, Any]:
    """A call's public fields, as the API and the applicant's page show them."""
    return {
        "role": call["role"],
        "open": is_open(call),
        "state": call["state"],
        "offer": call["offer"],
        "length_text": call["length_text"],
        "rhythm": call["rhythm"],
        "mode": call["mode"],
        "criteria": call["criteria"],
        "contact_name": call["contact_name"],
        "contact_email": call["contact_email"],
        "closes_on": call["closes_on"],
        "pairs_by": call["pairs_by"],
        "starts_on": call["starts_on"],
        "languages": languages_of(call),
        "questions": questions_of(call),
    }


def clean_questions(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Normalise the organiser's questions (ids q1, q2… kept when given); errors by position,
    as untranslated keys the editor turns into messages: kind, label, why, options."""
    out: list[dict[str, Any]] = []
    errors: dict[int, str] = {}
    used = {q.get("id") for q in items if QUESTION_ID.match(str(q.get("id") or ""))}
    counter = 1
    for index, item in enumerate(items[:MAX_QUESTIONS]):
        label = str(item.get("label") or "").strip()
        why = str(item.get("why") or "").strip()
        kind = item.get("kind")
        options = [o.strip() for o in item.get("options") or [] if str(o).strip()]
        if not label and not why and not options:
            continue  # an empty row of the editor is no question
        if kind not in QUESTION_KINDS:
            errors[index] = "kind"
        elif not label or len(label) > 200:
            errors[index] = "label"
        elif not why or len(why) > 300:
            errors[index] = "why"  # every question says why it is asked
        elif (kind in ("one", "many") and not 2 <= len(options) <= MAX_OPTIONS) or (
            any(len(o) > 100 for o in options) or len(set(options)) != len(options)
        ):
            errors[index] = "options"
        qid = item.get("id") if QUESTION_ID.match(str(item.get("id") or "")) else None
        while qid is None or any(q["id"] == qid for q in out):
            qid = f"q{counter}"
            counter += 1
            if qid in used:
                qid = None
        question = {
            "id": qid,
            "kind": kind,
            "label": label,
            "why": why,
            "required": bool(item.get("required")),
        }
        if kind in ("one", "many"):
            question["options"] = options
        out.append(question)
    return out, errors


def form_questions(role: str, call: Any) -> list[dict[str, Any]]:
    """Every question of a role's form, built-in first, in one shape for the template: key
    (`q:<id>` for the organiser's own), kind, label, why, required, options as (value, label)
    pairs, min/max for numbers and the longest answer allowed."""
    out = []
    for q in builtin_questions(role):
        options = q.get("options")
        out.append(
            {
                **q,
                "options": [(k, v) for k, v in options.items()] if options else [],
                "max_len": MAX_LONG if q["kind"] == "long" else MAX_SHORT,
            }
        )
    for q in questions_of(call):
        out.append(
            {
                "key": f"q:{q['id']}",
                "kind": q["kind"],
                "label": q["label"],
                "why": q["why"],
                "required": bool(q["required"]),
                "options": [(o, o) for o in q.get("options", [])],
                "max_len": MAX_LONG if q["kind"] == "long" else MAX_SHORT,
            }
        )
    return out
