"""What a survey looks like to those who read it: the questions in the page's language as the
results contract gives them (docs/PROTOCOL.md, "Survey answers"), and the organiser's counts."""

from __future__ import annotations

import json
from typing import Any

from workspace.core import db
from workspace.recruitment import queries as recruitment
from workspace.surveys import definitions, queries

THRESHOLD = 5  # no count, mean or list of texts of fewer than this many answers is shown


def public_question(row: Any) -> dict[str, Any]:
    """One question as the answer form and the results read it."""
    out: dict[str, Any] = {
        "id": row["id"],
        "kind": row["kind"],
        "text": definitions.question_text(row),
        "audience": row["audience"],
        "required": bool(row["required"]),
        "key": row["builtin"],
    }
    if row["kind"] in ("choice", "choices"):
        out["options"] = [
            {"id": o["id"], "label": definitions.option_text(o)}
            for o in json.loads(row["options"])
            if not o.get("removed")
        ]
    return out


def questions_for(conn: db.Connection, survey_id: str, role: str | None = None) -> list[dict]:
    """The survey's questions (those for `role` only, when given)."""
    return [
        public_question(r)
        for r in queries.questions(conn, survey_id)
        if role is None or r["audience"] in ("all", role)
    ]


def status(conn: db.Connection, survey: Any) -> dict[str, Any]:
    """A survey's state for the organiser: its day, whether sent, and counts — the answered
    count only once at least THRESHOLD have answered."""
    sent, answered = queries.counts(conn, survey["id"])
    return {
        "send_on": survey["send_on"],
        "sent_on": survey["sent_on"],
        "reminded_on": survey["reminded_on"],
        "sent": sent,
        "answered": answered if answered >= THRESHOLD else None,
        "enough": answered >= THRESHOLD,
    }


def signer(conn: db.Connection, programme_id: str, user_id: str) -> dict[str, str] | None:
    """What "sign my answers" locks in: the member's name in the pair and the pair's code."""
    person = next((r for r in queries.recipients(conn, programme_id) if r["id"] == user_id), None)
    if person is None:
        return None
    code = queries.pair_code(conn, person["pair_id"])
    return {"name": person["display_name"] or person["email"], "pair": code or ""}


def organisers(conn: db.Connection, programme_id: str) -> list[dict[str, Any]]:
    """The bundles an answer is sealed to: the programme's organisers with keys."""
    return [
        {"user_id": r["id"], "bundle": json.loads(r["bundle"])}
        for r in recruitment.programme_organiser_bundles(conn, programme_id)
    ]
