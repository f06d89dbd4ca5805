"""Events, their invitees and answer links: every write to `events`, `event_invitees` and
`rsvp_links`, and the reads of the programme's participants that communication needs."""

from __future__ import annotations

import json
import secrets
from typing import Any

from workspace.accounts.queries import new_id, token_hash
from workspace.core import clock, db

Row = Any
KINDS = ("orientation", "midpoint", "closing", "other")
AUDIENCES = ("all", "mentors", "mentees")
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "minutes",
    "place",
    "online_url",
    "audience",
    "remind_days",
)


def participants(conn: db.Connection, programme_id: str, audience: str = "all") -> list[Row]:
    """The programme's current pair members (invited or joined, not removed, pair not ended):
    id, email, role, the name chosen for the pair and the pair."""
    roles = {"all": ("mentor", "mentee"), "mentors": ("mentor",), "mentees": ("mentee",)}[audience]
    return conn.execute(
        "SELECT u.id, u.email, m.role, m.display_name, m.accepted_at, p.id AS pair_id "
        "FROM pair_members m JOIN pairs p ON p.id = m.pair_id JOIN users u ON u.id = m.user_id "
        "WHERE p.programme_id = ? AND p.ended_at IS NULL AND m.removed_at IS NULL "
        "AND m.role IN (SELECT value FROM json_each(?)) ORDER BY m.role, u.email",
        (programme_id, json.dumps(roles)),
    ).fetchall()


def programme_organisers(conn: db.Connection, programme_id: str) -> list[Row]:
    """The programme's organisers (id, email, name), earliest first."""
    return conn.execute(
        "SELECT u.id, u.email, u.display_name FROM programme_organisers o "
        "JOIN users u ON u.id = o.user_id WHERE o.programme_id = ? ORDER BY o.added_at, u.id",
        (programme_id,),
    ).fetchall()


def programmes_with_members(conn: db.Connection) -> list[Row]:
    """Every programme not yet purged."""
    return conn.execute("SELECT * FROM programmes WHERE purged_at IS NULL ORDER BY id").fetchall()


def member_programmes(conn: db.Connection, user_id: str) -> list[Row]:
    """The programmes a member has joined a pair in (not removed)."""
    return conn.execute(
        "SELECT DISTINCT g.* FROM programmes g JOIN pairs p ON p.programme_id = g.id "
        "JOIN pair_members m ON m.pair_id = p.id WHERE m.user_id = ? "
        "AND m.accepted_at IS NOT NULL AND m.removed_at IS NULL ORDER BY g.start_date DESC",
        (user_id,),
    ).fetchall()


def create_event(conn: db.Connection, programme_id: str, by: str, fields: dict[str, Any]) -> str:
    """A new event; return its id."""
    event_id = new_id("ev")
    now = clock.iso()
    conn.execute(
        "INSERT INTO events (id, programme_id, kind, title, description, starts_at, minutes, "
        "place, online_url, audience, remind_days, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event_id, programme_id, *(fields[k] for k in EVENT_FIELDS), by, now, now),
    )
    return event_id


def update_event(conn: db.Connection, event_id: str, fields: dict[str, Any]) -> None:
    """Change an event: its SEQUENCE goes up, and a reminder is due again if the time moved."""
    old = event(conn, event_id)
    moved = old is not None and old["starts_at"] != fields["starts_at"]
    sets = ", ".join(f"{k} = ?" for k in EVENT_FIELDS)
    conn.execute(
        f"UPDATE events SET {sets}, sequence = sequence + 1, updated_at = ?, "  # noqa: S608
        "reminded_at = CASE WHEN ? THEN NULL ELSE reminded_at END WHERE id = ?",
        (*(fields[k] for k in EVENT_FIELDS), clock.iso(), int(moved), event_id),
    )
    if moved:
        conn.execute("UPDATE event_invitees SET reminded_at = NULL WHERE event_id = ?", (event_id,))


def cancel_event(conn: db.Connection, event_id: str) -> bool:
    """Cancel an event (its SEQUENCE goes up); False if it was cancelled already."""
    now = clock.iso()
    return (
        conn.execute(
            "UPDATE events SET cancelled_at = ?, sequence = sequence + 1, updated_at = ? "
            "WHERE id = ? AND cancelled_at IS NULL",
            (now, now, event_id),
        ).rowcount
        == 1
    )


def event(conn: db.Connection, event_id: str) -> Row | None:
    """An event by id."""
    return conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()


def events_of(conn: db.Connection, programme_id: str) -> list[Row]:
    """A programme's events with answer counts, in time order."""
    return conn.execute(
        "SELECT e.*, "
        "(SELECT COUNT(*) FROM event_invitees i WHERE i.event_id = e.id) AS invited, "
        "(SELECT COUNT(*) FROM event_invitees i WHERE i.event_id = e.id "
        " AND i.answer = 'coming') AS coming, "
        "(SELECT COUNT(*) FROM event_invitees i WHERE i.event_id = e.id "
        " AND i.answer = 'declined') AS declined "
        "FROM events e WHERE e.programme_id = ? ORDER BY e.starts_at, e.id",
        (programme_id,),
    ).fetchall()


def invitees(conn: db.Connection, event_id: str) -> list[Row]:
    """Who was invited, with their answer and attendance (name as chosen for their pair)."""
    return conn.execute(
        "SELECT i.*, u.email, (SELECT m.display_name FROM pair_members m JOIN pairs p "
        " ON p.id = m.pair_id JOIN events e ON e.programme_id = p.programme_id "
        " WHERE e.id = i.event_id AND m.user_id = i.user_id LIMIT 1) AS name "
        "FROM event_invitees i JOIN users u ON u.id = i.user_id WHERE i.event_id = ? "
        "ORDER BY i.role, u.email",
        (event_id,),
    ).fetchall()


def invitee(conn: db.Connection, event_id: str, user_id: str) -> Row | None:
    """One invitee's row."""
    return conn.execute(
        "SELECT * FROM event_invitees WHERE event_id = ? AND user_id = ?", (event_id, user_id)
    ).fetchone()


def add_invitee(conn: db.Connection, event_id: str, user_id: str, role: str) -> bool:
    """Invite someone (once); True if they were not invited before."""
    return (
        conn.execute(
            "INSERT OR IGNORE INTO event_invitees (event_id, user_id, role, invited_at) "
            "VALUES (?, ?, ?, ?)",
            (event_id, user_id, role, clock.iso()),
        ).rowcount
        == 1
    )


def new_rsvp_link(conn: db.Connection, event_id: str, user_id: str) -> str:
    """A fresh answer link's token for one invitee (shown once in their mail, stored hashed)."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO rsvp_links (token_hash, event_id, user_id, created_at) VALUES (?, ?, ?, ?)",
        (token_hash(token), event_id, user_id, clock.iso()),
    )
    return token


def rsvp_link(conn: db.Connection, token: str) -> Row | None:
    """The link for a token with its event and invitee, used or not; None if forged."""
    return conn.execute(
        "SELECT l.token_hash, l.used_at, l.event_id, l.user_id, i.answer "
        "FROM rsvp_links l JOIN event_invitees i ON i.event_id = l.event_id "
        "AND i.user_id = l.user_id WHERE l.token_hash = ?",
        (token_hash(token),),
    ).fetchone()


def use_rsvp_link(conn: db.Connection, token: str, answer: str) -> bool:
    """Record the answer and spend the link, both or neither; False if it was spent already."""
    row = rsvp_link(conn, token)
    if row is None:
        return False
    spent = conn.execute(
        "UPDATE rsvp_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
        (clock.iso(), row["token_hash"]),
    ).rowcount
    if spent != 1:
        return False
    set_answer(conn, row["event_id"], row["user_id"], answer)
    return True


def set_answer(conn: db.Connection, event_id: str, user_id: str, answer: str) -> None:
    """An invitee's answer: 'coming' or 'declined'."""
    conn.execute(
        "UPDATE event_invitees SET answer = ?, answered_at = ? WHERE event_id = ? AND user_id = ?",
        (answer, clock.iso(), event_id, user_id),
    )


def upcoming(conn: db.Connection, now: str) -> list[Row]:
    """Every event not cancelled and not started, across programmes."""
    return conn.execute(
        "SELECT e.* FROM events e JOIN programmes g ON g.id = e.programme_id "
        "WHERE e.cancelled_at IS NULL AND e.starts_at > ? AND g.purged_at IS NULL "
        "ORDER BY e.starts_at",
        (now,),
    ).fetchall()


def due_reminders(conn: db.Connection, now: str) -> list[Row]:
    """Events not cancelled, not started, whose reminder day (`remind_days` before the start)
    has come and whose reminder has not gone yet."""
    return conn.execute(
        "SELECT * FROM events WHERE cancelled_at IS NULL AND reminded_at IS NULL "
        "AND remind_days > 0 AND starts_at > ? "
        "AND strftime('%Y-%m-%dT%H:%M:%SZ', starts_at, '-' || remind_days || ' days') <= ?",
        (now, now),
    ).fetchall()


def to_remind(conn: db.Connection, event_id: str) -> list[Row]:
    """Invitees who did not decline and were not reminded yet."""
    return conn.execute(
        "SELECT i.*, u.email FROM event_invitees i JOIN users u ON u.id = i.user_id "
        "WHERE i.event_id = ? AND i.reminded_at IS NULL "
        "AND (i.answer IS NULL OR i.answer != 'declined') ORDER BY u.email",
        (event_id,),
    ).fetchall()


def mark_reminded(conn: db.Connection, event_id: str, user_id: str | None = None) -> None:
    """The reminder went to one invitee, or (without `user_id`) the event's reminder is done."""
    if user_id is None:
        conn.execute("UPDATE events SET reminded_at = ? WHERE id = ?", (clock.iso(), event_id))
    else:
        conn.execute(
            "UPDATE event_invitees SET reminded_at = ? WHERE event_id = ? AND user_id = ?",
            (clock.iso(), event_id, user_id),
        )


def set_attendance(conn: db.Connection, event_id: str, attended: set[str]) -> None:
    """After the event: who came (everyone else invited did not)."""
    for row in invitees(conn, event_id):
        conn.execute(
            "UPDATE event_invitees SET attended = ? WHERE event_id = ? AND user_id = ?",
            (int(row["user_id"] in attended), event_id, row["user_id"]),
        )
    conn.execute("UPDATE events SET attendance_at = ? WHERE id = ?", (clock.iso(), event_id))


def missed_without_self_study(conn: db.Connection, event_id: str) -> list[Row]:
    """Invitees marked absent who have not been sent the self-study material."""
    return conn.execute(
        "SELECT i.*, u.email FROM event_invitees i JOIN users u ON u.id = i.user_id "
        "WHERE i.event_id = ? AND i.attended = 0 AND i.self_study_at IS NULL",
        (event_id,),
    ).fetchall()


def mark_self_study(conn: db.Connection, event_id: str, user_id: str) -> None:
    """The self-study orientation went to this invitee."""
    conn.execute(
        "UPDATE event_invitees SET self_study_at = ? WHERE event_id = ? AND user_id = ?",
        (clock.iso(), event_id, user_id),
    )


def member_events(conn: db.Connection, user_id: str) -> list[Row]:
    """Events a member is invited to, with their answer, soonest first."""
    return conn.execute(
        "SELECT e.*, i.answer, g.name AS programme_name FROM event_invitees i "
        "JOIN events e ON e.id = i.event_id JOIN programmes g ON g.id = e.programme_id "
        "WHERE i.user_id = ? ORDER BY e.starts_at",
        (user_id,),
    ).fetchall()


def invitations_of(conn: db.Connection, user_id: str) -> list[Row]:
    """A person's event invitations (for their export)."""
    return conn.execute(
        "SELECT * FROM event_invitees WHERE user_id = ? ORDER BY invited_at", (user_id,)
    ).fetchall()


def rsvp_links_of(conn: db.Connection, user_id: str) -> list[Row]:
    """A person's answer links without their secret (for their export)."""
    return conn.execute(
        "SELECT event_id, user_id, created_at, used_at FROM rsvp_links WHERE user_id = ? "
        "ORDER BY created_at",
        (user_id,),
    ).fetchall()


def created_by(conn: db.Connection, user_id: str) -> list[Row]:
    """Events an organiser created (for their export)."""
    return conn.execute(
        "SELECT * FROM events WHERE created_by = ? ORDER BY created_at", (user_id,)
    ).fetchall()
