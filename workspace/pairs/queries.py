"""Pairs, their members and the pairing state (notebook keys, key shares, pins): plain SQL in
small functions, the only writers of those tables."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from workspace.core import clock, db
from workspace.rights.retention import GRACE_DAYS

Row = Any
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_pair_code(conn: db.Connection) -> str:
    """A short pseudonymous code such as PB-7F3K, unique in this instance."""
    while True:
        code = "PB-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
        if conn.execute("SELECT 1 FROM pairs WHERE code = ?", (code,)).fetchone() is None:
            return code


def pair(conn: db.Connection, pair_id: str) -> Row | None:
    """A pair by id (no access check: callers go through a guard)."""
    return conn.execute("SELECT * FROM pairs WHERE id = ?", (pair_id,)).fetchone()


_MEMBER_PAIR = (
    "p.*, m.role AS my_role, m.removed_at, n.id AS notebook_id, "
    "n.listing_version AS notebook_listing_version"
)
# pair_for_member for every accepted member of the pair `?`, for the session's statement to
# join on the signed-in user (accounts.sessions.read_along).
PAIR_FOR_EACH_MEMBER = (
    f"SELECT {_MEMBER_PAIR}, m.user_id AS for_user_id FROM pairs p "  # noqa: S608 (fixed)
    "JOIN pair_members m ON m.pair_id = p.id "
    "LEFT JOIN notebooks n ON n.pair_id = p.id "
    "WHERE p.id = ? AND m.accepted_at IS NOT NULL"
)


def pair_for_member(pair_id: str, user_id: str, conn: db.Connection | None = None) -> Row | None:
    """The pair if the user is one of its members and accepted the invitation, else None
    (callers answer 404); with `notebook_id` and `notebook_listing_version` (None before the
    notebook exists), so that the notebook listing finds its kept text without a statement more."""
    conn = conn or db.get_db()
    return conn.execute(
        f"SELECT {_MEMBER_PAIR} FROM pairs p "  # noqa: S608 (fixed columns)
        "JOIN pair_members m ON m.pair_id = p.id AND m.user_id = ? "
        "LEFT JOIN notebooks n ON n.pair_id = p.id "
        "WHERE p.id = ? AND m.accepted_at IS NOT NULL",
        (user_id, pair_id),
    ).fetchone()


def partner_of(conn: db.Connection, pair_id: str, user_id: str) -> Row | None:
    """The other member of the pair: the name they chose for this pair and their key material
    once they accepted it (before that, nothing of their account shows)."""
    return conn.execute(
        "SELECT u.id, m.display_name, m.accepted_at AS joined_at, m.role, m.removed_at, "
        "CASE WHEN m.accepted_at IS NOT NULL THEN k.bundle END AS bundle, "
        "CASE WHEN m.accepted_at IS NOT NULL THEN k.identity_version END AS identity_version "
        "FROM pair_members m JOIN users u ON u.id = m.user_id "
        "LEFT JOIN key_material k ON k.user_id = u.id "
        "WHERE m.pair_id = ? AND m.user_id != ?",
        (pair_id, user_id),
    ).fetchone()


def member_ids(conn: db.Connection, pair_id: str) -> list[str]:
    """The ids of the pair's members (removed members included, until they leave)."""
    return [
        r["user_id"]
        for r in conn.execute("SELECT user_id FROM pair_members WHERE pair_id = ?", (pair_id,))
    ]


def member_role(conn: db.Connection, pair_id: str, user_id: str) -> str | None:
    """The user's role in the pair, or None if they are not a member."""
    row = conn.execute(
        "SELECT role FROM pair_members WHERE pair_id = ? AND user_id = ?", (pair_id, user_id)
    ).fetchone()
    return row["role"] if row else None


def memberships(conn: db.Connection, user_id: str) -> list[str]:
    """The ids of the pairs the user is a member of."""
    return [
        r["pair_id"]
        for r in conn.execute(
            "SELECT pair_id FROM pair_members WHERE user_id = ?", (user_id,)
        ).fetchall()
    ]


def removed_before(conn: db.Connection, cutoff: str) -> list[Row]:
    """(pair_id, user_id) of members removed at or before `cutoff`."""
    return conn.execute(
        "SELECT pair_id, user_id FROM pair_members "
        "WHERE removed_at IS NOT NULL AND removed_at <= ?",
        (cutoff,),
    ).fetchall()


def departures(conn: db.Connection, pair_id: str) -> list[Row]:
    """The roles that have left the pair, with why ('left' or 'removed')."""
    return conn.execute(
        "SELECT role, reason FROM pair_departures WHERE pair_id = ?", (pair_id,)
    ).fetchall()


def pairs_for_user(conn: db.Connection, user_id: str) -> list[Row]:
    """The user's pairs with programme and partner (NULL once the partner has left), newest
    programme first."""
    return conn.execute(
        "SELECT p.id, p.code, m.role AS my_role, g.id AS programme_id, g.name AS programme_name, "
        "g.start_date, g.mid_date, g.end_date, g.language, p.ended_at, m.removed_at, "
        "u.id AS partner_id, o.display_name AS partner_name, o.accepted_at AS partner_joined, "
        "COALESCE(o.role, d.role) AS partner_role, o.user_id IS NULL AS partner_left "
        "FROM pair_members m JOIN pairs p ON p.id = m.pair_id "
        "JOIN programmes g ON g.id = p.programme_id "
        # A partner who deleted their account has no member row left: the pair stays listed.
        "LEFT JOIN pair_members o ON o.pair_id = p.id AND o.user_id != m.user_id "
        "LEFT JOIN users u ON u.id = o.user_id "
        "LEFT JOIN pair_departures d ON d.pair_id = p.id AND d.role != m.role "
        "WHERE m.user_id = ? AND m.accepted_at IS NOT NULL ORDER BY g.start_date DESC, p.code",
        (user_id,),
    ).fetchall()


def programme(conn: db.Connection, programme_id: str) -> Row | None:
    """A programme by id."""
    return conn.execute("SELECT * FROM programmes WHERE id = ?", (programme_id,)).fetchone()


def notebook_for_pair(conn: db.Connection, pair_id: str) -> Row | None:
    """The pair's notebook, if created."""
    return conn.execute("SELECT * FROM notebooks WHERE pair_id = ?", (pair_id,)).fetchone()


def wrapped_key(conn: db.Connection, notebook_id: str, user_id: str, kv: int) -> Row | None:
    """A member's own wrap of the notebook key."""
    return conn.execute(
        "SELECT * FROM notebook_keys WHERE notebook_id = ? AND user_id = ? AND key_version = ?",
        (notebook_id, user_id, kv),
    ).fetchone()


def wrapped_keys(conn: db.Connection, notebook_id: str, user_id: str) -> list[Row]:
    """Every wrap a member holds of the notebook's keys, oldest key version first (old entries
    stay sealed under the version they were written with)."""
    return conn.execute(
        "SELECT * FROM notebook_keys WHERE notebook_id = ? AND user_id = ? ORDER BY key_version",
        (notebook_id, user_id),
    ).fetchall()


def versions_to_share(conn: db.Connection, notebook_id: str, from_id: str, to_id: str) -> list[int]:
    """The key versions `from_id` holds that `to_id` neither holds nor has a share of waiting
    for their current identity: what a newcomer still needs to read the whole history."""
    return [
        r["key_version"]
        for r in conn.execute(
            "SELECT f.key_version FROM notebook_keys f WHERE f.notebook_id = ? AND f.user_id = ? "
            "AND NOT EXISTS (SELECT 1 FROM notebook_keys t WHERE t.notebook_id = f.notebook_id "
            "AND t.user_id = ? AND t.key_version = f.key_version) "
            "AND NOT EXISTS (SELECT 1 FROM key_shares s JOIN key_material k "
            "ON k.user_id = s.to_user WHERE s.notebook_id = f.notebook_id AND s.to_user = ? "
            "AND s.from_user = f.user_id AND s.key_version = f.key_version "
            "AND s.accepted_at IS NULL AND s.to_identity_version = k.identity_version) "
            "ORDER BY f.key_version",
            (notebook_id, from_id, to_id, to_id),
        )
    ]


def pin(conn: db.Connection, pair_id: str, owner_id: str) -> Row | None:
    """A member's pin of their partner's bundle."""
    return conn.execute(
        "SELECT * FROM pins WHERE pair_id = ? AND owner_id = ?", (pair_id, owner_id)
    ).fetchone()


def pending_shares(conn: db.Connection, notebook_id: str, user_id: str) -> list[Row]:
    """Unaccepted key shares addressed to the user's current identity."""
    return conn.execute(
        "SELECT s.* FROM key_shares s JOIN key_material k ON k.user_id = s.to_user "
        "WHERE s.notebook_id = ? AND s.to_user = ? AND s.accepted_at IS NULL "
        "AND s.to_identity_version = k.identity_version ORDER BY s.created_at",
        (notebook_id, user_id),
    ).fetchall()


def share_waiting(
    conn: db.Connection, notebook_id: str, from_id: str, to_id: str, kv: int | None = None
) -> bool:
    """Whether a share (of key version `kv`, if given) from one member waits, unaccepted, for the
    other's current identity."""
    return (
        conn.execute(
            "SELECT 1 FROM key_shares s JOIN key_material k ON k.user_id = s.to_user "
            "WHERE s.notebook_id = ? AND s.from_user = ? AND s.to_user = ? "
            "AND s.accepted_at IS NULL AND s.to_identity_version = k.identity_version "
            "AND (? IS NULL OR s.key_version = ?)",
            (notebook_id, from_id, to_id, kv, kv),
        ).fetchone()
        is not None
    )


def open_share(conn: db.Connection, share_id: str, to_user: str) -> Row | None:
    """A key share addressed to the user that is not accepted yet."""
    return conn.execute(
        "SELECT * FROM key_shares WHERE id = ? AND to_user = ? AND accepted_at IS NULL",
        (share_id, to_user),
    ).fetchone()


def member_state(conn: db.Connection, pair_id: str, user_id: str) -> str:
    """invited / joined / key shared / verified, for the organiser's list.

    Until the member accepts this pair's invitation they are "invited", whether or not the email
    has an account: the organiser must not learn which emails are registered."""
    member = conn.execute(
        "SELECT accepted_at FROM pair_members WHERE pair_id = ? AND user_id = ?",
        (pair_id, user_id),
    ).fetchone()
    if member is None or member["accepted_at"] is None:
        return "invited"
    row = pin(conn, pair_id, user_id)
    if row is not None and row["verified_at"]:
        return "verified"
    notebook = notebook_for_pair(conn, pair_id)
    if notebook and wrapped_key(conn, notebook["id"], user_id, notebook["key_version"]):
        return "key shared"
    return "joined"


def create_pair(conn: db.Connection, programme_id: str, mentor_id: str, mentee_id: str) -> Row:
    """Create a pair with its two members; the caller runs this inside a transaction."""
    pair_id = "p_" + secrets.token_urlsafe(12)
    conn.execute(
        "INSERT INTO pairs (id, programme_id, code, created_at) VALUES (?, ?, ?, ?)",
        (pair_id, programme_id, new_pair_code(conn), clock.iso()),
    )
    conn.executemany(
        "INSERT INTO pair_members (pair_id, user_id, role) VALUES (?, ?, ?)",
        [(pair_id, mentor_id, "mentor"), (pair_id, mentee_id, "mentee")],
    )
    return conn.execute("SELECT * FROM pairs WHERE id = ?", (pair_id,)).fetchone()


def accept_membership(
    conn: db.Connection, pair_id: str, user_id: str, role: str, display_name: str
) -> bool:
    """The invited member accepts the pair, under the name they chose for it; False if they are
    not (or no longer) invited to it in that role."""
    cur = conn.execute(
        "UPDATE pair_members SET accepted_at = ?, display_name = ? "
        "WHERE pair_id = ? AND user_id = ? AND role = ? AND accepted_at IS NULL",
        (clock.iso(), display_name, pair_id, user_id, role),
    )
    return cur.rowcount == 1


def record_departure(conn: db.Connection, pair_id: str, role: str, reason: str) -> None:
    """Remember that the member in `role` left (`reason`: 'left' or 'removed'), dated to the day."""
    conn.execute(
        "INSERT OR REPLACE INTO pair_departures (pair_id, role, reason, left_at) "
        "VALUES (?, ?, ?, ?)",
        (pair_id, role, reason, clock.iso()[:10] + "T00:00:00Z"),
    )


def delete_member(conn: db.Connection, pair_id: str, user_id: str) -> None:
    """Take the user's membership row out of the pair."""
    conn.execute("DELETE FROM pair_members WHERE pair_id = ? AND user_id = ?", (pair_id, user_id))


def store_wrapped_key(
    conn: db.Connection,
    notebook_id: str,
    user_id: str,
    key_version: int,
    wrapped_key: str,
    identity_version: int,
) -> None:
    """A member's own wrap of the notebook key (replacing an earlier wrap of the same version)."""
    conn.execute(
        "INSERT OR REPLACE INTO notebook_keys (notebook_id, user_id, key_version, wrapped_key, "
        "identity_version, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (notebook_id, user_id, key_version, wrapped_key, identity_version, clock.iso()),
    )


def replace_share(
    conn: db.Connection,
    share_id: str,
    notebook_id: str,
    key_version: int,
    from_user: str,
    to_user: str,
    to_identity_version: int,
    share: str,
) -> None:
    """Store a signed key share; it replaces any share of the same key version still waiting
    for the same member."""
    conn.execute(
        "DELETE FROM key_shares WHERE notebook_id = ? AND to_user = ? AND key_version = ? "
        "AND accepted_at IS NULL",
        (notebook_id, to_user, key_version),
    )
    conn.execute(
        "INSERT INTO key_shares (id, notebook_id, key_version, from_user, to_user, "
        "to_identity_version, share, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            share_id,
            notebook_id,
            key_version,
            from_user,
            to_user,
            to_identity_version,
            share,
            clock.iso(),
        ),
    )


def mark_share_accepted(conn: db.Connection, share_id: str) -> None:
    """The member has stored their own wrap of the shared key."""
    conn.execute("UPDATE key_shares SET accepted_at = ? WHERE id = ?", (clock.iso(), share_id))


def store_pin(
    conn: db.Connection, pair_id: str, owner_id: str, partner_id: str, pin: str, *, verified: bool
) -> None:
    """A member's signed pin of their partner's bundle, replacing their earlier one; `verified`
    when they compared safety numbers."""
    now = clock.iso()
    conn.execute(
        "INSERT INTO pins (pair_id, owner_id, partner_id, pin, verified_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pair_id, owner_id) DO UPDATE SET "
        "partner_id = excluded.partner_id, pin = excluded.pin, "
        "verified_at = excluded.verified_at, updated_at = excluded.updated_at",
        (pair_id, owner_id, partner_id, pin, now if verified else None, now),
    )


def delete_member_keys(conn: db.Connection, notebook_id: str, user_id: str) -> None:
    """A leaving member's wraps of the notebook key and the shares from or to them."""
    args = (notebook_id, user_id)
    conn.execute("DELETE FROM notebook_keys WHERE notebook_id = ? AND user_id = ?", args)
    conn.execute("DELETE FROM key_shares WHERE notebook_id = ? AND from_user = ?", args)
    conn.execute("DELETE FROM key_shares WHERE notebook_id = ? AND to_user = ?", args)


def delete_pins(conn: db.Connection, pair_id: str, user_id: str) -> None:
    """Every pin in the pair that the user made or that pins the user."""
    conn.execute(
        "DELETE FROM pins WHERE pair_id = ? AND (owner_id = ? OR partner_id = ?)",
        (pair_id, user_id, user_id),
    )


def read_only(pair: Row) -> bool:
    """An ended or paused pair, or a removed member: the notebook can be read and exported, not
    changed."""
    return bool(pair["ended_at"] or pair["removed_at"] or paused(pair))


def last_readable_day(moment: str) -> str:
    """The last whole day (ISO date) before the purge takes what ended at `moment`: the purge may
    run at any time on the grace period's last day (retention.GRACE_DAYS), so that day is not
    promised."""
    return (clock.parse(moment) + timedelta(days=GRACE_DAYS - 1)).date().isoformat()


def readable_until(pair: Row) -> str | None:
    """The last day an ended pair's notebook, or a removed member's access, can be read and
    downloaded; None while the pair goes on."""
    # Removed from a pair that has ended too: whichever purge comes first ends the reading.
    moments = [m for m in (pair["removed_at"], pair["ended_at"]) if m]
    return last_readable_day(min(moments)) if moments else None


def end_pair(conn: db.Connection, pair_id: str) -> None:
    """End a pair (once: the first ending's moment is kept)."""
    conn.execute(
        "UPDATE pairs SET ended_at = COALESCE(ended_at, ?) WHERE id = ?", (clock.iso(), pair_id)
    )


def remove_member(conn: db.Connection, pair_id: str, role: str) -> None:
    """Remove the member in `role` from the pair (once: the first removal's moment is kept)."""
    conn.execute(
        "UPDATE pair_members SET removed_at = COALESCE(removed_at, ?) "
        "WHERE pair_id = ? AND role = ?",
        (clock.iso(), pair_id, role),
    )


def forget_identity(conn: db.Connection, user_id: str) -> None:
    """After a reset: the old identity's wraps and pins can never be opened or checked again, and
    shares still waiting were made for one side's old keys."""
    conn.execute("DELETE FROM notebook_keys WHERE user_id = ?", (user_id,))
    conn.execute("DELETE FROM pins WHERE owner_id = ?", (user_id,))
    conn.execute(
        "DELETE FROM key_shares WHERE accepted_at IS NULL AND (from_user = ? OR to_user = ?)",
        (user_id, user_id),
    )


def paused(pair: Row) -> bool:
    """Whether an organiser has paused the pair (rows without the column: not paused)."""
    return "paused_at" in pair.keys() and bool(pair["paused_at"])  # noqa: SIM118 (sqlite rows)


def pause_pair(conn: db.Connection, pair_id: str) -> bool:
    """Pause a pair that goes on; False if it is paused or has ended already."""
    cur = conn.execute(
        "UPDATE pairs SET paused_at = ? WHERE id = ? AND paused_at IS NULL AND ended_at IS NULL",
        (clock.iso(), pair_id),
    )
    return cur.rowcount == 1


def resume_pair(conn: db.Connection, pair_id: str) -> bool:
    """Resume a paused pair; False if it is not paused."""
    cur = conn.execute(
        "UPDATE pairs SET paused_at = NULL WHERE id = ? AND paused_at IS NOT NULL", (pair_id,)
    )
    return cur.rowcount == 1


def add_member(conn: db.Connection, pair_id: str, user_id: str, role: str) -> None:
    """Invite a user into the pair in `role`, whose member left: the newcomer takes the role's
    place (the record of the departure goes with it)."""
    conn.execute("DELETE FROM pair_departures WHERE pair_id = ? AND role = ?", (pair_id, role))
    conn.execute(
        "INSERT INTO pair_members (pair_id, user_id, role) VALUES (?, ?, ?)",
        (pair_id, user_id, role),
    )
