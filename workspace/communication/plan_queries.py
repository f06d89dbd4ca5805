"""The message plan's storage: every write to `message_templates`, `message_schedule` and
`message_sends`. A send is recorded as who, which stage, when — never a copy of the mail."""

from __future__ import annotations

from typing import Any

from workspace.core import clock, db

Row = Any


def template(conn: db.Connection, programme_id: str, stage: str, language: str) -> Row | None:
    """The programme's own wording of a stage in one language, if it has one."""
    return conn.execute(
        "SELECT * FROM message_templates WHERE programme_id = ? AND stage = ? AND language = ?",
        (programme_id, stage, language),
    ).fetchone()


def save_template(
    conn: db.Connection, programme_id: str, stage: str, language: str, subject: str, body: str
) -> None:
    """Store the programme's wording of a stage."""
    conn.execute(
        "INSERT INTO message_templates (programme_id, stage, language, subject, body, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (programme_id, stage, language) DO UPDATE SET "
        "subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at",
        (programme_id, stage, language, subject, body, clock.iso()),
    )


def reset_template(conn: db.Connection, programme_id: str, stage: str, language: str) -> None:
    """Back to the ready-written text."""
    conn.execute(
        "DELETE FROM message_templates WHERE programme_id = ? AND stage = ? AND language = ?",
        (programme_id, stage, language),
    )


def schedule(conn: db.Connection, programme_id: str) -> dict[str, Row]:
    """Each scheduled stage's row (send_on, done_at), by stage."""
    return {
        r["stage"]: r
        for r in conn.execute(
            "SELECT * FROM message_schedule WHERE programme_id = ?", (programme_id,)
        )
    }


def set_send_on(conn: db.Connection, programme_id: str, stage: str, send_on: str | None) -> None:
    """Schedule a stage for a day (None: not scheduled); a new day makes it due again."""
    conn.execute(
        "INSERT INTO message_schedule (programme_id, stage, send_on) VALUES (?, ?, ?) "
        "ON CONFLICT (programme_id, stage) DO UPDATE SET send_on = excluded.send_on, "
        "done_at = CASE WHEN message_schedule.send_on IS excluded.send_on "
        "THEN message_schedule.done_at ELSE NULL END",
        (programme_id, stage, send_on),
    )


def due(conn: db.Connection, today: str) -> list[Row]:
    """Scheduled stages whose day has come and that have not been sent."""
    return conn.execute(
        "SELECT s.* FROM message_schedule s JOIN programmes g ON g.id = s.programme_id "
        "WHERE s.send_on IS NOT NULL AND s.send_on <= ? AND s.done_at IS NULL "
        "AND g.purged_at IS NULL ORDER BY s.send_on, s.programme_id, s.stage",
        (today,),
    ).fetchall()


def mark_done(conn: db.Connection, programme_id: str, stage: str) -> None:
    """The scheduled stage went out."""
    conn.execute(
        "UPDATE message_schedule SET done_at = ? WHERE programme_id = ? AND stage = ?",
        (clock.iso(), programme_id, stage),
    )


def record_send(
    conn: db.Connection,
    programme_id: str,
    stage: str,
    user_id: str,
    by: str | None,
    *,
    scheduled: bool,
) -> bool:
    """Record a send; a scheduled stage is recorded (and so sent) once per person: False if it
    was already."""
    return (
        conn.execute(
            "INSERT OR IGNORE INTO message_sends (programme_id, stage, user_id, sent_by, "
            "scheduled, sent_at) VALUES (?, ?, ?, ?, ?, ?)",
            (programme_id, stage, user_id, by, int(scheduled), clock.iso()),
        ).rowcount
        == 1
    )


def sends(conn: db.Connection, programme_id: str) -> list[Row]:
    """The programme's send record, newest first, with the recipient's pair name and role."""
    return conn.execute(
        "SELECT s.*, u.email, (SELECT m.display_name FROM pair_members m JOIN pairs p "
        " ON p.id = m.pair_id WHERE p.programme_id = s.programme_id AND m.user_id = s.user_id "
        " LIMIT 1) AS name, b.display_name AS by_name "
        "FROM message_sends s JOIN users u ON u.id = s.user_id "
        "LEFT JOIN users b ON b.id = s.sent_by WHERE s.programme_id = ? ORDER BY s.id DESC",
        (programme_id,),
    ).fetchall()


def sends_by_stage(conn: db.Connection, programme_id: str) -> dict[str, Row]:
    """How many sends each stage has had and the latest."""
    return {
        r["stage"]: r
        for r in conn.execute(
            "SELECT stage, COUNT(*) AS n, MAX(sent_at) AS last FROM message_sends "
            "WHERE programme_id = ? GROUP BY stage",
            (programme_id,),
        )
    }


def sends_to(conn: db.Connection, user_id: str) -> list[dict[str, Any]]:
    """Sends to a member, for their data export."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT * FROM message_sends WHERE user_id = ?",
            (user_id,),
        )
    ]


def sends_by(conn: db.Connection, user_id: str) -> list[dict[str, Any]]:
    """Sends an organiser made by hand, for their data export."""
    return [
        dict(r) for r in conn.execute("SELECT * FROM message_sends WHERE sent_by = ?", (user_id,))
    ]
