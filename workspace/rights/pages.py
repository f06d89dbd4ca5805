"""The member's data page (download my data, or delete my account: both done on the device), and
the notices about a pair (a partner left, the pair was paused…) with their "Got it"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from workspace.accounts import sessions as auth
from workspace.core import fragments
from workspace.core.db import get_db, transaction
from workspace.core.forms import EmptyForm
from workspace.core.jsonapi import not_found
from workspace.pairs.access import my_pair
from workspace.rights import departures
from workspace.rights.retention import GRACE_DAYS

bp = Blueprint("rights", __name__)


@bp.get("/account/data")
@auth.login_required
def data() -> str:
    """Download my data, or delete my account."""
    return render_template(
        "rights/data.html", choosable=departures.CHOOSABLE, grace_days=GRACE_DAYS
    )


def _notices(pair_id: str) -> list[dict[str, Any]]:
    """The signed-in member's notices about a pair they belong to, in words."""
    user = auth.current_user()
    if user is None:
        return []
    rows = departures.notices(get_db(), pair_id, user["id"])
    return [{"id": r["id"], "kind": r["kind"], "text": departures.notice_text(r)} for r in rows]


@bp.app_context_processor
def _pair_notices() -> dict[str, Any]:
    # templates/rights/_notices.html asks for them where a pair's pages show its state.
    return {"pair_notices": _notices}


@bp.post("/pairs/<pair_id>/notices/<notice_id>/dismiss")
@auth.login_required
def dismiss(pair_id: str, notice_id: str) -> Response:
    """I have read this notice: it goes from the pair's pages (the mail stays)."""
    pair = my_pair(pair_id)
    if not EmptyForm().validate_on_submit():
        not_found()
    conn = get_db()
    with transaction(conn):
        if not departures.dismiss(conn, notice_id, auth.current_user()["id"]):
            not_found()
    if fragments.wants_fragment():
        return fragments.page("rights/_notices.html", "rights/_notices.html", pair=pair)
    return redirect(url_for("pairs.pair", pair_id=pair_id), code=303)
