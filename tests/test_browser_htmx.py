"""The organiser's pages update in place (htmx), and the same actions work without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import ORGANISER, Pair, new_pair, outbox_links
from tests.support.browser import Devices
from workspace.core import mail

pytestmark = pytest.mark.browser

# Set on the page's window: it survives an in-place update and is gone after a page load.
MARK = "() => { window.__stillHere = true; }"
STILL_HERE = "() => window.__stillHere === true"


def _invited(app: Flask, pair: Pair) -> str:
    """Beside the joined pair, a pair of the same programme whose members are still invited."""
    invited = new_pair(
        app, pair.organiser, "m2@example.org", "e2@example.org", programme_id=pair.programme_id
    )
    mail.deliver_pending(app)  # the invitations, so that only what the test sends is new
    return invited.pair_id


def test_dashboard_filters_and_resend_update_in_place(
    app: Flask, pair: Pair, instance: Path, devices: Devices
) -> None:
    programme, invited = pair.programme_id, _invited(app, pair)
    organiser = devices.open(1280, 800)
    organiser.sign_in_with_cookie(*ORGANISER)
    page = organiser.page
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
    mail.deliver_pending(app)  # requests only queue mail; the sender's work, done here
    assert len([link for link in outbox_links(instance) if link not in before]) == 1
    # The keyboard stays where it was: on the (new copy of the) same button.
    expect(page.locator(f"#resend-{invited}-mentor")).to_be_focused()
    assert_accessible(page)
    organiser.shot("programme-after-resend")
    organiser.problems.assert_none()


def test_the_same_actions_work_without_javascript(
    app: Flask, pair: Pair, instance: Path, devices: Devices
) -> None:
    programme, invited = pair.programme_id, _invited(app, pair)
    organiser = devices.open(1280, 800, javascript=False)
    organiser.sign_in_with_cookie(*ORGANISER)
    page = organiser.page
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
    mail.deliver_pending(app)  # requests only queue mail; the sender's work, done here
    assert len([link for link in outbox_links(instance) if link not in before]) == 1
    page.locator(f"#revoke-{invited}-mentee").click()
    expect(page.locator("#flashes")).to_contain_text("The invitation was revoked.")
    expect(page.locator(f"#revoke-{invited}-mentee")).to_have_count(0)
