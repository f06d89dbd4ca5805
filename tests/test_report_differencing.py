"""The funder report cannot be worked back (issue 12, item 3): for every programme of 0–40 pairs
and every split of them over the phase table (including "not shared"), what the report publishes
(the shown cells, the total and the completion percentage) leaves every hidden cell open to at
least two values, even to a reader who knows the suppression method."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from workspace.organiser import report

MAX_PAIRS = 40


def _splits(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _splits(total - first, parts - 1):
            yield (first, *rest)


def test_no_hidden_cell_is_determined_by_what_is_published() -> None:
    keys = list(report.PHASE_LABELS)
    # What a reader sees -> for each hidden cell, every value it has under that view.
    seen: dict[tuple, list[set[int]]] = defaultdict(lambda: [set() for _ in keys])
    published_percent = 0
    for pairs in range(MAX_PAIRS + 1):
        for split in _splits(pairs, len(keys)):
            cells, total, percent = report.publish_phases(dict(zip(keys, split, strict=True)))
            published_percent += percent is not None
            values = seen[(tuple(cells), total, percent)]
            for i, cell in enumerate(cells):
                if cell == report.HIDDEN:
                    values[i].add(split[i])
                else:
                    assert cell == str(split[i]) and split[i] >= report.THRESHOLD
    determined = [
        (view, keys[i], values[i])
        for view, values in seen.items()
        for i, cell in enumerate(view[0])
        if cell == report.HIDDEN and len(values[i]) < 2
    ]
    assert determined == [], determined[:5]
    assert published_percent > 0  # the percentage is still published when it is safe


def test_the_percentage_comes_from_published_cells_only() -> None:
    # The case from the attack run: 26 pairs, three phases shown, two hidden. Before, the
    # percentage (completed out of those sharing) gave back the hidden cells.
    cells, total, percent = report.publish_phases(
        {"start": 3, "working": 8, "closing": 6, "completed": 7, "not_shared": 2}
    )
    assert total == "26" and percent is None
    assert cells.count(report.HIDDEN) == 3 and "<5" not in cells
    cells, total, percent = report.publish_phases(
        {"start": 6, "working": 8, "closing": 6, "completed": 7, "not_shared": 9}
    )
    assert report.HIDDEN not in cells and percent == round(100 * 7 / 27)


def test_a_secondary_cell_is_never_called_under_five() -> None:
    cells, total = report.suppress([6, 3, 7, 8, 9], 33)
    assert cells == [report.HIDDEN, report.HIDDEN, "7", "8", "9"] and total == "33"
    cells, _total = report.suppress([6, 3, 6, 8, 9], 32)
    assert cells == [report.HIDDEN, report.HIDDEN, report.HIDDEN, "8", "9"]
    assert report.suppress([1, 2], 3) == ([report.HIDDEN, report.HIDDEN], "<5")
