"""The matching's scores and suggestions (static/js/matching/score.js, suggest.js) in headless
Chromium: must-haves hold in every suggestion, locks and forbids survive recomputation, the
explanations name the criteria that decided a score, and the unmatched get their reason."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.test_matching_assign import js_page, static_origin  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

LANGS = ["fi", "en", "sv", "fi@selko"]
THEMES = ["skills", "working_life", "networking", "job_search", "cv", "interview"]
TIMES = ["weekday_day", "weekday_evening", "weekend"]
FIELDS = ["software engineering", "nursing", "civil engineering", "accounting", "graphic design"]
MODES = ["in_person", "remote", "either"]

IMPORTS = """
  const s = await import('/js/matching/score.js');
  const g = await import('/js/matching/suggest.js');
"""


def _answers(rng: random.Random, role: str) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "name": f"{role}-{rng.randint(0, 10**6)}",
        "languages": rng.sample(LANGS, rng.randint(1, 2)),
        "field": rng.choice(FIELDS),
        "themes": rng.sample(THEMES, rng.randint(1, 4)),
        "mode": rng.choice(MODES),
        "place": rng.choice(["Helsinki", "Tampere", "Turku"]),
        "times": rng.sample(TIMES, rng.randint(1, 3)),
        "q:q1": rng.choice(["Yes", "No"]),
    }
    if role == "mentor":
        answers["capacity"] = rng.randint(1, 3)
    return answers


QUESTIONS = {
    "mentee": [{"id": "q1", "kind": "one", "label": "Sauna?", "options": ["Yes", "No"]}],
    "mentor": [{"id": "q1", "kind": "one", "label": "sauna? ", "options": ["Yes", "No"]}],
}


def test_must_haves_locks_and_forbids_hold_in_every_suggestion(js_page: Any) -> None:  # noqa: F811
    rng = random.Random(14)
    cases = []
    for _ in range(40):
        mentees = [_answers(rng, "mentee") for _ in range(rng.randint(1, 14))]
        mentors = [_answers(rng, "mentor") for _ in range(rng.randint(1, 10))]
        locks = [[rng.randrange(len(mentees)), rng.randrange(len(mentors))]]
        forbids = [[rng.randrange(len(mentees)), rng.randrange(len(mentors))] for _ in range(3)]
        times_must = rng.random() < 0.5
        cases.append(
            {
                "mentees": mentees,
                "mentors": mentors,
                "locks": locks,
                "forbids": forbids,
                "timesMust": times_must,
            }
        )
    out = js_page.evaluate(
        "async (cases) => {"
        + IMPORTS
        + """
          return cases.map((c) => {
            const criteria = s.defaultCriteria(QUESTIONS);
            criteria.field.aim = 'different';
            if (c.timesMust) criteria.times.mode = 'must';
            const scores = s.scoreAll(c.mentees, c.mentors, criteria, QUESTIONS);
            const capacities = c.mentors.map(s.capacityOf);
            const input = { scores, capacities, locks: c.locks, forbids: c.forbids };
            const sug = g.suggest(input);
            const allowed = c.mentees.map((_, i) => c.mentors.map((_, j) => scores.allowed(i, j)));
            const same = c.mentees.every((me, i) => c.mentors.every((mo, j) => {
              const one = s.scorePair(me, mo, criteria, QUESTIONS);
              return one.score === scores.score(i, j) && one.allowed === scores.allowed(i, j);
            }));
            return { sug, allowed, same, keys: scores.cell(0, 0).breakdown.map((b) => b.key) };
          });
        }""".replace("QUESTIONS", repr(QUESTIONS).replace("'", '"')),
        cases,
    )
    for case, got in zip(cases, out, strict=True):
        sug = got["sug"]
        assert got["same"], "scoreAll and scorePair agree"
        assert "q:q1:q1" in got["keys"]  # the question both calls ask, matched by its label
        load = [0] * len(case["mentors"])
        seen = set()
        lock_i, lock_j = case["locks"][0]
        forbidden = {tuple(f) for f in case["forbids"]}
        for p in sug["pairs"]:
            i, j = p["mentee"], p["mentor"]
            assert i not in seen
            seen.add(i)
            load[j] += 1
            assert (i, j) not in forbidden
            if p["locked"]:
                assert (i, j) == (lock_i, lock_j)
                continue
            me, mo = case["mentees"][i], case["mentors"][j]
            assert set(me["languages"]) & set(mo["languages"]), "language is a must-have"
            if case["timesMust"]:
                assert set(me["times"]) >= set(mo["times"]) or set(mo["times"]) >= set(
                    me["times"]
                ), "all the times of the one with fewer are shared"
            assert got["allowed"][i][j]
        if (lock_i, lock_j) not in forbidden:
            assert any(p["locked"] and p["mentee"] == lock_i for p in sug["pairs"])
        for j, mentor in enumerate(case["mentors"]):
            assert load[j] <= mentor["capacity"]
        unmatched = {u["mentee"] for u in sug["unmatchedMentees"]}
        assert unmatched | seen == set(range(len(case["mentees"])))


def test_explanations_name_the_deciding_criteria(js_page: Any) -> None:  # noqa: F811
    got = js_page.evaluate(
        "async () => {"
        + IMPORTS
        + """
          const criteria = s.defaultCriteria();
          criteria.themes.weight = 6; criteria.field.weight = 5; criteria.times.weight = 0;
          const mentee = { languages: ['fi'], field: 'Nursing', themes: ['cv', 'interview'],
                           mode: 'remote', times: ['weekend'] };
          const mentor = { languages: ['fi', 'en'], field: 'Accounting',
                           themes: ['cv', 'interview'],
                           mode: 'either', times: ['weekday_day'] };
          const stranger = { languages: ['sv'], field: 'Nursing', themes: ['cv'] };
          const good = s.scorePair(mentee, mentor, criteria);
          const bad = s.scorePair(mentee, stranger, criteria);
          criteria.field.aim = 'different';
          const across = s.scorePair(mentee, mentor, criteria);
          return { good, why: s.explain(good), bad, whyBad: s.explain(bad),
                   across, whyAcross: s.explain(across), defaults: s.defaultCriteria() };
        }"""
    )
    # Themes met fully (weight 6) and remote fits; the field differs (weight 5): named as such.
    assert got["why"]["for"][0] == "themes"
    assert "mode" in got["why"]["for"]
    assert got["why"]["against"] == ["field"]
    assert "times" not in got["why"]["for"] + got["why"]["against"]  # weight 0 decides nothing
    assert got["why"]["must"] == [{"key": "language", "held": True}]
    assert got["good"]["allowed"] and got["good"]["score"] == pytest.approx(100 * 8 / 13, abs=0.1)
    # No shared language: not allowed, and the failed must-have is named.
    assert not got["bad"]["allowed"] and got["whyBad"]["failed"] == ["language"]
    # Deliberately different fields: the same difference now counts for the pair.
    assert got["whyAcross"]["for"][:2] == ["themes", "field"]
    assert got["across"]["score"] == 100
    # Optional criteria are never on by default; a shared language is a must-have.
    assert got["defaults"]["preferences"] == []
    assert got["defaults"]["language"]["mode"] == "must"


def test_unmatched_reasons_and_alternatives(js_page: Any) -> None:  # noqa: F811
    got = js_page.evaluate(
        "async () => {"
        + IMPORTS
        + """
          const criteria = s.defaultCriteria();
          const fi = { languages: ['fi'], themes: ['cv'] };
          const mentors = [fi, { languages: ['fi'], themes: ['skills'] }];
          const mentees = [fi, fi, fi, { languages: ['en'], themes: ['cv'] }];
          const scores = s.scoreAll(mentees, mentors, criteria);
          const input = { scores, capacities: [1, 1], locks: [], forbids: [[0, 1]] };
          const sug = g.suggest(input);
          const swedish = s.scoreAll(mentees, [{ languages: ['sv'] }], criteria);
          const stuck = g.suggest({ scores: swedish, capacities: [2], locks: [], forbids: [] });
          const mine = sug.pairs.find((p) => p.mentee === 1)?.mentor ?? -1;
          const alt = g.alternatives(input, sug, 1, mine);
          const two = s.scoreAll([fi], [{ languages: ['fi'] }, fi], criteria);
          const lonely = g.suggest({ scores: two, capacities: [1, 1], locks: [], forbids: [] });
          return { sug, alt, lonely, stuck };
        }"""
    )
    sug = got["sug"]
    assert len(sug["pairs"]) == 2
    reasons = {u["mentee"]: u for u in sug["unmatchedMentees"]}
    assert reasons[3] == {"mentee": 3, "reason": "must", "failed": ["language"]}
    assert [u["reason"] for m, u in reasons.items() if m != 3] == ["capacity"]
    assert got["stuck"]["unmatchedMentors"] == [
        {"mentor": 0, "free": 2, "reason": "no-mentee-fits"}
    ]
    # Mentee 1's one other mentor is full in the suggestion.
    assert len(got["alt"]) == 1 and got["alt"][0]["free"] is False
    assert got["alt"][0]["mentor"] != next(p["mentor"] for p in sug["pairs"] if p["mentee"] == 1)
    # The mentor offering CV help gets the one mentee; the other place is simply left over.
    assert got["lonely"]["pairs"][0]["mentor"] == 1
    assert got["lonely"]["unmatchedMentors"] == [{"mentor": 0, "free": 1, "reason": "places-left"}]


def test_criteria_are_normalised(js_page: Any) -> None:  # noqa: F811
    got = js_page.evaluate(
        "async () => {"
        + IMPORTS
        + """
          return s.normaliseCriteria({ language: { mode: 'weight', weight: 99 },
            field: { aim: 'wrong', weight: 2 }, themes: 'x', bogus: 1,
            preferences: [{ mentee: 'q2', mentor: 'q3',
            any: 'No preference', mode: 'weight', weight: 4 }, { mentee: 1 }] });
        }"""
    )
    assert got["language"] == {"mode": "weight", "weight": 5}
    assert got["field"] == {"mode": "weight", "weight": 2, "aim": "same"}
    assert got["themes"] == {"mode": "weight", "weight": 4}
    assert "bogus" not in got
    assert got["preferences"] == [
        {"mentee": "q2", "mentor": "q3", "any": "No preference", "mode": "weight", "weight": 4}
    ]


def test_alternatives_are_the_best_others_in_order(js_page: Any) -> None:  # noqa: F811
    """The next best mentors, on random score tables with ties and not-allowed pairs: the same
    as sorting every allowed other mentor by score (then index) and keeping the first three."""
    got = js_page.evaluate(
        "async () => {"
        + IMPORTS
        + """
          let seed = 7;
          const rand = () => {
            seed = (seed * 1103515245 + 12345) % 2147483648;
            return seed / 2147483648;
          };
          const cases = [];
          for (let c = 0; c < 200; c += 1) {
            const m = 1 + Math.floor(rand() * 12);
            const table = Array.from({ length: m }, () => Math.floor(rand() * 5) * 10);
            const allowedCells = table.map(() => rand() > 0.2);
            const scores = {
              n: 1, m, score: (i, j) => table[j], allowed: (i, j) => allowedCells[j],
            };
            const current = Math.floor(rand() * m);
            const count = Math.floor(rand() * 4);
            const forbids = rand() > 0.5 ? [[0, 0]] : [];
            const input = { scores, capacities: table.map(() => 1), forbids };
            const alt = g.alternatives(input, { pairs: [] }, 0, current, count);
            cases.push({ table, allowedCells, current, count, forbids: input.forbids, alt });
          }
          return cases;
        }"""
    )
    for case in got:
        forbidden = {j for _i, j in case["forbids"]}
        others = [
            j
            for j, ok in enumerate(case["allowedCells"])
            if ok and j != case["current"] and j not in forbidden
        ]
        expected = sorted(others, key=lambda j: (-case["table"][j], j))[: case["count"]]
        assert [a["mentor"] for a in case["alt"]] == expected, case
