"""The home page in a real browser at phone size."""

from __future__ import annotations

import pytest

from tests.conftest import assert_accessible
from tests.support.browser import Device

pytestmark = pytest.mark.browser


def test_home_page_in_chromium(phone: Device) -> None:
    page = phone.page
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.historyCacheSize") == 0
    assert page.evaluate("window.isSecureContext") is True
    # Usable at phone width: nothing forces horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    phone.problems.assert_none()


def test_home_fits_320_px(phone: Device) -> None:
    page = phone.page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    phone.problems.assert_none()


def test_skip_link_and_keyboard_language_switch(phone: Device) -> None:
    page = phone.page
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "A private notebook for mentoring pairs"
    )
    assert_accessible(page)
    phone.problems.assert_none()
