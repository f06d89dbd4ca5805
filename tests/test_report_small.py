"""A small cohort's funder report says something and singles nobody out (issue 18, finding 4).

Brute force over every cohort of 1–9 pairs and every split of its pairs over the phase and meeting
cells: for every view the report publishes (the detailed table, its two groups, the band and the
number of pairs shown), no group of pairs a reader can name (one cell, or one of the two groups)
is known to hold every pair or none, not even by a member who knows their own pair's cell. The
programme facts are the same whatever the pairs did."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

from flask import Flask

from tests.helpers import PASSPHRASE, Pair, login_browserless, open_db, synthetic_pair
from workspace.communication import queries as events
from workspace.core import clock, db
from workspace.organiser import report, report_small


def _splits(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _splits(total - first, parts - 1):
            yield (first, *rest)


def _derivable(
    keys: list[str], table: str, publish: Callable[[dict[str, int]], tuple]
) -> list[tuple]:
    """Every (view, group of cells, who) for which a reader can tell where every pair is."""
    views: dict[tuple, list[tuple[int, ...]]] = defaultdict(list)
    for n in range(1, 10):
        for split in _splits(n, len(keys)):
            views[publish(dict(zip(keys, split, strict=True)))].append(split)
    groups = [(k,) for k in keys] + [keys_ for _label, keys_ in report.GROUPS[table][1]]
    found = []
    for view, splits in views.items():
        for group in groups:
            index = [keys.index(k) for k in group]
            seen = [(sum(s[i] for i in index), sum(s)) for s in splits]
            # A reader who knows nobody: are all pairs in the group, or none?
            if all(k == n for k, n in seen) or all(k == 0 for k, _n in seen):
                found.append((view, group, "anyone"))
            # A member who knows their own pair is in the group (or is not): are all the others?
            inside = [(k, n) for k, n in seen if k >= 1 and n >= 2]
            if inside and (all(k == n for k, n in inside) or all(k == 1 for k, _n in inside)):
                found.append((view, group, "a member inside"))
            outside = [(k, n) for k, n in seen if k <= n - 1 and n >= 2]
            if outside and (
                all(k == 0 for k, _n in outside) or all(k == n - 1 for k, n in outside)
            ):
                found.append((view, group, "a member outside"))
    return found


def _shown_pairs(n: int) -> str:
    return report.suppress([], n)[1]


def _phase_view(counts: dict[str, int]) -> tuple:
    cells, total, percent = report.publish_phases(counts)
    grouped = report.publish_grouped(counts, "phase")
    band = report_small.publish_bands(counts, "phase")
    shown = _shown_pairs(sum(counts.values()))
    return (tuple(cells), total, percent, tuple(grouped or ()), band, shown)


def _meeting_view(counts: dict[str, int]) -> tuple:
    cells, total = report.suppress(list(counts.values()), sum(counts.values()))
    grouped = report.publish_grouped(counts, "meetings")
    band = report_small.publish_bands(counts, "meetings")
    shown = _shown_pairs(sum(counts.values()))
    return (tuple(cells), total, tuple(grouped or ()), band, shown)


def test_no_pair_of_a_small_cohort_can_be_placed_from_the_phase_report() -> None:
    assert _derivable(list(report.PHASE_LABELS), "phase", _phase_view) == []


def test_no_pair_of_a_small_cohort_can_be_placed_from_the_meeting_report() -> None:
    assert _derivable(report.MEETING_KEYS, "meetings", _meeting_view) == []


def test_the_check_finds_what_a_finer_report_would_give_away() -> None:
    # The same search catches a report that said "all pairs" or gave bands under 5 pairs.
    def exact(counts: dict[str, int]) -> tuple:
        first = sum(counts[k] for k in report.GROUPS["phase"][1][0][1])
        return (first == sum(counts.values()),)

    assert _derivable(list(report.PHASE_LABELS), "phase", exact)

    def early_bands(counts: dict[str, int]) -> tuple:
        first = sum(counts[k] for k in report.GROUPS["phase"][1][0][1])
        return (2 * first >= sum(counts.values()), sum(counts.values()))

    assert _derivable(list(report.PHASE_LABELS), "phase", early_bands)


def test_bands_are_given_for_5_to_9_pairs_only() -> None:
    assert [n for n in range(1, 40) if report_small.band(0, n) is not None] == list(range(5, 10))
    assert report_small.band(3, 6) == report_small.HALF_OR_MORE
    assert report_small.band(2, 5) == report_small.UNDER_HALF


def _programme_with(instance: Path, programme_id: str, n: int, meetings: int) -> None:
    conn = open_db(instance)
    for i in range(n):
        code = f"S{i:02d}"
        synthetic_pair(conn, programme_id, code, shared=("phase", "meetings"))
        for m in range(meetings):
            conn.execute(
                "INSERT INTO entries (id, notebook_id, entry_type, author_id, revision, envelope, "
                "size, created_at, updated_at) VALUES (?, ?, 'meeting', 'x', 1, '{}', 2, ?, ?)",
                (f"e_{code}_{m}", f"n_{code}", clock.iso(), clock.iso()),
            )
    conn.commit()
    conn.close()


def _facts(app: Flask, programme_id: str) -> list[report_small.Fact]:
    conn = db.open_for_app(app)
    try:
        with app.test_request_context(headers={"Accept-Language": "en"}):
            return report_small.facts(conn, programme_id)
    finally:
        conn.close()


def test_the_programme_facts_do_not_depend_on_what_the_pairs_did(
    app: Flask, instance: Path, pair: Pair
) -> None:
    before = _facts(app, pair.programme_id)
    _programme_with(instance, pair.programme_id, 4, 3)
    pair.mentor.add_entry(pair.id, "meeting", {"notes": "x"})
    assert _facts(app, pair.programme_id) == before
    labels = [f.label for f in before]
    assert labels == [
        "How long it has run",
        "Events held",
        "Mid-point follow-up",
        "Closing follow-up",
    ]
    assert before[0].value.startswith("1 month, since")
    assert before[1].value == "0 of 0 planned"


def test_a_small_programme_report_shows_its_facts_and_bands(
    app: Flask, instance: Path, pair: Pair
) -> None:
    conn = db.open_for_app(app)
    now = clock.now()
    with app.test_request_context(), db.transaction(conn):
        fields = {
            "kind": "midpoint",
            "title": "Mid-point meeting",
            "description": "",
            "starts_at": clock.iso(now - timedelta(days=3)),
            "minutes": 60,
            "place": "Library",
            "online_url": "",
            "audience": "all",
            "remind_days": 2,
        }
        events.create_event(conn, pair.programme_id, pair.organiser.user_id, fields)
        later = fields | {"kind": "closing", "starts_at": clock.iso(now + timedelta(days=70))}
        events.create_event(conn, pair.programme_id, pair.organiser.user_id, later)
    conn.close()
    # 1 real pair (sharing nothing) and 5 that share and met 3 times: 6 pairs.
    _programme_with(instance, pair.programme_id, 5, 3)
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    base = f"/organiser/programmes/{pair.programme_id}"
    html = org.get(f"{base}/report").get_data(as_text=True)
    assert "About the programme" in html and "In broad terms" in html
    assert "1 of 2 planned" in html
    assert "Held on" in html and "Planned for" in html
    # No agreement is confirmed anywhere (all at the start); five of six met 3 times or more.
    assert html.count("fewer than half of the pairs") == 1
    assert html.count("half or more of the pairs") == 1
    rows = list(csv.reader(io.StringIO(org.get(f"{base}/report.csv").get_data(as_text=True))))
    assert ["Events held", "1 of 2 planned"] in rows
    assert ["Working, closing or completed", "fewer than half of the pairs"] in rows
    assert ["Met 3 times or more, and share their meetings", "half or more of the pairs"] in rows
    # Every number in the CSV that counts pairs is 5 or more (the facts are words, not counts).
    assert ["Pairs", "6"] in rows
