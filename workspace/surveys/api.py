"""The surveys' JSON: a survey sent to me with the organisers' bundles, sending a sealed answer
(signed in, or by a single-use link without an account), and the organiser's sealed answers
(only once at least five have answered)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from flask_babel import gettext as _

from workspace.accounts import sessions as auth
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import body, fail
from workspace.core.limits import limiter, per_address
from workspace.surveys import answering, queries, views
from workspace.surveys.access import member_survey, my_survey, survey_link

bp = Blueprint("surveys_api", __name__, url_prefix="/api/v1")


def organisers_json(programme_id: str) -> list[dict[str, Any]]:
    """The bundles an answer is sealed to."""
    return views.organisers(get_db(), programme_id)


def _receive(survey: Any, user_id: str) -> tuple[Response, int]:
    conn = get_db()
    organiser_ids = {r["user_id"] for r in organisers_json(survey["programme_id"])}
    try:
        submission = answering.check(body(), organiser_ids)
    except answering.Refused as refused:
        fail(
            400,
            _("The answers were not sealed correctly. Reload the page and try again."),
            field=refused.field,
        )
    with transaction(conn):
        try:
            outcome = answering.receive(conn, survey, user_id, submission)
        except answering.Refused:
            fail(409, _("You have already answered this survey."), field="answered")
    return jsonify({"status": "stored"}), 201 if outcome == "stored" else 200


@bp.get("/surveys/<survey_id>")
@auth.login_required
def my_survey_json(survey_id: str) -> Response:
    """A survey sent to me: my questions and the bundles to seal my answer to."""
    survey, programme, send = member_survey(survey_id)
    conn = get_db()
    signer = views.signer(conn, programme["id"], send["user_id"]) or {}
    return jsonify(
        {
            "survey_id": survey["id"],
            "programme_id": programme["id"],
            "kind": survey["kind"],
            "role": send["role"],
            "answered": queries.has_answered(conn, survey["id"], send["user_id"]),
            "questions": views.questions_for(conn, survey["id"], send["role"]),
            "organisers": organisers_json(programme["id"]),
            "signer_name": signer.get("name"),
            "signer_pair": signer.get("pair"),
        }
    )


@bp.post("/surveys/<survey_id>/answers")
@auth.login_required
def answer(survey_id: str) -> tuple[Response, int]:
    """Store my sealed answer: 201, or 200 when the same answer arrives again; 409 when I
    answered already."""
    survey, _programme, send = member_survey(survey_id)
    return _receive(survey, send["user_id"])


@bp.post("/survey-links/<token>/answers")
@limiter.limit("30 per 10 minutes", key_func=per_address)
def answer_by_link(token: str) -> tuple[Response, int]:
    """Store a sealed answer sent from a single-use link (no sign-in); 409 once it was used."""
    survey, _programme, row = survey_link(token)
    if row["used"] and not queries.has_answered(get_db(), survey["id"], row["user_id"]):
        fail(409, _("This link has already been used."), field="answered")
    return _receive(survey, row["user_id"])


@bp.get("/organiser/programmes/<programme_id>/surveys/<kind>/answers")
@auth.organiser_required
def organiser_answers(programme_id: str, kind: str) -> Response:
    """The survey's sealed answers with the copy sealed to me, in random order; none while
    fewer than five have answered."""
    _programme, survey = my_survey(programme_id, kind)
    conn = get_db()
    state = views.status(conn, survey)
    answers = (
        queries.answers_for(conn, survey["id"], auth.current_user()["id"])
        if state["enough"]
        else []
    )
    return jsonify(
        {
            "survey_id": survey["id"],
            "kind": kind,
            "enough": state["enough"],
            "questions": views.questions_for(conn, survey["id"]),
            "answers": answers,
        }
    )
