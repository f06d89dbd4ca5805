"""A long suggestion is drawn in steps (static/js/matching/view.js): every card's names at once,
the first screenful filled, the rest in later tasks. With the page's timers held (Playwright's
clock) the later cards stay unfilled, so these tests see what an organiser can do meanwhile:
"Accept all" takes every suggestion, drawn or not; a decision on a card far down keeps the focus
on it; and once the timers run every card is filled and every pair is sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.helpers import ORGANISER
from tests.support.browser import Devices
from tests.test_browser_matching import _applications, _ready

pytestmark = pytest.mark.browser

PAIRS = 30


def _held_matching_page(app: Flask, devices: Devices) -> tuple[Any, Any]:
    """The matching page of 30 mentors and 30 mentees, its timers held once it has loaded."""
    rec, _emails = _applications(app, mentors=PAIRS, mentees=PAIRS)
    organiser = devices.open()
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.clock.install()
    page.clock.pause_at(1_000_000_000_000)
    page.goto(f"/organiser/programmes/{rec.programme_id}/matching")
    return organiser, page


def _filled(page: Any) -> Any:
    return page.locator("#suggestions > li:not(.pending)")


def test_accept_all_takes_the_cards_not_drawn_yet_and_every_card_appears(
    app: Flask, devices: Devices
) -> None:
    organiser, page = _held_matching_page(app, devices)
    cards = page.locator("#suggestions > li")
    expect(cards).to_have_count(PAIRS, timeout=60_000)  # every card's names at once
    expect(cards.last).to_have_class("suggestion pending")
    drawn = _filled(page).count()
    assert 0 < drawn < PAIRS, drawn  # the first screenful only, while the timers are held
    expect(cards.last.locator(".pair-names")).to_contain_text(" with ")
    expect(cards.last.locator('[data-action="accept"]')).to_have_count(0)
    expect(page.locator("#suggestions")).to_have_attribute("aria-busy", "true")
    # Not "ready" (the live region's count) until every card is there.
    expect(page.locator("#matching-status")).to_have_text("Computing the suggestions…")

    page.get_by_role("button", name="Accept all suggestions").click()
    expect(page.locator("#create-summary")).to_have_text(
        f"{PAIRS} pairs accepted; 0 other applicants get the status below."
    )
    assert _filled(page).count() < PAIRS  # still not drawn: the count came from the suggestion

    page.clock.resume()
    _ready(page, PAIRS, 0)
    expect(_filled(page)).to_have_count(PAIRS)
    expect(page.locator("#suggestions").locator('[data-action="accept"]:checked')).to_have_count(
        PAIRS
    )
    expect(page.locator("#suggestions")).to_have_attribute("aria-busy", "false")
    for n in (PAIRS - 1, PAIRS // 2):
        expect(cards.nth(n).locator(".why")).to_contain_text("Must-haves held: shared language")
        expect(cards.nth(n).locator('[data-action="lock"]')).to_have_attribute(
            "aria-pressed", "true"
        )

    shown = {cards.nth(n).get_attribute("data-pair") for n in range(PAIRS)}
    with page.expect_response(lambda r: r.url.endswith("/matching/pairs")) as answer:
        page.get_by_role("button", name="Create these pairs").click()
    assert answer.value.status == 201
    posted = next(s for s in organiser.sent if s.url.endswith("/matching/pairs"))
    body = json.loads(posted.body)
    sent = {f"{p['mentee_application_id']}:{p['mentor_application_id']}" for p in body["pairs"]}
    assert len(sent) == PAIRS and sent == shown
    organiser.problems.assert_none()


def test_a_decision_far_down_the_list_keeps_the_focus_on_its_card(
    app: Flask, devices: Devices
) -> None:
    organiser, page = _held_matching_page(app, devices)
    page.clock.resume()
    _ready(page, PAIRS, 0)
    far = page.locator("#suggestions > li").nth(PAIRS - 2)
    key = far.get_attribute("data-pair")
    page.clock.pause_at(2_000_000_000_000)  # held again: the next drawing stops at its first step

    lock = page.locator(f'[data-action="lock"][data-pair="{key}"]')
    lock.focus()
    page.keyboard.press("Enter")
    expect(lock).to_have_attribute("aria-pressed", "true")
    assert _filled(page).count() < PAIRS  # drawn out of turn, the rest still waiting
    focused = page.evaluate(
        "() => [document.activeElement.dataset.action, document.activeElement.dataset.pair]"
    )
    assert focused == ["lock", key]
    page.clock.resume()
    _ready(page, PAIRS, 0)
    assert page.evaluate("() => document.activeElement.dataset.pair") == key
    organiser.problems.assert_none()
