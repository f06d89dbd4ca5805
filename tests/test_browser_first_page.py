"""A first visit to a long meeting log on a slow connection (issue 19): the meetings written last
are drawn while the whole log downloads, in the room kept for them, and then the whole log's
first page takes their place without moving anything."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import MENTOR, Pair
from tests.support.browser import LAYOUT_SHIFT, Device, Devices


def _log(pair: Pair, meetings: int) -> None:
    """`meetings` meetings in the pair's notebook, a day apart, the last written newest."""
    for n in range(meetings):
        day = f"2027-01-{n + 1:02d}"
        pair.mentee.add_entry(pair.id, "meeting", {"date": day, "theme": f"T{n}"})


def _first_visit(devices: Devices, pid: str, asked: list[str] | None = None) -> Device:
    """The mentor on a new phone, signed in to the meeting log and waiting until it is ready;
    the listings it asks for in `asked`."""
    phone = devices.member(pid)
    if asked is not None:
        phone.page.on("request", lambda r: asked.append(r.url) if "/entries" in r.url else None)
    phone.sign_in(*MENTOR, next_page=f"/pairs/{pid}/notebook/meetings")
    phone.wait_ready()
    return phone


def _holding_whole_listings(
    app: Flask, gate: threading.Event, asked: list[str]
) -> Callable[..., Iterable[bytes]]:
    """The app, with every whole listing held until `gate` opens (the first page is not); the
    listings' queries in `asked`, in the order they came."""
    working = app.wsgi_app

    def held(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        if not environ["PATH_INFO"].endswith("/entries"):
            return working(environ, start_response)
        asked.append(query)
        if "newest=" not in query:
            gate.wait(30)
            return working(environ, start_response)
        # The first page comes slowly: the whole listing is not asked for meanwhile.
        time.sleep(0.8)
        answer = working(environ, start_response)
        asked.append("(first page answered)")
        return answer

    app.wsgi_app = held  # type: ignore[method-assign]
    return working


def test_a_first_visit_draws_the_meetings_written_last_while_the_whole_log_comes(
    app: Flask, pair: Pair, devices: Devices
) -> None:
    pid = pair.id
    for n in range(25):
        day = f"2027-{1 + n // 28:02d}-{1 + n % 28:02d}"
        pair.mentee.add_entry(pid, "meeting", {"date": day, "theme": f"Theme {n}", "notes": "N"})
    # Written last, dated first: among the newest written, but not on the log's first page.
    pair.mentor.add_entry(pid, "meeting", {"date": "2026-12-01", "theme": "Late note"})
    gate = threading.Event()
    asked: list[str] = []
    working = _holding_whole_listings(app, gate, asked)
    phone = devices.member(pid)
    try:
        phone.sign_in(*MENTOR, next_page=f"/pairs/{pid}/notebook/meetings")
        page = phone.page
        previews = page.locator("#meeting-list .meeting-preview")
        expect(previews).to_have_count(20)
        expect(previews.first.locator(".meeting-title")).to_contain_text("Theme 24")
        expect(previews.last.locator(".meeting-title")).to_contain_text("Late note")
        expect(page.locator("#meeting-list")).to_have_attribute("aria-busy", "true")
        expect(previews.first.locator(".meeting-more")).to_be_disabled()
        expect(previews.first.locator(".meeting-more")).to_be_hidden()
        assert page.locator("body[data-notebook-ready]").count() == 0
        # Unseen over the cards, still there for a screen reader: the rest is coming.
        expect(page.locator("#gate-loading")).to_have_class(re.compile(r"\bvisually-hidden\b"))
        expect(page.get_by_role("status").filter(has_text="Opening the notebook")).to_have_count(1)
        # The link to each meeting works already.
        href = previews.first.locator(".meeting-edit").get_attribute("href")
        assert href and href.startswith(f"/pairs/{pid}/notebook/meetings/")
        assert page.evaluate(LAYOUT_SHIFT) < 0.02
        # The first page was asked for first: the whole log did not share the connection with it.
        deadline = time.monotonic() + 10
        while len(asked) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)  # the whole listing is asked for once the first page is shown
        assert asked[:3] == [
            "type=meeting&newest=20",
            "(first page answered)",
            "type=meeting&type=goal",
        ], asked
        assert_accessible(page)
        phone.shot("first-page-preview")
    finally:
        gate.set()
        app.wsgi_app = working  # type: ignore[method-assign]
    phone.wait_ready()
    # The whole listing was asked for only once the first page was drawn and shown.
    drawn, asked_whole = page.evaluate("""() => [
      performance.getEntriesByName("notebook-first-page")[0].startTime,
      performance.getEntriesByType("resource").find((r) => r.name.endsWith("type=goal")).startTime,
    ]""")
    assert asked_whole > drawn + 90, (drawn, asked_whole)
    cards = page.locator("#meeting-list .meeting-card")
    expect(page.locator("#meeting-list .meeting-preview")).to_have_count(0)
    expect(cards).to_have_count(20)
    expect(cards.first.locator(".meeting-title")).to_contain_text("Theme 24")
    # The whole log puts the late note where its date belongs: after the older page.
    expect(cards.last.locator(".meeting-title")).to_contain_text("Theme 5")
    expect(page.locator("#meeting-list")).not_to_have_attribute("aria-busy", "true")
    cards.first.locator(".meeting-more").click()
    expect(cards.first.locator("[data-slot=notes]")).to_have_text("N")
    older = page.get_by_role("button", name="Show older meetings (6 more)")
    older.click()
    expect(cards).to_have_count(26)
    expect(cards.last.locator(".meeting-title")).to_contain_text("Late note")
    assert page.evaluate(LAYOUT_SHIFT) < 0.02
    assert_accessible(page)
    phone.shot("first-page-whole")
    phone.problems.assert_none()


def test_a_first_page_that_cannot_be_fetched_leaves_the_page_waiting_as_before(
    app: Flask, pair: Pair, devices: Devices
) -> None:
    pid = pair.id
    _log(pair, 21)
    working = app.wsgi_app
    asked: list[str] = []

    def refused(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if "newest=" in environ.get("QUERY_STRING", ""):
            asked.append(environ["QUERY_STRING"])
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": "busy"}']
        return working(environ, start_response)

    app.wsgi_app = refused  # type: ignore[method-assign]
    try:
        phone = _first_visit(devices, pid)
    finally:
        app.wsgi_app = working  # type: ignore[method-assign]
    cards = phone.page.locator("#meeting-list .meeting-card")
    expect(cards).to_have_count(20)
    expect(cards.first.locator(".meeting-title")).to_contain_text("T20")
    expect(phone.page.locator("#meeting-list .meeting-preview")).to_have_count(0)
    assert asked == ["type=meeting&newest=20"]
    phone.problems.forgive("503")
    phone.problems.assert_none()


def test_a_log_of_one_page_comes_whole_without_a_first_page(pair: Pair, devices: Devices) -> None:
    asked: list[str] = []
    _log(pair, 20)
    phone = _first_visit(devices, pair.id, asked)
    expect(phone.page.locator("#meeting-list .meeting-card")).to_have_count(20)
    assert asked and not [url for url in asked if "newest=" in url], asked
    phone.problems.assert_none()
