"""The organiser's planning pages: the checklist (one small form per item, each also a plain
post) and the programme overview (a page, and the fragment the programme page includes)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workspace.accounts import sessions as auth
from workspace.core import fragments
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import not_found
from workspace.organiser.access import my_programme
from workspace.planning import checklist, forms, overview

bp = Blueprint("planning", __name__, url_prefix="/organiser/programmes/<programme_id>")


def _item_or_404(item: str) -> checklist.Item:
    found = checklist.BY_KEY.get(item)
    if found is None:
        not_found()
    return found  # type: ignore[return-value]


def _context(programme: Any, posted: dict[str, forms.ItemForm] | None = None) -> dict[str, Any]:
    conn = get_db()
    item_forms = {i.key: checklist.form_for(conn, programme, i.key) for i in checklist.ITEMS}
    item_forms.update(posted or {})
    return {
        "programme": programme,
        "items": checklist.ITEMS,
        "item_forms": item_forms,
        "progress": checklist.progress(conn, programme["id"]),
        "states": checklist.STATE_NAMES,
    }


@bp.get("/planning")
@auth.organiser_required
def checklist_page(programme_id: str) -> Response:
    """The planning checklist with its progress; to htmx, the progress alone (after a note)."""
    programme = my_programme(programme_id)
    return fragments.page(
        "planning/checklist.html", "planning/_progress.html", **_context(programme)
    )


@bp.get("/planning/<item>")
@auth.organiser_required
def item_page(programme_id: str, item: str) -> Response:
    """An item's address (a reload after an error): its place on the checklist."""
    my_programme(programme_id)
    _item_or_404(item)
    return redirect(url_for(".checklist_page", programme_id=programme_id) + f"#item-{item}")


@bp.post("/planning/<item>")
@auth.organiser_required
def save_item(programme_id: str, item: str) -> Response | tuple[str, int]:
    """Save one item: every problem at its field and nothing changed, or all of it saved and
    the settings it names filled."""
    programme = my_programme(programme_id)
    found = _item_or_404(item)
    conn = get_db()
    form = checklist.form_for(conn, programme, item, posted=True)
    valid = form.validate_on_submit()
    if valid:
        valid = checklist.call_conflicts(conn, programme, form)
    if not valid:
        # To htmx too: an error answer is sent again as a plain post (static/js/fragments.js).
        return render_template(
            "planning/checklist.html", **_context(programme, {item: form}), error_item=item
        ), 400
    with transaction(conn):
        checklist.save(conn, programme, item, form, auth.current_user()["id"])
    programme = my_programme(programme_id)
    message = _("Saved: %(item)s.", item=found.title)
    return fragments.after_post(
        "planning/_item.html",
        url_for(".checklist_page", programme_id=programme_id) + f"#item-{item}",
        message,
        item=found,
        **_context(programme),
    )


@bp.get("/overview")
@auth.organiser_required
def overview_page(programme_id: str) -> Response:
    """What is done and what is next in the programme; to htmx, the overview alone."""
    programme = my_programme(programme_id)
    return fragments.page(
        "planning/overview.html",
        "planning/_overview.html",
        programme=programme,
        **overview.context(get_db(), programme),
    )
