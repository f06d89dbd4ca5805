"""Retention that enforces itself: `pairbook purge` deletes what is due and warns before it does.

Safe to run from cron and twice in a row: every step selects only what is due at `now`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from flask import Flask

from workspace.accounts import queries as accounts
from workspace.core import clock, db, mail
from workspace.rights import erasure as rights
from workspace.rights import retention


def _expire_notebooks(conn: db.Connection, today: date, counts: Counter[str]) -> None:
    for programme in conn.execute("SELECT * FROM programmes WHERE purged_at IS NULL").fetchall():
        if today < retention.deletion_date(programme):
            continue
        cur = conn.execute(
            "DELETE FROM notebooks WHERE pair_id IN (SELECT id FROM pairs WHERE programme_id = ?)",
            (programme["id"],),
        )
        counts["notebooks past retention"] += cur.rowcount
        for table in ("flags", "consents"):
            cur = conn.execute(
                f"DELETE FROM {table} WHERE pair_id IN "  # noqa: S608 (fixed names)
                "(SELECT id FROM pairs WHERE programme_id = ?)",
                (programme["id"],),
            )
            counts[f"{table} past retention"] += cur.rowcount
        conn.execute(
            "UPDATE programmes SET purged_at = ? WHERE id = ?", (clock.iso(), programme["id"])
        )


def _end_of_grace(conn: db.Connection, now: str, counts: Counter[str]) -> None:
    cutoff = clock.iso(clock.parse(now) - timedelta(days=retention.GRACE_DAYS))
    for row in conn.execute(
        "SELECT pair_id, user_id FROM pair_members "
        "WHERE removed_at IS NOT NULL AND removed_at <= ?",
        (cutoff,),
    ).fetchall():
        rights.leave_pair(conn, row["pair_id"], row["user_id"], "removed")
        counts["removed participants"] += 1
    cur = conn.execute(
        "DELETE FROM notebooks WHERE pair_id IN "
        "(SELECT id FROM pairs WHERE ended_at IS NOT NULL AND ended_at <= ?)",
        (cutoff,),
    )
    counts["notebooks of ended pairs"] += cur.rowcount


def _housekeeping(conn: db.Connection, app: Flask, now: str, counts: Counter[str]) -> None:
    moment = clock.parse(now)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    cur = conn.execute(
        "DELETE FROM sessions WHERE ended_at IS NOT NULL OR last_seen_at < ? OR created_at < ?",
        (clock.iso(moment - idle), clock.iso(moment - absolute)),
    )
    counts["sessions"] += cur.rowcount
    cur = conn.execute(
        "DELETE FROM invitations WHERE expires_at <= ? OR used_at IS NOT NULL "
        "OR revoked_at IS NOT NULL",
        (now,),
    )
    counts["invitations"] += cur.rowcount
    cur = conn.execute(
        "DELETE FROM recovery_grants WHERE expires_at <= ? OR used_at IS NOT NULL", (now,)
    )
    counts["recovery grants"] += cur.rowcount
    old = clock.iso(moment - timedelta(days=retention.OUTBOX_DAYS))
    cur = conn.execute(
        "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at <= ?) "
        "OR (sent_at IS NULL AND attempts >= ? AND created_at <= ?)",
        (old, mail.MAX_ATTEMPTS, old),
    )
    counts["outbox messages"] += cur.rowcount
    # Invited people who never joined and have no open invitation or membership any more.
    cur = conn.execute(
        "DELETE FROM users WHERE joined_at IS NULL AND role = 'member' "
        "AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.user_id = users.id) "
        "AND NOT EXISTS (SELECT 1 FROM pair_members m WHERE m.user_id = users.id)"
    )
    counts["never-joined invitees"] += cur.rowcount


def purge(app: Flask) -> dict[str, int]:
    """Do everything that is due now; return counts of what was removed or sent."""
    counts: Counter[str] = Counter()
    now = clock.iso()
    today = clock.now().date()
    conn = db.open_for_app(app)
    try:
        base = app.config.get("BASE_URL") or accounts.DEV_URL
        with app.test_request_context(base_url=base), db.transaction(conn):
            retention.warn(conn, today, counts)
            _expire_notebooks(conn, today, counts)
            _end_of_grace(conn, now, counts)
            _housekeeping(conn, app, now, counts)
        mail.deliver_pending(app, conn)
        kept = {row[0] for row in conn.execute("SELECT id FROM outbox")}
    finally:
        conn.close()
    # A written .eml file lives as long as its outbox row.
    for path in (Path(app.instance_path) / "outbox").glob("*.eml"):
        if path.stem.isdigit() and int(path.stem) not in kept:
            path.unlink(missing_ok=True)
            counts["outbox files"] += 1
    return dict(counts)
