"""Incident flags: a member tells the organisers about a problem; the partner never sees it."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import crypto
from workspace.accounts import queries as accounts
from workspace.core import audit, clock, db, mail
from workspace.core.i18n import mail_locale

Row = Any
CATEGORIES: dict[str, Any] = {
    "chemistry": _l("The chemistry between us does not work"),
    "cancellations": _l("Meetings are cancelled again and again"),
    "distraction": _l("My partner is distracted during meetings"),
    "connection": _l("Remote meetings fail because of connections or apps"),
    "language": _l("A language barrier makes it hard to set goals"),
    "disrespect": _l("My partner behaves inappropriately or disrespectfully"),
    "other": _l("Something else"),
}
STATUSES: dict[str, Any] = {
    "new": _l("New"),
    "in_contact": _l("In contact"),
    "resolved": _l("Resolved"),
    "pair_ended": _l("Pair ended"),
}
OPEN_STATUSES = ("new", "in_contact")


def organisers(conn: db.Connection, programme_id: str) -> list[Row]:
    """The programme's organisers who have keys (sealed messages go to each of them)."""
    return conn.execute(
        "SELECT u.id, u.email, u.display_name, u.language, k.bundle FROM programme_organisers o "
        "JOIN users u ON u.id = o.user_id JOIN key_material k ON k.user_id = u.id "
        "WHERE o.programme_id = ? ORDER BY o.added_at",
        (programme_id,),
    ).fetchall()


def flag(conn: db.Connection, flag_id: str) -> Row | None:
    """A flag by id."""
    return conn.execute("SELECT * FROM flags WHERE id = ?", (flag_id,)).fetchone()


def by_reporter(conn: db.Connection, reporter_id: str, pair_id: str | None = None) -> list[Row]:
    """The flags a member raised (in one pair, if given), newest first."""
    if pair_id is None:
        return conn.execute(
            "SELECT * FROM flags WHERE reporter_id = ? ORDER BY created_at DESC", (reporter_id,)
        ).fetchall()
    return conn.execute(
        "SELECT * FROM flags WHERE pair_id = ? AND reporter_id = ? ORDER BY created_at DESC",
        (pair_id, reporter_id),
    ).fetchall()


def in_programme(conn: db.Connection, programme_id: str) -> list[Row]:
    """A programme's flags with their pair's code and the reporter's role (mentor, mentee; None
    once they left the pair): new first, withdrawn last, then oldest."""
    return conn.execute(
        "SELECT f.*, p.code, m.role AS reporter_role FROM flags f "
        "JOIN pairs p ON p.id = f.pair_id "
        "LEFT JOIN pair_members m ON m.pair_id = f.pair_id AND m.user_id = f.reporter_id "
        "WHERE f.programme_id = ? ORDER BY f.status = 'new' DESC, f.withdrawn_at IS NOT NULL, "
        "f.created_at",
        (programme_id,),
    ).fetchall()


def with_code(conn: db.Connection, flag_id: str) -> Row | None:
    """One flag with its pair's code and the reporter's role in the pair (None once they left)."""
    return conn.execute(
        "SELECT f.*, p.code, m.role AS reporter_role FROM flags f "
        "JOIN pairs p ON p.id = f.pair_id "
        "LEFT JOIN pair_members m ON m.pair_id = f.pair_id AND m.user_id = f.reporter_id "
        "WHERE f.id = ?",
        (flag_id,),
    ).fetchone()


def in_programme_with_bundles(conn: db.Connection, programme_id: str) -> list[Row]:
    """A programme's flags, new first, with the pair's code and the reporter's public bundle."""
    return conn.execute(
        "SELECT f.*, p.code, k.bundle, m.role AS reporter_role FROM flags f "
        "JOIN pairs p ON p.id = f.pair_id JOIN key_material k ON k.user_id = f.reporter_id "
        "LEFT JOIN pair_members m ON m.pair_id = f.pair_id AND m.user_id = f.reporter_id "
        "WHERE f.programme_id = ? "
        "ORDER BY f.status = 'new' DESC, f.created_at",
        (programme_id,),
    ).fetchall()


def open_count(conn: db.Connection, pair_id: str) -> int:
    """How many of the pair's flags are open (not withdrawn, not resolved or ended)."""
    return conn.execute(
        "SELECT count(*) FROM flags WHERE pair_id = ? AND withdrawn_at IS NULL "
        "AND status IN (SELECT value FROM json_each(?))",
        (pair_id, json.dumps(OPEN_STATUSES)),
    ).fetchone()[0]


def message_exists(conn: db.Connection, message_id: str) -> bool:
    """Whether a message with this id was stored already (a retried send)."""
    return (
        conn.execute("SELECT 1 FROM flag_messages WHERE id = ?", (message_id,)).fetchone()
        is not None
    )


def messages_for(conn: db.Connection, flag_id: str, recipient_id: str) -> list[Row]:
    """The copies of a flag's messages addressed to one person, oldest first."""
    return conn.execute(
        "SELECT * FROM flag_messages WHERE flag_id = ? AND recipient_id = ? ORDER BY created_at",
        (flag_id, recipient_id),
    ).fetchall()


def create_flag(
    conn: db.Connection, flag_id: str, pair: Row, reporter_id: str, category: str
) -> None:
    """Store a new flag for the pair's programme (caller holds the transaction)."""
    now = clock.iso()
    conn.execute(
        "INSERT INTO flags (id, programme_id, pair_id, reporter_id, category, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (flag_id, pair["programme_id"], pair["id"], reporter_id, category, now, now),
    )


def check_copies(copies: Any, expected_recipients: set[str]) -> list[tuple[str, str]]:
    """One well-formed sealed copy for exactly the expected recipients, or ValueError."""
    if not isinstance(copies, list) or len(copies) != len(expected_recipients):
        raise ValueError("copies")
    out = []
    for copy in copies:
        if not isinstance(copy, dict) or copy.get("recipient_id") not in expected_recipients:
            raise ValueError("recipient")
        try:
            crypto.parse_sealed(copy.get("sealed"))
        except crypto.CryptoError:
            raise ValueError("sealed") from None
        out.append((copy["recipient_id"], json.dumps(copy["sealed"], separators=(",", ":"))))
    if {r for r, _s in out} != expected_recipients:
        raise ValueError("recipients")
    return out


def store_message(
    conn: db.Connection,
    flag_id: str,
    message_id: str,
    kind: str,
    sender_id: str,
    copies: list[tuple[str, str]],
) -> None:
    """Store every sealed copy of one message (caller holds the transaction)."""
    now = clock.iso()
    conn.executemany(
        "INSERT INTO flag_messages (id, flag_id, kind, sender_id, recipient_id, sealed, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(message_id, flag_id, kind, sender_id, r, s, now) for r, s in copies],
    )


def touch(conn: db.Connection, flag_id: str) -> None:
    """Note that the reporter added to the flag."""
    conn.execute("UPDATE flags SET updated_at = ? WHERE id = ?", (clock.iso(), flag_id))


def withdraw(conn: db.Connection, flag_id: str) -> None:
    """The reporter withdraws the flag (once; organisers still see that it was withdrawn)."""
    now = clock.iso()
    conn.execute(
        "UPDATE flags SET withdrawn_at = COALESCE(withdrawn_at, ?), updated_at = ? WHERE id = ?",
        (now, now, flag_id),
    )


def acknowledge(conn: db.Connection, flag_id: str) -> None:
    """An organiser has answered or noted the flag: it is acknowledged from then on."""
    now = clock.iso()
    conn.execute(
        "UPDATE flags SET acknowledged_at = COALESCE(acknowledged_at, ?), updated_at = ? "
        "WHERE id = ?",
        (now, now, flag_id),
    )


def change_status(conn: db.Connection, flag: Row, status: str, actor_id: str) -> None:
    """Set a flag's status and acknowledge it, with an audit entry (one transaction)."""
    now = clock.iso()
    with db.transaction(conn):
        conn.execute(
            "UPDATE flags SET status = ?, acknowledged_at = COALESCE(acknowledged_at, ?), "
            "updated_at = ? WHERE id = ?",
            (status, now, now, flag["id"]),
        )
        audit.record(conn, flag["programme_id"], actor_id, "flag.status", f"{flag['id']}:{status}")


def notify_organisers(conn: db.Connection, programme: Row) -> None:
    """Email each organiser that a flag arrived: no content, no pair, just a nudge to sign in."""
    link = f"{accounts.base_url()}/organiser/programmes/{programme['id']}/flags"
    for organiser in organisers(conn, programme["id"]):
        with force_locale(mail_locale(programme["language"], organiser["language"])):
            subject = _("A participant has raised a concern")
            body = "\n\n".join(
                [
                    _(
                        "A participant in %(programme)s has sent you a confidential report.",
                        programme=programme["name"],
                    ),
                    _("Sign in to read it:"),
                    link,
                ]
            )
        mail.enqueue(conn, organiser["email"], subject, body)


def delete_reports(conn: db.Connection, pair_id: str, reporter_id: str) -> None:
    """The flags the member raised about this pair (they are leaving it); messages cascade."""
    conn.execute("DELETE FROM flags WHERE pair_id = ? AND reporter_id = ?", (pair_id, reporter_id))


def delete_messages_of(conn: db.Connection, user_id: str) -> None:
    """Every flag message copy the user sent or received (their account is being erased)."""
    conn.execute(
        "DELETE FROM flag_messages WHERE sender_id = ? OR recipient_id = ?", (user_id, user_id)
    )


def delete_programme_flags(conn: db.Connection, programme_id: str) -> int:
    """Every flag about the programme's pairs (past retention); return how many."""
    return conn.execute(
        "DELETE FROM flags WHERE pair_id IN (SELECT id FROM pairs WHERE programme_id = ?)",
        (programme_id,),
    ).rowcount
