"""The member's report page: tell the organiser about a problem (sealed on the device), and the
reports I have made."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workspace.accounts import queries as accounts
from workspace.accounts import sessions as auth
from workspace.core import fragments
from workspace.core.db import get_db, transaction
from workspace.core.forms import EmptyForm
from workspace.flags import queries as flags
from workspace.pairs import queries as pairs
from workspace.pairs.access import my_pair

bp = Blueprint("flags", __name__, url_prefix="/pairs/<pair_id>")


@bp.get("/report")
@auth.login_required
def report_problem(pair_id: str) -> Response:
    """Tell the organiser about a problem; only the organisers and I can see it. To htmx, the
    list of my reports alone."""
    pair = my_pair(pair_id)
    conn = get_db()
    mine = flags.by_reporter(conn, auth.current_user()["id"], pair_id)
    return fragments.page(
        "flags/report.html",
        "flags/_my_reports.html",
        pair=pair,
        categories=flags.CATEGORIES,
        statuses=flags.STATUSES,
        my_flags=mine,
        form=EmptyForm(),
        has_organisers=bool(flags.organisers(conn, pair["programme_id"])),
    )


@bp.post("/report")
@auth.login_required
def report_without_message(pair_id: str) -> Response:
    """Without JavaScript a report can still be sent: the category only, no message."""
    pair = my_pair(pair_id)
    category = request.form.get("category", "")
    if not EmptyForm().validate_on_submit() or category not in flags.CATEGORIES:
        flash(_("Choose what the problem is about."))
        return redirect(url_for(".report_problem", pair_id=pair_id), code=303)
    conn = get_db()
    with transaction(conn):
        flags.create_flag(conn, accounts.new_id("f"), pair, auth.current_user()["id"], category)
        flags.notify_organisers(conn, pairs.programme(conn, pair["programme_id"]))
    flash(_("Your report was sent to the organiser. Your partner cannot see it."))
    return redirect(url_for(".report_problem", pair_id=pair_id), code=303)
