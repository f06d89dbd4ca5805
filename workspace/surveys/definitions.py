"""The three ready-written follow-up surveys, after the seed's follow-up (docs: the mid-point,
end and long-term questions), in English source with translations. A programme gets its own
copy of them (`queries.ensure_surveys`) and may edit it; the ready-written text is kept as a key,
so a question the organiser did not rewrite reads in each member's language."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

KINDS = ("midpoint", "end", "longterm")
QUESTION_KINDS = ("short", "long", "scale", "choice", "choices", "yesno")
AUDIENCES = ("all", "mentor", "mentee")
LONGTERM_DAYS = 182  # about six months after the programme's end

LABELS: dict[str, Any] = {
    "midpoint": _l("Mid-point survey"),
    "end": _l("End survey"),
    "longterm": _l("Long-term follow-up"),
}
KIND_LABELS: dict[str, Any] = {
    "short": _l("Short text"),
    "long": _l("Long text"),
    "scale": _l("Scale 1–5"),
    "choice": _l("One choice"),
    "choices": _l("Several choices"),
    "yesno": _l("Yes or no"),
}
AUDIENCE_LABELS: dict[str, Any] = {
    "all": _l("Mentors and mentees"),
    "mentor": _l("Mentors only"),
    "mentee": _l("Mentees only"),
}

# Option texts by key.
OPTIONS: dict[str, Any] = {
    "skills": _l("Recognising one's own skills"),
    "worklife": _l("The unwritten rules of Finnish working life"),
    "networking": _l("Networking"),
    "jobsearch": _l("Job search and applications"),
    "language": _l("Language and communication at work"),
    "other": _l("Something else"),
    "m0": _l("Not yet"),
    "m1": _l("1–2 times"),
    "m3": _l("3–4 times"),
    "m5": _l("5 times or more"),
    "yes": _l("Yes"),
    "partly": _l("Partly"),
    "no": _l("No"),
    "work": _l("Working"),
    "study": _l("Studying"),
    "business": _l("Running a business"),
    "seeking": _l("Looking for work"),
    "situation_other": _l("Something else"),
}
THEMES = ["skills", "worklife", "networking", "jobsearch", "language", "other"]

# key → (kind, audience, text, option keys). The key also says which questions of the mid-point
# and end surveys are comparable (`COMPARABLE`).
QUESTIONS: dict[str, tuple[str, str, Any, list[str]]] = {
    "mid_going": (
        "scale",
        "all",
        _l("How has the mentoring gone so far? (1 = poorly, 5 = very well)"),
        [],
    ),
    "mid_goals": ("long", "all", _l("What goals have you set, and how have you progressed?"), []),
    "mid_progress": (
        "scale",
        "all",
        _l("How far have you come toward your goals? (1 = not at all, 5 = a long way)"),
        [],
    ),
    "mid_themes": ("choices", "all", _l("Which themes have you covered?"), THEMES),
    "mid_meetings": ("choice", "all", _l("How many times have you met?"), ["m0", "m1", "m3", "m5"]),
    "mid_feedback": ("long", "all", _l("Your feedback for the organiser"), []),
    "mid_wishes": ("long", "all", _l("What do you wish for the rest of the programme?"), []),
    "end_now": (
        "scale",
        "all",
        _l("How are things now compared with the start? (1 = worse, 5 = much better)"),
        [],
    ),
    "end_whole": (
        "scale",
        "all",
        _l("How was the mentoring as a whole? (1 = poor, 5 = excellent)"),
        [],
    ),
    "end_goals": ("long", "all", _l("What goals did you set?"), []),
    "end_reached": ("choice", "all", _l("Were your goals reached?"), ["yes", "partly", "no"]),
    "end_themes": ("choices", "all", _l("Which themes did you cover?"), THEMES),
    "end_gave": ("long", "all", _l("What did the themes give you?"), []),
    "end_learned": ("long", "all", _l("What did you learn?"), []),
    "end_touch": ("yesno", "all", _l("Do you and your pair still keep in touch?"), []),
    "end_feedback": ("long", "all", _l("Your feedback for the organiser"), []),
    "end_again": ("yesno", "mentor", _l("Would you mentor again?"), []),
    "lt_situation": (
        "choice",
        "all",
        _l("What is your situation now?"),
        ["work", "study", "business", "seeking", "situation_other"],
    ),
    "lt_field": ("yesno", "mentee", _l("Do you work or study in your own field?"), []),
    "lt_helped": (
        "scale",
        "all",
        _l("How much did the mentoring help you move forward? (1 = not at all, 5 = very much)"),
        [],
    ),
    "lt_touch": ("yesno", "all", _l("Do you and your pair still keep in touch?"), []),
    "lt_changed": ("short", "all", _l("In a few words: what has changed since the programme?"), []),
    "lt_other": ("long", "all", _l("Anything else you want to tell the organisers?"), []),
}
SURVEYS: dict[str, list[str]] = {
    "midpoint": [k for k in QUESTIONS if k.startswith("mid_")],
    "end": [k for k in QUESTIONS if k.startswith("end_")],
    "longterm": [k for k in QUESTIONS if k.startswith("lt_")],
}
# Mid-point question key → the end survey's question that asks the same (for "mid-point vs end").
COMPARABLE = {"mid_going": "end_whole", "mid_themes": "end_themes", "mid_feedback": "end_feedback"}


def default_day(programme: Any, kind: str) -> date:
    """The day a survey is sent unless the organiser chooses another."""
    if kind == "midpoint":
        return date.fromisoformat(programme["mid_date"])
    end = date.fromisoformat(programme["end_date"])
    return end if kind == "end" else end + timedelta(days=LONGTERM_DAYS)


def builtin_rows(kind: str) -> list[dict[str, Any]]:
    """The ready-written questions of a survey as rows to store (ids q1, q2…, options o1…)."""
    rows = []
    for n, key in enumerate(SURVEYS[kind], start=1):
        qkind, audience, _text, options = QUESTIONS[key]
        rows.append(
            {
                "id": f"q{n}",
                "position": n,
                "kind": qkind,
                "audience": audience,
                "builtin": key,
                "options": [
                    {"id": f"o{i}", "key": o, "text": None, "removed": False}
                    for i, o in enumerate(options, start=1)
                ],
            }
        )
    return rows


def question_text(row: Any) -> str:
    """A stored question's text: the organiser's own, or the ready-written one translated."""
    if row["text"]:
        return str(row["text"])
    entry = QUESTIONS.get(row["builtin"] or "")
    return str(entry[2]) if entry else ""


def option_text(option: dict[str, Any]) -> str:
    """An option's text: the organiser's own, or the ready-written one translated."""
    if option.get("text"):
        return str(option["text"])
    return str(OPTIONS.get(option.get("key") or "", ""))
