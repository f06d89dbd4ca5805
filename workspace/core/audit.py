"""The organisers' audit log: who did what, when (never content)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from workspace.core import clock, db

LABELS: dict[str, Any] = {
    "pair.created": _l("Pair created"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.revoked": _l("Invitation revoked"),
    "contact.revealed": _l("Contact details shown"),
    "flag.status": _l("Flag status changed"),
    "report.exported": _l("Report exported"),
    "organiser.added": _l("Organiser added"),
    "pair.ended": _l("Pair ended"),
    "participant.removed": _l("Participant removed"),
}


def record(
    conn: db.Connection,
    programme_id: str,
    actor_id: str | None,
    action: str,
    subject: str | None = None,
    reason: str | None = None,
) -> None:
    """Append one entry (the caller holds the transaction)."""
    conn.execute(
        "INSERT INTO audit_log (programme_id, actor_id, action, subject, reason, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (programme_id, actor_id, action, subject, reason, clock.iso()),
    )


def entries(conn: db.Connection, programme_id: str, limit: int = 500) -> list[Any]:
    """The newest entries first, with the actor's display name."""
    return conn.execute(
        "SELECT a.*, u.display_name AS actor_name FROM audit_log a "
        "LEFT JOIN users u ON u.id = a.actor_id WHERE a.programme_id = ? "
        "ORDER BY a.id DESC LIMIT ?",
        (programme_id, limit),
    ).fetchall()
