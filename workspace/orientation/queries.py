"""Orientation's tables: a programme's own material (how the orientation is held, the
organiser's text and links) and each member's tick "I have gone through the orientation".

`set_mode` and `mode` are the plug for other areas (the planning checklist): they change or read
only how the orientation is held, never the text or the links."""

from __future__ import annotations

from typing import Any

from workspace.core import clock, db

Row = Any
MODES = ("joint", "separate", "self_study")
MAX_LINKS = 5


def _check_mode(value: str | None) -> None:
    if value is not None and value not in MODES:
        raise ValueError(f"unknown orientation mode {value!r}")


def mode(conn: db.Connection, programme_id: str) -> str | None:
    """How the programme's orientation is held ("joint", "separate", "self_study"), or None
    while the organiser has not said."""
    row = conn.execute(
        "SELECT mode FROM orientation_material WHERE programme_id = ?", (programme_id,)
    ).fetchone()
    return row["mode"] if row else None


def set_mode(conn: db.Connection, programme_id: str, mode: str) -> None:
    """Say how the programme's orientation is held; the text and links stay as they are.
    Raises ValueError for a mode that is not one of MODES."""
    _check_mode(mode)
    conn.execute(
        "INSERT INTO orientation_material (programme_id, mode, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (programme_id) DO UPDATE SET mode = excluded.mode, "
        "updated_at = excluded.updated_at",
        (programme_id, mode, clock.iso()),
    )


def material(conn: db.Connection, programme_id: str) -> dict[str, Any]:
    """The programme's own material: mode (or None), text ("" when none) and links (title,
    url) in the organiser's order."""
    row = conn.execute(
        "SELECT mode, text, updated_at FROM orientation_material WHERE programme_id = ?",
        (programme_id,),
    ).fetchone()
    links = conn.execute(
        "SELECT title, url FROM orientation_links WHERE programme_id = ? ORDER BY position",
        (programme_id,),
    ).fetchall()
    return {
        "mode": row["mode"] if row else None,
        "text": row["text"] if row else "",
        "updated_at": row["updated_at"] if row else None,
        "links": [{"title": r["title"], "url": r["url"]} for r in links],
    }


def save_material(
    conn: db.Connection,
    programme_id: str,
    mode: str | None,
    text: str,
    links: list[tuple[str, str]],
) -> None:
    """Replace the programme's material: its mode, text and links (title, url; checked by the
    caller's form, at most MAX_LINKS). Call inside a transaction: all of it lands or none."""
    _check_mode(mode)
    if len(links) > MAX_LINKS:
        raise ValueError("too many links")
    conn.execute(
        "INSERT INTO orientation_material (programme_id, mode, text, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (programme_id) DO UPDATE SET mode = excluded.mode, "
        "text = excluded.text, updated_at = excluded.updated_at",
        (programme_id, mode, text, clock.iso()),
    )
    conn.execute("DELETE FROM orientation_links WHERE programme_id = ?", (programme_id,))
    conn.executemany(
        "INSERT INTO orientation_links (programme_id, position, title, url) VALUES (?, ?, ?, ?)",
        [(programme_id, n, title, url) for n, (title, url) in enumerate(links)],
    )


def done_at(conn: db.Connection, programme_id: str, user_id: str) -> str | None:
    """When the member marked that they have gone through the programme's orientation."""
    row = conn.execute(
        "SELECT done_at FROM orientation_done WHERE programme_id = ? AND user_id = ?",
        (programme_id, user_id),
    ).fetchone()
    return row["done_at"] if row else None


def set_done(conn: db.Connection, programme_id: str, user_id: str, done: bool) -> None:
    """Tick (or untick) "I have gone through the orientation" for a member of the programme;
    ticking again keeps the first moment."""
    if done:
        conn.execute(
            "INSERT INTO orientation_done (programme_id, user_id, done_at) VALUES (?, ?, ?) "
            "ON CONFLICT (programme_id, user_id) DO NOTHING",
            (programme_id, user_id, clock.iso()),
        )
    else:
        conn.execute(
            "DELETE FROM orientation_done WHERE programme_id = ? AND user_id = ?",
            (programme_id, user_id),
        )


def done_members(conn: db.Connection, programme_id: str) -> set[str]:
    """The ids of the programme's members who ticked the orientation."""
    return {
        r["user_id"]
        for r in conn.execute(
            "SELECT user_id FROM orientation_done WHERE programme_id = ?", (programme_id,)
        )
    }


def done_rows_of(conn: db.Connection, user_id: str) -> list[dict[str, Any]]:
    """A person's ticks, with the programme's name (for their data export)."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT d.programme_id, g.name AS programme_name, d.user_id, d.done_at "
            "FROM orientation_done d JOIN programmes g ON g.id = d.programme_id "
            "WHERE d.user_id = ? ORDER BY d.done_at",
            (user_id,),
        )
    ]
