"""The organiser's orientation page of a programme: how the orientation is held, their own
text and links for the programme's members, and who has ticked that they went through it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workspace.accounts import sessions as auth
from workspace.core import fragments
from workspace.core.db import get_db, transaction
from workspace.organiser.access import my_programme
from workspace.orientation import material, queries
from workspace.orientation.forms import LINK_ROWS, MaterialForm

bp = Blueprint("orientation_editor", __name__, url_prefix="/organiser/programmes/<programme_id>")


def _context(programme: Any, form: MaterialForm) -> dict[str, Any]:
    conn = get_db()
    return {
        "programme": programme,
        "form": form,
        "link_rows": LINK_ROWS,
        "saved": queries.material(conn, programme["id"]),
        "mode_label": material.mode_label,
        "ticks": material.ticks(conn, programme["id"]),
    }


@bp.get("/orientation")
@auth.organiser_required
def editor(programme_id: str) -> Response:
    """The programme's orientation material and the members' ticks."""
    programme = my_programme(programme_id)
    form = MaterialForm.of(queries.material(get_db(), programme["id"]))
    return fragments.page(
        "orientation/organiser.html", "orientation/_material.html", **_context(programme, form)
    )


@bp.post("/orientation")
@auth.organiser_required
def save(programme_id: str) -> Response:
    """Save the mode, text and links together; with an error nothing is saved."""
    programme = my_programme(programme_id)
    form = MaterialForm()
    if not form.validate_on_submit():
        return fragments.page(
            "orientation/organiser.html",
            "orientation/_material.html",
            400,
            **_context(programme, form),
        )
    conn = get_db()
    with transaction(conn):
        queries.save_material(
            conn,
            programme["id"],
            form.mode.data or None,
            (form.text.data or "").strip(),
            form.links(),
        )
    context = _context(programme, MaterialForm.of(queries.material(conn, programme["id"])))
    return fragments.after_post(
        "orientation/_material.html",
        url_for(".editor", programme_id=programme["id"]) + "#orientation-material",
        _("The orientation material was saved."),
        **context,
    )
