"""A small programme's report tells something (issue 18, finding 4): when a detailed table hides
every cell, the same counts in two groups are published, and still no hidden cell of either can be
worked out, for every programme of 0–40 pairs (phases) or 0–24 pairs (meetings) and every split."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from workspace.organiser import report


def _splits(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _splits(total - first, parts - 1):
            yield (first, *rest)


def _undetermined(
    keys: list[str], max_pairs: int, publish: Callable[[dict[str, int]], tuple]
) -> tuple[list, int]:
    """Views in which a hidden cell has one possible value, and how many views publish groups."""
    groups = [k for _label, ks in report.GROUPS[publish.__name__.removeprefix("_")][1] for k in ks]
    assert sorted(groups) == sorted(keys)
    seen: dict[tuple, list[set[int]]] = defaultdict(lambda: [set() for _ in range(len(keys) + 2)])
    grouped_views = 0
    for pairs in range(max_pairs + 1):
        for split in _splits(pairs, len(keys)):
            counts = dict(zip(keys, split, strict=True))
            view, values = publish(counts)
            grouped_views += view[-1] is not None
            bucket = seen[view]
            for i, value in enumerate(values):
                bucket[i].add(value)
    determined = []
    for view, values in seen.items():
        cells = list(view[0]) + list(view[-1] or [])
        for i, cell in enumerate(cells):
            if cell == report.HIDDEN and len(values[i]) < 2:
                determined.append((view, i, values[i]))
    return determined, grouped_views


def _phase(counts: dict[str, int]) -> tuple[tuple, list[int]]:
    cells, total, percent = report.publish_phases(counts)
    grouped = report.publish_grouped(counts, "phase")
    sums = [sum(counts[k] for k in ks) for _l, ks in report.GROUPS["phase"][1]]
    return (tuple(cells), total, percent, tuple(grouped) if grouped else None), [
        *counts.values(),
        *(sums if grouped else [0, 0]),
    ]


def _meetings(counts: dict[str, int]) -> tuple[tuple, list[int]]:
    cells, total = report.suppress(list(counts.values()), sum(counts.values()))
    grouped = report.publish_grouped(counts, "meetings")
    sums = [sum(counts[k] for k in ks) for _l, ks in report.GROUPS["meetings"][1]]
    return (tuple(cells), total, tuple(grouped) if grouped else None), [
        *counts.values(),
        *(sums if grouped else [0, 0]),
    ]


_phase.__name__ = "_phase"
_meetings.__name__ = "_meetings"


def test_phase_groups_leave_every_hidden_cell_open() -> None:
    determined, grouped = _undetermined(list(report.PHASE_LABELS), 40, _phase)
    assert determined == [], determined[:5]
    assert grouped > 0


def test_meeting_groups_leave_every_hidden_cell_open() -> None:
    determined, grouped = _undetermined(report.MEETING_KEYS, 24, _meetings)
    assert determined == [], determined[:5]
    assert grouped > 0


def test_groups_appear_only_when_the_detailed_table_shows_nothing() -> None:
    # 12 pairs: every phase cell is under 5, so the detailed table hides all; the groups show.
    small = {"start": 4, "working": 3, "closing": 2, "completed": 2, "not_shared": 1}
    assert report.publish_phases(small)[0] == [report.HIDDEN] * 5
    assert report.publish_grouped(small, "phase") == ["7", "5"]
    # A table that publishes any cell gets no groups (they would difference its hidden cells).
    larger = {"start": 3, "working": 8, "closing": 6, "completed": 7, "not_shared": 2}
    assert report.publish_grouped(larger, "phase") is None
    assert report.publish_grouped(dict.fromkeys(report.PHASE_LABELS, 0), "phase") is None
