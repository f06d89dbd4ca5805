"""The progress page at laptop width (issue 18, finding 12): the pair table fits at 1366 px, and
its sort headings and page links work by keyboard with htmx (issue 19, item 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import ORGANISER, Pair, open_db, synthetic_pair
from tests.support.browser import Devices
from workspace.sharing import signals

pytestmark = pytest.mark.browser


def test_the_pair_table_fits_at_1366_and_pages_by_keyboard(
    app: Flask, instance: Path, pair: Pair, devices: Devices
) -> None:
    conn = open_db(instance)
    for n in range(60):
        synthetic_pair(conn, pair.programme_id, f"PB-W{n:03d}", shared=tuple(signals.SIGNALS))
    conn.commit()
    conn.close()
    organiser = devices.open(1366, 768)
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{pair.programme_id}/dashboard")
    region = page.locator("#pair-rows .table-scroll")
    expect(page.locator("#pair-rows tbody tr")).to_have_count(50)
    fits = region.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert fits, "the whole pair table is visible at 1366 px, nothing cut off"
    organiser.shot("dashboard-1366")
    assert_accessible(page)
    page.locator("#page-next").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pair-rows tbody tr")).to_have_count(11)
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("#pair-count")).to_contain_text("51–61 of 61")
    # Sorted by code, ascending, to begin with: the heading offers the other direction.
    expect(page.locator("#pair-rows th[aria-sort=ascending]")).to_have_count(1)
    page.locator("#sort-code").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pair-rows th[aria-sort=descending]")).to_have_count(1)
    expect(page.locator("#pair-rows tbody tr")).to_have_count(50)
    expect(page.locator("#sort-code")).to_be_focused()
    codes = page.locator("#pair-rows tbody th").all_inner_texts()
    assert codes == sorted(codes, reverse=True)
    page.locator("#sort-meetings").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pair-rows th[aria-sort=ascending]")).to_contain_text("Meetings")
    organiser.problems.assert_none()
