"""The planning checklist (the organiser guide's planning questions, ../shared/DOMAIN.md): its
items, each one's form filled from what is stored, and saving an answer, which fills the
programme's settings where one exists (dates, language, the calls' closing date and mode, the
orientation mode, the surveys' dates) and keeps the rest as the item's answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from workspace.core import db, logs
from workspace.organiser import programmes
from workspace.orientation import queries as orientation
from workspace.planning import forms, queries
from workspace.recruitment import queries as recruitment
from workspace.surveys import queries as surveys


@dataclass(frozen=True)
class Item:
    """One checklist item: its key, title, the guide's question and what its note is for."""

    key: str
    title: Any
    question: Any
    note_hint: Any
    form: type[forms.ItemForm]


ITEMS: tuple[Item, ...] = (
    Item(
        "goals",
        _l("Goals and target group"),
        _l(
            "What should the mentoring achieve, and for whom? Who are the mentees, who the mentors?"
        ),
        _l("The goals, and who the programme is for."),
        forms.GoalsForm,
    ),
    Item(
        "resources",
        _l("Resources"),
        _l("Who organises, how much time goes to it, and what is the budget?"),
        _l("The organisers and their time, the budget, any partners."),
        forms.ResourcesForm,
    ),
    Item(
        "structure",
        _l("Structure"),
        _l("How many pairs, for how long, how often they meet, in person or remote?"),
        _l("Anything else about the structure, such as small groups."),
        forms.StructureForm,
    ),
    Item(
        "language",
        _l("Language"),
        _l("In which language does the programme run?"),
        _l("Language support, interpreting, other languages pairs may use."),
        forms.LanguageForm,
    ),
    Item(
        "reach",
        _l("Reaching participants"),
        _l(
            "How do mentors and mentees hear of the programme and get enough information to "
            "take part? A personal invitation works better for mentors than a general advert."
        ),
        _l("The channels: where the calls are shared, whom you invite personally."),
        forms.ReachForm,
    ),
    Item(
        "orientation",
        _l("Orientation"),
        _l(
            "Joint or separate orientation for mentors and mentees? Those who cannot attend "
            "get another session or written material."
        ),
        _l("What the orientation covers, who holds it, the material for those who miss it."),
        forms.OrientationForm,
    ),
    Item(
        "followup",
        _l("Follow-up"),
        _l(
            "How much do you support the pairs along the way, and how? Mid-point and end "
            "follow-up, and long-term follow-up of outcomes afterwards."
        ),
        _l("How you keep in touch with the pairs, and how much time it takes."),
        forms.FollowupForm,
    ),
    Item(
        "ending",
        _l("How the programme ends"),
        _l("A joint closing event, or each pair closes on its own? A certificate?"),
        _l("The closing: thanks, feedback, what participants take with them."),
        forms.EndingForm,
    ),
)
BY_KEY = {i.key: i for i in ITEMS}
STATE_NAMES: dict[str, Any] = {
    "not_started": _l("Not started"),
    "answered": _l("Answered"),
    "done": _l("Done"),
}
SURVEY_KINDS = {"midpoint_on": "midpoint", "end_on": "end", "longterm_on": "longterm"}


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _prefill(conn: db.Connection, programme: Any, item: str, row: Any) -> dict[str, Any]:
    """What the item's form shows: stored settings and answers, or the guide's defaults."""
    answers = queries.answers_of(row)
    data: dict[str, Any] = {"done": row is not None and row["state"] == "done"}
    start, mid, end = (_date(programme[k]) for k in ("start_date", "mid_date", "end_date"))
    if item == "structure":
        data.update(start_date=start, mid_date=mid, end_date=end)
        data.update({k: answers.get(k) for k in ("pairs_sought", "length_months")})
        data.update(rhythm=answers.get("rhythm") or "", mode=answers.get("mode") or "")
    elif item == "language":
        data["language"] = programme["language"]
    elif item == "reach":
        closing = [
            c["closes_on"] for c in recruitment.calls(conn, programme["id"]) if c["closes_on"]
        ]
        data["opens_on"] = _date(answers.get("opens_on"))
        data["closes_on"] = _date(answers.get("closes_on") or (min(closing) if closing else None))
    elif item == "orientation":
        mode = answers.get("mode") or orientation.mode(conn, programme["id"]) or ""
        data.update(mode=mode, held_on=_date(answers.get("held_on")))
    elif item == "followup":
        if row is None:
            # What the surveys area will do unless told otherwise.
            days = surveys.schedule(conn, programme["id"])
            data.update({k: days.get(kind) for k, kind in SURVEY_KINDS.items()})
        else:
            data.update({k: _date(answers.get(k)) for k in SURVEY_KINDS})
    elif item == "ending":
        data.update(closing=answers.get("closing") or "", certificate=answers.get("certificate"))
    return data


def form_for(
    conn: db.Connection, programme: Any, item: str, posted: bool = False
) -> forms.ItemForm:
    """The item's form: filled from what is stored, or from the request when `posted`."""
    row = queries.items(conn, programme["id"]).get(item)
    cls = BY_KEY[item].form
    prefix = f"{item}-"
    if posted:
        return cls(programme, prefix=prefix)
    return cls(programme, prefix=prefix, formdata=None, data=_prefill(conn, programme, item, row))


def save(conn: db.Connection, programme: Any, item: str, form: forms.ItemForm, by: str) -> None:
    """Store a validated answer and fill the settings it names (caller holds the transaction)."""
    programme_id = programme["id"]
    answers = form.answers()
    if item == "structure":
        dates = (form.start_date.data, form.mid_date.data, form.end_date.data)  # type: ignore[attr-defined]
        programmes.set_plan(conn, programme_id, dates=dates)
        if answers["mode"]:
            _draft_calls(conn, programme, mode=answers["mode"])
    elif item == "language":
        language = form.language.data  # type: ignore[attr-defined]
        programmes.set_plan(conn, programme_id, language=language)
        recruitment.ensure_recruitment(conn, programme_id, programme["name"])
        for call in recruitment.calls(conn, programme_id):
            if call["state"] == "draft" and call["languages"] in ("", "[]"):
                recruitment.save_call(conn, programme_id, call["role"], languages=[language])
    elif item == "reach" and answers["closes_on"]:
        recruitment.ensure_recruitment(conn, programme_id, programme["name"])
        for call in recruitment.calls(conn, programme_id):
            if call["state"] == "closed":
                continue
            fields = {"closes_on": answers["closes_on"]}
            if not call["starts_on"]:
                fields["starts_on"] = programme["start_date"]
            recruitment.save_call(conn, programme_id, call["role"], **fields)
    elif item == "orientation" and answers["mode"]:
        _apply_orientation(conn, programme_id, answers["mode"])
    elif item == "followup":
        for key, kind in SURVEY_KINDS.items():
            _apply_followup(conn, programme_id, kind, _date(answers[key]))
    state = "done" if form.done.data else "answered"
    queries.save_item(conn, programme_id, item, state, answers, by)
    logs.event("planning.saved", programme=programme_id, item=item, state=state)


def _draft_calls(conn: db.Connection, programme: Any, **fields: Any) -> None:
    """Fill the calls still in draft (an open call's public text is the organiser's to edit)."""
    recruitment.ensure_recruitment(conn, programme["id"], programme["name"])
    for call in recruitment.calls(conn, programme["id"]):
        if call["state"] == "draft":
            recruitment.save_call(conn, programme["id"], call["role"], **fields)


def call_conflicts(conn: db.Connection, programme: Any, form: forms.ItemForm) -> bool:
    """Put at its field what the calls forbid (a closing date after a call's pairing date);
    True when there is nothing."""
    if not isinstance(form, forms.ReachForm) or not form.closes_on.data:
        return True
    for call in recruitment.calls(conn, programme["id"]):
        late = call["pairs_by"] and form.closes_on.data.isoformat() > call["pairs_by"]
        if call["state"] != "closed" and late:
            form.closes_on.errors = [
                *form.closes_on.errors,
                forms.pairs_by_message(date.fromisoformat(call["pairs_by"])),
            ]
            return False
    return True


def _apply_orientation(conn: db.Connection, programme_id: str, mode: str) -> None:
    """The orientation mode into the orientation area's setting (what members are shown)."""
    orientation.set_mode(conn, programme_id, mode)


def _apply_followup(
    conn: db.Connection, programme_id: str, kind: str, send_on: date | None
) -> None:
    """A survey's date (None: not sent by the clock, only by hand) into the surveys' schedule."""
    surveys.set_schedule(conn, programme_id, kind, send_on)


def progress(conn: db.Connection, programme_id: str) -> dict[str, Any]:
    """Each item's state and the counts: {"states": {key: state}, "done", "answered", "total"}."""
    rows = queries.items(conn, programme_id)
    noted = queries.note_items(conn, programme_id)
    states = {}
    for item in ITEMS:
        row = rows.get(item.key)
        state = row["state"] if row is not None else "not_started"
        if state == "not_started" and item.key in noted:
            state = "answered"
        states[item.key] = state
    values = list(states.values())
    return {
        "states": states,
        "done": values.count("done"),
        "answered": values.count("answered"),
        "total": len(values),
    }
