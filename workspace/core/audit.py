"""The organisers' audit log: who did what, when (never content)."""

from __future__ import annotations

from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
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
    "pair.paused": _l("Pair paused"),
    "pair.resumed": _l("Pair resumed"),
    "event.created": _l("Event created and invitations sent"),
    "event.changed": _l("Event changed and the invited told"),
    "message.sent": _l("Programme message sent"),
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


# Flag statuses by their stored code (flags.queries.STATUSES; core imports no area).
FLAG_STATUSES: dict[str, Any] = {
    "new": _l("New"),
    "in_contact": _l("In contact"),
    "resolved": _l("Resolved"),
    "pair_ended": _l("Pair ended"),
}


# The message plan's stages by their stored code (communication.plan.STAGES; core imports no area).
MESSAGE_STAGES: dict[str, Any] = {
    "acknowledgement": _l("Acknowledgement of a sign-up"),
    "pair_found": _l("Pair found"),
    "orientation_invite": _l("Invitation to orientation"),
    "self_study": _l("Self-study orientation (for those who missed it)"),
    "welcome": _l("Welcome, with materials"),
    "midpoint": _l("Mid-point"),
    "closing": _l("Closing and feedback"),
    "thank_you": _l("Thank you"),
}


def _role(role: str) -> str:
    return _("the mentor") if role == "mentor" else _("the mentee")


def describe(action: str, subject: str | None, flag_pair: str | None = None) -> str:
    """One entry as a sentence an organiser reads ("Flag status changed to In contact (pair
    PB-ABCD)"), never the stored codes; an action without its own sentence keeps its label."""
    code, _sep, rest = (subject or "").partition(":")
    if action == "pair.created" and code:
        return _("Pair %(code)s created", code=code)
    if action in ("invitation.sent", "invitation.revoked", "participant.removed") and rest:
        person = _role(rest)
        if action == "invitation.sent":
            return _("Invitation sent to %(person)s of pair %(code)s", person=person, code=code)
        if action == "invitation.revoked":
            return _("Invitation revoked for %(person)s of pair %(code)s", person=person, code=code)
        removed = _("%(person)s removed from pair %(code)s", person=person, code=code)
        return removed[:1].upper() + removed[1:]
    if action == "flag.status":
        status = str(FLAG_STATUSES.get(rest, rest))
        if flag_pair:
            return _(
                "Flag status changed to %(status)s (pair %(code)s)", status=status, code=flag_pair
            )
        return _("Flag status changed to %(status)s", status=status)
    if action == "contact.revealed" and code:
        return _("Contact details of pair %(code)s shown", code=code)
    if action == "pair.ended" and code:
        return _("Pair %(code)s ended", code=code)
    if action == "pair.paused" and code:
        return _("Pair %(code)s paused", code=code)
    if action == "pair.resumed" and code:
        return _("Pair %(code)s resumed", code=code)
    if action in ("event.created", "event.changed"):
        return str(LABELS[action])  # the stored event id means nothing to a reader
    if action == "message.sent" and code in MESSAGE_STAGES:
        return _("Programme message sent: %(stage)s", stage=MESSAGE_STAGES[code])
    if action == "report.exported":
        return _("Report exported as CSV") if code == "csv" else str(LABELS[action])
    label = str(LABELS.get(action, action))
    return f"{label}: {subject}" if subject else label


def entries(conn: db.Connection, programme_id: str, limit: int = 500) -> list[dict[str, Any]]:
    """The newest entries first, with the actor's display name, the sentence that says what
    was done and the time in the reader's locale (`sentence`, `when`; call inside a request)."""
    rows = conn.execute(
        "SELECT a.*, u.display_name AS actor_name, p.code AS flag_pair FROM audit_log a "
        "LEFT JOIN users u ON u.id = a.actor_id "
        "LEFT JOIN flags f ON a.action = 'flag.status' "
        "AND f.id = substr(a.subject, 1, instr(a.subject, ':') - 1) "
        "LEFT JOIN pairs p ON p.id = f.pair_id "
        "WHERE a.programme_id = ? ORDER BY a.id DESC LIMIT ?",
        (programme_id, limit),
    ).fetchall()
    return [
        {
            **dict(row),
            "sentence": describe(row["action"], row["subject"], row["flag_pair"]),
            "when": format_datetime(clock.parse(row["created_at"]), "medium"),
        }
        for row in rows
    ]
