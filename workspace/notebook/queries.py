"""Notebook metadata: entries, confirmations and the phase (plain SQL; never content)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from workspace.core import db

Row = Any
PHASES = ("start", "working", "closing", "completed")
ENTRY_TYPES = ("agreement", "goal", "meeting", "evaluation", "summary")
# One agreement, one shared summary and one evaluation per member; any number of the rest.
SINGLETONS = ("agreement", "summary")
# A meeting logged twice or by mistake can go; the other parts are changed, never deleted (a goal
# is dropped, the agreement is what both confirmed, an evaluation is one member's own words).
DELETABLE = ("meeting",)


def entries(
    conn: db.Connection, notebook_id: str, types: tuple[str, ...] | None = None
) -> list[Row]:
    """The notebook's entries (of `types` only, if given), oldest first; rowid orders entries
    made in the same second."""
    if not types:
        return conn.execute(
            "SELECT * FROM entries WHERE notebook_id = ? ORDER BY created_at, rowid", (notebook_id,)
        ).fetchall()
    return conn.execute(
        "SELECT * FROM entries WHERE notebook_id = ? "
        "AND entry_type IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid",
        (notebook_id, json.dumps(list(types))),
    ).fetchall()


def entry_meta(conn: db.Connection, notebook_id: str) -> list[Row]:
    """Every entry's metadata, without the ciphertext (pages and the phase need no more)."""
    return conn.execute(
        "SELECT id, entry_type, created_by, author_id, revision, done, created_at, updated_at "
        "FROM entries WHERE notebook_id = ? ORDER BY created_at, rowid",
        (notebook_id,),
    ).fetchall()


def entry(conn: db.Connection, notebook_id: str, entry_id: str) -> Row | None:
    """One entry of this notebook (None for another notebook's entry)."""
    return conn.execute(
        "SELECT * FROM entries WHERE id = ? AND notebook_id = ?", (entry_id, notebook_id)
    ).fetchone()


def envelope_sha(envelope: str) -> str:
    """What a confirmation is bound to, besides the revision number."""
    return hashlib.sha256(envelope.encode("utf-8")).hexdigest()


def confirmations(conn: db.Connection, notebook_id: str) -> list[Row]:
    """Signed confirmations of each entry's current revision (the server checked the signature
    when it was given; clients check it again)."""
    return conn.execute(
        "SELECT c.entry_id, c.user_id, c.revision, c.confirmed_at, c.sig, e.envelope, "
        "c.envelope_sha FROM confirmations c JOIN entries e ON e.id = c.entry_id "
        "WHERE e.notebook_id = ? AND c.revision = e.revision AND c.sig IS NOT NULL",
        (notebook_id,),
    ).fetchall()


def current_confirmations(conn: db.Connection, notebook_id: str) -> list[Row]:
    """Confirmations bound to the exact stored ciphertext (a swapped envelope voids them)."""
    return [
        row
        for row in confirmations(conn, notebook_id)
        if row["envelope_sha"] == envelope_sha(row["envelope"])
    ]


def earlier_confirmations(conn: db.Connection, notebook_id: str) -> list[Row]:
    """Confirmations of a revision the entry has moved past: who confirmed which older version."""
    return conn.execute(
        "SELECT c.entry_id, c.user_id, c.revision, c.confirmed_at, c.sig, c.author_id, "
        "c.ct_sha256 FROM confirmations c JOIN entries e ON e.id = c.entry_id "
        "WHERE e.notebook_id = ? AND c.revision < e.revision AND c.sig IS NOT NULL",
        (notebook_id,),
    ).fetchall()


def derived_phase(
    conn: db.Connection, notebook_id: str, member_ids: list[str], rows: list[Row] | None = None
) -> str:
    """start → working (agreement confirmed by both) → closing (an evaluation begun) →
    completed (both evaluations done); from metadata only. `rows` saves a second query."""
    if rows is None:
        rows = entry_meta(conn, notebook_id)
    evaluations = [r for r in rows if r["entry_type"] == "evaluation"]
    done_by = {r["created_by"] for r in evaluations if r["done"]}
    if member_ids and all(m in done_by for m in member_ids):
        return "completed"
    if evaluations:
        return "closing"
    agreement = next((r for r in rows if r["entry_type"] == "agreement"), None)
    if agreement is not None:
        confirmed = {
            c["user_id"]
            for c in current_confirmations(conn, notebook_id)
            if c["entry_id"] == agreement["id"]
        }
        if member_ids and all(m in confirmed for m in member_ids):
            return "working"
    return "start"
