"""The organiser's matching page. The server renders only what it knows in clear (the calls'
questions, the saved criteria, counts); static/js/matching/page.js decrypts the applications
on this device, scores and assigns them there, and posts only the chosen pairs."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, render_template

from workspace.accounts import sessions as auth
from workspace.core.db import get_db
from workspace.core.jsonapi import not_found
from workspace.matching import forming, queries
from workspace.organiser import replacing
from workspace.organiser.access import my_pair, my_programme
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


# The answers of the member who stays that score.js compares (the replacement screen's form).
PROFILE_KEYS = ("languages", "field", "themes", "mode", "place", "times")


def _profile_questions(conn: Any, programme_id: str, role: str) -> list[dict[str, Any]]:
    """The questions of `role`'s form that matching compares, as recruitment's form shows them."""
    call = recruitment.call(conn, programme_id, role)
    if call is None:
        return []
    return [
        q
        for q in calls.form_questions(role, call)
        if q["key"] in PROFILE_KEYS or (q["key"].startswith("q:") and q["kind"] in ("one", "many"))
    ]


@bp.get("/<programme_id>/matching/replace/<pair_id>/<role>")
@auth.organiser_required
def replacement_page(programme_id: str, pair_id: str, role: str) -> str:
    """Suggestions for one place: the applicants of the pool in `role`, scored on this device
    against the member who stays (their answers kept on this device when the pair was formed,
    or typed in here); only the chosen application id is sent."""
    pair, programme = my_pair(pair_id, programme_id)
    conn = get_db()
    if not replacing.vacant(conn, pair, role):
        not_found()
    stays = "mentee" if role == "mentor" else "mentor"
    questions = _questions(conn, programme_id)
    return render_template(
        "matching/replace.html",
        programme=programme,
        pair=pair,
        role=role,
        stays=stays,
        questions=json.dumps(questions, ensure_ascii=False),
        shared=shared_questions(questions),
        profile_questions=_profile_questions(conn, programme_id, stays),
        criteria=json.dumps(queries.criteria(conn, programme_id)),
        pool=json.dumps(list(forming.POOL)),
    )
