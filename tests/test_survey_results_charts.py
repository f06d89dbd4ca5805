"""Survey results drawn in a page (static/js/surveys/charts.js, issue 16, item 3): each chart an
SVG image with an accessible name whose every number is in its table, hidden cells reading the
page's "fewer than 5", axe-core clean at 320 and 1280 px, no sideways scrolling on a phone, no
style attribute anywhere (under a CSP that allows none), answers as text only, and black and
white bars in print.

The modules and stylesheets are served from static/ on 127.0.0.1; the page is a plain HTML page
of that origin with the app's CSP for styles and scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import assert_accessible
from tests.support.modules import static_server

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parent.parent / "static"
PAGE = """<!doctype html><html lang="{lang}"><meta charset=utf-8>
<meta name=viewport content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:">
<title>Results</title><link rel=icon href=data:,>
<link rel=stylesheet href=/css/app.css><link rel=stylesheet href=/css/survey-results.css>
<main id=main><h1>Mid-point survey: results</h1><h2>Mentors and mentees</h2>
<div id=results></div></main>"""
LABELS = {
    "hidden": "fewer than 5",
    "notShown": "not shown",
    "answered": "Answered",
    "mean": "Mean",
    "count": "Count",
    "answer": "Answer",
    "noAnswers": "No answers yet.",
    "texts": "Answers",
    "chart": "Chart",
    "table": "Table",
    "yes": "Yes",
    "no": "No",
}
OPTIONS = [
    {"id": "a", "label": "Career paths and the Finnish job market, including hidden openings"},
    {"id": "b", "label": "Skills"},
    {"id": "c", "label": "Networks"},
]
QUESTIONS = [
    {"id": "theme", "kind": "choice", "text": "Which theme mattered most?", "options": OPTIONS},
    {"id": "themes", "kind": "choices", "text": "Which themes did you cover?", "options": OPTIONS},
    {"id": "going", "kind": "scale", "text": "How has the mentoring gone so far?"},
    {"id": "again", "kind": "yesno", "text": "Would you mentor again?", "audience": "mentor"},
    {"id": "wish", "kind": "long", "text": "Wishes for the organiser"},
]
XSS = '<img src=x onerror="document.title=1">'


def _bodies() -> tuple[list[dict], list[dict]]:
    mentors, mentees = [], []
    for i in range(14):
        answers = {
            "theme": "a" if i < 7 else "b" if i < 13 else "c",
            "themes": ["a", "b"] if i < 8 else ["b"],
            "going": 3 + i % 3,
            "again": i < 9,
            "wish": XSS if i == 0 else f"Wish number {i}\nwith a second line",
        }
        mentors.append({"role": "mentor", "answers": answers})
    for i in range(6):
        answers = {"theme": "a" if i < 2 else "c", "going": 4 + i % 2, "wish": f"Mentee wish {i}"}
        mentees.append({"role": "mentee", "answers": answers})
    return mentors, mentees


@pytest.fixture(scope="module")
def static_origin() -> Iterator[str]:
    """static/ on http://127.0.0.1:<port>."""
    with static_server() as origin:
        yield origin


def open_page(chromium_browser: Any, origin: str, width: int, lang: str = "en") -> Any:
    """The results page at `width` px, recording console problems and CSP violations."""
    context = chromium_browser.new_context(
        base_url=origin, viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective))"
    )
    html = PAGE.format(lang=lang)
    page.route("**/results", lambda route: route.fulfill(content_type="text/html", body=html))
    page.goto("/results")
    return page


def render(page: Any, locale: str = "en", groups: str = "three") -> list[dict]:
    """Compute and draw the comparison; returns it as the page drew it."""
    mentors, mentees = _bodies()
    return page.evaluate(
        """async ([questions, mentors, mentees, labels, locale, groups]) => {
          const { compareGroups } = await import('/js/surveys/results.js');
          const { renderResults } = await import('/js/surveys/charts.js');
          const all = [
            { key: 'mentor', label: 'Mentors', answers: mentors },
            { key: 'mentee', label: 'Mentees', answers: mentees },
            { key: 'all', label: 'Everyone who answered', of: ['mentor', 'mentee'] },
          ];
          let i = 0;
          const copies = ['A', 'B', 'C'].map((key) => ({ key, label: key, answers: mentors }));
          const chosen = { one: all.slice(0, 1), three: all, copies }[groups];
          const comparison = compareGroups(questions, chosen,
            { random: () => [0.2, 0.9, 0.5][i++ % 3] });
          renderResults(document.getElementById('results'), comparison, { locale, labels });
          return comparison;
        }""",
        [QUESTIONS, *_bodies(), LABELS, locale, groups],
    )


def drawn(page: Any) -> list[dict]:
    """Per section: chart name, the chart's texts, the table's header, rows and cells."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#results section')].map((s) => {
          const svg = s.querySelector('svg');
          const title = svg && document.getElementById(svg.getAttribute('aria-labelledby'));
          return {
            heading: s.querySelector('h3').textContent,
            labelledby: s.getAttribute('aria-labelledby') === s.querySelector('h3').id,
            role: svg && svg.getAttribute('role'),
            title: title && title.parentNode === svg ? title.textContent : null,
            values: svg ? [...svg.querySelectorAll('.chart-value')].map((t) => t.textContent) : [],
            hiddenTexts: svg
              ? [...svg.querySelectorAll('.chart-hidden')].map((t) => t.textContent) : [],
            bars: svg ? svg.querySelectorAll('rect').length : 0,
            groups: svg ? [...svg.querySelectorAll('.chart-group')].map((t) => t.textContent) : [],
            caption: s.querySelector('caption')?.textContent ?? null,
            head: [...s.querySelectorAll('thead th')].map((th) => th.textContent),
            rows: [...s.querySelectorAll('tbody tr')].map((tr) =>
              [...tr.children].map((c) => [c.tagName, c.textContent, c.className])),
            items: [...s.querySelectorAll('li')].map((li) => li.textContent),
            paragraphs: [...s.querySelectorAll('p')].map((p) => p.textContent),
          };
        })"""
    )


def test_charts_and_tables_hold_the_same_numbers(chromium_browser: Any, static_origin: str) -> None:
    page = open_page(chromium_browser, static_origin, 1280)
    comparison = render(page)
    sections = drawn(page)
    assert len(sections) == len(QUESTIONS)
    hidden_seen = 0
    for entry, section in zip(comparison, sections, strict=True):
        question, results = entry["question"], entry["results"]
        assert section["heading"] == question["text"] and section["labelledby"]
        if question["kind"] == "long":
            assert section["role"] is None and section["caption"] is None
            continue
        assert section["role"] == "img" and section["title"] == f"Chart: {question['text']}"
        assert section["caption"] == f"Table: {question['text']}"
        assert section["head"] == ["Answer", "Mentors", "Mentees", "Everyone who answered"]
        table_cells = [cell for row in section["rows"] for cell in row[1:]]
        numbers_in_table = {text for _tag, text, _cls in table_cells}
        # Every number in the chart is in the table.
        for text in section["values"]:
            for number in re.findall(r"\d+", text):
                assert number in numbers_in_table, (question["id"], text)
        # The rows: one per cell, then answered (and mean), as computed.
        cells = results[0]["result"]["cells"]
        assert len(section["rows"]) == len(cells) + 1 + (question["kind"] == "scale")
        for ci, row in enumerate(section["rows"][: len(cells)]):
            assert row[0][0] == "TH"
            for gi, (_tag, text, cls) in enumerate(row[1:]):
                count = results[gi]["result"]["cells"][ci]["count"]
                if count is None:
                    assert text == "fewer than 5" and "survey-hidden" in cls
                    hidden_seen += 1
                else:
                    assert text == str(count)
        # The chart draws a bar or says "fewer than 5" for each group and cell.
        counts = [r["result"]["cells"][ci]["count"] for ci in range(len(cells)) for r in results]
        assert len(section["values"]) == section["bars"] == sum(c is not None for c in counts)
        assert len(section["hiddenTexts"]) == sum(c is None for c in counts)
        assert set(section["hiddenTexts"]) == {"fewer than 5"}
        # Each bar or hidden cell is named by its group, shortened to fit (the table has it whole).
        names = ["Mentors", "Mentees", "Everyone wh…"] * len(cells)
        assert section["groups"] == names
        answered = section["rows"][len(cells)]
        assert answered[0][1] == "Answered"
        assert [t for _tag, t, _c in answered[1:]] == [
            "fewer than 5" if r["result"]["answered"] is None else str(r["result"]["answered"])
            for r in results
        ]
    assert hidden_seen > 5
    # The mean row, one decimal, "not shown" where the rules leave it out.
    scale = next(s for s in sections if s["heading"] == QUESTIONS[2]["text"])
    means = [r["result"]["mean"] for r in comparison[2]["results"]]
    assert means[0] is not None
    expected = ["not shown" if m is None else f"{m:.1f}" for m in means]
    assert [t for _tag, t, _c in scale["rows"][-1]] == ["Mean", *expected]
    # Free texts: as text, each group's under its own heading.
    wish = sections[-1]
    assert XSS in wish["items"] and "Wish number 3\nwith a second line" in wish["items"]
    assert wish["paragraphs"] == ["Answered: 14", "Answered: 6", "Answered: 20"]
    assert len(wish["items"]) == 2 * (14 + 6)
    assert page.evaluate("document.querySelectorAll('#results img').length") == 0
    assert page.title() == "Results"
    # The accessible names of the images, as a screen reader gets them.
    assert page.get_by_role("img", name="Chart: Would you mentor again?").count() == 1
    assert page.evaluate("document.querySelectorAll('[style]').length") == 0
    assert page.problems == []
    page.context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_accessible_and_no_overflow(chromium_browser: Any, static_origin: str, width: int) -> None:
    page = open_page(chromium_browser, static_origin, width)
    render(page)
    assert_accessible(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    wide = page.evaluate(
        """() => [...document.querySelectorAll('#results *')]
          .filter((e) =>
            e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
          .map((e) => e.tagName + '.' + e.getAttribute('class'))"""
    )
    assert wide == []
    # Nothing in the results takes focus: they are read, not operated.
    focusable = page.evaluate(
        """() => [...document.querySelectorAll('#results *')].filter((e) => e.tabIndex >= 0
          || e.hasAttribute('tabindex')).length"""
    )
    assert focusable == 0
    if width == 320:
        # The chart's text is drawn at 12 px or more on the phone.
        size = page.evaluate(
            "document.querySelector('.survey-chart text').getBoundingClientRect().height"
        )
        assert size >= 11
    assert page.evaluate("document.querySelectorAll('[style]').length") == 0
    assert page.problems == []
    page.context.close()


def test_finnish_numbers_one_group_and_nothing_to_show(
    chromium_browser: Any, static_origin: str
) -> None:
    page = open_page(chromium_browser, static_origin, 360, lang="fi")
    comparison = render(page, locale="fi", groups="one")
    scale = drawn(page)[2]
    assert scale["head"] == ["Answer", "Mentors"]
    mean = comparison[2]["results"][0]["result"]["mean"]
    assert scale["rows"][-1][1][1] == f"{mean:.1f}".replace(".", ",")  # the decimal comma
    assert scale["groups"] == []  # one group: no names beside the bars
    page.evaluate(
        """async (labels) => {
          const { renderResults } = await import('/js/surveys/charts.js');
          renderResults(document.getElementById('results'), [], { locale: 'fi', labels });
        }""",
        LABELS,
    )
    assert page.locator("#results").inner_text() == "No answers yet."
    assert page.problems == []
    page.context.close()


def test_print_is_black_and_white(chromium_browser: Any, static_origin: str) -> None:
    page = open_page(chromium_browser, static_origin, 1280)
    render(page, groups="copies")  # three columns of bars, all shown
    page.emulate_media(media="print")
    fills = page.evaluate(
        """() => [0, 1, 2].map((i) =>
          getComputedStyle(document.querySelector('.chart-bar-' + i)).fill)"""
    )
    assert fills == ["rgb(0, 0, 0)", "rgb(140, 140, 140)", "rgb(255, 255, 255)"]
    strokes = page.evaluate("getComputedStyle(document.querySelector('.chart-bar-2')).stroke")
    assert strokes == "rgb(0, 0, 0)"
    ink = page.evaluate(
        """() => [...document.querySelectorAll('#results td, #results th, .survey-chart text')]
          .map((e) => getComputedStyle(e).color + ' ' + getComputedStyle(e).fill)
          .filter((c) => !c.includes('rgb(0, 0, 0)'))"""
    )
    assert ink == []
    page.context.close()


def test_the_modules_never_write_markup_or_inline_style() -> None:
    for name in ("surveys/charts.js", "surveys/results.js"):
        source = (STATIC / "js" / name).read_text()
        for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", ".style", "style="):
            assert forbidden not in source, (name, forbidden)
    assert "document" not in (STATIC / "js" / "surveys" / "results.js").read_text()
