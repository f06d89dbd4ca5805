"""Programmes and forming pairs: shared by the organiser UI and `pairbook demo`."""

from __future__ import annotations

from datetime import date
from typing import Any

from workspace.accounts import queries as accounts
from workspace.core import clock, db
from workspace.pairs import queries as pairs

# The languages a programme can run in (the new-programme form and the planning checklist).
LANGUAGES = ("fi", "fi-selko", "en", "sv")


def create_programme(
    conn: db.Connection,
    organiser_id: str,
    name: str,
    language: str,
    dates: tuple[date, date, date],
) -> str:
    """Create a programme with its first organiser; return its id (caller holds the transaction)."""
    programme_id = accounts.new_id("g")
    start, mid, end = dates
    conn.execute(
        "INSERT INTO programmes (id, name, language, start_date, mid_date, end_date, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            programme_id,
            name,
            language,
            start.isoformat(),
            mid.isoformat(),
            end.isoformat(),
            clock.iso(),
        ),
    )
    add_organiser(conn, programme_id, organiser_id)
    return programme_id


def form_pair(
    conn: db.Connection, programme: Any, mentor_email: str, mentee_email: str
) -> tuple[Any, dict[str, str]]:
    """Create a pair and both invitations (emails queued); return the pair and the tokens."""
    mentor = accounts.get_or_create_user(conn, mentor_email, "member")
    mentee = accounts.get_or_create_user(conn, mentee_email, "member")
    pair = pairs.create_pair(conn, programme["id"], mentor["id"], mentee["id"])
    tokens = {}
    for user, role in ((mentor, "mentor"), (mentee, "mentee")):
        token = accounts.create_invitation(conn, user["id"], role, programme["id"], pair["id"])
        accounts.send_invitation_email(
            conn, user["email"], token, role, programme["name"], programme["language"]
        )
        tokens[role] = token
    return pair, tokens


def organised_by(conn: db.Connection, programme_id: str, user_id: str) -> Any | None:
    """The programme if the user is one of its organisers, else None."""
    return conn.execute(
        "SELECT g.* FROM programmes g JOIN programme_organisers o ON o.programme_id = g.id "
        "WHERE g.id = ? AND o.user_id = ?",
        (programme_id, user_id),
    ).fetchone()


def add_organiser(conn: db.Connection, programme_id: str, user_id: str) -> None:
    """Give a user an organiser's seat in a programme (no change if they have one)."""
    conn.execute(
        "INSERT OR IGNORE INTO programme_organisers (programme_id, user_id, added_at) "
        "VALUES (?, ?, ?)",
        (programme_id, user_id, clock.iso()),
    )


def set_privacy(
    conn: db.Connection,
    programme_id: str,
    *,
    controller: str,
    contact: str,
    retention_days: int,
    extra: str | None,
) -> None:
    """The programme's part of the privacy notice."""
    conn.execute(
        "UPDATE programmes SET controller = ?, privacy_contact = ?, retention_days = ?, "
        "privacy_extra = ? WHERE id = ?",
        (controller, contact, retention_days, extra, programme_id),
    )


def set_plan(
    conn: db.Connection,
    programme_id: str,
    *,
    language: str | None = None,
    dates: tuple[date, date, date] | None = None,
) -> None:
    """Change the programme's language and/or its start, mid-point and end dates (the planning
    checklist). A language outside LANGUAGES or dates out of order are a programming error:
    the caller's form checked them."""
    if language is not None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        conn.execute("UPDATE programmes SET language = ? WHERE id = ?", (language, programme_id))
    if dates is not None:
        start, mid, end = dates
        if not start < mid < end:
            raise ValueError("dates out of order")
        conn.execute(
            "UPDATE programmes SET start_date = ?, mid_date = ?, end_date = ? WHERE id = ?",
            (start.isoformat(), mid.isoformat(), end.isoformat(), programme_id),
        )


def of_person(conn: db.Connection, user_id: str) -> list[Any]:
    """The programmes someone takes part in, as a pair member (once they accepted) or an
    organiser."""
    return conn.execute(
        "SELECT DISTINCT g.* FROM programmes g LEFT JOIN pairs p ON p.programme_id = g.id "
        "LEFT JOIN pair_members m ON m.pair_id = p.id AND m.accepted_at IS NOT NULL "
        "LEFT JOIN programme_organisers o ON o.programme_id = g.id "
        "WHERE m.user_id = ? OR o.user_id = ? ORDER BY g.start_date DESC",
        (user_id, user_id),
    ).fetchall()


def mark_purged(conn: db.Connection, programme_id: str) -> None:
    """The programme's notebooks, flags and consents are gone: the purge skips it from now on."""
    conn.execute("UPDATE programmes SET purged_at = ? WHERE id = ?", (clock.iso(), programme_id))
