"""The member's side of surveys: answering in the app (signed in) or by a single-use link (no
account needed), the page that says it was answered already or the link was used, and the list
of open surveys on the pair's page. The answers are sealed in the browser
(`static/js/surveys/answer.js`); this module only renders the form and the envelope's
recipients. Also registers the surveys' mail job."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.blueprints import BlueprintSetupState

from workspace.accounts import sessions as auth
from workspace.core import mail
from workspace.core.db import get_db
from workspace.pairs import queries as pairs
from workspace.surveys import definitions, queries, sending, views
from workspace.surveys.access import member_survey, survey_link

bp = Blueprint("survey_member", __name__)


def _open_surveys(pair_id: str) -> list[dict[str, Any]]:
    """The surveys of the pair's programme sent to the signed-in member, for the pair page."""
    user = auth.current_user()
    conn = get_db()
    pair = pairs.pair(conn, pair_id)
    if user is None or pair is None:
        return []
    return [
        {"id": s["id"], "label": definitions.LABELS[s["kind"]], "answered": bool(s["answered"])}
        for s in queries.open_for_member(conn, user["id"], pair["programme_id"])
    ]


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    mail.add_job(state.app, sending.run_due)
    state.app.add_template_global(_open_surveys, "open_surveys")


def _form_page(
    survey: Any, programme: Any, send: Any, post_url: str, done_url: str, scope: str
) -> str:
    role = send["role"]
    return render_template(
        "surveys/answer.html",
        survey=survey,
        programme=programme,
        label=definitions.LABELS[survey["kind"]],
        role=role,
        questions=views.questions_for(get_db(), survey["id"], role),
        organisers=views.organisers(get_db(), programme["id"]),
        post_url=post_url,
        done_url=done_url,
        scope=scope,
        signer=views.signer(get_db(), programme["id"], send["user_id"]),
    )


@bp.get("/surveys/<survey_id>")
@auth.login_required
def answer_page(survey_id: str) -> Any:
    """The survey form, or the page saying I have answered (thanks, after sending)."""
    survey, programme, send = member_survey(survey_id)
    if queries.has_answered(get_db(), survey_id, send["user_id"]):
        return render_template(
            "surveys/done.html",
            programme=programme,
            label=definitions.LABELS[survey["kind"]],
            thanks=request.args.get("sent") == "1",
            used=False,
        )
    return _form_page(
        survey,
        programme,
        send,
        f"/api/v1/surveys/{survey_id}/answers",
        f"/surveys/{survey_id}?sent=1",
        f"survey:{survey_id}",
    )


@bp.get("/survey/<token>")
def link_page(token: str) -> Any:
    """A single-use link: the form (no sign-in), or the page saying it was used."""
    survey, programme, row = survey_link(token)
    if row["used"]:
        thanks = request.args.get("sent") == "1"
        return render_template(
            "surveys/done.html",
            programme=programme,
            label=definitions.LABELS[survey["kind"]],
            thanks=thanks,
            used=True,
        ), 200 if thanks else 410
    return _form_page(
        survey,
        programme,
        row,
        f"/api/v1/survey-links/{token}/answers",
        f"/survey/{token}?sent=1",
        f"survey:{survey['id']}",
    )
