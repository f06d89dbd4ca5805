"""What the organiser's pages read: programmes, rosters, open invitations, contacts and flags of
the programmes they organise. Read-only: each table's writes live with its owner."""

from __future__ import annotations

from typing import Any

from workspace.core import db

Row = Any


def programmes_of(conn: db.Connection, user_id: str) -> list[Row]:
    """The programmes an organiser runs, newest start first, with their number of pairs."""
    return conn.execute(
        "SELECT g.*, (SELECT count(*) FROM pairs p WHERE p.programme_id = g.id) AS pair_count "
        "FROM programmes g JOIN programme_organisers o ON o.programme_id = g.id "
        "WHERE o.user_id = ? ORDER BY g.start_date DESC",
        (user_id,),
    ).fetchall()


def organiser_names(conn: db.Connection, programme_id: str) -> list[Row]:
    """A programme's organisers (name, joined), in the order they were added."""
    return conn.execute(
        "SELECT u.display_name, u.joined_at FROM programme_organisers o "
        "JOIN users u ON u.id = o.user_id WHERE o.programme_id = ? ORDER BY o.added_at",
        (programme_id,),
    ).fetchall()


def pairs_in(conn: db.Connection, programme_id: str, *, by_code: bool = False) -> list[Row]:
    """A programme's pairs, in the order they were formed (or by code)."""
    order = "code" if by_code else "created_at"
    return conn.execute(
        f"SELECT * FROM pairs WHERE programme_id = ? ORDER BY {order}",  # noqa: S608 (fixed)
        (programme_id,),
    ).fetchall()


def present_members(conn: db.Connection, pair_id: str) -> dict[str, Row]:
    """The pair's members still in it, by role (user_id, removed_at)."""
    return {
        m["role"]: m
        for m in conn.execute(
            "SELECT role, user_id, removed_at FROM pair_members WHERE pair_id = ?", (pair_id,)
        )
    }


def has_open_invitation(conn: db.Connection, pair_id: str, user_id: str, now: str) -> bool:
    """Whether the member's invitation link to this pair still works."""
    return (
        conn.execute(
            "SELECT 1 FROM invitations WHERE pair_id = ? AND user_id = ? "
            "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
            (pair_id, user_id, now),
        ).fetchone()
        is not None
    )


def member(conn: db.Connection, pair_id: str, role: str) -> Row | None:
    """A pair's member in a role, with their email, when they accepted the pair (`joined_at`:
    never whether the email has an account) and the pair's programme."""
    return conn.execute(
        "SELECT m.user_id, m.role, u.email, m.accepted_at AS joined_at, p.id AS pair_id, p.code, "
        "p.programme_id FROM pair_members m JOIN users u ON u.id = m.user_id "
        "JOIN pairs p ON p.id = m.pair_id WHERE m.pair_id = ? AND m.role = ?",
        (pair_id, role),
    ).fetchone()


def contacts(conn: db.Connection, pair_id: str) -> list[Row]:
    """The pair's names and emails, mentor first (shown only after an audited reason). The name
    is the one the member chose for this pair when accepting it (None until then): a programme
    never sees the name a member uses in another one."""
    return conn.execute(
        "SELECT m.role, m.display_name, u.email FROM pair_members m "
        "JOIN users u ON u.id = m.user_id WHERE m.pair_id = ? ORDER BY m.role = 'mentee'",
        (pair_id,),
    ).fetchall()
