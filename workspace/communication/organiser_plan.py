"""The organiser's message plan of a programme: each stage's mail, ready-written in Finnish and
English, edited and previewed as the recipient sees it, scheduled or sent by hand, with the
record of sends; and the participant group's opted-in email list."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WResponse

from workspace.accounts import sessions as auth
from workspace.communication import contact, notify_queries, plan, plan_queries, queries
from workspace.communication.forms import ScheduleForm, TemplateForm
from workspace.core import audit, csvout
from workspace.core.db import get_db, transaction
from workspace.core.i18n import LANGUAGES
from workspace.core.jsonapi import not_found
from workspace.organiser.access import my_programme

bp = Blueprint("comm_plan", __name__, url_prefix="/organiser/programmes/<programme_id>")


def _stage(stage: str) -> str:
    if stage not in plan.STAGE_NAMES:
        not_found()
    return stage


def _language(language: str) -> str:
    if language not in LANGUAGES:
        not_found()
    return language


def _plan_page(programme: Any, forms: dict[str, ScheduleForm] | None = None, status: int = 200):
    conn = get_db()
    schedule = plan_queries.schedule(conn, programme["id"])
    counts = plan_queries.sends_by_stage(conn, programme["id"])
    rows = []
    for stage in plan.STAGE_NAMES:
        row = schedule.get(stage)
        day = date.fromisoformat(row["send_on"]) if row and row["send_on"] else None
        form = (forms or {}).get(stage) or ScheduleForm(
            formdata=None, data={"send_on": day}, prefix=stage
        )
        rows.append(
            {
                "stage": stage,
                "label": plan.label(stage),
                "suggested": plan.suggested_date(programme, stage),
                "scheduled": row,
                "sends": counts.get(stage),
                "form": form,
            }
        )
    return render_template(
        "communication/plan.html",
        programme=programme,
        rows=rows,
        sends=plan_queries.sends(conn, programme["id"])[:50],
        participants=len(queries.participants(conn, programme["id"])),
        languages=LANGUAGES,
        plan_label=plan.label,
    ), status


@bp.get("/messages")
@auth.organiser_required
def plan_page(programme_id: str) -> tuple[str, int]:
    """The plan: every stage with its day, its sends, and the record of sends."""
    return _plan_page(my_programme(programme_id))


@bp.post("/messages/suggested")
@auth.organiser_required
def schedule_suggested(programme_id: str) -> WResponse:
    """Schedule every dated stage for its suggested day (days that have passed are left)."""
    programme = my_programme(programme_id)
    conn = get_db()
    with transaction(conn):
        count = plan.schedule_suggested(conn, programme)
    flash(_("%(count)s stages were scheduled from the programme's dates.", count=count))
    return redirect(url_for(".plan_page", programme_id=programme_id), 303)


@bp.post("/messages/<stage>/schedule")
@auth.organiser_required
def schedule_stage(programme_id: str, stage: str) -> WResponse | tuple[str, int]:
    """Set (or clear) the day a stage is sent."""
    programme = my_programme(programme_id)
    stage = _stage(stage)
    if plan.suggested_date(programme, stage) is None:
        not_found()
    form = ScheduleForm(prefix=stage)
    if not form.validate_on_submit():
        return _plan_page(programme, {stage: form}, 400)
    conn = get_db()
    day = form.send_on.data.isoformat() if form.send_on.data else None
    with transaction(conn):
        plan_queries.set_send_on(conn, programme_id, stage, day)
    flash(_("The day was saved.") if day else _("The stage is not scheduled any more."))
    return redirect(url_for(".plan_page", programme_id=programme_id) + f"#stage-{stage}", 303)


@bp.get("/messages/<stage>/send")
@auth.organiser_required
def confirm_send(programme_id: str, stage: str) -> str:
    """Before sending by hand: who gets it, and what it looks like."""
    programme = my_programme(programme_id)
    stage = _stage(stage)
    if stage == "acknowledgement":
        not_found()
    conn = get_db()
    people = queries.participants(conn, programme_id)
    wanted = [p for p in people if notify_queries.enabled(conn, p["id"], "organiser_message")]
    sample = (people[0]["display_name"] if people else "") or _("Alex")
    return render_template(
        "communication/send.html",
        programme=programme,
        stage=stage,
        stage_label=plan.label(stage),
        count=len(wanted),
        skipped=len(people) - len(wanted),
        previews={code: plan.compose(conn, programme, stage, code, sample) for code in LANGUAGES},
        languages=LANGUAGES,
    )


@bp.post("/messages/<stage>/send")
@auth.organiser_required
def send_stage(programme_id: str, stage: str) -> WResponse:
    """Send a stage by hand to every current participant now (queued for the sender)."""
    programme = my_programme(programme_id)
    stage = _stage(stage)
    if stage == "acknowledgement":
        not_found()
    conn = get_db()
    me = auth.current_user()["id"]
    with transaction(conn):
        count = plan.send_stage(conn, programme, stage, by=me)
        audit.record(conn, programme_id, me, "message.sent", stage)
    flash(_("The message was sent to %(count)s participants.", count=count))
    return redirect(url_for(".plan_page", programme_id=programme_id), 303)


def _edit_page(programme: Any, stage: str, language: str, form: TemplateForm, status: int = 200):
    conn = get_db()
    _subject, _body, own = plan.wording(conn, programme, stage, language)
    sample = next(iter(queries.participants(conn, programme["id"])), None)
    name = (sample["display_name"] if sample else "") or _("Alex")
    preview = None
    if not form.errors:
        preview = plan.compose(conn, programme, stage, language, name)
        if form.subject.data and form.body.data:
            preview = _preview_of(conn, programme, language, form, name, stage)
    return render_template(
        "communication/template.html",
        programme=programme,
        stage=stage,
        stage_label=plan.label(stage),
        language=language,
        languages=LANGUAGES,
        form=form,
        own=own,
        preview=preview,
        placeholders=["{" + name + "}" for name in plan.PLACEHOLDERS],
        sender=contact.sender(conn, programme),
    ), status


def _preview_of(
    conn: Any, programme: Any, language: str, form: TemplateForm, name: str, stage: str
):
    """What the edited (not yet saved) wording looks like to its recipient."""
    return plan.compose_text(
        conn, programme, language, form.subject.data, form.body.data, name, stage=stage
    )


@bp.get("/messages/<stage>/<language>")
@auth.organiser_required
def edit_template(programme_id: str, stage: str, language: str) -> tuple[str, int]:
    """One stage's wording in one language, with the preview."""
    programme = my_programme(programme_id)
    stage, language = _stage(stage), _language(language)
    subject, body, _own = plan.wording(get_db(), programme, stage, language)
    return _edit_page(
        programme, stage, language, TemplateForm(data={"subject": subject, "body": body})
    )


@bp.post("/messages/<stage>/<language>")
@auth.organiser_required
def save_template(programme_id: str, stage: str, language: str) -> WResponse | tuple[str, int]:
    """Save the programme's wording of a stage."""
    programme = my_programme(programme_id)
    stage, language = _stage(stage), _language(language)
    form = TemplateForm()
    if not form.validate_on_submit():
        return _edit_page(programme, stage, language, form, 400)
    conn = get_db()
    with transaction(conn):
        plan_queries.save_template(
            conn, programme_id, stage, language, form.subject.data.strip(), form.body.data.strip()
        )
    flash(_("The message was saved. This is how it looks to its recipient."))
    return redirect(
        url_for(".edit_template", programme_id=programme_id, stage=stage, language=language)
        + "#preview",
        303,
    )


@bp.post("/messages/<stage>/<language>/reset")
@auth.organiser_required
def reset_template(programme_id: str, stage: str, language: str) -> WResponse:
    """Go back to the ready-written wording."""
    my_programme(programme_id)
    stage, language = _stage(stage), _language(language)
    conn = get_db()
    with transaction(conn):
        plan_queries.reset_template(conn, programme_id, stage, language)
    flash(_("The ready-written message is back."))
    return redirect(
        url_for(".edit_template", programme_id=programme_id, stage=stage, language=language), 303
    )


@bp.get("/group")
@auth.organiser_required
def group(programme_id: str) -> str:
    """The participants who chose to share their email with the programme's group."""
    programme = my_programme(programme_id)
    return render_template(
        "communication/group.html",
        programme=programme,
        rows=notify_queries.group_list(get_db(), programme_id),
    )


@bp.get("/group.csv")
@auth.organiser_required
def group_csv(programme_id: str) -> Response:
    """The opted-in list as CSV (only those who opted in, as of now)."""
    my_programme(programme_id)
    out = io.StringIO()
    writer = csvout.SafeWriter(out)
    writer.writerow([_("Name"), _("Role"), _("Email")])
    for row in notify_queries.group_list(get_db(), programme_id):
        writer.writerow(
            [
                row["display_name"] or "",
                _("mentor") if row["role"] == "mentor" else _("mentee"),
                row["email"],
            ]
        )
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="group-emails.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
