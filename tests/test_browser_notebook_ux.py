"""The notebook as a member on a phone meets it (issue 18): nothing duplicated after a dropped
connection, an agreement read before it is confirmed, goals that read well and end well, a
meeting form that stays out of the way, and screens that leave room for what is being written."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import Pair, sql
from tests.support.browser import (
    KEYSTORE,
    LAYOUT_SHIFT,
    Members,
    fill,
    save,
    typed_and_kept,
    whole_meeting,
)

pytestmark = pytest.mark.browser

_NAMES = f"async (prefix) => (await import('{KEYSTORE}')).recordNames(prefix)"


def _land_then_drop(page: Any) -> dict[str, int]:
    """The next save reaches the server, but its answer is lost on the way back (the connection
    dropped): the page only sees a network failure."""
    landed = {"count": 0}

    def drop(route: Any) -> None:
        if route.request.method == "POST" and landed["count"] == 0:
            route.fetch()
            landed["count"] += 1
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/v1/pairs/*/entries", drop)
    return landed


def test_a_save_whose_answer_was_lost_is_one_meeting_and_no_draft_offer(
    pair: Pair, members: Members
) -> None:
    mentor = members.mentor
    page = mentor.open("/meetings/new")
    landed = _land_then_drop(page)
    fill(page, "#meeting-notes", "Talked about the CV")
    page.context.set_offline(True)
    page.locator("#meeting-form button[type=submit]").click()
    mentor.wait_status("No connection")
    # The save is waiting to go out again (the offline event alone says "No connection" too).
    expect(page.locator("#save-retry-now")).to_be_visible()
    assert landed["count"] == 1
    # Another tab while offline: the browser's own offline page.
    with pytest.raises(Exception, match="ERR_(INTERNET_DISCONNECTED|FAILED)"):
        page.goto(f"/pairs/{pair.id}/notebook/meetings")
    page.context.set_offline(False)
    page.unroute("**/api/v1/pairs/*/entries")
    mentor.open("/meetings")
    expect(page.locator("#meeting-list .meeting-card")).to_have_count(1)
    mentor.open("/meetings/new")
    expect(page.locator(".draft-offer")).to_have_count(0)
    assert page.evaluate(_NAMES, "draft:") == []
    assert page.evaluate(_NAMES, "outbox:") == []
    assert [e.body["notes"] for e in pair.mentor.entries(pair.id)] == ["Talked about the CV"]
    mentor.problems.forgive("ERR_INTERNET_DISCONNECTED")
    mentor.problems.forgive_offline_error_page()
    mentor.problems.assert_none()


def test_an_offline_save_goes_out_once_after_leaving_the_page(pair: Pair, members: Members) -> None:
    mentor = members.mentor
    page = mentor.open("/meetings/new")
    page.context.set_offline(True)
    fill(page, "#meeting-notes", "Written on the bus")
    page.locator("#meeting-form button[type=submit]").click()
    mentor.wait_status("No connection")
    # The save is waiting to go out again (the offline event alone says "No connection" too).
    expect(page.locator("#save-retry-now")).to_be_visible()
    with pytest.raises(Exception, match="ERR_(INTERNET_DISCONNECTED|FAILED)"):
        page.goto(f"/pairs/{pair.id}/notebook/goals")
    page.context.set_offline(False)
    mentor.open("/meetings")
    # Sent once: by this page from the queue, or by the left page itself as it came back online.
    expect(page.locator("#meeting-list .meeting-card")).to_have_count(1)
    # "Not saved yet" never stands next to "Saved.".
    expect(page.get_by_text("not saved yet")).to_have_count(0)
    mentor.open("/meetings/new")
    expect(page.locator(".draft-offer")).to_have_count(0)
    assert [e.body["notes"] for e in pair.mentor.entries(pair.id)] == ["Written on the bus"]
    mentor.problems.forgive("ERR_INTERNET_DISCONNECTED")
    mentor.problems.forgive_offline_error_page()
    mentor.problems.assert_none()


def test_the_agreement_is_read_in_full_and_confirmed_after_the_text(
    pair: Pair, members: Members
) -> None:
    mentor = members.mentor
    long_goals = "\n".join(f"Goal line {n}: learn one more unwritten rule" for n in range(1, 13))
    pair.mentee.add_entry(pair.id, "agreement", {"goals": long_goals, "contact": "Email"})
    page = mentor.open("/agreement")
    text = page.locator("#agreement-read")
    expect(text).to_be_visible()
    # The whole text, not a fixed-height edit box that cuts it off.
    expect(text.locator("[data-slot=goals]")).to_have_text(long_goals)
    expect(page.locator("#agreement-goals")).to_be_hidden()
    confirm = page.locator("#confirm-button")
    text_box, confirm_box = text.bounding_box(), confirm.bounding_box()
    assert text_box and confirm_box
    assert confirm_box["y"] >= text_box["y"] + text_box["height"], "confirm comes after the text"
    assert_accessible(page)
    mentor.shot("agreement-read")
    # Editing is a deliberate step; stopping it changes nothing.
    page.get_by_role("button", name="Edit the agreement").click()
    expect(page.locator("#agreement-goals")).to_be_focused()
    expect(page.locator("#agreement-goals")).to_have_value(long_goals)
    fill(page, "#agreement-contact", "Phone")
    page.get_by_role("button", name="Stop editing").click()
    expect(page.locator("#agreement-form")).to_be_hidden()
    expect(text.locator("[data-slot=contact]")).to_have_text("Email")
    confirm.click()
    mentor.wait_status("You confirmed version 1")
    (agreement,) = pair.mentor.entries(pair.id)
    assert agreement.revision == 1
    page.reload()
    mentor.wait_ready()
    expect(page.locator(".draft-offer")).to_have_count(0)
    expect(page.locator(".confirm-me")).to_have_attribute("data-confirmed", "true")
    mentor.problems.assert_none()


def test_goals_error_at_the_field_read_edit_remove_and_their_outcome(
    pair: Pair, members: Members
) -> None:
    mentee = members.mentee
    pid = pair.id
    page = mentee.open("/goals")
    # An empty goal: the error is said at the field, and the focus is there.
    page.get_by_role("button", name="Add the goal").click()
    expect(page.locator("#goal-new-title-error")).to_have_text("This is needed.")
    expect(page.locator("#goal-new-title")).to_be_focused()
    assert pair.mentee.entries(pid) == []
    fill(page, "#goal-new-title", "Update my CV")
    fill(page, "#goal-new-notes", "Two pages at most")
    save(mentee, "#goal-new")
    card = page.locator("#goal-list .goal-card").first
    # Read, not edited: the goal's words as text, Edit and Remove for it.
    expect(card.locator(".goal-title")).to_have_text("Update my CV")
    expect(card.locator(".goal-status")).to_have_text("Not started")
    expect(card.locator(".goal-notes")).to_have_text("Two pages at most")
    expect(card.locator("textarea, input, select")).to_have_count(3)
    for control in card.locator("textarea, input, select").all():
        expect(control).to_be_hidden()
    assert_accessible(page)
    card.get_by_role("button", name="Edit").click()
    expect(card.locator("[data-field=title]")).to_be_focused()
    card.locator("[data-field=status]").select_option("in_progress")
    card.locator("button[type=submit]").click()
    mentee.wait_status("Saved")
    expect(card.locator(".goal-status")).to_have_text("In progress")
    expect(card.locator("[data-field=title]")).to_be_hidden()

    # A goal the pair no longer wants is removed, for both of them.
    pair.mentor.add_entry(pid, "goal", {"title": "Learn Excel", "status": "not_started"})
    page = mentee.open("/goals")
    excel = page.locator(".goal-card", has_text="Learn Excel")
    excel.get_by_role("button", name="Remove").click()
    excel.get_by_role("button", name="Yes, remove it").click()
    expect(page.locator("#goal-removed")).to_be_focused()
    expect(page.locator(".goal-card")).to_have_count(1)
    assert [e.body["title"] for e in pair.mentor.entries(pid)] == ["Update my CV"]

    # At the end, an open goal asks how it ended instead of still reading "In progress".
    pair.mentor.set_phase(pid, "completed")
    page = mentee.open("/goals")
    expect(page.locator("#goal-outcome-intro")).to_be_visible()
    card = page.locator("#goal-list .goal-card").first
    card.get_by_role("button", name="Partly reached").click()
    mentee.wait_status("Saved")
    expect(card.locator(".goal-status")).to_have_text("Partly reached")
    expect(card.locator(".goal-outcome")).to_be_hidden()
    expect(page.locator("#goal-outcome-intro")).to_be_hidden()
    (goal,) = pair.mentor.entries(pid)
    assert goal.body["status"] == "partly"
    assert_accessible(page)
    mentee.shot("goals-outcome")
    mentee.problems.assert_none()


def test_the_meeting_page_quick_log_chip_focus_enter_and_wording_after_saving(
    pair: Pair, members: Members
) -> None:
    mentor = members.mentor
    page = mentor.open("/meetings/new")
    expect(page.locator("h1")).to_have_text("Log a meeting")
    expect(page.locator("#first-meeting")).to_be_visible()
    # A quick log: date, length, notes and the next meeting; the rest one tap away.
    for quick in ("#meeting-date", "#meeting-minutes", "#meeting-notes", "#meeting-next_date"):
        expect(page.locator(quick)).to_be_visible()
    for full in ("#meeting-opening", "#meeting-theme", "#meeting-learned", "#meeting-prepare"):
        expect(page.locator(full)).to_be_hidden()
    structure = page.locator("#meeting-structure")
    expect(structure).to_have_attribute("aria-expanded", "false")
    assert_accessible(page)
    mentor.shot("meeting-quick-log")
    # Enter in a one-line field does not save a half-filled meeting.
    fill(page, "#meeting-minutes", "45")
    page.locator("#meeting-minutes").press("Enter")
    assert mentor.status() == ""
    assert not [s for s in mentor.sent if s.method == "POST" and "/entries" in s.url]
    structure.click()
    expect(structure).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#meeting-theme")).to_be_visible()
    # An activity idea fills the theme; the focus stays on the chip.
    chip = page.locator("[data-activity]", has_text="Practise a job interview")
    chip.click()
    expect(chip).to_be_focused()
    expect(page.locator("#meeting-theme")).to_have_value("Practise a job interview")
    fill(page, "#meeting-notes", "Answers in the STAR shape")
    save(mentor, "#meeting-form")
    # Saved: the page is about this meeting now.
    expect(page.locator("h1")).to_have_text("Meeting")
    assert page.title().startswith("Meeting –")
    expect(page.locator("#first-meeting")).to_have_count(0)
    (meeting,) = pair.mentor.entries(pair.id)
    assert meeting.body["minutes"] == 45 and meeting.body["theme"] == "Practise a job interview"
    # A meeting with more than the quick log opens with its whole structure.
    mentor.open(f"/meetings/{meeting.entry_id}")
    expect(page.locator("#meeting-theme")).to_be_visible()
    mentor.problems.assert_none()


def test_the_mentoring_cannot_be_completed_before_the_programme_starts(
    pair: Pair, members: Members, instance: Path
) -> None:
    mentor = members.mentor
    sql(instance, "UPDATE programmes SET start_date = '2999-01-15', mid_date = '2999-03-01'")
    sql(instance, "UPDATE programmes SET end_date = '2999-06-01'")
    page = mentor.open()
    page.locator("#phase-select").select_option("completed")
    page.locator("#phase-form button[type=submit]").click()
    error = page.locator("#phase-select-error")
    expect(error).to_contain_text(re.compile(r"The programme starts on \w+ \d+, 2999"))
    expect(page.locator("#phase-select")).to_be_focused()
    expect(page.locator("#phase-select")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.reload()
    mentor.wait_ready()
    expect(page.locator("#phase-heading")).to_contain_text("Start")
    # Finishing an evaluation would complete it too: refused at the box, nothing finished.
    page = mentor.open("/evaluation")
    fill(page, "#evaluation-learned", "Patience")
    page.locator("#evaluation-done").check()
    page.locator("#evaluation-form button[type=submit]").click()
    expect(page.locator("#evaluation-done-error")).to_contain_text("2999")
    assert pair.mentee.entries(pair.id) == []
    mentor.problems.forgive("400")
    mentor.problems.assert_none()


def _covered_by_bars(page: Any, selector: str) -> float:
    """How many pixels of `selector` the sticky save bar and the status bar hide."""
    return page.evaluate(
        """(selector) => {
          const field = document.querySelector(selector).getBoundingClientRect();
          const bars = [...document.querySelectorAll('.sticky-actions, #save-status')]
            .map((el) => el.getBoundingClientRect()).filter((r) => r.height > 0);
          const top = Math.min(innerHeight, ...bars.map((r) => r.top));
          return Math.max(0, field.bottom - top);
        }""",
        selector,
    )


def test_a_small_phone_shows_the_title_first_and_keeps_the_field_in_sight(
    pair: Pair, members: Members
) -> None:
    mentor = members.mentor
    page = mentor.page
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/meetings/new", "/goals", ""):
        mentor.open(path)
        heading = page.locator("h1").bounding_box()
        assert heading, path
        # Header, language switch and notebook tabs leave the title in the first fifth.
        assert heading["y"] + heading["height"] <= 200, (path, heading)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    mentor.open("/meetings/new")
    whole_meeting_open = page.locator("#meeting-structure")
    whole_meeting_open.click()
    # A field being edited never sits under the sticky save bar or a message.
    page.route("**/api/v1/pairs/*/entries", lambda route: route.abort("internetdisconnected"))
    fill(page, "#meeting-notes", "Some notes")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#save-retry-now")).to_be_visible()
    for field in ("#meeting-aim", "#meeting-learned", "#meeting-next_topic"):
        page.locator(field).click()
        page.keyboard.type("x")
        assert _covered_by_bars(page, field) == 0, field
    assert_accessible(page)
    mentor.shot("small-phone-editing")
    mentor.problems.forgive("ERR_INTERNET_DISCONNECTED")
    mentor.problems.assert_none()


def test_one_message_is_shown_once_and_the_passphrase_can_be_shown(members: Members) -> None:
    mentee = members.mentee
    page = mentee.open("/meetings/new")
    typed_and_kept(page, "#meeting-notes", "Kept here")
    page.reload()
    mentee.wait_ready()
    offer = page.locator("#meeting-form .draft-offer")
    expect(offer).to_be_visible()
    # The offer says it once, where it is; screen readers hear it; no toast repeats it.
    shown = page.locator("main").get_by_text("You have text here that was not saved")
    expect(shown).to_have_count(1)
    expect(page.locator("#announce")).to_contain_text("not saved yet")
    assert mentee.status() == ""
    # The unlock form: the passphrase can be shown while typing, and is hidden again once used.
    mentee.forget_keys()
    mentee.open(unlock=False)
    form = page.locator("#unlock-form")
    expect(form).to_be_visible()
    field = page.locator("#unlock-passphrase")
    show = form.get_by_role("button", name="Show the passphrase")
    expect(show).to_have_attribute("aria-pressed", "false")
    field.fill(mentee.passphrase)
    show.click()
    expect(field).to_have_attribute("type", "text")
    expect(show).to_have_attribute("aria-pressed", "true")
    expect(field).to_be_focused()
    assert_accessible(page)
    show.click()
    expect(field).to_have_attribute("type", "password")
    show.click()
    form.locator("button[type=submit]").click()
    page.locator("body[data-notebook-ready=true]").wait_for(timeout=30_000)
    expect(field).to_have_attribute("type", "password")
    mentee.problems.assert_none()


def _server_down(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("503 SERVICE UNAVAILABLE", [("Content-Type", "text/plain")])
    return [b"down"]


def test_the_last_seen_notebook_can_be_read_offline(
    app: Flask, pair: Pair, members: Members
) -> None:
    mentor = members.mentor
    pid = pair.id
    meeting = {"date": "2027-02-01", "theme": "CV", "notes": "On paper"}
    pair.mentee.add_entry(pid, "meeting", meeting)
    page = mentor.open("/meetings")
    # The notebook installs as a web app: a manifest, and a worker that keeps it on the device.
    # The browser's own fetch of the manifest (with the member's cookie: it is theirs alone).
    cdp = page.context.new_cdp_session(page)
    fetched = cdp.send("Page.getAppManifest")
    cdp.detach()
    assert not fetched["errors"], fetched["errors"]
    manifest = json.loads(fetched["data"])
    assert manifest["start_url"] == f"/pairs/{pid}/notebook" and manifest["display"] == "standalone"
    mentor.wait_controlled()
    mentor.open("/meetings")  # through the worker now: this is what the device last saw
    working = app.wsgi_app
    app.wsgi_app = _server_down  # type: ignore[method-assign]
    page.context.set_offline(True)
    try:
        page.reload()
        mentor.wait_ready()
        card = page.locator("#meeting-list .meeting-card")
        expect(card).to_have_count(1)
        expect(card.locator(".meeting-title")).to_contain_text("CV")
        card.locator(".meeting-more").click()
        expect(card.locator("[data-slot=notes]")).to_have_text("On paper")
        mentor.wait_status("this is the notebook as this device last saw it")
        assert_accessible(page)
        mentor.shot("offline-reading")
    finally:
        app.wsgi_app = working  # type: ignore[method-assign]
        page.context.set_offline(False)
    # Nothing of it stays after signing out: the keys and the kept copies go together.
    page.evaluate(f"async () => (await import('{KEYSTORE}')).clearAll()")
    kept = page.evaluate(
        "async () => (await caches.keys()).filter((name) => name.startsWith('pairbook-'))"
    )
    assert kept == []
    mentor.problems.forgive("503")
    mentor.problems.forgive("ERR_INTERNET_DISCONNECTED")
    mentor.problems.assert_none()


def test_a_long_meeting_log_comes_a_page_at_a_time_without_moving(
    pair: Pair, members: Members
) -> None:
    mentor = members.mentor
    pid = pair.id
    for n in range(25):
        day = f"2027-{1 + n // 28:02d}-{1 + n % 28:02d}"
        pair.mentee.add_entry(pid, "meeting", {"date": day, "theme": f"Theme {n}", "notes": "N"})
    page = mentor.open("/meetings")
    cards = page.locator("#meeting-list .meeting-card")
    expect(cards).to_have_count(20)
    expect(cards.first.locator(".meeting-title")).to_contain_text("Theme 24")
    # The room for the cards was there before they were opened: nothing moved.
    assert page.evaluate(LAYOUT_SHIFT) < 0.02
    older = page.get_by_role("button", name="Show older meetings (5 more)")
    older.click()
    expect(cards).to_have_count(25)
    expect(cards.nth(20).locator(".meeting-title")).to_be_focused()
    expect(cards.nth(20).locator(".meeting-title")).to_contain_text("Theme 4")
    expect(older).to_be_hidden()
    assert_accessible(page)
    mentor.problems.assert_none()


_CLEAR_OF_BARS = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  const focused = document.activeElement.getBoundingClientRect();
  const candidates = '.sticky-actions, #save-status, .site-header, .notebook-nav';
  const bars = [...document.querySelectorAll(candidates)]
    .filter((el) => ['sticky', 'fixed'].includes(getComputedStyle(el).position))
    .map((el) => el.getBoundingClientRect()).filter((r) => r.height > 0 && r.width > 0);
  const meets = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return {
    panelCovered: bars.some((bar) => meets(box, bar)),
    focusCovered: bars.some((bar) => meets(focused, bar)),
    focusInView: focused.top >= 0 && focused.bottom <= innerHeight && focused.height > 0,
    focused: document.activeElement.outerHTML.slice(0, 80),
    rect: JSON.stringify(focused),
  };
}"""


def test_the_conflict_panel_stays_clear_of_the_sticky_bars_on_a_phone(
    pair: Pair, members: Members
) -> None:
    mentor, mentee = members
    entry = pair.mentor.add_entry(
        pair.id, "meeting", {"theme": "CV", "notes": "first", "aim": "a", "learned": "l"}
    )
    pages = [m.open(f"/meetings/{entry.entry_id}") for m in (mentor, mentee)]
    assert pages[1].viewport_size == {"width": 360, "height": 740}
    whole_meeting(pages[0])
    for field in ("#meeting-notes", "#meeting-aim", "#meeting-learned"):
        fill(pages[0], field, "Mentor's longer version of this field, " * 4)
    save(mentor, "#meeting-form")
    page = pages[1]
    whole_meeting(page)
    for field in ("#meeting-notes", "#meeting-aim", "#meeting-learned"):
        fill(page, field, "Mentee's own wording of the same field, " * 4)
    page.locator("#meeting-form button[type=submit]").click()
    panel = page.locator("#meeting-form .conflict")
    expect(panel).to_be_visible()
    expect(panel.locator(".conflict-field")).to_have_count(3)
    expect(page.locator(".conflict-heading")).to_be_focused()

    def clear() -> None:
        seen = page.evaluate(_CLEAR_OF_BARS, "#meeting-form .conflict")
        assert not seen["panelCovered"], seen
        assert not seen["focusCovered"] and seen["focusInView"], str(seen)

    clear()
    # Every choice is reached by keyboard, in sight and clear of the bars when it has focus.
    buttons = panel.locator("button")
    for _ in range(buttons.count()):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('.conflict') !== null")
        clear()
    mentee.shot("conflict-small-phone")
    # Choosing moves focus to the field; a status line then says what happened, and still the
    # panel and the field stay uncovered.
    panel.locator(".conflict-field", has_text="Notes").locator("[data-merge=both]").click()
    expect(page.locator("#meeting-notes")).to_be_focused()
    clear()
    page.keyboard.press("Shift+Tab")
    clear()
    assert_accessible(page)
    save(mentee, "#meeting-form")
    expect(panel).to_have_count(0)
    for member in (mentor, mentee):
        member.problems.assert_none()
