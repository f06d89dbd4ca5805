"""Nothing a member types is lost: partner's edits merged rather than undone, the last
keystrokes kept when the tab goes, drafts that survive being ignored, a second save while the
first is retrying, and a warning before signing out wipes unsaved text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.test_browser_notebook import fill, members, save  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def _entry(client: Any, pair_id: str, entry_id: str) -> Any:
    (found,) = [e for e in client.entries(pair_id) if e.entry_id == entry_id]
    return found


def test_partner_edits_to_other_fields_are_merged_not_undone(members: Any) -> None:  # noqa: F811
    setup, _mentor, mentee, (_org, mentor_client, _mentee_client) = members
    pid = setup.pair_id
    entry = mentor_client.add_entry(
        pid, "meeting", {"theme": "CV", "notes": "N0", "learned": "L0", "aim": "A0"}
    )
    page = mentee.open(f"/meetings/{entry.entry_id}")
    # The mentor changes "What we learned" and the aim while the mentee's page is open.
    mentor_client.edit_entry(
        pid, entry, {"theme": "CV", "notes": "N0", "learned": "MentorLearned", "aim": "MentorAim"}
    )
    fill(page, "#meeting-notes", "MenteeNotes")
    fill(page, "#meeting-aim", "MenteeAim")
    page.locator("#meeting-form button[type=submit]").click()
    conflict = page.locator("#meeting-form .conflict")
    conflict.wait_for()
    # Only the aim, which both changed, is left to choose; their "learned" is already in.
    assert conflict.locator(".conflict-field").count() == 1
    assert "MentorAim" in conflict.locator(".conflict-theirs").inner_text()
    assert conflict.locator(".conflict-merged").inner_text().endswith(": What we learned.")
    assert page.locator("#meeting-learned").input_value() == "MentorLearned"
    assert page.locator("#meeting-notes").input_value() == "MenteeNotes"
    assert_accessible(page)
    mentee.shot("conflict-partly-merged")
    save(mentee, "#meeting-form")
    final = _entry(mentor_client, pid, entry.entry_id)
    assert final.revision == 3
    assert final.body["learned"] == "MentorLearned"
    assert final.body["notes"] == "MenteeNotes" and final.body["aim"] == "MenteeAim"

    # Edits to different fields only: nothing to choose, both are in the form.
    mentor_client.edit_entry(pid, final, {**final.body, "theme": "LinkedIn"})
    fill(page, "#meeting-notes", "MenteeNotes, more")
    page.locator("#meeting-form button[type=submit]").click()
    conflict.wait_for()
    assert conflict.locator(".conflict-field").count() == 0
    assert "both their changes and yours" in conflict.inner_text()
    assert page.locator("#meeting-theme").input_value() == "LinkedIn"
    save(mentee, "#meeting-form")
    final = _entry(mentor_client, pid, entry.entry_id)
    assert final.body["theme"] == "LinkedIn" and final.body["notes"] == "MenteeNotes, more"
    mentee.problems.assert_none()


def test_the_last_keystrokes_survive_an_immediate_reload(members: Any) -> None:  # noqa: F811
    _setup, _mentor, mentee, _clients = members
    page = mentee.open("/meetings/new")
    page.locator("#meeting-notes").press_sequentially("Quick")
    page.reload()
    mentee.wait_ready()
    offer = page.locator("#meeting-form .draft-offer")
    offer.wait_for()
    assert "not saved yet" in mentee.status()  # the offer is announced, not only shown
    offer.locator("[data-draft=restore]").click()
    assert page.locator("#meeting-notes").input_value() == "Quick"
    mentee.problems.assert_none()


def test_typing_while_a_draft_is_offered_keeps_both(members: Any) -> None:  # noqa: F811
    _setup, _mentor, mentee, _clients = members
    page = mentee.open("/meetings/new")
    fill(page, "#meeting-notes", "Written first")
    page.reload()
    mentee.wait_ready()
    page.locator("#meeting-form .draft-offer").wait_for()
    # The mentee ignores the offer and writes somewhere else, then the tab goes again.
    fill(page, "#meeting-learned", "Written second")
    fill(page, "#meeting-learned", "")
    fill(page, "#meeting-learned", "Written second")
    page.reload()
    mentee.wait_ready()
    page.locator("#meeting-form .draft-offer [data-draft=restore]").click()
    assert page.locator("#meeting-notes").input_value() == "Written first"
    assert page.locator("#meeting-learned").input_value() == "Written second"
    mentee.problems.assert_none()


def test_saving_again_while_a_save_retries_sends_the_newer_text(members: Any) -> None:  # noqa: F811
    setup, mentor, _mentee, (_org, mentor_client, _mentee_client) = members
    page = mentor.open("/meetings/new")
    failures = {"left": 3}

    def flaky(route: Any) -> None:
        if route.request.method in ("POST", "PUT") and failures["left"] > 0:
            failures["left"] -= 1
            route.fulfill(status=503, json={"error": "unavailable", "message": "busy"})
        else:
            route.continue_()

    page.route("**/api/v1/pairs/*/entries**", flaky)
    fill(page, "#meeting-notes", "First text")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#save-status-text")).to_contain_text("Trying again", timeout=10_000)
    countdown = page.locator("#save-retry-now .retry-countdown")
    expect(countdown).to_have_text(re.compile(r"^\u00a0\(\d+\u00a0s\)$"))
    fill(page, "#meeting-notes", "Newer text")
    page.locator("#meeting-form button[type=submit]").click()  # while the first one waits
    while failures["left"] > 0:
        expect(page.locator("#save-retry-now")).to_be_visible(timeout=30_000)
        page.locator("#save-retry-now").click()
        page.wait_for_timeout(200)
    expect(page.locator("#save-status-text")).to_have_text("Saved.", timeout=30_000)
    notes = [e.body.get("notes") for e in mentor_client.entries(setup.pair_id)]
    assert notes == ["Newer text"]
    mentor.problems.errors = [e for e in mentor.problems.errors if "503" not in e]
    mentor.problems.assert_none()


def test_signing_out_with_unsaved_text_asks_first(members: Any) -> None:  # noqa: F811
    _setup, mentor, _mentee, _clients = members
    page = mentor.open("/meetings/new")
    fill(page, "#meeting-notes", "Not saved yet")
    page.wait_for_timeout(300)
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        if len(asked) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    page.on("dialog", answer)
    page.locator("#logout-form button[type=submit]").click()
    expect(page.locator("#logout-form")).to_be_visible()
    page.wait_for_timeout(300)
    assert len(asked) == 1 and "not saved" in asked[0]
    assert page.request.get("/api/v1/me").status == 200  # still signed in, draft kept
    with page.expect_navigation():
        page.locator("#logout-form button[type=submit]").click()
    assert len(asked) == 2
    assert page.request.get("/api/v1/me").status == 401


def test_bad_input_gets_a_clear_error_and_saves_nothing(members: Any) -> None:  # noqa: F811
    setup, mentor, _mentee, (_org, mentor_client, _mentee_client) = members
    pid = setup.pair_id
    page = mentor.open("/goals")
    page.locator("#goal-new button[type=submit]").click()  # only the default status
    expect(page.locator("#save-status-text")).to_have_text("Write something first.")
    fill(page, "#goal-new-notes", "Notes but no title")
    page.locator("#goal-new button[type=submit]").click()
    title = page.locator("#goal-new-title")
    expect(title).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.activeElement.id") == "goal-new-title"
    error = page.locator("#goal-new-title-error")
    assert error.inner_text() == "This is needed."
    assert "goal-new-title-error" in (title.get_attribute("aria-describedby") or "")
    assert_accessible(page)
    mentor.shot("goal-needs-title")
    fill(page, "#goal-new-title", "Now with a title")
    expect(title).not_to_have_attribute("aria-invalid", "true")
    assert error.count() == 0
    save(mentor, "#goal-new")

    page = mentor.open("/meetings/new")
    page.locator("#meeting-form button[type=submit]").click()  # today's date, in person
    expect(page.locator("#save-status-text")).to_have_text("Write something first.")
    fill(page, "#meeting-minutes", "-5")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#meeting-minutes-error")).to_have_text("Enter a number from 0 to 1440.")

    page = mentor.open("/agreement")
    fill(page, "#agreement-start", "2027-03-01")
    fill(page, "#agreement-end", "2027-01-31")
    page.locator("#agreement-form button[type=submit]").click()
    expect(page.locator("#agreement-end-error")).to_contain_text("cannot be before")
    assert page.evaluate("document.activeElement.id") == "agreement-end"

    page = mentor.open("/evaluation")
    page.locator("#evaluation-done").check()
    page.locator("#evaluation-form button[type=submit]").click()
    expect(page.locator("#evaluation-done-error")).to_contain_text("Write something")
    # Nothing of the refused saves reached the server.
    assert [(e.type, e.body.get("title")) for e in mentor_client.entries(pid)] == [
        ("goal", "Now with a title")
    ]
    mentor.problems.assert_none()
