"""Member notifications, their switches, mail preferences and consent to share an email address
with the programme group: every write to `notifications`, `notification_settings`,
`mail_preferences` and `group_consents`. Only kinds, pairs and times: never any content."""

from __future__ import annotations

from typing import Any

from workspace.core import clock, db

Row = Any
# What a member can be told about; each can be switched off on the account page.
KINDS = (
    "agreement_waiting",
    "partner_joined",
    "organiser_reply",
    "organiser_message",
    "evaluation_due",
    "quiet_pair",
)


def add(
    conn: db.Connection,
    user_id: str,
    kind: str,
    pair_id: str | None,
    ref: str = "",
    *,
    mailed: bool = False,
) -> bool:
    """Note that something waits for the member, unless the same thing already waits unseen
    (a partner saving the agreement five times is one thing to look at). `mailed` for what the
    member got by mail anyway. Returns whether a notification was added."""
    waiting = conn.execute(
        "SELECT 1 FROM notifications WHERE user_id = ? AND kind = ? AND pair_id IS ? AND ref = ? "
        "AND seen_at IS NULL",
        (user_id, kind, pair_id, ref),
    ).fetchone()
    if waiting:
        return False
    now = clock.iso()
    conn.execute(
        "INSERT INTO notifications (user_id, pair_id, kind, ref, created_at, mailed_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, pair_id, kind, ref, now, now if mailed else None),
    )
    return True


def ever(conn: db.Connection, user_id: str, kind: str, pair_id: str | None, ref: str) -> bool:
    """Whether the member was ever told this (for nudges that come once per occasion)."""
    return (
        conn.execute(
            "SELECT 1 FROM notifications WHERE user_id = ? AND kind = ? AND pair_id IS ? "
            "AND ref = ?",
            (user_id, kind, pair_id, ref),
        ).fetchone()
        is not None
    )


def last_of_kind(conn: db.Connection, pair_id: str, kind: str) -> str | None:
    """When a pair's members were last told this kind."""
    row = conn.execute(
        "SELECT MAX(created_at) AS at FROM notifications WHERE pair_id = ? AND kind = ?",
        (pair_id, kind),
    ).fetchone()
    return row["at"] if row else None


def unseen(conn: db.Connection, user_id: str, pair_id: str | None = None) -> list[Row]:
    """What waits for the member (in one pair, if given), newest first, of kinds switched on."""
    return conn.execute(
        "SELECT n.*, g.name AS programme_name FROM notifications n "
        "LEFT JOIN pairs p ON p.id = n.pair_id LEFT JOIN programmes g ON g.id = p.programme_id "
        "WHERE n.user_id = ? AND n.seen_at IS NULL AND (? IS NULL OR n.pair_id = ?) "
        "AND NOT EXISTS (SELECT 1 FROM notification_settings s WHERE s.user_id = n.user_id "
        " AND s.kind = n.kind AND s.enabled = 0) ORDER BY n.id DESC",
        (user_id, pair_id, pair_id),
    ).fetchall()


def mark_seen(conn: db.Connection, user_id: str, ids: list[int] | None = None) -> None:
    """The member has seen these notifications (all, without `ids`)."""
    if ids is None:
        conn.execute(
            "UPDATE notifications SET seen_at = ? WHERE user_id = ? AND seen_at IS NULL",
            (clock.iso(), user_id),
        )
        return
    for n in ids:
        conn.execute(
            "UPDATE notifications SET seen_at = ? WHERE user_id = ? AND id = ? AND seen_at IS NULL",
            (clock.iso(), user_id, n),
        )


def mark_seen_kind(conn: db.Connection, user_id: str, kind: str, pair_id: str) -> None:
    """What this kind said about the pair is dealt with (e.g. the agreement was confirmed)."""
    conn.execute(
        "UPDATE notifications SET seen_at = ? WHERE user_id = ? AND kind = ? AND pair_id = ? "
        "AND seen_at IS NULL",
        (clock.iso(), user_id, kind, pair_id),
    )


def digest_due(conn: db.Connection, since: str) -> list[Row]:
    """Members with notifications not mailed yet, of kinds switched on, whose last digest went
    before `since` (or never)."""
    return conn.execute(
        "SELECT DISTINCT n.user_id, u.email FROM notifications n JOIN users u ON u.id = n.user_id "
        "LEFT JOIN mail_preferences p ON p.user_id = n.user_id "
        "WHERE n.mailed_at IS NULL AND n.seen_at IS NULL "
        "AND (p.last_digest_at IS NULL OR p.last_digest_at <= ?) "
        "AND NOT EXISTS (SELECT 1 FROM notification_settings s WHERE s.user_id = n.user_id "
        " AND s.kind = n.kind AND s.enabled = 0) ORDER BY n.user_id",
        (since,),
    ).fetchall()


def unmailed(conn: db.Connection, user_id: str) -> list[Row]:
    """A member's notifications for the digest: not mailed, not seen, kind switched on."""
    return [r for r in unseen(conn, user_id) if r["mailed_at"] is None]


def mark_mailed(conn: db.Connection, user_id: str, ids: list[int]) -> None:
    """These went out in a digest, now."""
    now = clock.iso()
    for n in ids:
        conn.execute(
            "UPDATE notifications SET mailed_at = ? WHERE id = ? AND user_id = ?", (now, n, user_id)
        )
    conn.execute(
        "INSERT INTO mail_preferences (user_id, last_digest_at) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET last_digest_at = excluded.last_digest_at",
        (user_id, now),
    )


def settings(conn: db.Connection, user_id: str) -> dict[str, bool]:
    """Each kind's switch for the member (on unless switched off)."""
    off = {
        r["kind"]
        for r in conn.execute(
            "SELECT kind FROM notification_settings WHERE user_id = ? AND enabled = 0", (user_id,)
        )
    }
    return {kind: kind not in off for kind in KINDS}


def enabled(conn: db.Connection, user_id: str, kind: str) -> bool:
    """Whether the member wants this kind."""
    return settings(conn, user_id).get(kind, True)


def save_settings(conn: db.Connection, user_id: str, choices: dict[str, bool]) -> None:
    """Store every kind's switch."""
    now = clock.iso()
    for kind in KINDS:
        conn.execute(
            "INSERT INTO notification_settings (user_id, kind, enabled, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (user_id, kind) DO UPDATE SET "
            "enabled = excluded.enabled, updated_at = excluded.updated_at",
            (user_id, kind, int(choices.get(kind, True)), now),
        )


def mail_language(conn: db.Connection, user_id: str) -> str | None:
    """The language the member chose for mail, if any."""
    row = conn.execute(
        "SELECT language FROM mail_preferences WHERE user_id = ?", (user_id,)
    ).fetchone()
    return row["language"] if row else None


def set_mail_language(conn: db.Connection, user_id: str, language: str | None) -> None:
    """Choose the mail language (None: the programme's)."""
    conn.execute(
        "INSERT INTO mail_preferences (user_id, language) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language",
        (user_id, language),
    )


def record_group_consent(conn: db.Connection, programme_id: str, user_id: str, yes: bool) -> None:
    """A decision to share (or stop sharing) one's email with the programme group."""
    conn.execute(
        "INSERT INTO group_consents (programme_id, user_id, decision, decided_at) "
        "VALUES (?, ?, ?, ?)",
        (programme_id, user_id, int(yes), clock.iso()),
    )


def group_consent(conn: db.Connection, programme_id: str, user_id: str) -> bool:
    """The member's latest decision (no decision: not shared)."""
    row = conn.execute(
        "SELECT decision FROM group_consents WHERE programme_id = ? AND user_id = ? "
        "ORDER BY id DESC LIMIT 1",
        (programme_id, user_id),
    ).fetchone()
    return bool(row and row["decision"])


def group_list(conn: db.Connection, programme_id: str) -> list[Row]:
    """Members of the programme whose latest decision is to share: name, role, email."""
    return conn.execute(
        "SELECT u.email, m.role, m.display_name FROM pair_members m "
        "JOIN pairs p ON p.id = m.pair_id JOIN users u ON u.id = m.user_id "
        "WHERE p.programme_id = ? AND m.accepted_at IS NOT NULL AND m.removed_at IS NULL "
        "AND (SELECT c.decision FROM group_consents c WHERE c.programme_id = p.programme_id "
        " AND c.user_id = m.user_id ORDER BY c.id DESC LIMIT 1) = 1 "
        "ORDER BY m.role, m.display_name, u.email",
        (programme_id,),
    ).fetchall()


def export_rows(conn: db.Connection, table: str, user_id: str) -> list[dict[str, Any]]:
    """A member's rows of one of these tables, for their data export."""
    if table not in (
        "notifications",
        "notification_settings",
        "mail_preferences",
        "group_consents",
    ):
        raise ValueError(table)
    return [
        dict(r)
        for r in conn.execute(
            f"SELECT * FROM {table} WHERE user_id = ?",  # noqa: S608 (a fixed name)
            (user_id,),
        )
    ]


def active_pairs(conn: db.Connection, today: str) -> list[Row]:
    """Pairs running today (programme started, not ended, pair not ended) with a notebook:
    pair, programme dates, notebook id and when it was made."""
    return conn.execute(
        "SELECT p.id AS pair_id, p.programme_id, g.start_date, g.mid_date, g.end_date, "
        "n.id AS notebook_id, n.created_at AS notebook_created "
        "FROM pairs p JOIN programmes g ON g.id = p.programme_id "
        "JOIN notebooks n ON n.pair_id = p.id WHERE p.ended_at IS NULL AND g.purged_at IS NULL "
        "AND g.start_date <= ? AND g.end_date >= ? ORDER BY p.id",
        (today, today),
    ).fetchall()


def joined_members(conn: db.Connection, pair_id: str) -> list[Row]:
    """The pair's members who accepted (and were not removed): id and email."""
    return conn.execute(
        "SELECT u.id, u.email, m.role FROM pair_members m JOIN users u ON u.id = m.user_id "
        "WHERE m.pair_id = ? AND m.accepted_at IS NOT NULL AND m.removed_at IS NULL",
        (pair_id,),
    ).fetchall()


def last_meeting_logged(conn: db.Connection, notebook_id: str) -> str | None:
    """When a meeting entry was last created (metadata only)."""
    row = conn.execute(
        "SELECT MAX(created_at) AS at FROM entries "
        "WHERE notebook_id = ? AND entry_type = 'meeting'",
        (notebook_id,),
    ).fetchone()
    return row["at"] if row else None


def evaluation_since(conn: db.Connection, notebook_id: str, user_id: str, since: str) -> bool:
    """Whether the member saved an evaluation since `since` (metadata only)."""
    return (
        conn.execute(
            "SELECT 1 FROM entries WHERE notebook_id = ? AND entry_type = 'evaluation' "
            "AND created_by = ? AND updated_at >= ?",
            (notebook_id, user_id, since),
        ).fetchone()
        is not None
    )


def pair_programme(conn: db.Connection, pair_id: str) -> Row | None:
    """The programme of a pair."""
    return conn.execute(
        "SELECT g.* FROM programmes g JOIN pairs p ON p.programme_id = g.id WHERE p.id = ?",
        (pair_id,),
    ).fetchone()
