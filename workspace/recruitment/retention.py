"""Applications that led to no pair are kept `keep_days` after the programme starts, with a
notice two weeks before they go; of a paired application only the record that the address applied
is left, and it goes on the same day. `pairbook purge` (rights/purge.py) runs `enforce` daily."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from workspace.core import clock, db
from workspace.recruitment import mails, queries

NOTICE_DAYS = 14


def deletion_day(row: queries.Row) -> date:
    """The day an application is due to be deleted (its programme's start plus keep_days)."""
    return date.fromisoformat(row["start_date"]) + timedelta(days=row["keep_days"])


def enforce(conn: db.Connection, today: date, counts: Counter[str]) -> None:
    """Queue the notice for applications due within two weeks, and delete those that are due
    and whose notice went at least two weeks ago (so that the notice always comes first, even
    when the purge did not run for a while). The caller holds the transaction."""
    for row in queries.with_dates(conn):
        due = deletion_day(row)
        if row["status"] == "paired":
            # Nothing of the answers is left (pairing removed it); the record that this address
            # applied goes on the same day, without a notice: the person is a member now.
            if today >= due:
                queries.delete_application(conn, row["id"])
                counts["records of paired applications"] += 1
            continue
        if row["warned_at"] is None:
            if today >= due - timedelta(days=NOTICE_DAYS):
                call = queries.call(conn, row["programme_id"], row["role"])
                mails.retention_notice(conn, row, call, max(due, today + timedelta(NOTICE_DAYS)))
                queries.mark_warned(conn, row["id"])
                counts["application retention notices"] += 1
            continue
        warned = clock.parse(row["warned_at"]).date()
        if today >= due and today >= warned + timedelta(days=NOTICE_DAYS):
            queries.delete_application(conn, row["id"])
            counts["applications past retention"] += 1
    counts["application links"] += queries.delete_expired_tokens(conn, clock.iso())
