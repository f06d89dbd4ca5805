"""Pair pages: my pairs, and the pair page (pairing up, the safety number, the way into the
notebook). The keys are handled by static/js on the device."""

from __future__ import annotations

from flask import Blueprint, render_template

from workspace.accounts import sessions as auth
from workspace.core.db import get_db
from workspace.pairs import queries as pairs
from workspace.pairs.access import my_pair

bp = Blueprint("pairs", __name__)


@bp.get("/pairs", endpoint="pairs")
@auth.login_required
def pairs_list() -> str:
    """My pairs."""
    rows = pairs.pairs_for_user(get_db(), auth.current_user()["id"])
    return render_template("pairs/pairs.html", rows=rows, readable_until=pairs.readable_until)


@bp.get("/pairs/<pair_id>")
@auth.login_required
def pair(pair_id: str) -> str:
    """The pair page: pairing up, the safety number, and the way into the notebook."""
    row = my_pair(pair_id)
    programme = pairs.programme(get_db(), row["programme_id"])
    return render_template(
        "pairs/pair.html", pair=row, programme=programme, readable_until=pairs.readable_until(row)
    )
