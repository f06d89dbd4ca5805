"""Inviting a new member into the role a member left (or was removed from): one function for the
organiser's email form and for matching's choice from the waiting list."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from workspace.accounts import queries as accounts
from workspace.core import audit, db
from workspace.organiser import queries
from workspace.pairs import queries as pairs
from workspace.rights import departures
from workspace.rights.erasure import leave_pair


def told_members(conn: db.Connection, pair_id: str) -> list[str]:
    """The members a change to the pair is told to: those who joined and were not removed."""
    return [
        m["user_id"]
        for m in queries.present_members(conn, pair_id).values()
        if not m["removed_at"] and pairs.member_state(conn, pair_id, m["user_id"]) != "invited"
    ]


ROLES = ("mentor", "mentee")


def vacant(conn: db.Connection, pair: Any, role: str) -> bool:
    """Whether the pair is going on and the role has no member, or only one who was removed."""
    if role not in ROLES or pair["ended_at"]:
        return False
    current = queries.present_members(conn, pair["id"]).get(role)
    return current is None or bool(current["removed_at"])


def refusal(conn: db.Connection, pair_id: str, role: str, email: str) -> str | None:
    """Why `email` cannot take the role (an organiser's, or the partner's own address), or None."""
    existing = accounts.user_by_email(conn, email)
    if existing is None:
        return None
    if existing["role"] == "organiser":
        return _("Organiser accounts cannot be pair members.")
    other = queries.present_members(conn, pair_id).get("mentee" if role == "mentor" else "mentor")
    if other is not None and existing["id"] == other["user_id"]:
        return _("The mentor and the mentee need different email addresses.")
    return None


def invite(
    conn: db.Connection, pair: Any, programme: Any, role: str, email: str, actor_id: str
) -> Any:
    """Inside the caller's transaction: end a removed member's read-only access to the role, add
    the newcomer with an invitation mail, tell the pair's members, audit it. The caller has
    checked that the role is vacant (or its member removed) and that `email` may take it."""
    current = queries.present_members(conn, pair["id"]).get(role)
    if current is not None:
        # A removed member's read-only access ends now: their place is taken.
        leave_pair(conn, pair["id"], current["user_id"], "removed")
        departures.tell_access_ended(conn, programme, current["user_id"])
    user = accounts.get_or_create_user(conn, email, "member")
    pairs.add_member(conn, pair["id"], user["id"], role)
    token = accounts.create_invitation(conn, user["id"], role, programme["id"], pair["id"])
    accounts.send_invitation_email(
        conn, user["email"], token, role, programme["name"], programme["language"]
    )
    for member_id in told_members(conn, pair["id"]):
        if member_id != user["id"]:
            departures.tell(conn, pair, programme, member_id, "replaced", role)
    audit.record(conn, programme["id"], actor_id, "invitation.sent", f"{pair['code']}:{role}")
    return user
