"""The matching's assignment (static/js/matching/assign.js) in headless Chromium is optimal: on
generated score matrices (square, rectangular, with capacities and forbidden pairs) its total
equals scipy's `linear_sum_assignment` on the same problem, and every answer is feasible.

The modules are served from static/ by a plain HTTP server on 127.0.0.1; no app involved.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from tests.support.modules import blank_page, static_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def static_origin() -> Iterator[str]:
    """static/ on http://127.0.0.1:<port>."""
    with static_server() as origin:
        yield origin


@pytest.fixture
def js_page(chromium_browser: Any, static_origin: str) -> Iterator[Any]:
    """A blank page of that origin; fails the test on any console error, warning or page error."""
    with blank_page(chromium_browser, static_origin) as page:
        yield page


def _case(rng: random.Random, kind: str) -> dict[str, Any]:
    """One generated problem: weights (None = forbidden) and capacities."""
    if kind == "square":
        rows = mentors = rng.randint(1, 9)
    else:
        rows, mentors = rng.randint(1, 12), rng.randint(1, 12)
    caps = [1] * mentors
    if kind in ("capacities", "mixed"):
        caps = [rng.randint(0, 3) for _ in range(mentors)]
    forbid = 0.0 if kind in ("square", "rectangular") else rng.choice([0.1, 0.3, 0.6])
    integer = rng.random() < 0.5
    weights = [
        [
            None
            if rng.random() < forbid
            else (rng.randint(0, 20) if integer else round(rng.uniform(0, 100), 3))
            for _ in range(mentors)
        ]
        for _ in range(rows)
    ]
    return {"weights": weights, "capacities": caps, "matchAll": rng.random() < 0.7}


def _scipy(case: dict[str, Any]) -> tuple[int, float]:
    """The same problem for scipy: one column per mentor seat, one 'unmatched' column per mentee
    (so any subset may stay unmatched), forbidden = inf. With matchAll, a matched mentee is worth
    more than any difference in weights, as in assign.js. Returns (matched, total weight)."""
    weights, caps = case["weights"], case["capacities"]
    rows = len(weights)
    seats = [j for j, cap in enumerate(caps) for _ in range(min(cap, rows))]
    bonus = 10_000.0 if case["matchAll"] else 0.0
    cost = np.full((rows, len(seats) + rows), 0.0)
    for i, row in enumerate(weights):
        for s, j in enumerate(seats):
            cost[i, s] = np.inf if row[j] is None else -(row[j] + bonus)
    r, c = linear_sum_assignment(cost)
    matched = sum(1 for col in c if col < len(seats))
    total = sum(weights[i][seats[col]] for i, col in zip(r, c, strict=True) if col < len(seats))
    return matched, float(total)


def _plain_square(rng: random.Random) -> dict[str, Any]:
    """A full square or rectangular matrix, compared with scipy's maximize=True directly."""
    rows, mentors = rng.randint(1, 15), rng.randint(1, 15)
    weights = [[round(rng.uniform(0, 50), 2) for _ in range(mentors)] for _ in range(rows)]
    return {"weights": weights, "capacities": [1] * mentors, "matchAll": True}


def test_assignment_total_equals_scipy_on_generated_cases(js_page: Any) -> None:
    rng = random.Random(20261202)
    kinds = ["square", "rectangular", "capacities", "forbidden", "mixed"]
    cases = [_case(rng, kinds[n % len(kinds)]) for n in range(250)]
    plain = [_plain_square(rng) for _ in range(50)]
    results = js_page.evaluate(
        """async (cases) => {
          const { assign } = await import('/js/matching/assign.js');
          return cases.map((c) =>
            assign(c.weights, { capacities: c.capacities, matchAll: c.matchAll }));
        }""",
        cases + plain,
    )
    assert len(results) == 300
    for case, got in zip(cases + plain, results, strict=True):
        weights, caps = case["weights"], case["capacities"]
        mentor_of = got["mentorOf"]
        # Feasible: one mentor per mentee at most, capacities kept, no forbidden pair.
        load = [0] * len(caps)
        total = 0.0
        for i, j in enumerate(mentor_of):
            if j == -1:
                continue
            assert weights[i][j] is not None, (case, got)
            load[j] += 1
            total += weights[i][j]
        assert all(load[j] <= caps[j] for j in range(len(caps))), (case, got)
        assert got["matched"] == sum(1 for j in mentor_of if j != -1)
        assert got["total"] == pytest.approx(total, abs=1e-6)
        matched, expected = _scipy(case)
        assert got["matched"] == matched, (case, got)
        assert got["total"] == pytest.approx(expected, abs=1e-6), (case, got)
    for case, got in zip(plain, results[250:], strict=True):
        w = np.array(case["weights"])
        r, c = linear_sum_assignment(w, maximize=True)
        assert got["total"] == pytest.approx(float(w[r, c].sum()), abs=1e-6)
        assert got["matched"] == len(r)


def test_matched_first_or_total_first(js_page: Any) -> None:
    """matchAll prefers two modest pairs to one strong one; without it the strong one wins."""
    got = js_page.evaluate(
        """async () => {
          const { assign } = await import('/js/matching/assign.js');
          const w = [[10, 1], [8, null]];
          return [assign(w, { matchAll: true }), assign(w, { matchAll: false }),
                  assign([[1, 2]], { capacities: [0, 1] }), assign([[null]]), assign([])];
        }"""
    )
    assert got[0]["mentorOf"] == [1, 0] and got[0]["total"] == 9
    assert got[1]["mentorOf"] == [0, -1] and got[1]["total"] == 10
    assert got[2]["mentorOf"] == [1]
    assert got[3]["mentorOf"] == [-1] and got[3]["matched"] == 0
    assert got[4]["mentorOf"] == []


def test_worker_answers_off_the_page_thread(js_page: Any) -> None:
    got = js_page.evaluate(
        """() => new Promise((resolve, reject) => {
          const worker = new Worker('/js/matching/worker.js', { type: 'module' });
          worker.onmessage = (e) => { worker.terminate(); resolve(e.data); };
          worker.onerror = (e) => reject(String(e.message));
          worker.postMessage({ id: 7, weights: [[1, 5], [4, 2]], options: {} });
        })"""
    )
    assert got["id"] == 7 and got["result"]["total"] == 9
