"""Server-rendered pages in a real browser at phone size: sharing, reporting, notices, errors."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import PageProblems, assert_accessible
from tests.helpers import PASSPHRASE, joined_pair, login_browserless
from workspace.accounts.sessions import SESSION_COOKIE

pytestmark = pytest.mark.browser


def _sign_in(app: Flask, page: Any, live_server: str, email: str, passphrase: str) -> None:
    """Sign in through the JSON API and hand the session cookie to the browser."""
    client = app.test_client()
    assert login_browserless(client, email, passphrase).status_code == 200
    cookie = client.get_cookie(SESSION_COOKIE)
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": cookie.value, "url": live_server}])


def test_sharing_page_by_keyboard(
    app: Flask, live_server: str, phone: tuple[Any, PageProblems]
) -> None:
    page, problems = phone
    setup, _org, _mentor, _mentee = joined_pair(app)
    _sign_in(app, page, live_server, "mentor@example.org", PASSPHRASE + " mentor")
    page.goto(f"/pairs/{setup.pair_id}/sharing")
    assert_accessible(page)
    button = page.locator("#signal-meetings button")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#flashes").inner_text().strip()
    assert "primary" not in (page.locator("#signal-meetings button").get_attribute("class") or "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    problems.assert_none()


def test_report_page_works_without_javascript(
    app: Flask, chromium_browser: Any, live_server: str, instance: Any
) -> None:
    setup, organiser, _mentor, _mentee = joined_pair(app)
    context = chromium_browser.new_context(
        viewport={"width": 320, "height": 640}, base_url=live_server, java_script_enabled=False
    )
    page = context.new_page()
    _sign_in(app, page, live_server, "mentee@example.org", PASSPHRASE + " mentee")
    page.goto(f"/pairs/{setup.pair_id}/report")
    assert page.locator("textarea").get_attribute("name") is None
    page.get_by_label(page.locator("label[for=category-connection]").inner_text()).check()
    with page.expect_navigation():
        page.locator("#report-form button[type=submit]").click()
    assert page.locator("#my-reports li").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
    (flag,) = organiser.programme_flags(setup.programme_id)
    assert flag["category"] == "connection" and flag["messages"] == []


@pytest.mark.parametrize("path", ["/privacy", "/accessibility", "/no-such-page"])
@pytest.mark.parametrize("width", [320, 1280])
def test_public_pages_are_accessible(
    phone: tuple[Any, PageProblems], path: str, width: int
) -> None:
    page, problems = phone
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    if path != "/no-such-page":  # the browser logs the 404 itself
        problems.assert_none()


def test_accessibility_feedback_form_errors_are_announced(phone: tuple[Any, PageProblems]) -> None:
    page, problems = phone
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
    del problems  # a 400 answer is logged by the browser as a console error


def test_organiser_pages_fit_a_phone(
    app: Flask, live_server: str, phone: tuple[Any, PageProblems]
) -> None:
    page, problems = phone
    setup, _org, mentor, mentee = joined_pair(app)
    mentor.add_entry(setup.pair_id, "meeting", {"notes": "x"})
    mentee.raise_flag(setup.pair_id, "language", "hello")
    _sign_in(app, page, live_server, "org@example.org", PASSPHRASE)
    base = f"/organiser/programmes/{setup.programme_id}"
    for path in ("", "/dashboard", "/flags", "/report", "/audit", "/privacy"):
        page.goto(base + path)
        # Wide tables scroll inside their own region; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        assert_accessible(page)
    problems.assert_none()
