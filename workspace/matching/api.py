"""JSON API of matching: the organiser's criteria (weights, never answers) and the one step
that creates the chosen pairs. Suggestions and scores never come here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from flask_babel import gettext as _

from workspace.accounts import sessions as auth
from workspace.core import logs
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import body, fail, ident, not_found
from workspace.matching import criteria, forming, queries
from workspace.organiser.access import my_pair, my_programme
from workspace.organiser.replacing import ROLES

bp = Blueprint("matching_api", __name__, url_prefix="/api/v1/organiser/programmes")


@bp.get("/<programme_id>/matching/criteria")
@auth.organiser_required
def get_criteria(programme_id: str) -> Response:
    """The programme's saved criteria (null until saved: the page starts from its defaults)."""
    my_programme(programme_id)
    return jsonify({"criteria": queries.criteria(get_db(), programme_id)})


@bp.put("/<programme_id>/matching/criteria")
@auth.organiser_required
def put_criteria(programme_id: str) -> Response:
    """Save the criteria; a wrong shape is a 400 at its field and changes nothing."""
    my_programme(programme_id)
    try:
        value = criteria.clean(body().get("criteria"))
    except criteria.CriteriaError as err:
        fail(400, str(err), field=err.field)
    conn = get_db()
    with transaction(conn):
        queries.save_criteria(conn, programme_id, value, auth.current_user()["id"])
    return jsonify({"criteria": value})


def _chosen(data: dict[str, Any]) -> list[tuple[str, str]]:
    items = data.get("pairs")
    if not isinstance(items, list) or not 1 <= len(items) <= forming.MAX_PAIRS:
        fail(400, _("Choose at least one pair."), field="pairs")
    out = []
    for item in items:
        if not isinstance(item, dict):
            fail(400, _("Each pair names a mentor and a mentee application."), field="pairs")
        out.append((ident(item, "mentor_application_id"), ident(item, "mentee_application_id")))
    return out


def _rest(data: dict[str, Any]) -> tuple[str, list[str]]:
    rest = data.get("rest", {"status": "waiting", "application_ids": []})
    if not isinstance(rest, dict):
        fail(400, _("Choose waiting list or not selected for the rest."), field="rest")
    status = rest.get("status")
    ids = rest.get("application_ids", [])
    if status not in forming.REST_STATUSES:
        fail(400, _("Choose waiting list or not selected for the rest."), field="rest.status")
    if not isinstance(ids, list) or len(ids) > 2 * forming.MAX_PAIRS:
        fail(400, _("The rest is not a list of applications."), field="rest.application_ids")
    return status, [ident({"id": i}, "id") for i in ids]


@bp.post("/<programme_id>/matching/pairs")
@auth.organiser_required
def create_pairs(programme_id: str) -> tuple[Response, int]:
    """Create the chosen pairs with their invitations, mark them paired, queue the mails and
    give the rest their status: all in one transaction, or nothing at all."""
    programme = my_programme(programme_id)
    data = body()
    chosen = _chosen(data)
    rest_status, rest_ids = _rest(data)
    conn = get_db()
    try:
        with transaction(conn):
            formed = forming.create_pairs(
                conn, programme, auth.current_user(), chosen, rest_ids, rest_status
            )
    except forming.FormingError as err:
        fail(400, str(err), field=err.field)
    logs.event("matching.pairs", programme=programme_id, pairs=len(formed.pairs), rest=formed.rest)
    return jsonify(
        {"pairs": [p["code"] for p in formed.pairs], "rest": formed.rest, "status": rest_status}
    ), 201


@bp.post("/<programme_id>/matching/pairs/<pair_id>/<role>")
@auth.organiser_required
def replace_member(programme_id: str, pair_id: str, role: str) -> tuple[Response, int]:
    """Fill the role a member left with an applicant from the pool: the invitation, "a pair has
    been found for you" and the application marked paired, or nothing (409 once the place is
    taken, 400 for an application that cannot take it)."""
    pair, programme = my_pair(pair_id, programme_id)
    if role not in ROLES:
        not_found()
    application_id = ident(body(), "application_id")
    conn = get_db()
    try:
        with transaction(conn):
            forming.replace_from_pool(
                conn, programme, auth.current_user(), pair, role, application_id
            )
    except forming.FormingError as err:
        fail(409 if err.field == "pair" else 400, str(err), field=err.field)
    logs.event("matching.replacement", programme=programme_id, pair=pair_id)
    return jsonify({"pair": pair["code"], "role": role}), 201
