"""Survey results on hand-written cases (issue 16, item 3), computed by
static/js/surveys/results.js in headless Chromium: exact counts, means and suppression, free
texts shuffled by the injected random source, side-by-side groups, and the CSV for funders read
back with Python's csv module."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.modules import blank_page, static_server

pytestmark = pytest.mark.browser

HIDDEN = "fewer than 5"
CHOICE = {
    "id": "theme",
    "kind": "choice",
    "text": "Which theme mattered most?",
    "audience": "all",
    "options": [
        {"id": "a", "label": "Career"},
        {"id": "b", "label": "Skills"},
        {"id": "c", "label": "Network"},
    ],
}
MANY = {**CHOICE, "id": "themes", "kind": "choices", "text": "Which themes did you cover?"}
SCALE = {"id": "going", "kind": "scale", "text": "How has it gone?", "audience": "all"}
YESNO = {"id": "again", "kind": "yesno", "text": "Would you mentor again?", "audience": "mentor"}
TEXT = {"id": "wish", "kind": "long", "text": "Wishes for the organiser", "audience": "all"}
QUESTIONS = [CHOICE, MANY, SCALE, YESNO, TEXT]


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


def bodies(values: list[Any], qid: str, role: str = "mentor") -> list[dict[str, Any]]:
    """One answer body per value (None: the question left unanswered)."""
    return [{"role": role, "answers": {} if v is None else {qid: v}} for v in values]


def compute(page: Any, questions: list[dict], answers: list[dict], **options: Any) -> dict:
    """computeResults in the page, with an injected random source cycling through `sequence`."""
    return page.evaluate(
        """async ([questions, answers, options]) => {
          const { computeResults } = await import('/js/surveys/results.js');
          const sequence = options.sequence ?? [0.5];
          let i = 0;
          const random = () => sequence[i++ % sequence.length];
          return computeResults(questions, answers, { threshold: options.threshold, random });
        }""",
        [questions, answers, options],
    )


def counts(result: dict, qid: str) -> list[int | None]:
    question = next(q for q in result["questions"] if q["id"] == qid)
    return [c["count"] for c in question["cells"]]


def one(result: dict, qid: str) -> dict:
    return next(q for q in result["questions"] if q["id"] == qid)


def test_choice_counts_and_secondary_suppression(js_page: Any) -> None:
    # 15 answers: Career 4 (under 5), Skills 5 (the smallest shown: its secondary partner), 6.
    got = compute(js_page, [CHOICE], bodies(["a"] * 4 + ["b"] * 5 + ["c"] * 6 + [None], "theme"))
    assert got["respondents"] == 16
    q = one(got, "theme")
    assert q["answered"] == 15 and not q["suppressed"]
    assert counts(got, "theme") == [None, None, 6]
    assert [c["label"] for c in q["cells"]] == ["Career", "Skills", "Network"]
    assert q["mean"] is None and q["texts"] is None
    # Six members, a choice picked by 4 of them: hidden, and the 2 left with it.
    six = compute(js_page, [CHOICE], bodies(["a"] * 4 + ["c"] * 2, "theme"))
    assert one(six, "theme")["answered"] == 6 and counts(six, "theme") == [None, None, None]
    # Every cell equal to the smallest shown goes, not just one; nothing hidden hides nothing.
    tie = compute(js_page, [CHOICE], bodies(["a"] * 3 + ["b"] * 6 + ["c"] * 6, "theme"))
    assert counts(tie, "theme") == [None, None, None]
    whole = compute(js_page, [CHOICE], bodies(["a"] * 5 + ["b"] * 6 + ["c"] * 7, "theme"))
    assert counts(whole, "theme") == [5, 6, 7]


def test_under_five_answers_show_nothing(js_page: Any) -> None:
    got = compute(js_page, QUESTIONS, bodies(["a", "b", "a", "c"], "theme"))
    assert got["respondents"] is None
    for q in got["questions"]:
        assert q["answered"] is None and q["suppressed"] and q["mean"] is None
        assert q["texts"] is None
        assert q["cells"] is None or all(c["count"] is None for c in q["cells"])


def test_several_choices_hide_a_count_whose_complement_is_small(js_page: Any) -> None:
    # 12 answered: Career picked by 10 (2 did not: hidden), Skills by 6 (6 did not: shown),
    # Network by 3 (hidden). The cells need not add up to 12.
    values = [["a", "b"]] * 6 + [["a"]] * 3 + [["a", "c"]] + [["c"]] * 2 + [[]]
    got = compute(js_page, [MANY], bodies(values, "themes"))
    q = one(got, "themes")
    assert q["answered"] == 12  # the empty list is no answer
    assert counts(got, "themes") == [None, 6, None]
    # Six members: Career picked by 4 (hidden), Skills by 5 (hidden with it: 1 did not pick it).
    six = [["a", "b"]] * 4 + [["b"]] + [["c"]]
    got = compute(js_page, [MANY], bodies(six, "themes"))
    assert one(got, "themes")["answered"] == 6 and counts(got, "themes") == [None, None, None]
    unknown = compute(js_page, [MANY], bodies([["b", "x"], ["x"]] * 3, "themes"))
    assert one(unknown, "themes")["answered"] is None  # 3 real answers; "x" is no option


def test_scale_means_from_five_answers_and_only_where_they_pin_nothing(js_page: Any) -> None:
    four = compute(js_page, [SCALE], bodies([4, 4, 5, 3], "going"))
    assert one(four, "going")["answered"] is None and one(four, "going")["mean"] is None
    five = compute(js_page, [SCALE], bodies([1, 2, 3, 4, 5], "going"))
    assert one(five, "going")["answered"] == 5 and one(five, "going")["mean"] == 3.0
    assert counts(five, "going") == [None] * 5
    # 5 times "4": the cells hide it, and a mean of 4.0 is also 3×4 + 3 + 5 and so on: shown.
    fours = compute(js_page, [SCALE], bodies([4] * 5, "going"))
    assert counts(fours, "going") == [None] * 5 and one(fours, "going")["mean"] == 4.0
    # 5 times "1": only one spread has a mean of 1.0, so the mean would tell every answer.
    ones = compute(js_page, [SCALE], bodies([1] * 5, "going"))
    assert one(ones, "going")["answered"] == 5 and one(ones, "going")["mean"] is None
    # Exact mean, one decimal, beside hidden cells: 94 / 26 = 3.615… → 3.6, and the hidden
    # 2, 3 and 6 could as well be 3, 2 and 6 or 2, 4 and 5.
    spread = [1] * 2 + [2] * 3 + [3] * 6 + [4] * 7 + [5] * 8
    many = compute(js_page, [SCALE], bodies(spread, "going"))
    assert counts(many, "going") == [None, None, None, 7, 8]
    assert one(many, "going")["mean"] == 3.6
    # 0, 6, 5, 7, 8: the hidden 0 and 5 could be 5 and 0, but not with the same mean: none.
    pinned = compute(js_page, [SCALE], bodies([2] * 6 + [3] * 5 + [4] * 7 + [5] * 8, "going"))
    assert counts(pinned, "going") == [None, 6, None, 7, 8] and one(pinned, "going")["mean"] is None
    # Not answers: out of range, not integers, text.
    odd = compute(js_page, [SCALE], bodies([0, 6, 2.5, "3", None] + [3] * 5, "going"))
    assert one(odd, "going")["answered"] == 5 and counts(odd, "going") == [None] * 5


def test_yes_no_and_audience(js_page: Any) -> None:
    answers = bodies([True] * 7 + [False] * 5, "again") + bodies([True] * 9, "again", "mentee")
    got = compute(js_page, [YESNO], answers)
    q = one(got, "again")
    assert q["audience"] == "mentor" and q["answered"] == 12  # mentees were not asked
    assert [(c["id"], c["count"]) for c in q["cells"]] == [("yes", 7), ("no", 5)]
    lopsided = compute(js_page, [YESNO], bodies([True] * 8 + [False] * 3 + ["yes"], "again"))
    assert one(lopsided, "again")["answered"] == 11 and counts(lopsided, "again") == [None, None]


def _fisher_yates(items: list[str], sequence: list[float]) -> list[str]:
    out = list(items)
    for k, i in enumerate(range(len(out) - 1, 0, -1)):
        j = int(sequence[k % len(sequence)] * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def test_free_texts_shuffled_by_the_injected_random_and_absent_under_five(js_page: Any) -> None:
    texts = ["More meetings", "  Clearer goals ", "A closing event", "Nothing", "Thanks!", "", " "]
    answers = bodies(texts, "wish")
    answers[0]["signed"] = {"name": "Aino Virtanen", "pair": "K7Q2"}
    sequence = [0.9, 0.1, 0.5, 0.3, 0.7]
    got = compute(js_page, [TEXT], answers, sequence=sequence)
    q = one(got, "wish")
    kept = ["More meetings", "Clearer goals", "A closing event", "Nothing", "Thanks!"]
    assert q["answered"] == 5 and q["cells"] is None
    assert q["texts"] == _fisher_yates(kept, sequence) != kept
    again = compute(js_page, [TEXT], answers, sequence=sequence)
    assert one(again, "wish")["texts"] == q["texts"]  # deterministic under the same source
    other = compute(js_page, [TEXT], answers, sequence=[0.0])
    assert one(other, "wish")["texts"] == _fisher_yates(kept, [0.0]) != q["texts"]
    assert "Aino" not in str(got) and "K7Q2" not in str(got) and "mentor" not in str(q["texts"])
    four = compute(js_page, [TEXT], bodies(kept[:4] + ["", "   "], "wish"))
    assert one(four, "wish")["texts"] is None and one(four, "wish")["answered"] is None


def test_threshold_is_an_option(js_page: Any) -> None:
    got = compute(js_page, [CHOICE], bodies(["a"] * 3 + ["b"] * 4, "theme"), threshold=3)
    # Under 3 hidden; 3 is then the smallest shown, so it goes too; 4 stays (under 5 it would not).
    assert got["respondents"] == 7 and counts(got, "theme") == [None, 4, None]


def compare(page: Any, groups: list[dict], questions: list[dict] = QUESTIONS) -> list[dict]:
    return page.evaluate(
        """async ([questions, groups]) => {
          const { compareGroups } = await import('/js/surveys/results.js');
          let i = 0;
          return compareGroups(questions, groups, { random: () => [0.3, 0.8][i++ % 2] });
        }""",
        [questions, groups],
    )


def test_an_all_column_hides_what_would_difference_a_small_group(js_page: Any) -> None:
    # Mentors 18 (7, 6, 5), mentees 6 (2, 4, 0): the mentees' cells hide, and so must all
    # (9, 10, 5), or all minus mentors would give the mentees' 2 and 4.
    mentors = bodies(["a"] * 7 + ["b"] * 6 + ["c"] * 5, "theme")
    mentees = bodies(["a"] * 2 + ["b"] * 4, "theme", "mentee")
    groups = [
        {"key": "mentor", "label": "Mentors", "answers": mentors},
        {"key": "mentee", "label": "Mentees", "answers": mentees},
        {"key": "all", "label": "All", "of": ["mentor", "mentee"]},
    ]
    got = compare(js_page, groups, [CHOICE])
    by_key = {r["key"]: r for r in got[0]["results"]}
    assert [c["count"] for c in by_key["mentor"]["result"]["cells"]] == [7, 6, 5]
    assert [c["count"] for c in by_key["mentee"]["result"]["cells"]] == [None, None, None]
    assert [c["count"] for c in by_key["all"]["result"]["cells"]] == [None, None, None]
    assert by_key["all"]["result"]["answered"] == 24 and by_key["all"]["respondents"] == 24
    assert got[0]["question"]["id"] == "theme" and by_key["all"]["label"] == "All"
    # With enough mentees, the all column adds up; an empty mentee group hides "all".
    mentees = bodies(["a"] * 6 + ["b"] * 5 + ["c"] * 5, "theme", "mentee")
    groups[1]["answers"] = mentees
    by_key = {r["key"]: r for r in compare(js_page, groups, [CHOICE])[0]["results"]}
    assert [c["count"] for c in by_key["all"]["result"]["cells"]] == [13, 11, 10]
    groups[1]["answers"] = []
    by_key = {r["key"]: r for r in compare(js_page, groups, [CHOICE])[0]["results"]}
    assert by_key["all"]["respondents"] is None and by_key["all"]["result"]["answered"] is None
    assert by_key["mentor"]["result"]["answered"] == 18


def test_midpoint_and_end_side_by_side(js_page: Any) -> None:
    midpoint = bodies([3] * 5 + [4] * 6, "going") + bodies(["Good"] * 5, "wish")
    end = bodies([2] + [3] * 2 + [4] * 5 + [5] * 9, "going")
    got = compare(
        js_page,
        [
            {"key": "midpoint", "label": "Mid-point", "answers": midpoint},
            {"key": "end", "label": "End", "answers": end},
        ],
        [SCALE, TEXT],
    )
    mid, last = got[0]["results"]
    assert mid["respondents"] == 16 and last["respondents"] == 17
    # Mid-point 5 × 3 and 6 × 4: a mean of 3.5 would tell that the hidden five all said 3.
    assert [c["count"] for c in mid["result"]["cells"]] == [None, None, None, 6, None]
    assert mid["result"]["answered"] == 11 and mid["result"]["mean"] is None
    # End 73 / 17 = 4.29… → 4.3; the hidden 0, 1, 2, 5 could also be 0, 2, 0, 6 or 1, 0, 1, 6.
    assert [c["count"] for c in last["result"]["cells"]] == [None, None, None, None, 9]
    assert last["result"]["mean"] == 4.3
    assert got[1]["results"][0]["result"]["texts"] == ["Good"] * 5
    assert got[1]["results"][1]["result"]["texts"] is None


def test_csv_for_funders(js_page: Any) -> None:
    canary = "canary-text-7f3a"
    mentors = []
    for i in range(12):
        answers = {"theme": "a" if i < 7 else "b", "going": 3 + i % 3, "wish": f"{canary} {i}"}
        answers["themes"] = ["a", "b"] if i < 6 else ["b"]
        answers["again"] = i < 9
        mentors.append({"role": "mentor", "answers": answers})
    mentees = [{"role": "mentee", "answers": {"theme": "c", "going": 5}} for _ in range(3)]
    odd = {
        **CHOICE,
        "id": "odd",
        "text": '=HYPERLINK("x"), said "she"',
        "options": CHOICE["options"],
    }
    mentors[0]["answers"]["odd"] = "a"
    questions = [*QUESTIONS, odd]
    labels = {
        "hidden": HIDDEN,
        "question": "Question",
        "group": "Group",
        "answer": "Answer",
        "count": "Count",
        "answered": "Answered",
        "mean": "Mean",
        "yes": "Yes",
        "no": "No",
    }
    text, comparison = js_page.evaluate(
        """async ([questions, mentors, mentees, labels]) => {
          const { compareGroups, resultsCsv } = await import('/js/surveys/results.js');
          const comparison = compareGroups(questions, [
            { key: 'mentor', label: 'Mentors, all', answers: mentors },
            { key: 'mentee', label: 'Mentees', answers: mentees },
            { key: 'all', label: 'All', of: ['mentor', 'mentee'] },
          ]);
          return [resultsCsv(comparison, labels), comparison];
        }""",
        [questions, mentors, mentees, labels],
    )
    assert text.endswith("\r\n") and "\r\n" in text.rstrip("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["Question", "Group", "Answer", "Count", "Answered", "Mean"]
    expected = [rows[0]]
    for entry in comparison:
        question = entry["question"]
        for column in entry["results"]:
            result = column["result"]
            answered = HIDDEN if result["answered"] is None else str(result["answered"])
            mean = "" if result["mean"] is None else str(result["mean"])
            name = question["text"]
            if name.startswith("="):
                name = "'" + name
            if result["cells"] is None:
                expected.append([name, column["label"], "", "", answered, ""])
            for cell in result["cells"] or []:
                label = (
                    {"yes": "Yes", "no": "No"}.get(cell["id"])
                    if question["kind"] == "yesno"
                    else None
                )
                count = HIDDEN if cell["count"] is None else str(cell["count"])
                expected.append(
                    [name, column["label"], label or cell["label"], count, answered, mean]
                )
    assert rows == expected
    assert len(rows) == 1 + 3 * (3 + 3 + 5 + 2 + 1 + 3)
    assert canary not in text  # free texts are not in the file
    # Mentors' Career 7 shown, Skills 5 its secondary partner; the 3 mentees hide "all" too.
    theme = [r for r in rows if r[0] == CHOICE["text"]]
    assert theme[0][1:4] == ["Mentors, all", "Career", "7"] and theme[1][3] == HIDDEN
    assert {r[3] for r in theme if r[1] in ("Mentees", "All")} == {HIDDEN}
    assert [r[4] for r in theme] == ["12"] * 3 + [HIDDEN] * 6
    going = [r for r in rows if r[0] == SCALE["text"] and r[1] == "Mentors, all"]
    assert {r[5] for r in going} == {"4"}  # 4 × 3, 4 × 4, 4 × 5
    assert all(r[3] == HIDDEN for r in rows[1:] if r[3] not in ("", *map(str, range(5, 100))))


def test_an_all_column_of_copies_is_found_by_content(js_page: Any) -> None:
    """As a page builds the columns: fresh objects for each (`bodies.map(...)`), "all" first."""
    mentors = bodies(["a"] * 7 + ["b"] * 6 + ["c"] * 5, "theme")
    mentees = bodies(["a"] * 2 + ["b"] * 4, "theme", "mentee")

    def columns(mentor_bodies: list[dict], mentee_bodies: list[dict]) -> dict[str, dict]:
        got = js_page.evaluate(
            """async ([question, mentors, mentees]) => {
              const { compareGroups } = await import('/js/surveys/results.js');
              const fresh = (list) => list.map((b) => ({ role: b.role, answers: b.answers }));
              return compareGroups([question], [
                { key: 'all', label: 'All', answers: fresh([...mentors, ...mentees]) },
                { key: 'mentor', label: 'Mentors', answers: fresh(mentors) },
                { key: 'mentee', label: 'Mentees', answers: fresh(mentees) },
              ])[0].results;
            }""",
            [CHOICE, mentor_bodies, mentee_bodies],
        )
        return {r["key"]: r for r in got}

    def cells(column: dict) -> list[int | None]:
        return [c["count"] for c in column["result"]["cells"]]

    got = columns(mentors, mentees)
    assert cells(got["mentor"]) == [7, 6, 5] and cells(got["mentee"]) == [None] * 3
    assert cells(got["all"]) == [None] * 3 and got["all"]["respondents"] == 24
    # No mentee has answered yet: all equals mentors, and still tells nothing about mentees.
    got = columns(mentors, [])
    assert cells(got["mentor"]) == [7, 6, 5] and got["all"]["respondents"] is None
    # A group that merely contains another's answers is no sum: mid-point and end stay apart.
    end = bodies(["a"] * 5 + ["b"] * 5, "theme")
    got = js_page.evaluate(
        """async ([question, mid, end]) => {
          const { compareGroups } = await import('/js/surveys/results.js');
          return compareGroups([question], [
            { key: 'midpoint', label: 'Mid-point', answers: mid },
            { key: 'end', label: 'End', answers: end },
          ])[0].results.map((r) => r.result.cells.map((c) => c.count));
        }""",
        [CHOICE, mentors, end],
    )
    # (Were the end a part of the mid-point, the mid-point's cells would hide with the end's.)
    assert got == [[7, 6, 5], [None, None, None]]


def test_an_all_column_tells_its_total_where_no_side_shows_anything(js_page: Any) -> None:
    """Three mentors and three mentees: everyone's six texts, from no side alone; four and four
    would say exactly how many of each answered, so then nothing."""

    def side_by_side(mentors: int, mentees: int) -> dict[str, dict]:
        answers = bodies([f"wish {i}" for i in range(mentors)], "wish")
        answers += bodies([f"hope {i}" for i in range(mentees)], "wish", "mentee")
        groups = [
            {"key": "all", "label": "All", "of": ["mentor", "mentee"]},
            {"key": "mentor", "label": "Mentors", "answers": answers[:mentors]},
            {"key": "mentee", "label": "Mentees", "answers": answers[mentors:]},
        ]
        return {r["key"]: r for r in compare(js_page, groups, [TEXT])[0]["results"]}

    got = side_by_side(3, 3)
    assert got["all"]["respondents"] == 6 and got["all"]["result"]["answered"] == 6
    assert sorted(got["all"]["result"]["texts"]) == sorted(
        [f"wish {i}" for i in range(3)] + [f"hope {i}" for i in range(3)]
    )
    assert got["mentor"]["result"]["texts"] is None and got["mentee"]["respondents"] is None
    got = side_by_side(4, 4)
    assert got["all"]["respondents"] is None and got["all"]["result"]["texts"] is None
    got = side_by_side(4, 3)
    assert got["all"]["result"]["answered"] == 7
    got = side_by_side(6, 3)  # the mentors' six show, so "all" would give the mentees' three
    assert got["mentor"]["result"]["answered"] == 6 and got["all"]["result"]["texts"] is None
