"""JSON API of the organiser's applicant list: the applications with the copies sealed to me,
status changes for many at once, sealed notes and the import of rows sealed in the browser."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _

from workspace.accounts import sessions as auth
from workspace.core import logs
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import body, fail, ident, not_found
from workspace.flags import queries as flags
from workspace.organiser.access import my_programme
from workspace.recruitment import applicants, queries
from workspace.recruitment.access import my_application

bp = Blueprint("applicants_api", __name__, url_prefix="/api/v1/organiser/programmes")
MAX_IDS = 500


def _json(value: str | None) -> Any:
    return json.loads(value) if value else None


def _application_json(row: Any, notes: list[Any], me: str) -> dict[str, Any]:
    return {
        "application_id": row["id"],
        "role": row["role"],
        "email": row["email"],
        "status": row["status"],
        "source": row["source"],
        "language": row["language"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "confirmed_at": row["confirmed_at"],
        "bundle": _json(row["bundle"]),
        "sealed": _json(row["sealed"]),
        "notes": [
            {
                "note_id": n["id"],
                "author_id": n["author_id"],
                "created_at": n["created_at"],
                "sealed": applicants.note_copy(n, me),
            }
            for n in notes
        ],
    }


@bp.get("/<programme_id>/applications")
@auth.organiser_required
def applications(programme_id: str) -> Response:
    """The programme's applications with my sealed copy and notes, and the organisers' bundles
    (notes are sealed to each; a note's author is checked against them)."""
    my_programme(programme_id)
    me = auth.current_user()["id"]
    conn = get_db()
    notes = applicants.notes_for(conn, programme_id)
    role = request.args.get("role") or None
    status = request.args.get("status") or None
    if role not in (None, "mentor", "mentee") or status not in (None, *applicants.STATUS_NAMES):
        fail(400, _("Unknown role or status."))
    rows = queries.applications_for(conn, programme_id, me, role=role, status=status)
    organisers = flags.organisers(conn, programme_id)
    return jsonify(
        {
            "applications": [_application_json(r, notes.get(r["id"], []), me) for r in rows],
            "organisers": [
                {
                    "user_id": o["id"],
                    "display_name": o["display_name"],
                    "bundle": json.loads(o["bundle"]),
                }
                for o in organisers
            ],
        }
    )


def _ids(data: dict[str, Any]) -> list[str]:
    ids = data.get("application_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_IDS:
        fail(400, _("Choose at least one applicant."), field="application_ids")
    return list(dict.fromkeys(ident({"id": i}, "id") for i in ids))


@bp.post("/<programme_id>/applications/status")
@auth.organiser_required
def set_status(programme_id: str) -> Response:
    """One status for many applicants at once; any id outside the programme is a 404 and
    nothing changes."""
    my_programme(programme_id)
    data = body()
    status = data.get("status")
    if not isinstance(status, str) or status not in applicants.STATUS_NAMES:
        fail(400, _("Choose a status."), field="status")
    ids = _ids(data)
    conn = get_db()
    with transaction(conn):
        if applicants.change_status(conn, programme_id, ids, status) != len(ids):
            not_found()
    logs.event("applicants.status", programme=programme_id, count=len(ids), status=status)
    return jsonify({"status": status, "changed": len(ids)})


@bp.post("/<programme_id>/applications/<application_id>/notes")
@auth.organiser_required
def add_note(programme_id: str, application_id: str) -> tuple[Response, int]:
    """A note on an applicant, sealed on the organiser's device once for every organiser."""
    row = my_application(application_id, programme_id)
    if row["status"] == "paired":
        fail(409, _("This applicant is paired: nothing more is kept about the application."))
    data = body()
    note_id = ident(data, "note_id")
    conn = get_db()
    try:
        copies = flags.check_copies(
            data.get("copies"), applicants.organiser_ids(conn, programme_id)
        )
    except ValueError:
        fail(400, _("The note must be sealed once for each organiser."), field="copies")
    with transaction(conn):
        if applicants.note_exists(conn, note_id):
            fail(409, _("This note was already saved."))
        applicants.add_note(conn, note_id, application_id, auth.current_user()["id"], copies)
    return jsonify({"note_id": note_id}), 201


@bp.post("/<programme_id>/applications/import")
@auth.organiser_required
def import_applications(programme_id: str) -> tuple[Response, int]:
    """Applicants from a spreadsheet, each row sealed in the browser: all are stored, or, when
    any row is wrong, none, and the 400 lists every row's problem."""
    my_programme(programme_id)
    data = body()
    conn = get_db()
    rows, errors = applicants.check_import(conn, programme_id, data.get("applications"))
    if errors:
        fail(
            400,
            _("Nothing was imported: fix the rows listed and try again."),
            rows=[e.json() for e in errors],
        )
    with transaction(conn):
        count = applicants.import_applications(conn, programme_id, rows)
    logs.event("applicants.imported", programme=programme_id, count=count)
    return jsonify({"imported": count}), 201
