"""Programme reports for funders: counts from consented signals only, small cells suppressed.

The method (docs/PRIVACY.md, "The funder report", with a worked example): every count under 5
is hidden, and whenever a table hides anything, every cell holding its smallest remaining count
is hidden as well (secondary suppression), so the hidden cells always mix counts under 5 with one
of 5 or more and none can be worked out from the published total. Every hidden cell is printed
the same way ("–"), since "<5" would be untrue for a secondary cell and would tell the two kinds
apart. A table whose total is under 5 hides everything. The completion percentage is computed
from published cells only, and left out when one of them is hidden. Reports take no filters or
time slices, so nothing can be differenced.

A small programme's tables (under 25 pairs) often hide every cell. Then, and only then, the
phase and meeting tables are also published in two groups (`GROUPS`), suppressed by the same
rules: the detailed table published nothing, so the groups are all a reader learns, and no
hidden cell of either can be worked out (tests/test_report_groups.py checks every split of up
to 40 pairs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from workspace.core import db
from workspace.flags import queries as flags
from workspace.sharing import summary

THRESHOLD = 5
SUPPRESSED = "<5"
HIDDEN = "–"
PHASE_LABELS: dict[str, Any] = {
    "start": _l("Start"),
    "working": _l("Working"),
    "closing": _l("Closing"),
    "completed": _l("Completed"),
    "not_shared": _l("Not shared"),
}
MEETING_BUCKETS = [("0", 0, 0), ("1–2", 1, 2), ("3–5", 3, 5), ("6–9", 6, 9), ("10+", 10, 10**9)]
# Groups are published only below this many pairs: from 29 pairs on, the groups together with a
# wholly hidden phase table could pin a cell down (found by tests/test_report_groups.py).
SMALL = 25
MEETING_KEYS = [b[0] for b in MEETING_BUCKETS] + ["not_shared"]
# Two groups of a table's cells (by key), each with its label, for a small programme.
GROUPS: dict[str, tuple[Any, list[tuple[Any, tuple[str, ...]]]]] = {
    "phase": (
        _l("Pairs by phase, in two groups"),
        [
            (_l("Working, closing or completed"), ("working", "closing", "completed")),
            (_l("Start, or not shared"), ("start", "not_shared")),
        ],
    ),
    "meetings": (
        _l("Meetings per pair, in two groups"),
        [
            (_l("3 or more"), ("3–5", "6–9", "10+")),
            (_l("0–2, or not shared"), ("0", "1–2", "not_shared")),
        ],
    ),
}


@dataclass(frozen=True)
class Breakdown:
    """One table: labelled cells and their total, already suppressed for publication."""

    title: Any
    rows: list[tuple[Any, str]]
    total: str


def suppress(counts: list[int], total: int | None) -> tuple[list[str], str]:
    """The cells and total as published: counts under the threshold hidden, and with them the
    smallest shown count (secondary suppression); a total under the threshold hides them all."""
    if total is not None and total < THRESHOLD:
        return [HIDDEN] * len(counts), SUPPRESSED
    hidden = {i for i, n in enumerate(counts) if n < THRESHOLD}
    shown = [n for i, n in enumerate(counts) if i not in hidden]
    if hidden and shown:
        # Every cell equal to the smallest shown count goes, not just one of them: the rule then
        # depends on the values alone, never on a cell's place, so any reshuffle of the hidden
        # values among the hidden cells looks the same, and those values are never all equal.
        smallest = min(shown)
        hidden |= {i for i, n in enumerate(counts) if n == smallest}
    cells = [HIDDEN if i in hidden else str(n) for i, n in enumerate(counts)]
    return cells, "" if total is None else str(total)


def completion_percent(phase_cells: dict[str, str], shown_total: str) -> int | None:
    """The completed pairs as a percentage of those sharing their phase, from the published
    phase table alone (so it reveals nothing the table does not): None when the completed or
    the not-shared cell or the total is hidden, or fewer than 5 pairs share their phase."""
    completed, not_shared = phase_cells["completed"], phase_cells["not_shared"]
    if not (completed.isdigit() and not_shared.isdigit() and shown_total.isdigit()):
        return None
    sharing = int(shown_total) - int(not_shared)
    if sharing < THRESHOLD:
        return None
    return round(100 * int(completed) / sharing)


def publish_phases(phases: dict[str, int]) -> tuple[list[str], str, int | None]:
    """The phase table's cells (in ``PHASE_LABELS`` order), its total and the completion
    percentage exactly as the report publishes them."""
    counts = [phases.get(k, 0) for k in PHASE_LABELS]
    cells, shown_total = suppress(counts, sum(counts))
    percent = completion_percent(dict(zip(PHASE_LABELS, cells, strict=True)), shown_total)
    return cells, shown_total, percent


def publish_grouped(counts: dict[str, int], table: str) -> list[str] | None:
    """The cells of `table` in its two groups, published only for a small programme (a total
    of 5 to `SMALL` - 1, itself published) whose detailed table hides every cell; else None."""
    cells, total = suppress(list(counts.values()), sum(counts.values()))
    if total == SUPPRESSED or int(total) >= SMALL or any(c != HIDDEN for c in cells):
        return None
    _title, groups = GROUPS[table]
    grouped = [sum(counts[k] for k in keys) for _label, keys in groups]
    return suppress(grouped, sum(grouped))[0]


def _grouped_breakdown(counts: dict[str, int], table: str) -> Breakdown | None:
    cells = publish_grouped(counts, table)
    if cells is None:
        return None
    title, groups = GROUPS[table]
    return Breakdown(
        title,
        [(label, c) for (label, _keys), c in zip(groups, cells, strict=True)],
        str(sum(counts.values())),
    )


def _breakdown(title: Any, labelled: list[tuple[Any, int]], total: int) -> Breakdown:
    cells, shown_total = suppress([n for _label, n in labelled], total)
    return Breakdown(
        title, [(label, c) for (label, _n), c in zip(labelled, cells, strict=True)], shown_total
    )


def programme_report(conn: db.Connection, programme_id: str) -> dict[str, Any]:
    """The whole report for one programme."""
    phases = dict.fromkeys(PHASE_LABELS, 0)
    for phase, n in summary.phase_counts(conn, programme_id).items():
        phases[phase or "not_shared"] += n
    buckets = dict.fromkeys(MEETING_KEYS, 0)
    for total, n in summary.meeting_counts(conn, programme_id).items():
        label = (
            "not_shared"
            if total is None
            else next(b[0] for b in MEETING_BUCKETS if b[1] <= total <= b[2])
        )
        buckets[label] += n
    pairs = sum(phases.values())
    flag_rows = conn.execute(
        "SELECT category, status FROM flags WHERE programme_id = ? AND withdrawn_at IS NULL",
        (programme_id,),
    ).fetchall()
    by_category = {c: sum(1 for f in flag_rows if f["category"] == c) for c in flags.CATEGORIES}
    by_status = {s: sum(1 for f in flag_rows if f["status"] == s) for s in flags.STATUSES}
    phase_cells, phase_total, completion = publish_phases(phases)
    phase_table = Breakdown(
        _l("Pairs by phase"),
        [(PHASE_LABELS[k], c) for k, c in zip(PHASE_LABELS, phase_cells, strict=True)],
        phase_total,
    )
    meeting_table = _breakdown(
        _l("Meetings per pair"),
        [(PHASE_LABELS["not_shared"] if k == "not_shared" else k, v) for k, v in buckets.items()],
        pairs,
    )
    grouped = [t for t in (_grouped_breakdown(phases, "phase"),) if t]
    grouped += [t for t in (_grouped_breakdown(buckets, "meetings"),) if t]
    return {
        "pairs": pairs,
        "tables": [
            phase_table,
            meeting_table,
            *grouped,
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
        "grouped": bool(grouped),
        "completion_percent": completion,
        # The unpublished counts, for report_small's bands (which publish only what is safe).
        "counts": (phases, buckets),
    }
