"""Participants' data rights on the server side: what we hold about someone, and erasure."""

from __future__ import annotations

import json
from typing import Any

from workspace.accounts.queries import key_material_json
from workspace.core import clock, db
from workspace.notebook import queries as notebook
from workspace.notebook.entries import entry_json

FORMER_MEMBER = "former-member"
# Entries a leaving member wrote and that are theirs alone: deleted with them. The shared
# agreement and summary stay for the partner.
OWN_TYPES = ("goal", "meeting", "evaluation")


def server_data(conn: db.Connection, user_id: str) -> dict[str, Any]:
    """Everything the server holds about a user (ciphertext included, never decrypted)."""
    user = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    material = conn.execute("SELECT * FROM key_material WHERE user_id = ?", (user_id,)).fetchone()
    pairs_out = []
    for m in conn.execute(
        "SELECT m.role, m.removed_at, p.id, p.code, p.ended_at, g.name, g.start_date, g.mid_date, "
        "g.end_date, g.retention_days FROM pair_members m JOIN pairs p ON p.id = m.pair_id "
        "JOIN programmes g ON g.id = p.programme_id WHERE m.user_id = ?",
        (user_id,),
    ).fetchall():
        book = conn.execute("SELECT * FROM notebooks WHERE pair_id = ?", (m["id"],)).fetchone()
        book_out = None
        if book is not None:
            book_out = {
                "notebook_id": book["id"],
                "key_version": book["key_version"],
                "phase_override": book["phase_override"],
                "entries": [entry_json(r) for r in notebook.entries(conn, book["id"])],
                "my_confirmations": [
                    dict(r)
                    for r in conn.execute(
                        "SELECT c.entry_id, c.revision, c.confirmed_at FROM confirmations c "
                        "JOIN entries e ON e.id = c.entry_id "
                        "WHERE e.notebook_id = ? AND c.user_id = ?",
                        (book["id"], user_id),
                    )
                ],
            }
        pairs_out.append(
            {
                "pair_id": m["id"],
                "code": m["code"],
                "role": m["role"],
                "removed_at": m["removed_at"],
                "ended_at": m["ended_at"],
                "programme": {
                    "name": m["name"],
                    "start_date": m["start_date"],
                    "mid_date": m["mid_date"],
                    "end_date": m["end_date"],
                    "retention_days": m["retention_days"],
                },
                "notebook": book_out,
            }
        )
    codes = [p["code"] for p in pairs_out]
    return {
        "format": "pairbook-server-data",
        "version": 1,
        "exported_at": clock.iso(),
        "account": {
            "user_id": user["id"],
            "email": user["email"],
            "display_name": user["display_name"],
            "role": user["role"],
            "created_at": user["created_at"],
            "joined_at": user["joined_at"],
        },
        "key_material": None if material is None else key_material_json(material),
        "pairs": pairs_out,
        "consents": [
            dict(r)
            for r in conn.execute(
                "SELECT c.signal, c.decision, c.wording_sha, c.decided_at, p.code AS pair_code "
                "FROM consents c JOIN pairs p ON p.id = c.pair_id WHERE c.user_id = ? "
                "ORDER BY c.id",
                (user_id,),
            )
        ],
        "flags": [
            {
                **dict(f),
                "messages": [
                    {**dict(m), "sealed": json.loads(m["sealed"])}
                    for m in conn.execute(
                        "SELECT id, kind, sender_id, created_at, sealed FROM flag_messages "
                        "WHERE flag_id = ? AND recipient_id = ? ORDER BY created_at",
                        (f["id"], user_id),
                    )
                ],
            }
            for f in conn.execute(
                "SELECT id, pair_id, programme_id, category, status, created_at, "
                "acknowledged_at, withdrawn_at FROM flags WHERE reporter_id = ?",
                (user_id,),
            )
        ],
        "sessions": [
            dict(r)
            for r in conn.execute(
                "SELECT created_at, last_seen_at, ended_at FROM sessions WHERE user_id = ? "
                "ORDER BY created_at",
                (user_id,),
            )
        ],
        "audit": [
            dict(r)
            for code in codes
            for r in conn.execute(
                "SELECT action, subject, reason, created_at FROM audit_log "
                "WHERE subject = ? OR subject LIKE ? ORDER BY id",
                (code, f"{code}:%"),
            )
        ],
    }


def reseal_required(conn: db.Connection, user_id: str) -> list[Any]:
    """Entries that stay for a partner but name this user as author: the user's client must
    re-seal them as the former member before the account can go."""
    return conn.execute(
        "SELECT e.*, m.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id "
        "JOIN pair_members m ON m.pair_id = n.pair_id AND m.user_id = ? "
        "WHERE e.author_id = ? AND NOT (e.created_by = ? AND e.entry_type IN "
        "('goal', 'meeting', 'evaluation')) "
        "AND EXISTS (SELECT 1 FROM pair_members o WHERE o.pair_id = n.pair_id AND o.user_id != ?)",
        (user_id, user_id, user_id, user_id),
    ).fetchall()


def leave_pair(conn: db.Connection, pair_id: str, user_id: str, reason: str) -> None:
    """Take a member out of a pair: their own entries go; with nobody left, the notebook goes.

    The caller holds the transaction and has already re-sealed shared entries they authored.
    """
    member = conn.execute(
        "SELECT role FROM pair_members WHERE pair_id = ? AND user_id = ?", (pair_id, user_id)
    ).fetchone()
    if member is None:
        return
    book = conn.execute("SELECT id FROM notebooks WHERE pair_id = ?", (pair_id,)).fetchone()
    others = conn.execute(
        "SELECT count(*) FROM pair_members WHERE pair_id = ? AND user_id != ?", (pair_id, user_id)
    ).fetchone()[0]
    if book is not None:
        if others == 0:
            conn.execute("DELETE FROM notebooks WHERE id = ?", (book["id"],))
        else:
            conn.execute(
                "DELETE FROM entries WHERE notebook_id = ? AND created_by = ? AND entry_type IN "
                "('goal', 'meeting', 'evaluation')",
                (book["id"], user_id),
            )
            for table, column in (
                ("notebook_keys", "user_id"),
                ("key_shares", "from_user"),
                ("key_shares", "to_user"),
            ):
                conn.execute(
                    f"DELETE FROM {table} WHERE notebook_id = ? AND {column} = ?",  # noqa: S608
                    (book["id"], user_id),
                )
            # Mine, and the partner's confirmations of revisions I wrote (they name me as author;
            # the re-sealed entry is a new revision, so they no longer count anyway).
            conn.execute(
                "DELETE FROM confirmations WHERE (user_id = ? OR author_id = ?) AND entry_id IN "
                "(SELECT id FROM entries WHERE notebook_id = ?)",
                (user_id, user_id, book["id"]),
            )
            conn.execute(
                "UPDATE entries SET created_by = NULL WHERE notebook_id = ? AND created_by = ?",
                (book["id"], user_id),
            )
            conn.execute(
                "UPDATE notebooks SET created_by = NULL WHERE id = ? AND created_by = ?",
                (book["id"], user_id),
            )
    conn.execute(
        "DELETE FROM pins WHERE pair_id = ? AND (owner_id = ? OR partner_id = ?)",
        (pair_id, user_id, user_id),
    )
    for table, column in (
        ("consents", "user_id"),
        ("flags", "reporter_id"),
        ("retention_notices", "user_id"),
        ("invitations", "user_id"),
    ):
        conn.execute(
            f"DELETE FROM {table} WHERE pair_id = ? AND {column} = ?",  # noqa: S608 (fixed names)
            (pair_id, user_id),
        )
    conn.execute(
        "INSERT OR REPLACE INTO pair_departures (pair_id, role, reason, left_at) "
        "VALUES (?, ?, ?, ?)",
        (pair_id, member["role"], reason, clock.iso()[:10] + "T00:00:00Z"),
    )
    conn.execute("DELETE FROM pair_members WHERE pair_id = ? AND user_id = ?", (pair_id, user_id))


def delete_user(conn: db.Connection, user_id: str) -> str:
    """Erase a user after they left every pair; return their email (to clean the outbox)."""
    user = conn.execute("SELECT email FROM users WHERE id = ?", (user_id,)).fetchone()
    for row in conn.execute(
        "SELECT pair_id FROM pair_members WHERE user_id = ?", (user_id,)
    ).fetchall():
        leave_pair(conn, row["pair_id"], user_id, "left")
    conn.execute(
        "DELETE FROM flag_messages WHERE sender_id = ? OR recipient_id = ?", (user_id, user_id)
    )
    conn.execute("DELETE FROM outbox WHERE to_addr = ?", (user["email"],))
    conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
    return user["email"]
