"""The member's sharing page: what the organiser may see of the pair, chosen signal by signal."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workspace.accounts import sessions as auth
from workspace.core import fragments
from workspace.core.db import get_db, transaction
from workspace.core.forms import EmptyForm
from workspace.notebook import queries as notebook
from workspace.pairs import queries as pairs
from workspace.pairs.access import my_pair
from workspace.sharing import signals

bp = Blueprint("sharing", __name__, url_prefix="/pairs/<pair_id>")


def _items(pair_id: str) -> list[dict[str, Any]]:
    """Each signal: its name, the sentence the member consents to, my choice, my partner's
    ("yes", "not yet", or "not joined" while they have not accepted the pair) and whether the
    organiser sees it now (both share it)."""
    conn = get_db()
    me = auth.current_user()["id"]
    decisions = signals.consents(conn, pair_id)
    shared = signals.shared(conn, pair_id)
    partner = pairs.partner_of(conn, pair_id, me)
    joined = partner is not None and partner["joined_at"] is not None
    return [
        {
            "signal": name,
            "title": signals.SIGNAL_NAMES[name],
            "sentence": sentence,
            "mine": decisions.get((me, name), False),
            "partner": (
                ("yes" if decisions.get((partner["id"], name), False) else "not yet")
                if joined
                else "not joined"
            ),
            "shared": name in shared,
        }
        for name, sentence in signals.SIGNALS.items()
    ]


def _step(value: str | None) -> str:
    """ "joined" when the page is the step right after joining the pair, else ""."""
    return "joined" if value == "joined" else ""


@bp.get("/sharing")
@auth.login_required
def sharing(pair_id: str) -> str:
    """Each signal with one sentence on what is shared and why, my choice and my partner's.
    Right after joining (`?step=joined`) the same page is the one step that asks."""
    pair = my_pair(pair_id)
    return render_template(
        "sharing/sharing.html",
        pair=pair,
        items=_items(pair_id),
        step=_step(request.args.get("step")),
    )


@bp.post("/sharing")
@auth.login_required
def set_sharing(pair_id: str) -> Response:
    """Give or withdraw consent for one signal; effective at once, kept as a record. htmx gets
    the signal's card again, a plain post the page."""
    pair = my_pair(pair_id)
    form = EmptyForm()
    signal = request.form.get("signal", "")
    decision = request.form.get("decision", "")
    if not form.validate_on_submit() or signal not in signals.SIGNALS or decision not in ("1", "0"):
        abort(400)
    step = _step(request.form.get("step"))
    wording = str(signals.SIGNALS[signal])
    conn = get_db()
    with transaction(conn):
        signals.record_consent(
            conn, pair_id, auth.current_user()["id"], signal, decision == "1", wording
        )
        book = pairs.notebook_for_pair(conn, pair_id)
        if signal == "meetings" and decision == "0" and book is not None:
            # The meetings' months were stated for the organiser only: they go with the consent.
            notebook.forget_meeting_months(conn, book["id"])
    return fragments.after_post(
        "sharing/_signal.html",
        url_for(".sharing", pair_id=pair_id, step=step or None) + f"#signal-{signal}",
        _("Your choice was saved.") if decision == "1" else _("Sharing was stopped."),
        pair=pair,
        step=step,
        item=next(i for i in _items(pair_id) if i["signal"] == signal),
    )
