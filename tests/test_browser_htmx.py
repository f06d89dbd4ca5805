"""The organiser's pages update in place (htmx), and the same actions work without JavaScript."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import CHROMIUM_ARGS, PageProblems, assert_accessible  # noqa: F401
from tests.helpers import PASSPHRASE, joined_pair, login_browserless, new_pair, outbox_links
from workspace.core import mail

pytestmark = pytest.mark.browser

# Set on the page's window: it survives an in-place update and is gone after a page load.
MARK = "() => { window.__stillHere = true; }"
STILL_HERE = "() => window.__stillHere === true"


def _programme(app: Flask) -> tuple[str, str]:
    """A programme with a joined pair and a pair whose members are still invited."""
    setup, organiser, _mentor, _mentee = joined_pair(app)
    invited = new_pair(
        app, organiser, "m2@example.org", "e2@example.org", programme_id=setup.programme_id
    )
    mail.deliver_pending(app)  # the invitations, so that only what the test sends is new
    return setup.programme_id, invited.pair_id


def _session_cookie(app: Flask, live_server: str) -> dict[str, str]:
    """The organiser's session, signed in the way the browser does it (no page needed)."""
    client = app.test_client()
    response = login_browserless(client, "org@example.org", PASSPHRASE)
    assert response.status_code == 200
    cookie = client.get_cookie("pb_sid")
    assert cookie is not None
    return {"name": "pb_sid", "value": cookie.value, "url": live_server}


def _context(chromium_browser: Any, live_server: str, *, javascript: bool) -> Any:
    return chromium_browser.new_context(
        viewport={"width": 1280, "height": 800},
        base_url=live_server,
        locale="en-GB",
        java_script_enabled=javascript,
    )


def _watch(page: Any) -> PageProblems:
    problems = PageProblems()
    page.on(
        "console",
        lambda msg: (
            problems.errors.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.errors.append(f"pageerror: {exc}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return problems


def test_dashboard_filters_and_resend_update_in_place(
    app: Flask, instance: Path, chromium_browser: Any, live_server: str, tmp_path: Path
) -> None:
    programme, invited = _programme(app)
    context = _context(chromium_browser, live_server, javascript=True)
    context.add_cookies([_session_cookie(app, live_server)])
    page = context.new_page()
    problems = _watch(page)
    try:
        page.goto(f"/organiser/programmes/{programme}/dashboard")
        expect(page.locator("#pair-rows tbody tr")).to_have_count(2)
        page.evaluate(MARK)
        phase = page.get_by_label("Phase", exact=True)
        phase.focus()
        with page.expect_response(lambda r: "phase=working" in r.url) as answer:
            phase.select_option("working")
        assert answer.value.request.headers.get("hx-request") == "true"
        expect(page.locator("#pair-rows")).to_contain_text("No pairs match.")
        expect(page.locator("#pair-count")).to_have_text("Showing 0 of 2 pairs.")
        assert "phase=working" in page.url  # pushed, so the filtered view can be shared
        assert page.evaluate(STILL_HERE), "the filter reloaded the whole page"
        assert page.evaluate("document.activeElement.id") == "filter-phase"
        assert_accessible(page)

        page.goto(f"/organiser/programmes/{programme}")
        page.evaluate(MARK)
        before = outbox_links(instance)
        button = page.locator(f"#resend-{invited}-mentor")
        button.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#pairs .notice")).to_have_text(
            "A new invitation was sent. The old link no longer works."
        )
        expect(page.locator("#announce")).to_contain_text("A new invitation was sent.")
        assert page.evaluate(STILL_HERE), "sending again reloaded the whole page"
        assert len([link for link in outbox_links(instance) if link not in before]) == 1
        # The keyboard stays where it was: on the (new copy of the) same button.
        expect(page.locator(f"#resend-{invited}-mentor")).to_be_focused()
        assert_accessible(page)
        page.screenshot(path=str(tmp_path / "programme-after-resend.png"), full_page=True)
        problems.assert_none()
    finally:
        context.close()


def test_the_same_actions_work_without_javascript(
    app: Flask, instance: Path, chromium_browser: Any, live_server: str
) -> None:
    programme, invited = _programme(app)
    context = _context(chromium_browser, live_server, javascript=False)
    context.add_cookies([_session_cookie(app, live_server)])
    page = context.new_page()
    try:
        page.goto(f"/organiser/programmes/{programme}/dashboard")
        page.get_by_label("Phase", exact=True).select_option("working")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**phase=working**")
        expect(page.locator("#pair-rows")).to_contain_text("No pairs match.")
        expect(page.locator("#pair-count")).to_have_text("Showing 0 of 2 pairs.")

        page.goto(f"/organiser/programmes/{programme}")
        before = outbox_links(instance)
        page.locator(f"#resend-{invited}-mentor").click()
        expect(page.locator("#flashes")).to_contain_text(
            "A new invitation was sent. The old link no longer works."
        )
        assert page.url.endswith(f"/organiser/programmes/{programme}")
        assert len([link for link in outbox_links(instance) if link not in before]) == 1
        page.locator(f"#revoke-{invited}-mentee").click()
        expect(page.locator("#flashes")).to_contain_text("The invitation was revoked.")
        expect(page.locator(f"#revoke-{invited}-mentee")).to_have_count(0)
    finally:
        context.close()
