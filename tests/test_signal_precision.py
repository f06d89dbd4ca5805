"""What the organiser sees of last activity is the ISO week, through every filter (issue 12,
item 10): two pairs whose last activity differs only inside one week are always filtered alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from flask import Flask

from tests.helpers import PASSPHRASE, Pair, login_browserless, open_db, synthetic_pair
from workspace.core import clock
from workspace.sharing import signals

MONDAY = date.fromisocalendar(2026, 23, 1)
EARLY = datetime.combine(MONDAY, time(0, 0, 1), UTC)
LATE = datetime.combine(MONDAY + timedelta(days=6), time(23, 59, 59), UTC)


def _active_pair(instance: Path, programme_id: str, code: str, last: datetime) -> str:
    """A pair sharing its activity, whose notebook was last used at ``last``."""
    conn = open_db(instance)
    pair = synthetic_pair(conn, programme_id, code, shared=("activity",))
    conn.execute(
        "INSERT INTO entries (id, notebook_id, entry_type, author_id, revision, envelope, size, "
        "created_at, updated_at) VALUES (?, ?, 'goal', 'x', 1, '{}', 2, ?, ?)",
        (f"e_{code}", f"n_{code}", clock.iso(last), clock.iso(last)),
    )
    conn.commit()
    conn.close()
    return pair


def test_signals_carry_the_week_and_nothing_finer(app: Flask, instance: Path, pair: Pair) -> None:
    early = _active_pair(instance, pair.programme_id, "PB-WKEA", EARLY)
    conn = open_db(instance)
    try:
        seen = signals.visible(conn, early)
        computed = signals.compute(conn, early)
    finally:
        conn.close()
    assert seen["activity"] == {"week": "2026-W23"}
    assert computed["activity"] == {"week": "2026-W23"}


def test_needs_attention_filters_pairs_in_the_same_week_alike(
    app: Flask, instance: Path, pair: Pair
) -> None:
    _active_pair(instance, pair.programme_id, "PB-WKEA", EARLY)
    _active_pair(instance, pair.programme_id, "PB-WKLA", LATE)
    org = app.test_client()
    login_browserless(org, "org@example.org", PASSPHRASE)
    base = f"/organiser/programmes/{pair.programme_id}/dashboard?attention=1&weeks="
    outcomes = set()
    moment = EARLY + timedelta(hours=3)
    try:
        while moment < EARLY + timedelta(weeks=6):
            clock.reset()
            clock.travel(moment - clock.now())
            for weeks in (1, 2, 4):
                page = org.get(base + str(weeks)).get_data(as_text=True)
                early, late = "PB-WKEA" in page, "PB-WKLA" in page
                assert early == late, (moment, weeks)
                outcomes.add(early)
            moment += timedelta(hours=11, minutes=17)
    finally:
        clock.reset()
    assert outcomes == {True, False}  # the filter did both: kept quiet pairs, left active ones
