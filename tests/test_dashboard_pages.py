"""The progress page's pair table a page at a time and sorted on the server (issue 19, item 3):
plain links without JavaScript, the same partial to htmx, bad values never a 5xx."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import PASSPHRASE, Pair, login_browserless, open_db, synthetic_pair
from workspace.organiser import followup
from workspace.sharing import signals

HTMX = {"HX-Request": "true"}


def _codes(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="pair-code">([^<]+)</th>', html)


def _programme(app: Flask, instance: Path, pair: Pair) -> FlaskClient:
    """The real pair and 119 synthetic ones, pair n having n % 7 meetings (all shared)."""
    conn = open_db(instance)
    for n in range(119):
        code = f"PB-S{n:03d}"
        synthetic_pair(conn, pair.programme_id, code, shared=tuple(signals.SIGNALS))
        for m in range(n % 7):
            conn.execute(
                "INSERT INTO entries (id, notebook_id, entry_type, author_id, revision, "
                "envelope, size, created_at, updated_at) VALUES (?, ?, 'meeting', 'x', 1, '{}', "
                "2, '2026-10-01T10:00:00Z', '2026-10-01T10:00:00Z')",
                (f"e_{code}_{m}", f"n_{code}"),
            )
    conn.commit()
    conn.close()
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    return org


def test_the_pair_table_comes_a_page_at_a_time(app: Flask, instance: Path, pair: Pair) -> None:
    org = _programme(app, instance, pair)
    base = f"/organiser/programmes/{pair.programme_id}/dashboard"
    first = org.get(base).get_data(as_text=True)
    codes = _codes(first)
    assert len(codes) == followup.PAGE_SIZE == 50 and codes == sorted(codes)
    assert "Showing 1–50 of 120 matching pairs (120 in all)." in first
    assert "Page 1 of 3" in first and 'rel="prev"' not in first
    # Without JavaScript the next-page link is a plain link to the whole page.
    href = re.search(r'id="page-next" rel="next" href="([^"]+)"', first).group(1)
    second = org.get(href.replace("&amp;", "&"))
    assert second.get_data(as_text=True).lstrip().startswith("<!doctype html>")
    assert _codes(second.get_data(as_text=True))[0] > codes[-1]
    # htmx gets the rows alone, the count out of band.
    last = org.get(base + "?page=3", headers=HTMX).get_data(as_text=True)
    assert "<html" not in last and 'id="pair-rows"' in last and len(_codes(last)) == 20
    assert "Showing 101–120 of 120 matching pairs (120 in all)." in last
    assert 'rel="next"' not in last
    assert len({*codes, *_codes(second.get_data(as_text=True)), *_codes(last)}) == 120


def test_sorting_by_meetings_puts_pairs_that_do_not_share_last(
    app: Flask, instance: Path, pair: Pair
) -> None:
    org = _programme(app, instance, pair)
    base = f"/organiser/programmes/{pair.programme_id}/dashboard"
    page = org.get(base + "?sort=meetings&dir=desc", headers=HTMX).get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    top = _codes(page)
    assert all(int(code[-3:]) % 7 == 6 for code in top[:17])  # the 17 pairs with 6 meetings
    # The heading now offers the other direction, keeping the filters.
    assert re.search(r'id="sort-meetings" href="[^"]*dir=asc', page)
    everything = []
    for n in (1, 2, 3):
        rows = org.get(f"{base}?sort=meetings&dir=asc&page={n}").get_data(as_text=True)
        everything += _codes(rows)
    assert everything[-1] == pair.setup.code, "the pair that shares nothing comes last"
    filtered = org.get(base + "?phase=start&sort=flags&dir=desc").get_data(as_text=True)
    assert 'name="sort" value="flags"' in filtered and 'name="dir" value="desc"' in filtered


def test_odd_values_fall_back_to_the_first_page_sorted_by_code(
    app: Flask, instance: Path, pair: Pair
) -> None:
    org = _programme(app, instance, pair)
    base = f"/organiser/programmes/{pair.programme_id}/dashboard"
    expected = _codes(org.get(base).get_data(as_text=True))
    for query in (
        "?page=0",
        "?page=99",
        "?page=-1",
        "?page=x",
        "?sort=envelope",
        "?dir=up",
        "?phase=nonsense",
        "?weeks=9999",
    ):
        response = org.get(base + query)
        assert response.status_code == 200, query
        assert _codes(response.get_data(as_text=True)) == expected, query


def test_the_report_counts_every_pair_from_the_same_queries(
    app: Flask, instance: Path, pair: Pair
) -> None:
    org = _programme(app, instance, pair)
    page = org.get(
        f"/organiser/programmes/{pair.programme_id}/report", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Pairs in the programme: 120" in page
    # Pairs n = 0…118 have n % 7 meetings: 34 have 1–2 and 51 have 3–5 (the rest are hidden).
    assert re.search(r"1–2</th><td>34<", page) and re.search(r"3–5</th><td>51<", page)


def test_a_small_programme_s_report_shows_the_two_groups(
    app: Flask, instance: Path, pair: Pair
) -> None:
    conn = open_db(instance)
    for n, phase in enumerate(["working"] * 4 + ["closing"] * 2 + ["completed"] * 2 + [None] * 5):
        synthetic_pair(
            conn, pair.programme_id, f"PB-G{n:02d}", shared=("phase",), phase_override=phase
        )
    conn.commit()
    conn.close()
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    page = org.get(f"/organiser/programmes/{pair.programme_id}/report").get_data(as_text=True)
    # 14 pairs: working 4, closing 2, completed 2, start 5, not shared 1 (the real pair): the
    # detailed table hides every cell (the 5 with the rest), the groups are 8 and 6.
    assert re.search(r"Start</th><td>–<", page) and "This programme is small" in page
    assert re.search(r"Working, closing or completed</th><td>8<", page)
    assert re.search(r"Start, or not shared</th><td>6<", page)
    csv = org.get(f"/organiser/programmes/{pair.programme_id}/report.csv").get_data(as_text=True)
    assert "Pairs by phase, in two groups" in csv
