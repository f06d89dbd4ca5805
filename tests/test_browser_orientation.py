"""Orientation in a real browser at the narrowest phone: the pages for both roles in both
languages, the printable pages and blank forms are axe-clean with no sideways scrolling; the
member's tick updates in place (htmx) and works without JavaScript; the organiser's material
form saves in place, shows a bad link at its field, and the organiser sees the tick."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import MENTEE, MENTOR, ORGANISER, Pair
from tests.support.browser import Device, Devices

pytestmark = pytest.mark.browser

MARK = "() => { window.__stillHere = true; }"
STILL_HERE = "() => window.__stillHere === true"


def _fits(page: object, width: int = 320) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["fi", "en"])
def test_orientation_pages_fit_320px_and_are_accessible(devices: Devices, language: str) -> None:
    phone = devices.open(320, 640, locale="fi-FI" if language == "fi" else "en-GB")
    page = phone.page
    for path in (
        "/orientation",
        "/orientation/mentor",
        "/orientation/mentee",
        "/orientation/mentor/print",
        "/orientation/mentee/print",
        "/orientation/forms/agreement",
        "/orientation/forms/evaluation",
    ):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, path
        _fits(page)
        assert_accessible(page)
        phone.shot(language + path.replace("/", "-"))
    # The contents list leads to its sections by keyboard.
    page.goto("/orientation/mentee")
    link = page.locator('.contents a[href="#safety"]')
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#safety$"))
    # Printed, the page loses its menus and the contents list.
    page.emulate_media(media="print")
    for selector in (".site-header", ".contents", ".site-footer"):
        assert not page.locator(selector).is_visible(), selector
    assert page.locator("#safety").is_visible()
    page.goto("/orientation/forms/agreement")
    assert not page.locator("#print-hint").is_visible()
    assert page.locator(".write-line").first.is_visible()
    phone.problems.assert_none()


def test_member_ticks_in_place_and_the_organiser_sees_it(pair: Pair, devices: Devices) -> None:
    organiser = devices.open(320, 640)
    organiser.sign_in_with_cookie(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{pair.programme_id}/orientation")
    _fits(page)
    assert_accessible(page)
    page.evaluate(MARK)
    page.get_by_label("Separate: mentors and mentees apart").check()
    page.get_by_label("Your own material for this programme (optional)").fill("Bring your CV.")
    page.get_by_label("Title of link 1").fill("Handbook")
    page.get_by_label("Web address of link 1").fill("https://example.org/handbook")
    page.locator("#save-material").click()
    expect(page.locator("#orientation-material .notice")).to_have_text(
        "The orientation material was saved."
    )
    expect(page.locator("#announce")).not_to_be_empty()
    assert page.evaluate(STILL_HERE), "saving reloaded the whole page"
    expect(page.get_by_label("Web address of link 1")).to_have_value("https://example.org/handbook")
    # A bad address: shown at its field (the plain post the fragment falls back to), not saved.
    page.get_by_label("Web address of link 2").fill("javascript:alert(1)")
    page.get_by_label("Title of link 2").fill("Bad")
    with page.expect_navigation():
        page.locator("#save-material").click()
    expect(page.locator("#link_url_2-error")).to_contain_text("https://")
    assert page.locator("#link_url_2").get_attribute("aria-invalid") == "true"
    _fits(page)
    assert_accessible(page)
    organiser.problems.forgive("400")

    mentee = devices.open(320, 640)
    mentee.sign_in_with_cookie(*MENTEE)
    member_page = mentee.page
    member_page.goto(f"/pairs/{pair.id}")
    member_page.locator("#orientation-link").click()
    expect(member_page.locator("#organiser-material")).to_contain_text("Bring your CV.")
    expect(member_page.locator("#organiser-material a")).to_have_text("Handbook")
    assert "javascript" not in member_page.content()
    _fits(member_page)
    assert_accessible(member_page)
    member_page.evaluate(MARK)
    button = member_page.locator("#orientation-tick-button")
    button.focus()
    member_page.keyboard.press("Enter")
    expect(member_page.locator("#orientation-done")).to_be_visible()
    expect(member_page.locator("#orientation-tick-button")).to_have_text("Undo the mark")
    expect(member_page.locator("#announce")).to_have_text(
        "Marked: you have gone through the orientation."
    )
    assert member_page.evaluate(STILL_HERE), "the tick reloaded the whole page"
    assert member_page.evaluate("document.activeElement.id") == "orientation-tick-button"
    assert_accessible(member_page)
    mentee.shot("member-orientation")
    mentee.problems.assert_none()

    page.goto(f"/organiser/programmes/{pair.programme_id}")
    expect(page.locator("#pairs .state-oriented")).to_have_count(1)
    expect(page.locator("#orientation-tick-note")).to_contain_text("not about the pair's work")
    _fits(page)
    assert_accessible(page)


def test_the_tick_works_without_javascript(pair: Pair, devices: Devices) -> None:
    without_js: Device = devices.open(320, 640, javascript=False)
    without_js.sign_in_with_cookie(*MENTOR)
    page = without_js.page
    page.goto(f"/pairs/{pair.id}/orientation")
    with page.expect_navigation():
        page.locator("#orientation-tick-button").click()
    assert page.url.endswith(f"/pairs/{pair.id}/orientation#orientation-tick")
    expect(page.locator("#orientation-done")).to_be_visible()
    with page.expect_navigation():
        page.locator("#orientation-tick-button").click()
    expect(page.locator("#orientation-done")).to_have_count(0)
    expect(page.locator("#orientation-tick-button")).to_have_text(
        "I have gone through the orientation"
    )
    # (axe needs scripts; the same page is checked with them above.)
    _fits(page)
