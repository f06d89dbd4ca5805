"""Survey results cannot be worked back (issue 16, item 3): what static/js/surveys/results.js
publishes, run in headless Chromium, leaves every hidden count open to at least two values, even
to a reader who knows the suppression rules and sees every group side by side.

The enumerator is here, in Python: every answer distribution of up to `N_MAX` answers for each
kind of question (scale, one choice of 2–4 options, yes/no, several choices of 2–3 options) goes
through computeResults in the browser once; grouping the distributions by what was published
gives, for each view, every value a hidden cell can hold. Then 240 random small programmes
(several groups, an "all" column, a group whose complement is not shown) go through
compareGroups, and each hidden cell of each column, including a union's, is checked against
every distribution consistent with everything on the page.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.modules import blank_page, static_server

pytestmark = pytest.mark.browser

N_MAX = 15
THRESHOLD = 5
CASES = 240
MODULE = "/js/surveys/results.js"

# A question shape: (kind, number of cells).
SHAPES = [("scale", 5), ("choice", 2), ("choice", 3), ("choice", 4), ("yesno", 2), ("choices", 2)]
SHAPES += [("choices", 3)]


@pytest.fixture(scope="module")
def static_origin() -> Iterator[str]:
    """static/ on http://127.0.0.1:<port>."""
    with static_server() as origin:
        yield origin


@pytest.fixture(scope="module")
def js_page(chromium_browser: Any, static_origin: str) -> Iterator[Any]:
    """One blank page of that origin for the module (the enumeration is loaded once)."""
    with blank_page(chromium_browser, static_origin) as page:
        yield page


def question(kind: str, cells: int, qid: str = "q") -> dict[str, Any]:
    """A question of that shape; options are o0, o1, …"""
    q: dict[str, Any] = {"id": qid, "kind": kind, "text": f"{kind} {cells}", "audience": "all"}
    if kind in ("choice", "choices"):
        q["options"] = [{"id": f"o{i}", "label": f"Option {i}"} for i in range(cells)]
    return q


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def distributions(kind: str, cells: int) -> list[tuple[int, ...]]:
    """Every distribution of 0..N_MAX answers: counts per cell, and for several choices
    (answered, picks per option) wherever someone answering can pick one option or more."""
    if kind != "choices":
        return [c for n in range(N_MAX + 1) for c in _compositions(n, cells)]
    return [
        (n, *picks)
        for n in range(N_MAX + 1)
        for picks in itertools.product(range(n + 1), repeat=cells)
        if (sum(picks) >= n if n else not any(picks))
    ]


def values_of(kind: str, dist: tuple[int, ...]) -> list[Any]:
    """The answers of one distribution, as the sealed bodies hold them."""
    if kind == "scale":
        return [v + 1 for v, c in enumerate(dist) for _ in range(c)]
    if kind == "yesno":
        return [True] * dist[0] + [False] * dist[1]
    if kind == "choice":
        return [f"o{i}" for i, c in enumerate(dist) for _ in range(c)]
    n, picks = dist[0], dist[1:]
    # Picks in option order dealt round-robin: everyone gets one at least, nobody one twice.
    answers: list[list[str]] = [[] for _ in range(n)]
    for j, option in enumerate(o for o, c in enumerate(picks) for _ in range(c)):
        answers[j % n].append(f"o{option}")
    return answers


def counts_of(kind: str, dist: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    """(answered, count per cell) of a distribution."""
    if kind == "choices":
        return dist[0], dist[1:]
    return sum(dist), dist


def view_of(result: dict[str, Any]) -> tuple:
    """What a reader sees of one question in one column."""
    cells = tuple(c["count"] for c in result["cells"]) if result["cells"] is not None else None
    return (result["answered"], cells, result["mean"])


def js_mean(total: int, n: int) -> float:
    """The mean as results.js rounds it (Math.round(10 * sum / n) / 10)."""
    return math.floor(10 * total / n + 0.5) / 10


@pytest.fixture(scope="module")
def lookup(js_page: Any) -> dict[tuple[str, int], dict[str, Any]]:
    """For each shape: every distribution's published view, and the distributions of each view."""
    tables = {}
    for kind, cells in SHAPES:
        dists = distributions(kind, cells)
        views = js_page.evaluate(
            """async ([q, sets]) => {
              const { computeResults } = await import('/js/surveys/results.js');
              return sets.map((values) => {
                const answers = values.map((v) => ({ role: 'mentor', answers: { [q.id]: v } }));
                const r = computeResults([q], answers).questions[0];
                return [r.answered, r.cells.map((c) => c.count), r.mean];
              });
            }""",
            [question(kind, cells), [values_of(kind, d) for d in dists]],
        )
        by_view: dict[tuple, list[tuple[int, ...]]] = defaultdict(list)
        view_of_dist = {}
        for dist, (answered, counts, mean) in zip(dists, views, strict=True):
            view = (answered, tuple(counts), mean)
            by_view[view].append(dist)
            view_of_dist[dist] = view
        by_n: dict[tuple, list[tuple[int, ...]]] = defaultdict(list)
        for dist, view in view_of_dist.items():
            by_n[(view, counts_of(kind, dist)[0])].append(dist)
        sets = {key: possible(kind, dists) for key, dists in by_n.items()}
        tables[(kind, cells)] = {
            "by_view": by_view,
            "view": view_of_dist,
            "by_n": by_n,
            "sets": sets,
        }
    return tables


def possible(kind: str, dists: list[tuple[int, ...]]) -> list[set[int]]:
    """Every value of answered and of each cell over these distributions: [answered, *cells]."""
    sets: list[set[int]] = []
    for dist in dists:
        answered, counts = counts_of(kind, dist)
        row = [answered, *counts]
        if not sets:
            sets = [set() for _ in row]
        for s, v in zip(sets, row, strict=True):
            s.add(v)
    return sets


def test_every_view_of_one_group_leaves_hidden_cells_open(lookup: dict) -> None:
    """Exhaustive over 0–15 answers: each hidden count and hidden total has two values or more,
    every shown count is the true one, and means appear (not only when nothing is hidden)."""
    means_beside_hidden = 0
    for (kind, cells), table in lookup.items():
        for view, dists in table["by_view"].items():
            answered, counts, mean = view
            sets = possible(kind, dists)
            if answered is None:
                assert len(sets[0]) >= 2 and max(sets[0]) < THRESHOLD, (kind, view)
            else:
                assert sets[0] == {answered} and answered >= THRESHOLD
            for i, count in enumerate(counts):
                if count is None:
                    assert len(sets[i + 1]) >= 2, (kind, cells, view, i, sets)
                else:
                    assert sets[i + 1] == {count} and count >= THRESHOLD, (kind, view)
                    if kind == "choices":
                        assert answered - count >= THRESHOLD
            if mean is not None:
                assert kind == "scale" and answered is not None
                sums = {sum((v + 1) * c for v, c in enumerate(d)) for d in dists}
                assert {js_mean(s, answered) for s in sums} == {mean}
                means_beside_hidden += None in counts
    assert means_beside_hidden > 100  # a mean is shown for a small group when it pins nothing


# --- many random small programmes through compareGroups ---------------------------------


def sum_told(parts: list[int | None], total: int) -> bool:
    """Whether a union tells its own total where every part hides its own (the rule)."""
    return all(v is None for v in parts) and THRESHOLD <= total <= (THRESHOLD - 1) * len(parts) - 1


def combine(views: list[tuple], total: int) -> tuple:
    """A union's view from its parts' views and its true number of answers, as the rules say it
    is built: cells only where every part shows them, the total where all show theirs or where
    sum_told allows it."""
    answered = None if any(v[0] is None for v in views) else sum(v[0] for v in views)
    if sum_told([v[0] for v in views], total):
        answered = total
    cells = tuple(
        None if any(c is None for c in column) else sum(column)
        for column in zip(*(v[1] for v in views), strict=True)
    )
    return (answered, cells)


def _sumset(sets: list[set[int]]) -> set[int]:
    return {sum(values) for values in itertools.product(*sets)}


def _merge(classes: list[list[set[int]]]) -> list[set[int]]:
    """The values of [answered, *cells] over several classes of distributions together."""
    return [set().union(*column) for column in zip(*classes, strict=True)]


def _check_respondents(got: list, layout: list[list[int]], sizes: list[int]) -> None:
    """Respondents: a part alone shows its size from 5; a union the sum where all its parts do,
    or where none does and sum_told allows it; each hidden one keeps two values or more."""
    own = [set(range(THRESHOLD)) if s < THRESHOLD else {s} for s in sizes]
    for gi, group in enumerate(layout):
        shown = got[0][gi]["respondents"]
        alone = [sizes[p] if sizes[p] >= THRESHOLD else None for p in group]
        total = sum(sizes[p] for p in group)
        told = None not in alone or (len(group) > 1 and sum_told(alone, total))
        assert shown == (total if told else None)
        # Every split of the parts' sizes that gives this column, for each part and the column.
        fits = [
            split
            for split in itertools.product(*(own[p] for p in group))
            if (sum(split) if None not in alone or sum_told(alone, sum(split)) else None) == shown
        ]
        for j, p in enumerate(group):
            if sizes[p] < THRESHOLD:
                assert len({split[j] for split in fits}) >= 2, (layout, gi, sizes)
        if shown is None:
            assert len({sum(split) for split in fits}) >= 2, (layout, gi, sizes)


def _random_part(rng: random.Random, shapes: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Answer bodies of one part: 0..N_MAX people, skewed answers so small counts are common."""
    size = rng.choice([0, 2, 4, 5, 6, 7, 9, 12, 15, rng.randint(0, N_MAX)])
    bodies = []
    for _ in range(size):
        answers: dict[str, Any] = {}
        for qi, (kind, cells) in enumerate(shapes):
            if rng.random() < 0.15:
                continue
            weights = [rng.random() ** 2 for _ in range(cells)]
            pick = rng.choices(range(cells), weights=weights)[0]
            qid = f"q{qi}"
            if kind == "scale":
                answers[qid] = pick + 1
            elif kind == "yesno":
                answers[qid] = pick == 0
            elif kind == "choice":
                answers[qid] = f"o{pick}"
            else:
                chosen = {f"o{pick}"} | {f"o{o}" for o in range(cells) if rng.random() < 0.4}
                answers[qid] = sorted(chosen)
        answers["text"] = f"text {rng.random()}"
        bodies.append({"role": "mentor", "answers": answers})
    return bodies


def _true_dist(kind: str, cells: int, bodies: list[dict[str, Any]], qid: str) -> tuple[int, ...]:
    values = [b["answers"][qid] for b in bodies if qid in b["answers"]]
    if kind == "choices":
        return (len(values), *(sum(f"o{o}" in v for v in values) for o in range(cells)))
    keys = {"scale": lambda v: v - 1, "yesno": lambda v: 0 if v else 1}
    key = keys.get(kind, lambda v: int(v[1:]))
    return tuple(sum(key(v) == i for v in values) for i in range(cells))


# Group layouts: each group is a list of part indices; parts shown alone are columns too.
LAYOUTS = [
    [[0], [1]],  # mentors and mentees
    [[0, 1], [0], [1]],  # and an "all" column, first (where a copy equal to a part is the sum)
    [[0, 1], [0]],  # all and mentors; the mentees' column is not shown
    [[0, 1, 2], [0], [1], [2]],
    [[0, 1, 2], [1], [2]],  # never two parts unshown: each part's set below is exact
]


def test_random_programmes_side_by_side_leave_hidden_cells_open(js_page: Any, lookup: dict) -> None:
    rng = random.Random(20261216)
    checked_unions = hidden_in_unions = told_texts = 0
    modes = set()
    for case in range(CASES):
        shapes = [("scale", 5), ("choice", rng.randint(2, 4)), ("yesno", 2)]
        shapes.append(("choices", rng.randint(2, 3)))
        questions = [question(k, c, f"q{i}") for i, (k, c) in enumerate(shapes)]
        questions.append({"id": "text", "kind": "long", "text": "Say", "audience": "all"})
        layout = LAYOUTS[case % len(LAYOUTS)]
        parts = [_random_part(rng, shapes) for _ in range(1 + max(max(g) for g in layout))]
        # A union is declared with `of`, or given as copies of its parts' answers (found by
        # content), where its parts are all columns; else it shares the parts' very objects,
        # which needs every part to hold an answer (an empty one shares nothing).
        every_part_shown = all([p] in layout for g in layout for p in g)
        mode = ["of", "copies", "identity"][case % 3] if every_part_shown else "identity"
        if mode == "identity":
            for part in parts:
                if not part:
                    part.append({"role": "mentee", "answers": {"text": f"only one {case}"}})
        got = js_page.evaluate(
            """async ([questions, parts, layout, mode]) => {
              const { compareGroups } = await import('/js/surveys/results.js');
              const copy = (bodies) => bodies.map((b) => structuredClone(b));
              const groups = layout.map((ids, i) => {
                const group = { key: `g${i}`, label: `G${i}` };
                const answers = ids.flatMap((p) => parts[p]);
                if (mode === 'of' && ids.length > 1) {
                  const alone = (p) => layout.findIndex((g) => g.length === 1 && g[0] === p);
                  group.of = ids.map((p) => `g${alone(p)}`);
                } else group.answers = mode === 'copies' ? copy(answers) : answers;
                return group;
              });
              return compareGroups(questions, groups).map((q) => q.results.map((r) =>
                ({ respondents: r.respondents, result: r.result })));
            }""",
            [questions, parts, layout, mode],
        )
        modes.add(mode)
        shown_alone = {g[0]: gi for gi, g in enumerate(layout) if len(g) == 1}
        unions = [(gi, g) for gi, g in enumerate(layout) if len(g) > 1]
        assert len(unions) <= 1
        sizes = [len(p) for p in parts]
        _check_respondents(got, layout, sizes)
        for qi, (kind, cells) in enumerate(shapes):
            table = lookup[(kind, cells)]
            truth = [_true_dist(kind, cells, p, f"q{qi}") for p in parts]
            views = [table["view"][d] for d in truth]
            ns = [counts_of(kind, d)[0] for d in truth]
            columns = [view_of(got[qi][gi]["result"]) for gi in range(len(layout))]
            # Each part's candidates as classes (its view, its number of answers) -> the values
            # of [answered, *cells] over those distributions: its own column's view where it is
            # shown, else any view (up to as many answers as the part may have respondents).
            classes: list[dict[tuple, list[set[int]]]] = []
            for p, view in enumerate(views):
                if p in shown_alone:
                    assert columns[shown_alone[p]] == view, (case, qi, p)
                    keys = [
                        (view, n)
                        for n in sorted({counts_of(kind, d)[0] for d in table["by_view"][view]})
                    ]
                else:
                    top = sizes[p] if sizes[p] >= THRESHOLD else THRESHOLD - 1
                    keys = [k for k in table["by_n"] if k[1] <= top]
                classes.append({k: table["sets"][k] for k in keys})
            # Joint candidates of the union's parts: every union column must come out as shown.
            possible_sets = [_merge(list(c.values())) for c in classes]
            union_options: dict[int, list[set[int]]] = {}
            for gi, group in unions:
                assert columns[gi] == (
                    *combine([views[p] for p in group], sum(ns[p] for p in group)),
                    columns[gi][2],
                ), (case, qi)
                checked_unions += 1
                seen_parts = [[set() for _ in range(cells + 1)] for _ in group]
                seen_union = [set() for _ in range(cells + 1)]
                for combo in itertools.product(*(classes[p].items() for p in group)):
                    trial_views = [key[0] for key, _sets in combo]
                    total = sum(key[1] for key, _sets in combo)
                    if combine(trial_views, total) != columns[gi][:2]:
                        continue
                    for j, (_key, sets) in enumerate(combo):
                        for i, values in enumerate(sets):
                            seen_parts[j][i] |= values
                    for i in range(cells + 1):
                        seen_union[i] |= _sumset([sets[i] for _key, sets in combo])
                for j, p in enumerate(group):
                    possible_sets[p] = seen_parts[j]
                union_options[gi] = seen_union
                # A union's mean only where every part's cells are shown (so it adds nothing).
                plain = kind == "scale" and all(None not in views[p][1] for p in group)
                total = sum((v + 1) * c for p in group for v, c in enumerate(truth[p]))
                mean = js_mean(total, columns[gi][0]) if plain else None
                assert columns[gi][2] == mean
            for gi, group in enumerate(layout):
                answered, counts, _mean = columns[gi]
                options = union_options.get(gi) or possible_sets[group[0]]
                rows = [[ns[p], *counts_of(kind, truth[p])[1]] for p in group]
                true_values = [sum(column) for column in zip(*rows, strict=True)]
                for i, value in enumerate([answered, *counts]):
                    if value is None:
                        assert len(options[i]) >= 2, (case, layout, gi, qi, i, options[i])
                        hidden_in_unions += len(group) > 1
                    else:
                        assert value == true_values[i], (case, gi, qi, i)
            # Every part, shown or not, keeps two values in each hidden count, the unions seen.
            for p, view in enumerate(views):
                for i, value in enumerate([view[0], *view[1]]):
                    if value is None:
                        assert len(possible_sets[p][i]) >= 2, (case, layout, qi, p, i)
        for gi, group in enumerate(layout):
            # Free texts: from 5 answers in every part of the column, all of them, no more.
            result = got[len(shapes)][gi]["result"]
            texts = [b["answers"]["text"] for p in group for b in parts[p]]
            alone = [len(parts[p]) if len(parts[p]) >= THRESHOLD else None for p in group]
            if None not in alone or (len(group) > 1 and sum_told(alone, len(texts))):
                assert result["answered"] == len(texts) and sorted(result["texts"]) == sorted(texts)
                told_texts += None in alone
            else:
                assert result["answered"] is None and result["texts"] is None
    assert checked_unions > 100 and hidden_in_unions > 100 and told_texts > 2
    assert modes == {"of", "copies", "identity"}
