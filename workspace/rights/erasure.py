"""Participants' data rights on the server side: what we hold about someone, and erasure (taking a
member out of a pair, or out of Pairbook), done through each table's owner."""

from __future__ import annotations

import json
import re
from typing import Any

from workspace.accounts import queries as accounts
from workspace.communication import export as communication
from workspace.core import clock, db, mail
from workspace.flags import queries as flags
from workspace.notebook import queries as notebook
from workspace.notebook.entries import entry_json
from workspace.orientation import queries as orientation
from workspace.pairs import queries as pairs
from workspace.planning import queries as planning
from workspace.rights import departures, retention
from workspace.sharing import signals
from workspace.surveys import export as surveys

# Columns that refer to a person but are never exported, and why; the export repeats this list
# (`not_exported`) so it says itself what it leaves out.
NOT_EXPORTED: dict[str, dict[str, str]] = {
    "key_material": {
        "auth_verifier": "a verifier of your passphrase: a secret the server keeps to check it",
        "recovery_verifier": "a verifier of your recovery code: a secret kept to check it",
    },
    "invitations": {"token_hash": "the hash of an emailed link: a secret that opens it"},
    "recovery_grants": {"id_hash": "the hash of a one-time grant: a secret that opens it"},
    "sessions": {"id_hash": "the hash of a session cookie: a secret that signs you in"},
    "outbox": {"body": "exported with every emailed link removed: a link may still work"},
    **communication.NOT_EXPORTED,
    **surveys.NOT_EXPORTED,
}
_LINK = re.compile(r"/(join|reset|survey)/[A-Za-z0-9_-]+")


def _without(table: str, row: Any) -> dict[str, Any]:
    """A row with the columns NOT_EXPORTED leaves out."""
    hidden = NOT_EXPORTED.get(table, {})
    return {k: row[k] for k in row.keys() if k not in hidden}  # noqa: SIM118 (sqlite rows)


def _rows(conn: db.Connection, table: str, sql: str, *params: Any) -> list[dict[str, Any]]:
    return [_without(table, r) for r in conn.execute(sql, params).fetchall()]


def _outbox(conn: db.Connection, email: str) -> list[dict[str, Any]]:
    """Mail to this address, its links removed (a link in it may still work)."""
    return [
        {**_without("outbox", r), "body": _LINK.sub(r"/\1/[link removed]", r["body"])}
        for r in conn.execute("SELECT * FROM outbox WHERE to_addr = ? ORDER BY id", (email,))
    ]


def _sealed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "sealed": json.loads(r["sealed"])} for r in rows]


def server_data(conn: db.Connection, user_id: str) -> dict[str, Any]:
    """Everything the server holds about a user (ciphertext included, never decrypted)."""
    user = accounts.user_by_id(conn, user_id)
    material = accounts.key_material(conn, user_id)
    pairs_out = []
    for m in conn.execute(
        "SELECT m.role, m.removed_at, m.accepted_at, m.display_name AS name_in_pair, p.id, "
        "p.code, p.ended_at, p.created_at, g.id AS programme_id, g.name, g.start_date, g.mid_date, "
        "g.end_date, g.retention_days FROM pair_members m JOIN pairs p ON p.id = m.pair_id "
        "JOIN programmes g ON g.id = p.programme_id WHERE m.user_id = ?",
        (user_id,),
    ).fetchall():
        # A pair only invited to, not accepted, is not the member's yet: no notebook of it.
        book = pairs.notebook_for_pair(conn, m["id"]) if m["accepted_at"] else None
        book_out = None
        if book is not None:
            book_out = {
                "notebook_id": book["id"],
                "key_version": book["key_version"],
                "created_by": book["created_by"],
                "created_at": book["created_at"],
                "phase_override": book["phase_override"],
                "phase_override_by": book["phase_override_by"],
                "entries": [
                    {**entry_json(r), "size": r["size"]} for r in notebook.entries(conn, book["id"])
                ],
                "my_confirmations": [
                    dict(r)
                    for r in conn.execute(
                        "SELECT c.entry_id, c.revision, c.confirmed_at FROM confirmations c "
                        "JOIN entries e ON e.id = c.entry_id "
                        "WHERE e.notebook_id = ? AND c.user_id = ?",
                        (book["id"], user_id),
                    )
                ],
                # Every confirmation in the notebook: the partner's name you as the author.
                "confirmations": [
                    dict(r)
                    for r in conn.execute(
                        "SELECT c.* FROM confirmations c JOIN entries e ON e.id = c.entry_id "
                        "WHERE e.notebook_id = ?",
                        (book["id"],),
                    )
                ],
                "my_key_wraps": _rows(
                    conn,
                    "notebook_keys",
                    "SELECT * FROM notebook_keys WHERE notebook_id = ? AND user_id = ?",
                    book["id"],
                    user_id,
                ),
                # Confirmations of mine a partner's departure carried to a re-sealed entry.
                "carried_confirmations": _rows(
                    conn,
                    "carried_confirmations",
                    "SELECT c.* FROM carried_confirmations c JOIN entries e ON e.id = c.entry_id "
                    "WHERE e.notebook_id = ? AND c.member_id = ?",
                    book["id"],
                    user_id,
                ),
                "key_shares": _rows(
                    conn,
                    "key_shares",
                    "SELECT * FROM key_shares WHERE notebook_id = ? AND (from_user = ? "
                    "OR to_user = ?) ORDER BY created_at",
                    book["id"],
                    user_id,
                    user_id,
                ),
            }
        pairs_out.append(
            {
                "pair_id": m["id"],
                "code": m["code"],
                "role": m["role"],
                "name_in_pair": m["name_in_pair"],
                "accepted_at": m["accepted_at"],
                "removed_at": m["removed_at"],
                "created_at": m["created_at"],
                "ended_at": m["ended_at"],
                # My pin of my partner's keys, and my partner's pin of mine.
                "pins": _rows(
                    conn,
                    "pins",
                    "SELECT * FROM pins WHERE pair_id = ? AND (owner_id = ? OR partner_id = ?)",
                    m["id"],
                    user_id,
                    user_id,
                ),
                "notices": _rows(
                    conn,
                    "pair_notices",
                    "SELECT * FROM pair_notices WHERE pair_id = ? AND user_id = ? "
                    "ORDER BY created_at",
                    m["id"],
                    user_id,
                ),
                "retention_notices": _rows(
                    conn,
                    "retention_notices",
                    "SELECT * FROM retention_notices WHERE pair_id = ? AND user_id = ?",
                    m["id"],
                    user_id,
                ),
                "programme": {
                    "id": m["programme_id"],
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
        "key_material": None
        if material is None
        else {
            **accounts.key_material_json(material),
            "recovery_wrapped_key": material["recovery_wrapped_key"],
        },
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
                "SELECT * FROM flags WHERE reporter_id = ?",
                (user_id,),
            )
        ],
        # Every sealed flag message sent by me or addressed to me (to an organiser: the copies
        # sealed to them and their replies).
        "flag_messages": _sealed(
            _rows(
                conn,
                "flag_messages",
                "SELECT * FROM flag_messages WHERE sender_id = ? OR recipient_id = ? "
                "ORDER BY created_at",
                user_id,
                user_id,
            )
        ),
        "programmes_organised": [
            dict(r)
            for r in conn.execute(
                "SELECT o.programme_id, o.added_at, g.name FROM programme_organisers o "
                "JOIN programmes g ON g.id = o.programme_id WHERE o.user_id = ? "
                "ORDER BY o.added_at",
                (user_id,),
            )
        ],
        "invitations": _rows(
            conn,
            "invitations",
            "SELECT * FROM invitations WHERE user_id = ? ORDER BY created_at",
            user_id,
        ),
        "recovery_grants": _rows(
            conn,
            "recovery_grants",
            "SELECT * FROM recovery_grants WHERE user_id = ? ORDER BY expires_at",
            user_id,
        ),
        "mail": _outbox(conn, user["email"]),
        "communication": communication.server_data(conn, user_id),
        "orientation_ticks": orientation.done_rows_of(conn, user_id),
        "planning": planning.server_data(conn, user_id),
        "surveys": surveys.server_data(conn, user_id),
        "sessions": _rows(
            conn,
            "sessions",
            "SELECT * FROM sessions WHERE user_id = ? ORDER BY created_at",
            user_id,
        ),
        "audit": [
            dict(r)
            for code in codes
            for r in conn.execute(
                "SELECT action, subject, reason, created_at FROM audit_log "
                "WHERE subject = ? OR subject LIKE ? ORDER BY id",
                (code, f"{code}:%"),
            )
        ],
        "audit_as_actor": [
            dict(r)
            for r in conn.execute(
                "SELECT * FROM audit_log WHERE actor_id = ? ORDER BY id",
                (user_id,),
            )
        ],
        "not_exported": [
            {"table": table, "column": column, "why": why}
            for table, columns in NOT_EXPORTED.items()
            for column, why in columns.items()
        ],
    }


def reseal_required(conn: db.Connection, user_id: str) -> list[Any]:
    """Entries of a pair with a partner whose current revision names this user as author: the
    user's client must re-seal them as the former member before the account can go (docs/
    PROTOCOL.md §13.1). Whatever the user chooses to take with them is re-sealed too: the partner
    reads it until it is removed."""
    return conn.execute(
        "SELECT e.*, m.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id "
        "JOIN pair_members m ON m.pair_id = n.pair_id AND m.user_id = ? "
        "WHERE e.author_id = ? "
        "AND EXISTS (SELECT 1 FROM pair_members o WHERE o.pair_id = n.pair_id AND o.user_id != ?)",
        (user_id, user_id, user_id),
    ).fetchall()


def _keep_record(
    conn: db.Connection, pair_id: str, book: Any, user_id: str, role: str, keep: dict[str, bool]
) -> None:
    """A member deleting their account: schedule what they take with them, tell the partner."""
    # My confirmations of entries someone else wrote last (not re-sealed): carried as the
    # former member's, as the server's record (the signatures name me, and my id goes).
    for c in notebook.current_confirmations(conn, book["id"]):
        if c["user_id"] == user_id:
            departures.carry_confirmations(conn, c["entry_id"], c["revision"], user_id, [c])
    taken = [kind for kind in departures.CHOOSABLE if not keep.get(kind, True)]
    ids = (
        [
            r["id"]
            for r in notebook.entries(conn, book["id"], tuple(taken))
            if r["created_by"] == user_id
        ]
        if taken
        else []
    )
    remove_after = departures.removal_date() if ids else None
    if ids and remove_after:
        departures.schedule_removals(conn, pair_id, ids, remove_after)
    pair = pairs.pair(conn, pair_id)
    programme = pairs.programme(conn, pair["programme_id"])
    for partner_id in pairs.member_ids(conn, pair_id):
        # A partner only invited has no notebook yet: there is nothing to tell them.
        if partner_id != user_id and pairs.pair_for_member(pair_id, partner_id, conn):
            departures.tell(
                conn,
                pair,
                programme,
                partner_id,
                "partner-left",
                role,
                removing=taken if ids else [],
                remove_after=remove_after,
            )


def leave_pair(
    conn: db.Connection,
    pair_id: str,
    user_id: str,
    reason: str,
    keep: dict[str, bool] | None = None,
) -> None:
    """Take a member out of a pair; with nobody left, the notebook goes.

    A member deleting their account (`keep`: per kind of CHOOSABLE, whether it stays; missing
    kinds stay) leaves the record to the partner: the caller holds the transaction and has
    already re-sealed what they authored. A member removed by an organiser (`keep` None) can
    re-seal nothing: their own entries go, as before.
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
            if keep is None:
                notebook.delete_own_entries(conn, book["id"], user_id)
            else:
                _keep_record(conn, pair_id, book, user_id, role, keep)
            pairs.delete_member_keys(conn, book["id"], user_id)
            notebook.forget_member(conn, book["id"], user_id)
            # The leaver may have kept the key: what is written from now on gets a new one.
            notebook.mark_rotation_due(conn, book["id"])
    pairs.delete_pins(conn, pair_id, user_id)
    signals.forget_member(conn, pair_id, user_id)
    flags.delete_reports(conn, pair_id, user_id)
    retention.delete_notices(conn, pair_id, user_id)
    departures.delete_notices(conn, pair_id, user_id)
    accounts.delete_pair_invitations(conn, pair_id, user_id)
    pairs.record_departure(conn, pair_id, role, reason)
    pairs.delete_member(conn, pair_id, user_id)


def delete_user(conn: db.Connection, user_id: str, keep: dict[str, bool] | None = None) -> str:
    """Erase a user after they left every pair (leaving the record to each partner, `keep` as in
    leave_pair: everything stays by default); return their email (to clean the outbox)."""
    user = accounts.user_by_id(conn, user_id)
    for pair_id in pairs.memberships(conn, user_id):
        leave_pair(conn, pair_id, user_id, "left", keep or {})
    flags.delete_messages_of(conn, user_id)
    mail.discard_for(conn, user["email"])
    accounts.delete_user(conn, user_id)
    return user["email"]
