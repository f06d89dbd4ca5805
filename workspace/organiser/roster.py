"""The programme page's pairs table: each member's state (invited, joined, key shared, verified,
removed or left), whether an invitation could not be delivered, and which invitation actions
apply."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from workspace.core import clock, db, mail
from workspace.organiser import queries
from workspace.pairs import queries as pairs

STATE_LABELS = {
    "left": _l("member left"),
    "removed": _l("removed"),
    "invited": _l("invited"),
    "joined": _l("joined"),
    "key shared": _l("key shared"),
    "verified": _l("verified"),
}


def _gone(role: str, reason: str) -> dict[str, Any]:
    label = STATE_LABELS["removed"] if reason == "removed" else STATE_LABELS["left"]
    return {
        "role": role,
        "state": reason,
        "state_label": label,
        "can_resend": False,
        "can_revoke": False,
        "open_link": False,
        "undelivered": False,
    }


def _cell(conn: db.Connection, pair_id: str, role: str, member: Any, now: str) -> dict[str, Any]:
    state = pairs.member_state(conn, pair_id, member["user_id"])
    if member["removed_at"]:
        state = "removed"
    open_link = queries.has_open_invitation(conn, pair_id, member["user_id"], now)
    # An invitee has had no other mail: their latest message is the latest invitation.
    undelivered = False
    if state == "invited":
        invitee = queries.member(conn, pair_id, role)
        undelivered = invitee is not None and mail.last_failed(conn, invitee["email"])
    return {
        "role": role,
        "user_id": member["user_id"],
        "state": state,
        "state_label": STATE_LABELS[state],
        "can_resend": state == "invited",
        "can_revoke": state == "invited" and open_link,
        "open_link": open_link,
        "undelivered": undelivered,
    }


def pair_row(conn: db.Connection, pair: Any, now: str | None = None) -> dict[str, Any]:
    """One pair of the table with its mentor's and mentee's cells."""
    now = now or clock.iso()
    present = queries.present_members(conn, pair["id"])
    departed = (
        {d["role"]: d for d in pairs.departures(conn, pair["id"])} if len(present) < 2 else {}
    )
    cells = []
    for role in ("mentor", "mentee"):
        if role in present:
            cells.append(_cell(conn, pair["id"], role, present[role], now))
        else:
            cells.append(_gone(role, departed.get(role, {"reason": "left"})["reason"]))
    return {"pair": pair, "members": cells}


def pair_rows(conn: db.Connection, programme_id: str) -> list[dict[str, Any]]:
    """Every pair of the programme, in the order they were formed."""
    now = clock.iso()
    return [pair_row(conn, pair, now) for pair in queries.pairs_in(conn, programme_id)]
