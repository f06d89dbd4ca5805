"""Retention that enforces itself: `pairbook purge` deletes what is due and warns before it does.

Safe to run from cron and twice in a row: every step selects only what is due at `now`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from flask import Flask

from workspace.accounts import queries as accounts
from workspace.accounts import sessions
from workspace.core import clock, db, mail
from workspace.flags import queries as flags
from workspace.notebook import queries as notebook
from workspace.organiser import programmes
from workspace.pairs import queries as pairs
from workspace.recruitment import retention as recruitment_retention
from workspace.rights import erasure as rights
from workspace.rights import retention
from workspace.sharing import signals


def _expire_notebooks(conn: db.Connection, today: date, counts: Counter[str]) -> None:
    for programme in conn.execute("SELECT * FROM programmes WHERE purged_at IS NULL").fetchall():
        if today < retention.deletion_date(programme):
            continue
        programme_id = programme["id"]
        counts["notebooks past retention"] += notebook.delete_programme_notebooks(
            conn, programme_id
        )
        counts["flags past retention"] += flags.delete_programme_flags(conn, programme_id)
        counts["consents past retention"] += signals.delete_programme_consents(conn, programme_id)
        programmes.mark_purged(conn, programme_id)


def _end_of_grace(conn: db.Connection, now: str, counts: Counter[str]) -> None:
    cutoff = clock.iso(clock.parse(now) - timedelta(days=retention.GRACE_DAYS))
    for row in pairs.removed_before(conn, cutoff):
        rights.leave_pair(conn, row["pair_id"], row["user_id"], "removed")
        counts["removed participants"] += 1
    counts["notebooks of ended pairs"] += notebook.delete_ended_notebooks(conn, cutoff)


def _housekeeping(conn: db.Connection, app: Flask, now: str, counts: Counter[str]) -> None:
    moment = clock.parse(now)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    counts["sessions"] += sessions.delete_stale(
        conn, clock.iso(moment - idle), clock.iso(moment - absolute)
    )
    counts["invitations"] += accounts.delete_spent_invitations(conn, now)
    counts["recovery grants"] += accounts.delete_spent_grants(conn, now)
    old = clock.iso(moment - timedelta(days=retention.OUTBOX_DAYS))
    counts["outbox messages"] += mail.delete_old(conn, old)
    counts["never-joined invitees"] += accounts.delete_never_joined(conn)


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
            recruitment_retention.enforce(conn, today, counts)
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
