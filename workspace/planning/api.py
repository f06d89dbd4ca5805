"""JSON API of the planning notes: each checklist item's note, sealed on the organiser's device
once for every organiser of the programme (docs/PROTOCOL.md §8, type `planning-note`). The
server stores the sealed copies and who wrote them, never a word of the note."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify
from flask_babel import gettext as _

from workspace.accounts import sessions as auth
from workspace.core import logs
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import body, fail, ident, not_found
from workspace.flags import queries as flags
from workspace.organiser.access import my_programme
from workspace.planning import checklist, queries

bp = Blueprint("planning_api", __name__, url_prefix="/api/v1/organiser/programmes")


def _organisers(conn: Any, programme_id: str) -> list[dict[str, Any]]:
    return [
        {"user_id": o["id"], "display_name": o["display_name"], "bundle": json.loads(o["bundle"])}
        for o in flags.organisers(conn, programme_id)
    ]


@bp.get("/<programme_id>/planning/notes")
@auth.organiser_required
def notes(programme_id: str) -> Response:
    """The programme's planning notes with my sealed copy, and the organisers' bundles (a new
    note is sealed to each; a note's author is checked against them)."""
    my_programme(programme_id)
    me = auth.current_user()["id"]
    conn = get_db()
    return jsonify(
        {
            "notes": [
                {
                    "item": n["item"],
                    "note_id": n["note_id"],
                    "author_id": n["author_id"],
                    "updated_at": n["updated_at"],
                    "sealed": queries.note_copy(n, me),
                }
                for n in queries.notes(conn, programme_id)
            ],
            "organisers": _organisers(conn, programme_id),
        }
    )


def _item(programme_id: str, item: str) -> str:
    my_programme(programme_id)
    if item not in checklist.BY_KEY:
        not_found()
    return item


def _state(conn: Any, programme_id: str, item: str) -> dict[str, Any]:
    plan = checklist.progress(conn, programme_id)
    return {"item": item, "state": plan["states"][item], "done": plan["done"]}


@bp.put("/<programme_id>/planning/<item>/note")
@auth.organiser_required
def save_note(programme_id: str, item: str) -> Response:
    """Replace the item's note with one sealed once for each organiser; the item counts as
    answered from now on."""
    _item(programme_id, item)
    data = body()
    note_id = ident(data, "note_id")
    conn = get_db()
    organiser_ids = {o["id"] for o in flags.organisers(conn, programme_id)}
    try:
        copies = flags.check_copies(data.get("copies"), organiser_ids)
    except ValueError:
        fail(400, _("The note must be sealed once for each organiser."), field="copies")
    me = auth.current_user()["id"]
    with transaction(conn):
        queries.save_note(conn, programme_id, item, note_id, me, copies)
        queries.mark_answered(conn, programme_id, item, me)
    logs.event("planning.note", programme=programme_id, item=item)
    return jsonify({**_state(conn, programme_id, item), "note_id": note_id})


@bp.delete("/<programme_id>/planning/<item>/note")
@auth.organiser_required
def delete_note(programme_id: str, item: str) -> Response:
    """Remove the item's note (its state stays as it is); 404 if it has none."""
    _item(programme_id, item)
    conn = get_db()
    with transaction(conn):
        if not queries.delete_note(conn, programme_id, item):
            not_found()
    logs.event("planning.note_removed", programme=programme_id, item=item)
    return jsonify(_state(conn, programme_id, item))
