"""The orientation pages. Public (no sign-in): the general orientation for mentors and for
mentees, their printable versions and the blank agreement and evaluation forms, for people who
got the self-study mail before they have an account. A member's own page, reached through their
pair: the orientation for their role with their programme's part (how it is held, its sessions,
the organiser's material) and the tick "I have gone through the orientation"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workspace.accounts import sessions as auth
from workspace.communication import events
from workspace.core import fragments
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import not_found
from workspace.orientation import material, queries
from workspace.pairs import queries as pairs
from workspace.pairs.access import my_pair

bp = Blueprint("orientation", __name__)


def _done_in(programme_id: str) -> set[str]:
    """Who ticked the programme's orientation: for the organiser's pairs table."""
    return queries.done_members(get_db(), programme_id)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    state.app.add_template_global(_done_in, "orientation_done")


def _role(role: str) -> str:
    if role not in material.ROLES:
        not_found()
    return role


def _my_pairs() -> list[Any]:
    """The signed-in member's pairs (for links to their programme's orientation)."""
    user = auth.current_user()
    if user is None or user["role"] != "member":
        return []
    return [r for r in pairs.pairs_for_user(get_db(), user["id"]) if not r["removed_at"]]


@bp.get("/orientation")
def index() -> str:
    """Which orientation to read (mentor or mentee), the printable forms, and a signed-in
    member's own programme pages."""
    return render_template("orientation/index.html", my_pairs=_my_pairs())


@bp.get("/orientation/<role>")
def general(role: str) -> str:
    """The general orientation for a role, without any programme's own material."""
    return render_template("orientation/guide.html", role=_role(role), my_pairs=_my_pairs())


@bp.get("/orientation/<role>/print")
def printable(role: str) -> str:
    """The general orientation for a role, for printing."""
    return render_template("orientation/print.html", role=_role(role))


@bp.get("/orientation/forms/agreement")
def agreement_form() -> str:
    """A blank mentoring agreement to print and fill in by hand (the notebook's fields)."""
    return render_template("orientation/form_agreement.html")


@bp.get("/orientation/forms/evaluation")
def evaluation_form() -> str:
    """A blank closing evaluation to print and fill in by hand (the notebook's fields)."""
    return render_template("orientation/form_evaluation.html")


def _tick(pair: Any) -> dict[str, Any]:
    return {
        "pair": pair,
        "done_at": queries.done_at(get_db(), pair["programme_id"], auth.current_user()["id"]),
    }


def _member_pair(pair_id: str) -> Any:
    pair = my_pair(pair_id)
    if pair["removed_at"]:
        not_found()
    return pair


@bp.get("/pairs/<pair_id>/orientation")
@auth.login_required
def mine(pair_id: str) -> str:
    """The orientation for my role in this pair, with my programme's own part and my tick."""
    pair = _member_pair(pair_id)
    conn = get_db()
    return render_template(
        "orientation/guide.html",
        role=pair["my_role"],
        pair=pair,
        programme=pairs.programme(conn, pair["programme_id"]),
        own=material.for_member(conn, pair["programme_id"], pair["my_role"]),
        tick=_tick(pair),
        events=events,
    )


@bp.post("/pairs/<pair_id>/orientation/done")
@auth.login_required
def mark_done(pair_id: str) -> Response:
    """Tick (done=1) or untick (done=0) "I have gone through the orientation"."""
    pair = _member_pair(pair_id)
    done = request.form.get("done") == "1"
    conn = get_db()
    with transaction(conn):
        queries.set_done(conn, pair["programme_id"], auth.current_user()["id"], done)
    message = (
        _("Marked: you have gone through the orientation.") if done else _("The mark was removed.")
    )
    return fragments.after_post(
        "orientation/_tick.html",
        url_for(".mine", pair_id=pair["id"]) + "#orientation-tick",
        message,
        tick=_tick(pair),
    )
