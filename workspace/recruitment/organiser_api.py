"""The organiser's JSON view of one application: its envelope and the copy sealed to them (the
list of all applicants is the applicants module's)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify

from workspace.accounts import sessions as auth
from workspace.core.db import get_db
from workspace.recruitment import queries
from workspace.recruitment.access import my_application

bp = Blueprint("recruitment_organiser_api", __name__, url_prefix="/api/v1/organiser/programmes")


@bp.get("/<programme_id>/applications/<application_id>")
@auth.organiser_required
def one_application(programme_id: str, application_id: str) -> Response:
    """One application with the copy sealed to me (`sealed` null when there is none)."""
    row = my_application(application_id, programme_id)
    me = auth.current_user()["id"]
    sealed = queries.sealed_copy(get_db(), application_id, me)
    return jsonify(
        {
            "application_id": row["id"],
            "programme_id": row["programme_id"],
            "role": row["role"],
            "email": row["email"],
            "language": row["language"],
            "status": row["status"],
            "source": row["source"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "confirmed_at": row["confirmed_at"],
            "bundle": json.loads(row["bundle"]) if row["bundle"] else None,
            "sealed": json.loads(sealed) if sealed else None,
        }
    )
