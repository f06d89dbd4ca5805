"""The organiser's side in a real browser: triage a flag end to end, every follow-up page
accessible at phone and desktop width, dashboard filters and contact reveal by keyboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import assert_accessible, csrf_token
from tests.helpers import ORGANISER, PASSPHRASE, Pair, login_browserless
from tests.support.browser import Devices

pytestmark = pytest.mark.browser


def _share(app: Flask, pair_id: str, *signals: str) -> None:
    """Both members let the organiser see these signals (consent through the real form)."""
    for email, suffix in (("mentor@example.org", " mentor"), ("mentee@example.org", " mentee")):
        client = app.test_client()
        assert login_browserless(client, email, PASSPHRASE + suffix).status_code == 200
        for signal in signals:
            token = csrf_token(client, f"/pairs/{pair_id}/sharing")
            response = client.post(
                f"/pairs/{pair_id}/sharing",
                data={"csrf_token": token, "signal": signal, "decision": "1"},
            )
            assert response.status_code == 303


def _tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_organiser_triages_a_flag_end_to_end(pair: Pair, devices: Devices) -> None:
    programme = pair.programme_id
    pair.mentee.raise_flag(pair.id, "disrespect", "He laughed at my CV in front of others.")
    organiser = devices.open(1280, 800)
    organiser.sign_in(*ORGANISER)
    page = organiser.page

    # The dashboard shows the open flag and leads to it.
    page.goto(f"/organiser/programmes/{programme}/dashboard")
    row = page.locator("#pair-rows tbody tr", has_text=pair.setup.code)
    row.get_by_role("link", name="1").click()
    page.wait_for_url(re.compile(r"/flags$"))
    assert page.title().startswith("Flags – Spring programme")
    card = page.locator(f".card[data-flag-id] >> text={pair.setup.code}").locator(
        "xpath=ancestor::li"
    )
    assert "not acknowledged yet" in card.inner_text()
    card.locator(".message-text").first.wait_for()
    assert card.locator(".message-text").inner_text() == "He laughed at my CV in front of others."

    # Acknowledge: in contact, then a reply the reporter reads.
    card.locator("select").select_option("in_contact")
    # Saved in place (htmx): the card keeps its decrypted messages.
    page.evaluate("() => { window.__stillHere = true; }")
    card.get_by_role("button", name=re.compile("Save status")).click()
    expect(card.locator(".state")).to_have_text("In contact")
    expect(card).not_to_contain_text("not acknowledged yet")
    assert page.evaluate("() => window.__stillHere === true")
    card.locator(".message-text").first.wait_for()
    card.locator("summary", has_text="Reply to the mentee").click()
    card.locator("textarea[id^=reply-]").fill("I am sorry. Can I call you tomorrow at 10?")
    card.get_by_role("button", name="Send the reply").click()
    card.locator(".message-text", has_text="call you tomorrow").wait_for()
    (flag,) = pair.mentee.my_flags(pair.id)
    assert [m.get("text") for m in flag["opened"]] == [
        "He laughed at my CV in front of others.",
        "I am sorry. Can I call you tomorrow at 10?",
    ]

    # Resolved; the audit log records both changes, with no message text.
    card.locator("select").select_option("resolved")
    card.get_by_role("button", name=re.compile("Save status")).click()
    expect(card.locator(".state")).to_have_text("Resolved")
    with page.expect_navigation():
        page.get_by_role("link", name="Audit log").click()
    log = page.locator("main table").inner_text()
    code = pair.setup.code
    assert f"Flag status changed to In contact (pair {code})" in log
    assert f"Flag status changed to Resolved (pair {code})" in log
    assert flag["flag_id"] not in log and "in_contact" not in log, "sentences, not codes"
    assert "laughed" not in page.content() and "tomorrow" not in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="Progress").click()
    row = page.locator("#pair-rows tbody tr", has_text=pair.setup.code)
    assert row.locator("td").nth(5).inner_text().strip() == "0"
    organiser.problems.assert_none()


@pytest.mark.parametrize("width,height", [(360, 740), (1280, 800)])
def test_organiser_pages_are_accessible(
    app: Flask, pair: Pair, devices: Devices, width: int, height: int
) -> None:
    _share(app, pair.id, "phase", "meetings", "activity")
    pair.mentee.add_entry(pair.id, "meeting", {"notes": "first meeting"})
    pair.mentee.raise_flag(pair.id, "cancellations", "Three cancellations in a row.")
    organiser = devices.open(width, height)
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    base = f"/organiser/programmes/{pair.programme_id}"
    pages = {
        "organiser": "/organiser",
        "programme": base,
        "dashboard": f"{base}/dashboard",
        "report": f"{base}/report",
        "flags": f"{base}/flags",
        "audit": f"{base}/audit",
        "privacy": f"{base}/privacy",
    }
    for name, path in pages.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        if name == "flags":
            page.locator(".sealed-messages .message-text").first.wait_for()
            for summary in page.locator("details.flag-action summary").all():
                summary.click()
        assert page.locator("h1").count() == 1, name
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        organiser.shot(f"organiser-{name}-{width}")
        assert_accessible(page)
    organiser.problems.assert_none()


def test_dashboard_filters_by_keyboard(app: Flask, pair: Pair, devices: Devices) -> None:
    _share(app, pair.id, "phase", "activity")
    pair.mentee.add_entry(pair.id, "meeting", {"notes": "first meeting"})
    organiser = devices.open()
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{pair.programme_id}/dashboard")
    row = page.locator("#pair-rows tbody tr", has_text=pair.setup.code)
    shown_phase = row.locator("td").first.inner_text().strip()
    assert shown_phase != "not shared"
    status = page.locator("main p[role=status]")
    assert status.inner_text() == "Showing 1 of 1 pairs."

    # Needs attention (no open flag, recent activity shared): the pair is filtered out.
    _tab_to(page, "#filter-attention")
    page.keyboard.press("Space")
    _tab_to(page, "#dashboard-filters button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"attention=1"))
    expect(status).to_have_text("Showing 0 of 1 pairs.")
    # A flag makes it need attention.
    pair.mentee.raise_flag(pair.id, "other")
    page.reload()
    assert status.inner_text() == "Showing 1 of 1 pairs."

    # Phase, by keyboard: choose the pair's phase with the arrow keys, then the next one.
    labels = page.locator("#filter-phase option").all_inner_texts()
    target = labels.index(shown_phase)
    page.locator("main h2").first.click()  # start from the content, as a keyboard user would
    _tab_to(page, "#filter-phase")
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    _tab_to(page, "#filter-attention")
    page.keyboard.press("Space")  # off again
    _tab_to(page, "#dashboard-filters button[type=submit]")
    page.keyboard.press("Enter")
    # The filters update the rows in place as they change; the address follows the last one.
    expect(page).to_have_url(re.compile(r"\?phase=\w+&weeks=4$"))
    expect(status).to_have_text("Showing 1 of 1 pairs.")
    assert page.locator("#filter-phase option:checked").inner_text() == shown_phase
    _tab_to(page, "#filter-phase")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "#dashboard-filters button[type=submit]")
    page.keyboard.press("Enter")
    expect(status).to_have_text("Showing 0 of 1 pairs.")
    assert_accessible(page)
    organiser.problems.assert_none()


def test_contact_reveal_by_keyboard_asks_for_a_reason_and_is_audited(
    pair: Pair, devices: Devices
) -> None:
    organiser = devices.open()
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    base = f"/organiser/programmes/{pair.programme_id}"
    page.goto(f"{base}/dashboard")
    assert "mentee@example.org" not in page.content() and "Ali" not in page.inner_text("main")
    _tab_to(page, "#pair-rows a[href*='/contact']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contact$"))
    assert_accessible(page)

    # No reason: refused, the error is announced and tied to the field.
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#error-summary").get_attribute("role") == "alert"
    expect(page.locator("#error-summary")).to_be_focused()
    assert "mentee@example.org" not in page.content()
    field = page.locator("main form textarea")
    assert field.get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    organiser.shot("organiser-reveal-error-360")

    # With a reason, by keyboard: the details appear and the audit log has the reason.
    _tab_to(page, "main form textarea")
    page.keyboard.type("The mentee asked me to call about the cancelled meetings.")
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    contacts = page.locator(".contact-list").inner_text()
    assert "mentee@example.org" in contacts and "mentor@example.org" in contacts
    assert_accessible(page)
    page.goto(f"{base}/audit")
    log = page.locator("main table").inner_text()
    assert "The mentee asked me to call about the cancelled meetings." in log
    assert_accessible(page)
    # The refused reveal answered 400, which Chromium logs itself; nothing else may appear.
    errors = organiser.problems.errors
    assert [e for e in errors if "status of 400" not in e] == [] and len(errors) <= 1
