"""The organiser's page for forming many pairs at once from a CSV (a file or pasted text): check
the list, see each line's problem at that line, then form them all in one transaction."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import TextAreaField

from workspace.accounts import sessions as auth
from workspace.core import logs
from workspace.core.db import get_db, transaction
from workspace.organiser import bulk
from workspace.organiser.access import my_programme

bp = Blueprint("organiser_bulk", __name__, url_prefix="/organiser")


class BulkPairsForm(FlaskForm):
    """A CSV of pairs: uploaded as a file or pasted."""

    file = FileField(_l("CSV file"), render_kw={"accept": ".csv,.txt,text/csv,text/plain"})
    text = TextAreaField(
        _l("Or paste the list"), render_kw={"rows": 8, "spellcheck": "false", "autocomplete": "off"}
    )


def _render(programme: Any, form: BulkPairsForm, checked: bulk.Checked | None, status: int = 200):
    return (
        render_template(
            "organiser/bulk_pairs.html",
            programme=programme,
            form=form,
            checked=checked,
            max_rows=bulk.MAX_ROWS,
        ),
        status,
    )


def _submitted_text(form: BulkPairsForm) -> str | None:
    """The list's text, the file first; None when the file is not text."""
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        raw = upload.read(bulk.MAX_BYTES + 1)
        return bulk.decode(raw)
    return form.text.data or ""


@bp.get("/programmes/<programme_id>/pairs/import")
@auth.organiser_required
def bulk_pairs(programme_id: str) -> tuple[str, int]:
    """The form: a file or pasted text, one pair per line."""
    return _render(my_programme(programme_id), BulkPairsForm(), None)


@bp.post("/programmes/<programme_id>/pairs/import")
@auth.organiser_required
def import_pairs(programme_id: str) -> tuple[str, int] | Response:
    """Check the list (the "check" button, or any problem: then nothing is created), or form
    every pair and queue both invitations of each, all in one transaction."""
    programme = my_programme(programme_id)
    form = BulkPairsForm()
    if not form.validate_on_submit():
        return _render(programme, form, None, 400)
    text = _submitted_text(form)
    if text is None:
        form.file.errors = [_("This file is not a CSV text file.")]
        return _render(programme, form, None, 400)
    conn = get_db()
    checked = bulk.check(conn, bulk.parse(text))
    # What was checked is shown in the text box, so "Create" sends the same list again.
    form.text.data = text
    if checked.problem:
        form.text.errors = [checked.problem]
        return _render(programme, form, checked, 400)
    if not checked.ok:
        return _render(programme, form, checked, 400)
    if request.form.get("action") == "check":
        return _render(programme, form, checked)
    actor = auth.current_user()["id"]
    with transaction(conn):
        formed = bulk.form_pairs(conn, programme, checked.rows, actor)
    logs.event("pairs.imported", programme=programme_id, count=len(formed), by=actor)
    flash(
        _(
            "%(n)s pairs created. Invitations were sent to all %(people)s people.",
            n=len(formed),
            people=2 * len(formed),
        )
    )
    return redirect(url_for("organiser.programme", programme_id=programme_id), code=303)
