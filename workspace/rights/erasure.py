"""Participants' data rights on the server side: what we hold about someone, and erasure (taking a
member out of a pair, or out of Pairbook), done through each table's owner."""

from __future__ import annotations

import json
from typing import Any

from workspace.accounts import queries as accounts
from workspace.core import clock, db, mail
from workspace.flags import queries as flags
from workspace.notebook import queries as notebook
from workspace.notebook.entries import entry_json
from workspace.pairs import queries as pairs
from workspace.rights import retention
from workspace.sharing import signals

# The author of shared entries re-sealed when their writer deletes the account (part of the
# protocol: memberclient and static/js/crypto/protocol.js spell it too).


def server_data(conn: db.Connection, user_id: str) -> dict[str, Any]:
    """Everything the server holds about a user (ciphertext included, never decrypted)."""
    user = accounts.user_by_id(conn, user_id)
    material = accounts.key_material(conn, user_id)
    pairs_out = []
    for m in conn.execute(
        "SELECT m.role, m.removed_at, p.id, p.code, p.ended_at, g.name, g.start_date, g.mid_date, "
        "g.end_date, g.retention_days FROM pair_members m JOIN pairs p ON p.id = m.pair_id "
        "JOIN programmes g ON g.id = p.programme_id WHERE m.user_id = ?",
        (user_id,),
    ).fetchall():
        book = pairs.notebook_for_pair(conn, m["id"])
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
        "key_material": None if material is None else accounts.key_material_json(material),
        "pairs": pairs_out,
        "consents": [dict(r) for r in signals.consents_of(conn, user_id)],
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
    re-seal them as the former member before the account can go (their own OWN_TYPES entries
    are deleted instead)."""
    return conn.execute(
        "SELECT e.*, m.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id "
        "JOIN pair_members m ON m.pair_id = n.pair_id AND m.user_id = ? "
        "WHERE e.author_id = ? AND NOT (e.created_by = ? AND e.entry_type IN "
        "(SELECT value FROM json_each(?))) "
        "AND EXISTS (SELECT 1 FROM pair_members o WHERE o.pair_id = n.pair_id AND o.user_id != ?)",
        (user_id, user_id, user_id, json.dumps(notebook.OWN_TYPES), user_id),
    ).fetchall()


def leave_pair(conn: db.Connection, pair_id: str, user_id: str, reason: str) -> None:
    """Take a member out of a pair: their own entries go; with nobody left, the notebook goes.

    The caller holds the transaction and has already re-sealed shared entries they authored.
    """
    role = pairs.member_role(conn, pair_id, user_id)
    if role is None:
        return
    book = pairs.notebook_for_pair(conn, pair_id)
    others = [m for m in pairs.member_ids(conn, pair_id) if m != user_id]
    if book is not None:
        if not others:
            notebook.delete_notebook(conn, book["id"])
        else:
            notebook.delete_own_entries(conn, book["id"], user_id)
            pairs.delete_member_keys(conn, book["id"], user_id)
            notebook.forget_member(conn, book["id"], user_id)
    pairs.delete_pins(conn, pair_id, user_id)
    signals.forget_member(conn, pair_id, user_id)
    flags.delete_reports(conn, pair_id, user_id)
    retention.delete_notices(conn, pair_id, user_id)
    accounts.delete_pair_invitations(conn, pair_id, user_id)
    pairs.record_departure(conn, pair_id, role, reason)
    pairs.delete_member(conn, pair_id, user_id)


def delete_user(conn: db.Connection, user_id: str) -> str:
    """Erase a user after they left every pair; return their email (to clean the outbox)."""
    user = accounts.user_by_id(conn, user_id)
    for pair_id in pairs.memberships(conn, user_id):
        leave_pair(conn, pair_id, user_id, "left")
    flags.delete_messages_of(conn, user_id)
    mail.discard_for(conn, user["email"])
    accounts.delete_user(conn, user_id)
    return user["email"]
