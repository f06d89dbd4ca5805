"""The public recruitment API: a programme's calls with the organisers' bundles, and sending a
sealed application (no sign-in; CSRF as everywhere)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from flask_babel import gettext as _

from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import body, fail, not_found
from workspace.core.limits import limiter, per_address
from workspace.pairs import queries as pairs
from workspace.recruitment import applying, calls, queries
from workspace.recruitment.access import public_recruitment

bp = Blueprint("recruitment_api", __name__, url_prefix="/api/v1")

FIELD_MESSAGES = {
    "email": lambda: _("Write a whole email address."),
    "language": lambda: _("Choose Finnish or English."),
    "application_id": lambda: _("This application was already sent."),
}


def organisers_json(programme_id: str) -> list[dict[str, Any]]:
    """The bundles an application is sealed to."""
    return [
        {"user_id": r["id"], "display_name": r["display_name"], "bundle": json.loads(r["bundle"])}
        for r in queries.programme_organiser_bundles(get_db(), programme_id)
    ]


def apply_limit() -> str:
    """Applications per client address (RATELIMIT_APPLY): generous, since a whole kick-off
    event may apply from one Wi-Fi, but a script cannot fill the outbox."""
    return str(current_app.config.get("RATELIMIT_APPLY", "120 per 10 minutes"))


@bp.get("/apply/<slug>")
def programme_calls(slug: str) -> Response:
    """The programme's name, its calls' public fields and questions (drafts left out), the
    organisers' bundles."""
    row = public_recruitment(slug)
    conn = get_db()
    return jsonify(
        {
            "programme_id": row["programme_id"],
            "name": row["name"],
            "language": row["language"],
            "privacy": {
                "controller": row["controller"],
                "contact": row["privacy_contact"],
                "extra": row["privacy_extra"],
            },
            # A draft is the organiser's unfinished text: not public yet.
            "calls": [
                calls.public_call(c)
                for c in queries.calls(conn, row["programme_id"])
                if c["state"] != "draft"
            ],
            "organisers": organisers_json(row["programme_id"]),
        }
    )


@bp.post("/apply/<slug>/<role>")
@limiter.limit(apply_limit, key_func=per_address)
def apply(slug: str, role: str) -> tuple[Response, int]:
    """Receive a sealed application: 201 received, 202 a repeat awaiting email confirmation,
    409 when the call is not open, 400 (nothing stored) when the envelope is wrong."""
    row = public_recruitment(slug)
    if role not in calls.ROLES:
        not_found()
    conn = get_db()
    call = queries.call(conn, row["programme_id"], role)
    if call is None or call["state"] == "draft":
        not_found()
    if not calls.is_open(call):
        fail(409, _("This call is closed: applications are no longer taken."))
    organiser_ids = {
        r["id"] for r in queries.programme_organiser_bundles(conn, row["programme_id"])
    }
    try:
        submission = applying.check(body(), organiser_ids)
    except applying.Refused as refused:
        message = FIELD_MESSAGES.get(refused.field)
        fail(
            400,
            message()
            if message
            else _("The application was not sealed correctly. Reload the page and try again."),
            field=refused.field,
        )
    programme = pairs.programme(conn, row["programme_id"])
    with transaction(conn):
        try:
            outcome = applying.receive(conn, row, programme, call, submission)
        except applying.Refused:
            fail(409, _("This application was already sent."), field="application_id")
    return jsonify({"status": outcome}), 201 if outcome == "received" else 202
