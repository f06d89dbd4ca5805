"""Notebooks, their entries and confirmations: plain SQL in small functions, the only writers of
those tables (metadata and ciphertext; never content)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from workspace.core import clock, db
from workspace.notebook import phase

Row = Any
ENTRY_TYPES = ("agreement", "goal", "meeting", "evaluation", "summary")
# One agreement, one shared summary and one evaluation per member; any number of the rest.
SINGLETONS = ("agreement", "summary")
# A meeting logged twice or by mistake can go, and so can a goal the pair no longer wants listed;
# the other parts are changed, never deleted (the agreement is what both confirmed, an evaluation
# is one member's own words).
DELETABLE = ("meeting", "goal")
# Entries a leaving member wrote and that are theirs alone: deleted with them. The shared
# agreement and summary stay for the partner.
OWN_TYPES = ("goal", "meeting", "evaluation")


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
        "SELECT id, entry_type, created_by, author_id, revision, done, created_at, updated_at, "
        "meeting_month FROM entries WHERE notebook_id = ? ORDER BY created_at, rowid",
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
        "c.ct_sha256, c.key_version FROM confirmations c JOIN entries e ON e.id = c.entry_id "
        "WHERE e.notebook_id = ? AND c.revision < e.revision AND c.sig IS NOT NULL",
        (notebook_id,),
    ).fetchall()


def derived_phase(
    conn: db.Connection, notebook_id: str, member_ids: list[str], rows: list[Row] | None = None
) -> str:
    """The phase the pair's work has reached (phase.derive over the stored metadata); `rows`
    (every entry's metadata) saves a second query."""
    if rows is None:
        rows = entry_meta(conn, notebook_id)

    def confirmed_by(entry_id: str) -> set[str]:
        return {
            c["user_id"]
            for c in current_confirmations(conn, notebook_id)
            if c["entry_id"] == entry_id
        } | carried_members(conn, entry_id)

    return phase.derive(rows, member_ids, confirmed_by)


def phase_before_write(
    conn: db.Connection, notebook_id: str, member_ids: list[str]
) -> tuple[str, str] | None:
    """Inside a write's transaction, before the write: the phase moved by hand and the derived
    phase, or None when the phase follows the work."""
    override = phase_override(conn, notebook_id)
    if override is None:
        return None
    return override, derived_phase(conn, notebook_id, member_ids)


def release_phase_override(
    conn: db.Connection, notebook_id: str, member_ids: list[str], before: tuple[str, str] | None
) -> None:
    """After the write, in the same transaction: let the phase follow the work again if the
    write moved the derived phase to the one moved by hand or past it (phase.releases)."""
    if before is None:
        return
    override, derived = before
    if phase.releases(override, derived, derived_phase(conn, notebook_id, member_ids)):
        conn.execute(
            "UPDATE notebooks SET phase_override = NULL, phase_override_by = NULL WHERE id = ?",
            (notebook_id,),
        )


def phase_override(conn: db.Connection, notebook_id: str) -> str | None:
    """The phase moved by hand, as stored now (None when the phase follows the work)."""
    row = conn.execute(
        "SELECT phase_override FROM notebooks WHERE id = ?", (notebook_id,)
    ).fetchone()
    return row["phase_override"]


def set_phase_override(
    conn: db.Connection, notebook_id: str, phase: str | None, user_id: str | None
) -> None:
    """Move the phase by hand (by `user_id`), or back to following the work with None."""
    conn.execute(
        "UPDATE notebooks SET phase_override = ?, phase_override_by = ? WHERE id = ?",
        (phase, user_id if phase else None, notebook_id),
    )


def notebook_exists(conn: db.Connection, notebook_id: str) -> bool:
    """Whether any pair's notebook has this id."""
    row = conn.execute("SELECT 1 FROM notebooks WHERE id = ?", (notebook_id,)).fetchone()
    return row is not None


def create_notebook(conn: db.Connection, notebook_id: str, pair_id: str, created_by: str) -> None:
    """The pair's notebook, at key version 1 (its key is wrapped by the member's client)."""
    conn.execute(
        "INSERT INTO notebooks (id, pair_id, key_version, created_by, created_at) "
        "VALUES (?, ?, 1, ?, ?)",
        (notebook_id, pair_id, created_by, clock.iso()),
    )


def key_version(conn: db.Connection, notebook_id: str) -> int:
    """The notebook's current key version."""
    return conn.execute(
        "SELECT key_version FROM notebooks WHERE id = ?", (notebook_id,)
    ).fetchone()[0]


def rotation_due(conn: db.Connection, notebook_id: str) -> bool:
    """Whether the notebook's membership changed since its key was last drawn."""
    row = conn.execute("SELECT rotation_due FROM notebooks WHERE id = ?", (notebook_id,)).fetchone()
    return bool(row and row["rotation_due"])


def mark_rotation_due(conn: db.Connection, notebook_id: str) -> None:
    """A member left, was removed or replaced: the remaining member's client draws a new key
    (docs/PROTOCOL.md §13)."""
    conn.execute("UPDATE notebooks SET rotation_due = 1 WHERE id = ?", (notebook_id,))


def rotate_key(conn: db.Connection, notebook_id: str, from_kv: int, *, due_only: bool) -> bool:
    """Move the notebook from key version `from_kv` to `from_kv + 1` and clear `rotation_due`;
    False if it is no longer at `from_kv` (another rotation won) or, with `due_only`, not due."""
    cur = conn.execute(
        "UPDATE notebooks SET key_version = key_version + 1, rotation_due = 0 "
        "WHERE id = ? AND key_version = ? AND (rotation_due = 1 OR NOT ?)",
        (notebook_id, from_kv, due_only),
    )
    return cur.rowcount == 1


def entry_exists(conn: db.Connection, entry_id: str) -> bool:
    """Whether an entry of any notebook has this id."""
    return conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone() is not None


def existing_part(
    conn: db.Connection, notebook_id: str, entry_type: str, user_id: str
) -> Row | None:
    """The entry of this type already in the notebook: anyone's for a singleton (agreement,
    summary), the user's own otherwise."""
    return conn.execute(
        "SELECT id FROM entries WHERE notebook_id = ? AND entry_type = ? AND (? OR created_by = ?)",
        (notebook_id, entry_type, entry_type in SINGLETONS, user_id),
    ).fetchone()


def create_entry(
    conn: db.Connection,
    notebook_id: str,
    entry_id: str,
    entry_type: str,
    user_id: str,
    envelope: str,
    size: int,
    *,
    done: bool,
    meeting_month: str | None = None,
    key_version: int = 1,
) -> None:
    """A new sealed entry at revision 1, created and authored by the user (a meeting with the
    month it took place, when the member's client stated it), sealed under `key_version`."""
    now = clock.iso()
    conn.execute(
        "INSERT INTO entries (id, notebook_id, entry_type, created_by, author_id, revision, "
        "envelope, size, done, created_at, updated_at, meeting_month, key_version) "
        "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry_id,
            notebook_id,
            entry_type,
            user_id,
            user_id,
            envelope,
            size,
            int(done),
            now,
            now,
            meeting_month,
            key_version,
        ),
    )


def update_entry(
    conn: db.Connection,
    entry_id: str,
    base_revision: int,
    author_id: str,
    envelope: str,
    size: int,
    *,
    done: bool,
    meeting_month: str | None = None,
    key_version: int = 1,
) -> bool:
    """Replace the entry's revision `base_revision` with the next one (sealed under
    `key_version`); False if it has moved on (or is gone). The meeting's month is what this
    revision states (None: not stated)."""
    cur = conn.execute(
        "UPDATE entries SET revision = revision + 1, author_id = ?, envelope = ?, size = ?, "
        "done = ?, updated_at = ?, meeting_month = ?, key_version = ? "
        "WHERE id = ? AND revision = ?",
        (
            author_id,
            envelope,
            size,
            int(done),
            clock.iso(),
            meeting_month,
            key_version,
            entry_id,
            base_revision,
        ),
    )
    return cur.rowcount == 1


def forget_meeting_months(conn: db.Connection, notebook_id: str) -> int:
    """Drop the meetings' stated months (the pair no longer shares its meetings); how many."""
    cur = conn.execute(
        "UPDATE entries SET meeting_month = NULL WHERE notebook_id = ? "
        "AND meeting_month IS NOT NULL",
        (notebook_id,),
    )
    return cur.rowcount


def reseal_entry(
    conn: db.Connection,
    entry_id: str,
    revision: int,
    envelope: str,
    size: int,
    author_id: str,
    key_version: int = 1,
) -> bool:
    """Re-sealed under another author (`done` and the rest kept) and the notebook's key
    `key_version`; False if the entry is no longer at `revision`."""
    cur = conn.execute(
        "UPDATE entries SET envelope = ?, size = ?, revision = revision + 1, "
        "author_id = ?, updated_at = ?, key_version = ? WHERE id = ? AND revision = ?",
        (envelope, size, author_id, clock.iso(), key_version, entry_id, revision),
    )
    return cur.rowcount == 1


def delete_entry(conn: db.Connection, notebook_id: str, entry_id: str, revision: int) -> bool:
    """Delete the entry if it is still at `revision`; False otherwise."""
    cur = conn.execute(
        "DELETE FROM entries WHERE id = ? AND notebook_id = ? AND revision = ?",
        (entry_id, notebook_id, revision),
    )
    return cur.rowcount == 1


def store_confirmation(
    conn: db.Connection,
    entry_id: str,
    user_id: str,
    revision: int,
    envelope: str,
    sig: str,
    author_id: str,
    ct_sha256: str,
    key_version: int = 1,
) -> None:
    """The user's signed confirmation of one revision (sealed under `key_version`), replacing
    their earlier one."""
    conn.execute(
        "INSERT INTO confirmations (entry_id, user_id, revision, envelope_sha, sig, "
        "author_id, ct_sha256, confirmed_at, key_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (entry_id, user_id) DO UPDATE SET revision = excluded.revision, "
        "envelope_sha = excluded.envelope_sha, sig = excluded.sig, "
        "author_id = excluded.author_id, ct_sha256 = excluded.ct_sha256, "
        "confirmed_at = excluded.confirmed_at, key_version = excluded.key_version",
        (
            entry_id,
            user_id,
            revision,
            envelope_sha(envelope),
            sig,
            author_id,
            ct_sha256,
            clock.iso(),
            key_version,
        ),
    )


def delete_notebook(conn: db.Connection, notebook_id: str) -> None:
    """The notebook with everything in it (entries, confirmations and keys cascade)."""
    conn.execute("DELETE FROM notebooks WHERE id = ?", (notebook_id,))


def delete_own_entries(conn: db.Connection, notebook_id: str, user_id: str) -> None:
    """The entries of OWN_TYPES the user created in the notebook."""
    conn.execute(
        "DELETE FROM entries WHERE notebook_id = ? AND created_by = ? AND entry_type IN "
        "(SELECT value FROM json_each(?))",
        (notebook_id, user_id, json.dumps(OWN_TYPES)),
    )


def forget_member(conn: db.Connection, notebook_id: str, user_id: str) -> None:
    """What the notebook keeps of a member who left: their confirmations go, and the entries and
    the notebook they created no longer name them."""
    # Mine, and the partner's confirmations of revisions I wrote (they name me as author; the
    # re-sealed entry is a new revision, so they no longer count anyway).
    conn.execute(
        "DELETE FROM confirmations WHERE (user_id = ? OR author_id = ?) AND entry_id IN "
        "(SELECT id FROM entries WHERE notebook_id = ?)",
        (user_id, user_id, notebook_id),
    )
    conn.execute(
        "UPDATE entries SET created_by = NULL WHERE notebook_id = ? AND created_by = ?",
        (notebook_id, user_id),
    )
    conn.execute(
        "UPDATE notebooks SET created_by = NULL WHERE id = ? AND created_by = ?",
        (notebook_id, user_id),
    )


def delete_programme_notebooks(conn: db.Connection, programme_id: str) -> int:
    """Every notebook of the programme's pairs; return how many."""
    return conn.execute(
        "DELETE FROM notebooks WHERE pair_id IN (SELECT id FROM pairs WHERE programme_id = ?)",
        (programme_id,),
    ).rowcount


def delete_ended_notebooks(conn: db.Connection, cutoff: str) -> int:
    """The notebooks of pairs that ended at or before `cutoff`; return how many."""
    return conn.execute(
        "DELETE FROM notebooks WHERE pair_id IN "
        "(SELECT id FROM pairs WHERE ended_at IS NOT NULL AND ended_at <= ?)",
        (cutoff,),
    ).rowcount


def delete_entries(conn: db.Connection, entry_ids: list[str]) -> int:
    """These entries, whatever their revision (a departed member's, after their grace period);
    return how many."""
    return conn.execute(
        "DELETE FROM entries WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(entry_ids),),
    ).rowcount


def carried_members(conn: db.Connection, entry_id: str) -> set[str]:
    """Members whose confirmation a partner's departure carried to the entry's current revision
    (rights.departures keeps them; docs/PROTOCOL.md §13.1)."""
    return {
        r["member_id"]
        for r in conn.execute(
            "SELECT c.member_id FROM carried_confirmations c JOIN entries e ON e.id = c.entry_id "
            "WHERE c.entry_id = ? AND c.revision = e.revision AND c.member_id IS NOT NULL",
            (entry_id,),
        )
    }
