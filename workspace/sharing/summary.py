"""Each pair's signals as the organiser may see them, kept in `signal_summary` (and the shared
meetings per month in `signal_months`) so that the dashboard and the funder report read a
programme of 10,000 pairs in a few indexed statements instead of recomputing every pair.

How it stays exact: any write to a table the signals come from (pairs, members, consents,
notebooks, entries, confirmations, flags) marks its pair in `signal_stale`, by a trigger, in the
write's own transaction (migration 0021), so no write path can forget it, and drops the pair's
summary rows there and then (nothing derived outlives what it came from). Every read here first
recomputes the programme's stale pairs with the set queries of `signals` (the same rules as
`signals.statuses`), under the write lock, and only then reads: a summary is never older than
the rows it is computed from. tests/test_signal_summary.py compares it with a computation from
scratch after random sequences of writes.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from workspace.core import clock, db
from workspace.notebook.phase import PHASES
from workspace.sharing import signals

Row = Any

# The pair table's sort orders, as the dashboard has always sorted: by the value, then by code
# (also when descending); pairs that do not share the value come after those that do, either
# way. "Last activity" shared but with no activity yet sorts as the empty week.
ORDERS = {
    "code": "code {dir}",
    "phase": "phase IS NULL, phase_rank {dir}, code",
    "meetings": "meetings IS NULL, meetings {dir}, code",
    "activity": "activity_shared = 0, coalesce(week, '') {dir}, code",
    "flags": "open_flags {dir}, code",
}
# The programme's stale pairs; CROSS JOIN keeps the (usually empty) stale table the outer loop.
_STALE = (
    "SELECT s.pair_id FROM signal_stale s CROSS JOIN pairs p ON p.id = s.pair_id "
    "WHERE p.programme_id = ?"
)


def refresh(conn: db.Connection, programme_id: str) -> int:
    """Recompute the programme's stale pairs (in the caller's transaction, or in one of its
    own); return how many there were. One statement when nothing changed since the last read."""
    if conn.execute(_STALE + " LIMIT 1", (programme_id,)).fetchone() is None:
        return 0
    if conn.in_transaction:
        return _recompute(conn, programme_id)
    with db.transaction(conn):
        return _recompute(conn, programme_id)


def _recompute(conn: db.Connection, programme_id: str) -> int:
    rows = signals.stale_statuses(conn, programme_id)
    for table in ("signal_summary", "signal_months"):
        conn.execute(
            f"DELETE FROM {table} WHERE pair_id IN ({_STALE})",  # noqa: S608 (fixed names)
            (programme_id,),
        )
    conn.executemany(
        "INSERT INTO signal_summary (pair_id, programme_id, code, created_at, signals, phase, "
        "phase_rank, meetings, activity_shared, week, week_start, open_flags) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_summary_row(programme_id, r) for r in rows],
    )
    conn.executemany(
        "INSERT INTO signal_months (pair_id, programme_id, month, meetings) VALUES (?, ?, ?, ?)",
        [
            (r["pair"]["id"], programme_id, month, n)
            for r in rows
            if r["signals"]["meetings"]
            for month, n in r["signals"]["meetings"]["by_month"].items()
        ],
    )
    conn.execute(f"DELETE FROM signal_stale WHERE pair_id IN ({_STALE})", (programme_id,))  # noqa: S608
    return len(rows)


def _summary_row(programme_id: str, row: dict[str, Any]) -> tuple[Any, ...]:
    seen, pair = row["signals"], row["pair"]
    activity = seen["activity"]
    week = activity["week"] if activity else None
    return (
        pair["id"],
        programme_id,
        pair["code"],
        pair["created_at"],
        json.dumps(seen, separators=(",", ":")),
        seen["phase"],
        PHASES.index(seen["phase"]) if seen["phase"] else None,
        seen["meetings"]["total"] if seen["meetings"] else None,
        int(activity is not None),
        week,
        signals.week_start(week).isoformat() if week else None,
        row["open_flags"],
    )


def attention_cutoff(weeks: int) -> str:
    """The Monday before which a last-activity week counts as more than `weeks` whole weeks
    ago (weeks are compared, the precision the members consented to)."""
    this_week = signals.week_start(signals.iso_week(clock.now()))
    return (this_week - timedelta(weeks=weeks)).isoformat()


def _where(phase: str, attention_weeks: int | None) -> tuple[str, list[Any]]:
    """The pair table's filters: a shared phase, and "needs attention" (an open flag, no shared
    activity, or more than `attention_weeks` weeks since the week of the last activity)."""
    where, params = "programme_id = ?", []
    if phase:
        where += " AND phase = ?"
        params.append(phase)
    if attention_weeks is not None:
        where += " AND (open_flags > 0 OR activity_shared = 0 OR week IS NULL OR week_start < ?)"
        params.append(attention_cutoff(attention_weeks))
    return where, params


def matching(
    conn: db.Connection, programme_id: str, phase: str, attention_weeks: int | None
) -> int:
    """How many of the programme's pairs the filters keep."""
    refresh(conn, programme_id)
    where, params = _where(phase, attention_weeks)
    return conn.execute(
        f"SELECT count(*) FROM signal_summary WHERE {where}",  # noqa: S608 (fixed clauses)
        (programme_id, *params),
    ).fetchone()[0]


def page(
    conn: db.Connection,
    programme_id: str,
    *,
    phase: str,
    attention_weeks: int | None,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> list[dict[str, Any]]:
    """One page of the pair table, shaped as `signals.statuses` rows: ``pair`` (id, code,
    created_at), ``signals`` and ``open_flags``."""
    refresh(conn, programme_id)
    where, params = _where(phase, attention_weeks)
    order = ORDERS[sort].format(dir="DESC" if descending else "ASC")
    # The order from the index of filters and sort keys, then the page's rows whole.
    ids = [
        r[0]
        for r in conn.execute(
            f"SELECT pair_id FROM signal_summary WHERE {where} "  # noqa: S608 (fixed clauses)
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            (programme_id, *params, limit, offset),
        )
    ]
    found = {
        r["pair_id"]: r
        for r in conn.execute(
            "SELECT pair_id, code, created_at, signals, open_flags FROM signal_summary "
            "WHERE pair_id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        )
    }
    return [
        {
            "pair": {"id": r["pair_id"], "code": r["code"], "created_at": r["created_at"]},
            "signals": json.loads(r["signals"]),
            "open_flags": r["open_flags"],
        }
        for r in (found[i] for i in ids)
    ]


def phase_counts(conn: db.Connection, programme_id: str) -> dict[str | None, int]:
    """The programme's pairs by shared phase (None: not shared)."""
    refresh(conn, programme_id)
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT phase, count(*) FROM signal_summary WHERE programme_id = ? GROUP BY phase",
            (programme_id,),
        )
    }


def meeting_counts(conn: db.Connection, programme_id: str) -> dict[int | None, int]:
    """The programme's pairs by their shared number of meetings (None: not shared)."""
    refresh(conn, programme_id)
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT meetings, count(*) FROM signal_summary WHERE programme_id = ? "
            "GROUP BY meetings",
            (programme_id,),
        )
    }


def months(conn: db.Connection, programme_id: str) -> dict[str, int]:
    """Meetings per month over the pairs that share their meetings (the meeting's month where
    its client stated it, else the month it was logged), by month."""
    refresh(conn, programme_id)
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT month, sum(meetings) FROM signal_months WHERE programme_id = ? "
            "GROUP BY month ORDER BY month",
            (programme_id,),
        )
    }


def rows(conn: db.Connection, programme_id: str) -> list[dict[str, Any]]:
    """Every pair's summary, by code, shaped as `signals.statuses` rows (for tests and tools:
    the pages read a page at a time)."""
    refresh(conn, programme_id)
    return page(
        conn,
        programme_id,
        phase="",
        attention_weeks=None,
        sort="code",
        descending=False,
        offset=0,
        limit=-1,
    )
