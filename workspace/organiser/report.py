"""Programme reports for funders: counts from consented signals only, small cells suppressed.

Every count below 5 is shown as "<5". When a breakdown has a published total and only one cell is
suppressed, the next smallest cell is suppressed too (secondary suppression), so no hidden cell can
be worked out from the total. Reports take no filters or time slices, so nothing can be differenced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from workspace.core import db
from workspace.flags import queries as flags
from workspace.sharing import signals

THRESHOLD = 5
SUPPRESSED = "<5"
PHASE_LABELS: dict[str, Any] = {
    "start": _l("Start"),
    "working": _l("Working"),
    "closing": _l("Closing"),
    "completed": _l("Completed"),
    "not_shared": _l("Not shared"),
}
MEETING_BUCKETS = [("0", 0, 0), ("1–2", 1, 2), ("3–5", 3, 5), ("6–9", 6, 9), ("10+", 10, 10**9)]


@dataclass(frozen=True)
class Breakdown:
    """One table: labelled cells and their total, already suppressed for publication."""

    title: Any
    rows: list[tuple[Any, str]]
    total: str


def suppress(counts: list[int], total: int | None) -> tuple[list[str], str]:
    """Suppress cells under the threshold, plus secondary cells so the total reveals nothing."""
    hidden = {i for i, n in enumerate(counts) if n < THRESHOLD}
    if total is not None and len(hidden) == 1 and len(counts) > 1:
        visible = sorted((n, i) for i, n in enumerate(counts) if i not in hidden)
        hidden.add(visible[0][1])
    cells = [SUPPRESSED if i in hidden else str(n) for i, n in enumerate(counts)]
    shown_total = "" if total is None else (SUPPRESSED if total < THRESHOLD else str(total))
    return cells, shown_total


def _breakdown(title: Any, labelled: list[tuple[Any, int]], total: int) -> Breakdown:
    cells, shown_total = suppress([n for _label, n in labelled], total)
    return Breakdown(
        title, [(label, c) for (label, _n), c in zip(labelled, cells, strict=True)], shown_total
    )


def programme_report(conn: db.Connection, programme_id: str) -> dict[str, Any]:
    """The whole report for one programme."""
    pair_ids = [
        r["id"]
        for r in conn.execute("SELECT id FROM pairs WHERE programme_id = ?", (programme_id,))
    ]
    phases = dict.fromkeys(PHASE_LABELS, 0)
    buckets = dict.fromkeys([b[0] for b in MEETING_BUCKETS] + ["not_shared"], 0)
    for pair_id in pair_ids:
        seen = signals.visible(conn, pair_id)
        phases[seen["phase"] if seen["phase"] else "not_shared"] += 1
        if seen["meetings"] is None:
            buckets["not_shared"] += 1
        else:
            total = seen["meetings"]["total"]
            label = next(b[0] for b in MEETING_BUCKETS if b[1] <= total <= b[2])
            buckets[label] += 1
    flag_rows = conn.execute(
        "SELECT category, status FROM flags WHERE programme_id = ? AND withdrawn_at IS NULL",
        (programme_id,),
    ).fetchall()
    by_category = {c: sum(1 for f in flag_rows if f["category"] == c) for c in flags.CATEGORIES}
    by_status = {s: sum(1 for f in flag_rows if f["status"] == s) for s in flags.STATUSES}
    phase_table = _breakdown(
        _l("Pairs by phase"), [(PHASE_LABELS[k], v) for k, v in phases.items()], len(pair_ids)
    )
    shared_phase = len(pair_ids) - phases["not_shared"]
    completed = phases["completed"]
    completion = None
    if completed >= THRESHOLD and shared_phase >= THRESHOLD:
        completion = round(100 * completed / shared_phase)
    return {
        "pairs": len(pair_ids),
        "tables": [
            phase_table,
            _breakdown(
                _l("Meetings per pair"),
                [
                    (PHASE_LABELS["not_shared"] if k == "not_shared" else k, v)
                    for k, v in buckets.items()
                ],
                len(pair_ids),
            ),
            _breakdown(
                _l("Flags by category"),
                [(flags.CATEGORIES[k], v) for k, v in by_category.items()],
                len(flag_rows),
            ),
            _breakdown(
                _l("Flags by status"),
                [(flags.STATUSES[k], v) for k, v in by_status.items()],
                len(flag_rows),
            ),
        ],
        "completion_percent": completion,
    }
