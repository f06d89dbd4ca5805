"""The organiser's matching page. The server renders only what it knows in clear (the calls'
questions, the saved criteria, counts); static/js/matching/page.js decrypts the applications
on this device, scores and assigns them there, and posts only the chosen pairs."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, render_template

from workspace.accounts import sessions as auth
from workspace.core.db import get_db
from workspace.matching import forming, queries
from workspace.organiser.access import my_programme
from workspace.recruitment import calls
from workspace.recruitment import queries as recruitment

bp = Blueprint("matching", __name__, url_prefix="/organiser/programmes")


def _questions(conn: Any, programme_id: str) -> dict[str, list[dict[str, Any]]]:
    """Each call's own questions (id, kind, label, options): score.js compares the choice
    questions both calls ask."""
    out: dict[str, list[dict[str, Any]]] = {"mentor": [], "mentee": []}
    for call in recruitment.calls(conn, programme_id):
        out[call["role"]] = [
            {
                "id": q["id"],
                "kind": q["kind"],
                "label": q["label"],
                "options": list(q.get("options", [])),
            }
            for q in calls.questions_of(call)
        ]
    return out


def shared_questions(questions: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The choice questions both calls ask (the same label), as score.js sharedQuestions pairs
    them: `key` = `<mentee question id>:<mentor question id>`."""

    def choice(q: dict[str, Any]) -> bool:
        return q["kind"] in ("one", "many")

    out = []
    for mq in filter(choice, questions["mentee"]):
        other = next(
            (
                q
                for q in filter(choice, questions["mentor"])
                if q["label"].strip().lower() == mq["label"].strip().lower()
            ),
            None,
        )
        if other is not None:
            out.append({"key": f"{mq['id']}:{other['id']}", "label": mq["label"]})
    return out


@bp.get("/<programme_id>/matching")
@auth.organiser_required
def matching_page(programme_id: str) -> str:
    """Suggestions, decisions and the one step to pairs; everything about the applicants is
    computed in the browser."""
    programme = my_programme(programme_id)
    conn = get_db()
    questions = _questions(conn, programme_id)
    return render_template(
        "matching/matching.html",
        programme=programme,
        questions=json.dumps(questions, ensure_ascii=False),
        shared=shared_questions(questions),
        choice_questions={
            role: [q for q in questions[role] if q["kind"] in ("one", "many")]
            for role in ("mentee", "mentor")
        },
        criteria=json.dumps(queries.criteria(conn, programme_id)),
        pool=json.dumps(list(forming.POOL)),
        languages=calls.APPLICANT_LANGUAGES,
    )
