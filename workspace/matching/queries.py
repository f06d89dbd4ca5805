"""The matching's one table: the organiser's criteria per programme."""

from __future__ import annotations

import json
from typing import Any

from workspace.core import clock, db


def criteria(conn: db.Connection, programme_id: str) -> dict[str, Any] | None:
    """The saved criteria of the programme, or None when the organiser has saved none."""
    row = conn.execute(
        "SELECT criteria FROM matching_criteria WHERE programme_id = ?", (programme_id,)
    ).fetchone()
    return json.loads(row["criteria"]) if row else None


def save_criteria(
    conn: db.Connection, programme_id: str, value: dict[str, Any], user_id: str
) -> None:
    """Store the criteria (already checked by matching.criteria.clean)."""
    conn.execute(
        "INSERT INTO matching_criteria (programme_id, criteria, updated_by, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (programme_id) DO UPDATE SET "
        "criteria = excluded.criteria, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at",
        (programme_id, json.dumps(value, separators=(",", ":")), user_id, clock.iso()),
    )


def matchable_programmes(conn: db.Connection, user_id: str, pool: tuple[str, ...]) -> list[Any]:
    """The programmes this organiser organises that have applications of both roles still open
    (their status in `pool`), oldest first."""
    return conn.execute(
        "SELECT g.id, g.name FROM programmes g "
        "JOIN programme_organisers o ON o.programme_id = g.id AND o.user_id = ? "
        "WHERE (SELECT count(DISTINCT a.role) FROM applications a WHERE a.programme_id = g.id "
        "AND a.status IN (SELECT value FROM json_each(?))) = 2 ORDER BY g.created_at",
        (user_id, json.dumps(list(pool))),
    ).fetchall()
