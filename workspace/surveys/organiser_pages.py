"""The organiser's survey area of a programme: the three surveys with their state, the day each
is sent (or sending by hand), the question editor, and the results page (opened in the
browser)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WResponse

from workspace.accounts import sessions as auth
from workspace.core import fragments
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import not_found
from workspace.surveys import definitions, queries, sending, views
from workspace.surveys.access import my_survey, my_surveys
from workspace.surveys.forms import EditQuestionForm, QuestionForm, ScheduleForm, option_lines

bp = Blueprint("surveys", __name__, url_prefix="/organiser/programmes/<programme_id>/surveys")


def _card(programme: Any, survey: Any, form: ScheduleForm | None = None) -> dict[str, Any]:
    day = date.fromisoformat(survey["send_on"]) if survey["send_on"] else None
    return {
        "kind": survey["kind"],
        "label": definitions.LABELS[survey["kind"]],
        "survey": survey,
        "status": views.status(get_db(), survey),
        "suggested": definitions.default_day(programme, survey["kind"]),
        "form": form
        or ScheduleForm(
            formdata=None,
            data={"send_on": day, "reminder_days": survey["reminder_days"]},
            prefix=survey["kind"],
        ),
    }


@bp.get("")
@auth.organiser_required
def overview(programme_id: str) -> str:
    """The three surveys: when each goes, and how many have answered."""
    programme, found = my_surveys(programme_id)
    cards = [_card(programme, found[k]) for k in definitions.KINDS]
    return render_template("surveys/overview.html", programme=programme, cards=cards)


def _card_page(programme: Any, survey: Any, form: ScheduleForm | None = None, status: int = 200):
    return fragments.page(
        "surveys/overview.html",
        "surveys/_survey_card.html",
        status,
        programme=programme,
        card=_card(programme, survey, form),
        cards=[
            _card(programme, s, form if s["kind"] == survey["kind"] else None)
            for s in (queries.surveys_of(get_db(), programme["id"])[k] for k in definitions.KINDS)
        ],
    )


@bp.post("/<kind>/schedule")
@auth.organiser_required
def save_schedule(programme_id: str, kind: str) -> Any:
    """Set (or clear) the day the survey is sent and its reminder."""
    programme, survey = my_survey(programme_id, kind)
    form = ScheduleForm(prefix=kind)
    if not form.validate_on_submit():
        return _card_page(programme, survey, form, 400)
    conn = get_db()
    with transaction(conn):
        queries.set_schedule(conn, programme_id, kind, form.send_on.data)
        queries.set_reminder_days(conn, survey["id"], form.reminder_days.data)
    survey = queries.survey(conn, survey["id"])
    message = (
        _("The day was saved.") if form.send_on.data else _("The survey is not scheduled now.")
    )
    return fragments.after_post(
        "surveys/_survey_card.html",
        url_for(".overview", programme_id=programme_id) + f"#survey-{kind}",
        message,
        programme=programme,
        card=_card(programme, survey),
    )


@bp.post("/<kind>/send")
@auth.organiser_required
def send_now(programme_id: str, kind: str) -> Any:
    """Send the survey now to everyone who has not been sent it yet."""
    programme, survey = my_survey(programme_id, kind)
    conn = get_db()
    with transaction(conn):
        count = sending.send_survey(conn, programme, survey)
    survey = queries.survey(conn, survey["id"])
    return fragments.after_post(
        "surveys/_survey_card.html",
        url_for(".overview", programme_id=programme_id) + f"#survey-{kind}",
        _("The survey was sent to %(count)s people.", count=count),
        programme=programme,
        card=_card(programme, survey),
    )


# The question editor


def _editor(programme: Any, survey: Any, form: QuestionForm | None = None, status: int = 200):
    conn = get_db()
    return fragments.page(
        "surveys/edit.html",
        "surveys/_questions.html",
        status,
        programme=programme,
        survey=survey,
        label=definitions.LABELS[survey["kind"]],
        questions=views.questions_for(conn, survey["id"]),
        kinds=definitions.KIND_LABELS,
        audiences=definitions.AUDIENCE_LABELS,
        answered=queries.counts(conn, survey["id"])[1],
        form=form or QuestionForm(formdata=None),
    )


@bp.get("/<kind>/questions")
@auth.organiser_required
def editor(programme_id: str, kind: str) -> Any:
    """The survey's questions, in order, with the form for a new one."""
    return _editor(*my_survey(programme_id, kind))


@bp.post("/<kind>/questions")
@auth.organiser_required
def add_question(programme_id: str, kind: str) -> Any:
    """Add a question at the end."""
    programme, survey = my_survey(programme_id, kind)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _editor(programme, survey, form, 400)
    options = option_lines(form.options.data) if form.kind.data in ("choice", "choices") else []
    conn = get_db()
    with transaction(conn):
        question_id = queries.add_question(
            conn,
            survey["id"],
            form.kind.data,
            form.audience.data,
            form.required.data,
            form.text.data.strip(),
            options,
        )
    return redirect(
        url_for(".editor", programme_id=programme_id, kind=kind) + f"#question-{question_id}",
        303,
    )


def _question(survey: Any, question_id: str) -> Any:
    row = queries.question(get_db(), survey["id"], question_id)
    if row is None:
        not_found()
    return row


def _option_fields(row: Any) -> list[dict[str, Any]]:
    return [
        {"id": o["id"], "label": definitions.option_text(o)}
        for o in json.loads(row["options"])
        if not o.get("removed")
    ]


def _edit_page(
    programme: Any,
    survey: Any,
    row: Any,
    form: EditQuestionForm,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "surveys/edit_question.html",
        programme=programme,
        survey=survey,
        label=definitions.LABELS[survey["kind"]],
        question=views.public_question(row),
        kind_label=definitions.KIND_LABELS[row["kind"]],
        options=_option_fields(row),
        values=request.form if request.method == "POST" else {},
        option_errors=errors or {},
        answered=queries.counts(get_db(), survey["id"])[1],
        form=form,
    ), status


@bp.get("/<kind>/questions/<question_id>")
@auth.organiser_required
def edit_question(programme_id: str, kind: str, question_id: str) -> Any:
    """Edit one question's wording, audience and choices (its kind stays)."""
    programme, survey = my_survey(programme_id, kind)
    row = _question(survey, question_id)
    form = EditQuestionForm(
        formdata=None,
        data={
            "audience": row["audience"],
            "text": definitions.question_text(row),
            "required": bool(row["required"]),
        },
    )
    return _edit_page(programme, survey, row, form)


def _edited_options(row: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The question's options after the edit (ids kept, removed ones marked) and errors by
    option id."""
    options = json.loads(row["options"])
    errors: dict[str, str] = {}
    for option in options:
        if option.get("removed"):
            continue
        if request.form.get(f"remove-{option['id']}"):
            option["removed"] = True
            continue
        text = (request.form.get(f"option-{option['id']}") or "").strip()
        if not text or len(text) > 200:
            errors[option["id"]] = _("Write the choice (under 200 characters), or remove it.")
        elif text != definitions.option_text({**option, "text": None}):
            option["text"] = text
        else:
            option["text"] = None
    return options, errors


@bp.post("/<kind>/questions/<question_id>")
@auth.organiser_required
def save_question(programme_id: str, kind: str, question_id: str) -> Any:
    """Save an edited question."""
    programme, survey = my_survey(programme_id, kind)
    row = _question(survey, question_id)
    form = EditQuestionForm()
    options, errors = _edited_options(row)
    new = option_lines(form.new_options.data)
    choice = row["kind"] in ("choice", "choices")
    valid = form.validate_on_submit()
    if choice:
        if any(len(line) > 200 for line in new):
            form.new_options.errors = [_("Keep each choice under 200 characters.")]
            valid = False
        kept = [o for o in options if not o.get("removed")]
        if len(kept) + len(new) < 2 and not errors:
            form.new_options.errors = [_("A question with choices needs at least two.")]
            valid = False
        if len(kept) + len(new) > 20:
            form.new_options.errors = [_("Write at most 20 choices.")]
            valid = False
    if not valid or errors:
        return _edit_page(programme, survey, row, form, errors, 400)
    if choice:
        taken = max([int(o["id"][1:]) for o in options] or [0])
        options += [
            {"id": f"o{taken + i}", "key": None, "text": t, "removed": False}
            for i, t in enumerate(new, start=1)
        ]
    text = form.text.data.strip()
    ready = definitions.question_text({**dict(row), "text": None})
    own = None if row["builtin"] and text == ready else text
    conn = get_db()
    with transaction(conn):
        queries.update_question(
            conn,
            survey["id"],
            question_id,
            audience=form.audience.data,
            required=form.required.data,
            text=own,
            options=options,
        )
    flash(_("The question was saved."))
    return redirect(
        url_for(".editor", programme_id=programme_id, kind=kind) + f"#question-{question_id}", 303
    )


@bp.post("/<kind>/questions/<question_id>/move")
@auth.organiser_required
def move_question(programme_id: str, kind: str, question_id: str) -> Any:
    """Move a question one place up or down."""
    programme, survey = my_survey(programme_id, kind)
    _question(survey, question_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        not_found()
    conn = get_db()
    with transaction(conn):
        queries.move_question(conn, survey["id"], question_id, step)
    return fragments.after_post(
        "surveys/_questions.html",
        url_for(".editor", programme_id=programme_id, kind=kind) + f"#question-{question_id}",
        _("The question was moved."),
        programme=programme,
        survey=survey,
        questions=views.questions_for(conn, survey["id"]),
        kinds=definitions.KIND_LABELS,
        audiences=definitions.AUDIENCE_LABELS,
    )


@bp.get("/<kind>/questions/<question_id>/remove")
@auth.organiser_required
def confirm_remove(programme_id: str, kind: str, question_id: str) -> str:
    """Before removing a question: a warning when answers have arrived."""
    programme, survey = my_survey(programme_id, kind)
    row = _question(survey, question_id)
    return render_template(
        "surveys/remove_question.html",
        programme=programme,
        survey=survey,
        label=definitions.LABELS[survey["kind"]],
        question=views.public_question(row),
        answered=queries.counts(get_db(), survey["id"])[1],
    )


@bp.post("/<kind>/questions/<question_id>/remove")
@auth.organiser_required
def remove_question(programme_id: str, kind: str, question_id: str) -> WResponse:
    """Remove a question (its id is never given again; answers given to it stay sealed)."""
    _programme, survey = my_survey(programme_id, kind)
    _question(survey, question_id)
    conn = get_db()
    with transaction(conn):
        queries.remove_question(conn, survey["id"], question_id)
    flash(_("The question was removed."))
    return redirect(url_for(".editor", programme_id=programme_id, kind=kind), 303)


# Results (opened in the organiser's browser)


@bp.get("/<kind>/results")
@auth.organiser_required
def results(programme_id: str, kind: str) -> str:
    """The results page: the browser fetches the sealed answers and opens them."""
    programme, survey = my_survey(programme_id, kind)
    return render_template(
        "surveys/results.html",
        programme=programme,
        survey=survey,
        label=definitions.LABELS[kind],
        status=views.status(get_db(), survey),
        compare=False,
    )


@bp.get("/compare")
@auth.organiser_required
def compare(programme_id: str) -> str:
    """Mid-point and end side by side, for the questions both ask."""
    programme, found = my_surveys(programme_id)
    conn = get_db()
    return render_template(
        "surveys/results.html",
        programme=programme,
        survey=found["end"],
        label=_("Mid-point and end compared"),
        status=views.status(conn, found["end"]),
        mid_status=views.status(conn, found["midpoint"]),
        compare=True,
        comparable=definitions.COMPARABLE,
    )
