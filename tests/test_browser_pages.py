"""Server-rendered pages in a real browser at phone size: sharing, reporting, notices, errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import MENTEE, MENTOR, ORGANISER, Pair
from tests.support.browser import Device, Devices

pytestmark = pytest.mark.browser


def test_sharing_page_by_keyboard(pair: Pair, phone: Device) -> None:
    page = phone.page
    phone.sign_in_with_cookie(*MENTOR)
    page.goto(f"/pairs/{pair.id}/sharing")
    assert_accessible(page)
    button = page.locator("#signal-meetings button")
    button.focus()
    page.keyboard.press("Enter")
    # Answered in place (htmx): the card comes back with the message, which is also announced.
    expect(page.locator("#signal-meetings .notice")).not_to_be_empty()
    expect(page.locator("#announce")).not_to_be_empty()
    # htmx settles a swapped element with its old attributes for a moment: wait for the new ones.
    expect(page.locator("#signal-meetings button")).not_to_have_class(re.compile(r"\bprimary\b"))
    expect(page.locator("#signal-meetings button")).to_have_text(re.compile("Stop sharing"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    phone.problems.assert_none()


def test_report_page_works_without_javascript(pair: Pair, devices: Devices) -> None:
    without_js = devices.open(320, 640, locale=None, javascript=False)
    page = without_js.page
    without_js.sign_in_with_cookie(*MENTEE)
    page.goto(f"/pairs/{pair.id}/report")
    assert page.locator("textarea").get_attribute("name") is None
    page.get_by_label(page.locator("label[for=category-connection]").inner_text()).check()
    with page.expect_navigation():
        page.locator("#report-form button[type=submit]").click()
    assert page.locator("#my-reports li").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    without_js.close()
    (flag,) = pair.organiser.programme_flags(pair.programme_id)
    assert flag["category"] == "connection" and flag["messages"] == []


@pytest.mark.parametrize("path", ["/privacy", "/accessibility", "/no-such-page"])
@pytest.mark.parametrize("width", [320, 1280])
def test_public_pages_are_accessible(phone: Device, path: str, width: int) -> None:
    page = phone.page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    if path != "/no-such-page":  # the browser logs the 404 itself
        phone.problems.assert_none()


def test_accessibility_feedback_form_errors_are_announced(phone: Device) -> None:
    page = phone.page
    page.goto("/accessibility")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    expect(summary).to_be_focused()
    field = page.locator("#message")
    assert field.get_attribute("aria-invalid") == "true"
    assert "message-error" in (field.get_attribute("aria-describedby") or "")
    assert_accessible(page)
    # Its problems are not checked: a 400 answer is logged by the browser as a console error.


def test_organiser_pages_fit_a_phone(pair: Pair, phone: Device) -> None:
    page = phone.page
    pair.mentor.add_entry(pair.id, "meeting", {"notes": "x"})
    pair.mentee.raise_flag(pair.id, "language", "hello")
    phone.sign_in_with_cookie(*ORGANISER)
    base = f"/organiser/programmes/{pair.programme_id}"
    for path in ("", "/dashboard", "/flags", "/report", "/audit", "/privacy"):
        page.goto(base + path)
        # Wide tables scroll inside their own region; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        assert_accessible(page)
    phone.problems.assert_none()
