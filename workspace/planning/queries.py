"""Planning's tables: each checklist item's state and structured answers (`planning_items`) and
the organisers' sealed note on it (`planning_notes`); and the read-only counts the programme
overview is built from (metadata of other areas, never content).

Every write to `planning_items` and `planning_notes` is here."""

from __future__ import annotations

import json
from typing import Any

from workspace.core import clock, db

Row = Any
STATES = ("not_started", "answered", "done")


# --- checklist items -------------------------------------------------------------------------


def items(conn: db.Connection, programme_id: str) -> dict[str, Row]:
    """The programme's answered items by name (an item never saved has no row)."""
    rows = conn.execute(
        "SELECT * FROM planning_items WHERE programme_id = ?", (programme_id,)
    ).fetchall()
    return {r["item"]: r for r in rows}


def answers_of(row: Row | None) -> dict[str, Any]:
    """An item's stored answers (empty for an item never saved)."""
    return json.loads(row["answers"]) if row is not None else {}


def save_item(
    conn: db.Connection,
    programme_id: str,
    item: str,
    state: str,
    answers: dict[str, Any],
    by: str | None,
) -> None:
    """Write an item's state and answers (the caller checked both and holds the transaction)."""
    if state not in STATES:
        raise ValueError(state)
    conn.execute(
        "INSERT INTO planning_items (programme_id, item, state, answers, updated_by, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (programme_id, item) DO UPDATE SET "
        "state = excluded.state, answers = excluded.answers, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at",
        (
            programme_id,
            item,
            state,
            json.dumps(answers, ensure_ascii=False, sort_keys=True),
            by,
            clock.iso(),
        ),
    )


def mark_answered(conn: db.Connection, programme_id: str, item: str, by: str | None) -> None:
    """An item not started becomes answered (a note was written on it); others stay."""
    now = clock.iso()
    conn.execute(
        "INSERT INTO planning_items (programme_id, item, state, updated_by, updated_at) "
        "VALUES (?, ?, 'answered', ?, ?) ON CONFLICT (programme_id, item) DO UPDATE SET "
        "state = 'answered', updated_by = excluded.updated_by, updated_at = excluded.updated_at "
        "WHERE planning_items.state = 'not_started'",
        (programme_id, item, by, now),
    )


# --- sealed notes ----------------------------------------------------------------------------


def notes(conn: db.Connection, programme_id: str) -> list[Row]:
    """The programme's planning notes (one per item at most)."""
    return conn.execute(
        "SELECT * FROM planning_notes WHERE programme_id = ? ORDER BY item", (programme_id,)
    ).fetchall()


def note_items(conn: db.Connection, programme_id: str) -> set[str]:
    """The items that have a note."""
    rows = conn.execute(
        "SELECT item FROM planning_notes WHERE programme_id = ?", (programme_id,)
    ).fetchall()
    return {r["item"] for r in rows}


def save_note(
    conn: db.Connection,
    programme_id: str,
    item: str,
    note_id: str,
    author_id: str,
    copies: list[tuple[str, str]],
) -> None:
    """Store an item's note sealed once for each organiser, replacing the one before."""
    conn.execute(
        "INSERT INTO planning_notes (programme_id, item, note_id, author_id, copies, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (programme_id, item) DO UPDATE SET "
        "note_id = excluded.note_id, author_id = excluded.author_id, copies = excluded.copies, "
        "updated_at = excluded.updated_at",
        (
            programme_id,
            item,
            note_id,
            author_id,
            json.dumps({r: json.loads(s) for r, s in copies}, separators=(",", ":")),
            clock.iso(),
        ),
    )


def delete_note(conn: db.Connection, programme_id: str, item: str) -> bool:
    """Remove an item's note; False if it had none."""
    return (
        conn.execute(
            "DELETE FROM planning_notes WHERE programme_id = ? AND item = ?", (programme_id, item)
        ).rowcount
        == 1
    )


def note_copy(row: Row, recipient_id: str) -> Any | None:
    """The copy of a note sealed to this organiser, or None."""
    return json.loads(row["copies"]).get(recipient_id)


# --- what the overview counts (metadata only) ------------------------------------------------


def counts(conn: db.Connection, programme_id: str, now: str) -> dict[str, int]:
    """How far the programme is, counted from metadata: applications received, pairs formed,
    members invited and accepted, orientation events held and planned."""
    row = conn.execute(
        "SELECT "
        "(SELECT COUNT(*) FROM applications WHERE programme_id = :p) AS applications, "
        "(SELECT COUNT(*) FROM pairs WHERE programme_id = :p) AS pairs, "
        "(SELECT COUNT(*) FROM pair_members m JOIN pairs p ON p.id = m.pair_id "
        " WHERE p.programme_id = :p AND m.removed_at IS NULL) AS members, "
        "(SELECT COUNT(*) FROM pair_members m JOIN pairs p ON p.id = m.pair_id "
        " WHERE p.programme_id = :p AND m.removed_at IS NULL AND m.accepted_at IS NOT NULL) "
        " AS accepted, "
        "(SELECT COUNT(*) FROM events WHERE programme_id = :p AND kind = 'orientation' "
        " AND cancelled_at IS NULL AND starts_at <= :now) AS orientation_held, "
        "(SELECT COUNT(*) FROM events WHERE programme_id = :p AND kind = 'orientation' "
        " AND cancelled_at IS NULL AND starts_at > :now) AS orientation_planned, "
        "(SELECT COUNT(*) FROM calls WHERE programme_id = :p AND state != 'draft') "
        " AS calls_opened",
        {"p": programme_id, "now": now},
    ).fetchone()
    return {k: int(row[k]) for k in row.keys()}  # noqa: SIM118 (sqlite rows have no items())


def server_data(conn: db.Connection, user_id: str) -> dict[str, list[dict[str, Any]]]:
    """What the planning tables hold about an organiser, for their export: the checklist items
    they saved last and the notes they wrote (sealed, as stored)."""
    return {
        "items_updated": [
            dict(r)
            for r in conn.execute(
                "SELECT * FROM planning_items WHERE updated_by = ? ORDER BY programme_id, item",
                (user_id,),
            )
        ],
        "notes_written": [
            dict(r)
            for r in conn.execute(
                "SELECT * FROM planning_notes WHERE author_id = ? ORDER BY programme_id, item",
                (user_id,),
            )
        ],
    }
