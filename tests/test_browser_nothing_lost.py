"""Nothing a member types is lost: partner's edits merged rather than undone, the last
keystrokes kept when the tab goes, drafts that survive being ignored, a second save while the
first is retrying, and a warning before signing out wipes unsaved text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import Pair
from tests.support.browser import (
    Members,
    fill,
    page_time,
    save,
    typed_and_kept,
    wait_for_draft,
    whole_meeting,
)

pytestmark = pytest.mark.browser


def _entry(client: Any, pair_id: str, entry_id: str) -> Any:
    (found,) = [e for e in client.entries(pair_id) if e.entry_id == entry_id]
    return found


def test_partner_edits_to_other_fields_are_merged_not_undone(pair: Pair, members: Members) -> None:
    mentee = members.mentee
    pid = pair.id
    entry = pair.mentor.add_entry(
        pid, "meeting", {"theme": "CV", "notes": "N0", "learned": "L0", "aim": "A0"}
    )
    page = mentee.open(f"/meetings/{entry.entry_id}")
    # The mentor changes "What we learned" and the aim while the mentee's page is open.
    pair.mentor.edit_entry(
        pid, entry, {"theme": "CV", "notes": "N0", "learned": "MentorLearned", "aim": "MentorAim"}
    )
    fill(page, "#meeting-notes", "MenteeNotes")
    whole_meeting(page)
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
    # "Keep mine" keeps the field as it is, with what was typed since the conflict showed.
    fill(page, "#meeting-aim", "MenteeAim, second thought")
    conflict.locator("[data-merge=mine]").click()
    expect(page.locator("#meeting-aim")).to_have_value("MenteeAim, second thought")
    expect(page.locator("#meeting-aim")).to_be_focused()
    expect(conflict.locator(".conflict-resolved")).to_have_text("Your version stays in the field.")
    save(mentee, "#meeting-form")
    final = _entry(pair.mentor, pid, entry.entry_id)
    assert final.revision == 3
    assert final.body["learned"] == "MentorLearned"
    assert final.body["notes"] == "MenteeNotes"
    assert final.body["aim"] == "MenteeAim, second thought"

    # Edits to different fields only: nothing to choose, both are in the form.
    pair.mentor.edit_entry(pid, final, {**final.body, "theme": "LinkedIn"})
    fill(page, "#meeting-notes", "MenteeNotes, more")
    page.locator("#meeting-form button[type=submit]").click()
    conflict.wait_for()
    assert conflict.locator(".conflict-field").count() == 0
    assert "both their changes and yours" in conflict.inner_text()
    assert page.locator("#meeting-theme").input_value() == "LinkedIn"
    save(mentee, "#meeting-form")
    final = _entry(pair.mentor, pid, entry.entry_id)
    assert final.body["theme"] == "LinkedIn" and final.body["notes"] == "MenteeNotes, more"
    mentee.problems.assert_none()


def test_the_last_keystrokes_survive_a_quick_reload(members: Members) -> None:
    mentee = members.mentee
    page = mentee.open("/meetings/new")
    # Kept as it is typed, with no save pressed and no field left (writes that only start as
    # the page unloads may not land, so the test waits for the draft to be in IndexedDB).
    typed_and_kept(page, "#meeting-notes", "Quick")
    page.reload()
    mentee.wait_ready()
    offer = page.locator("#meeting-form .draft-offer")
    offer.wait_for()
    # The offer is announced, not only shown, and shown once (not in the status bar as well).
    expect(page.locator("#announce")).to_contain_text("not saved yet")
    assert mentee.status() == ""
    offer.locator("[data-draft=restore]").click()
    assert page.locator("#meeting-notes").input_value() == "Quick"
    mentee.problems.assert_none()


def test_typing_while_a_draft_is_offered_keeps_both(members: Members) -> None:
    mentee = members.mentee
    page = mentee.open("/meetings/new")
    typed_and_kept(page, "#meeting-notes", "Written first")
    page.reload()
    mentee.wait_ready()
    page.locator("#meeting-form .draft-offer").wait_for()
    # The mentee ignores the offer and writes somewhere else, then the tab goes again.
    whole_meeting(page)
    fill(page, "#meeting-learned", "Written second")
    fill(page, "#meeting-learned", "")
    typed_and_kept(page, "#meeting-learned", "Written second")
    page.reload()
    mentee.wait_ready()
    page.locator("#meeting-form .draft-offer [data-draft=restore]").click()
    assert page.locator("#meeting-notes").input_value() == "Written first"
    assert page.locator("#meeting-learned").input_value() == "Written second"
    mentee.problems.assert_none()


def test_saving_again_while_a_save_retries_sends_the_newer_text(
    pair: Pair, members: Members
) -> None:
    mentor = members.mentor
    page = mentor.open("/meetings/new")
    failures = _fail_writes(page, 3)
    fill(page, "#meeting-notes", "First text")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#save-status-text")).to_contain_text("Trying again", timeout=10_000)
    countdown = page.locator("#save-retry-now .retry-countdown")
    expect(countdown).to_have_text(re.compile(r"^\u00a0\(\d+\u00a0s\)$"))
    fill(page, "#meeting-notes", "Newer text")
    # While the first one waits: the button is aria-disabled, but a real tap still submits
    # (force: Playwright would otherwise wait for the first save to end).
    page.locator("#meeting-form button[type=submit]").click(force=True)
    while failures["left"] > 0:
        expect(page.locator("#save-retry-now")).to_be_visible(timeout=30_000)
        with page.expect_response(_is_a_save):
            page.locator("#save-retry-now").click()
    expect(page.locator("#save-status-text")).to_have_text("Saved.", timeout=30_000)
    notes = [e.body.get("notes") for e in pair.mentor.entries(pair.id)]
    assert notes == ["Newer text"]
    mentor.problems.forgive("503")
    mentor.problems.assert_none()


def test_signing_out_with_unsaved_text_asks_first(members: Members) -> None:
    mentor = members.mentor
    page = mentor.open("/meetings/new")
    since = page_time(page)
    fill(page, "#meeting-notes", "Not saved yet")
    wait_for_draft(page, since)  # what signing out looks for
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        if len(asked) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    page.on("dialog", answer)
    with page.expect_event("dialog"):  # asked once the drafts have been looked up
        page.locator("#logout-form button[type=submit]").click()
    expect(page.locator("#logout-form")).to_be_visible()
    assert len(asked) == 1 and "not saved" in asked[0]
    assert page.request.get("/api/v1/me").status == 200  # still signed in, draft kept
    with page.expect_navigation():
        page.locator("#logout-form button[type=submit]").click()
    assert len(asked) == 2
    assert page.request.get("/api/v1/me").status == 401
    # The dismissed question sent nothing: the one sign-out sent is the accepted one.
    sign_outs = [s.url for s in mentor.sent if s.method == "POST" and s.url.endswith("/logout")]
    assert sign_outs == [f"{mentor.base_url}/logout"]


def test_bad_input_gets_a_clear_error_and_saves_nothing(pair: Pair, members: Members) -> None:
    mentor = members.mentor
    pid = pair.id
    page = mentor.open("/goals")
    page.locator("#goal-new button[type=submit]").click()  # only the default status
    # Said at the field it is about (and only there), not in a message far from it.
    expect(page.locator("#goal-new-title-error")).to_have_text("This is needed.")
    assert mentor.status() == ""
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
    expect(page.locator("#meeting-minutes-error")).to_have_text(
        "Enter a whole number from 0 to 1440."
    )
    fill(page, "#meeting-minutes", "45.5")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#meeting-minutes-error")).to_be_visible()
    fill(page, "#meeting-minutes", "45")
    fill(page, "#meeting-date", "2027-03-10")
    fill(page, "#meeting-next_date", "2027-03-01")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#meeting-next_date-error")).to_contain_text("cannot be before")

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
    # Fixed elsewhere in the form: the save clears the old error from the checkbox too.
    fill(page, "#evaluation-learned", "How Finnish workplaces decide things")
    save(mentor, "#evaluation-form")
    expect(page.locator("#evaluation-done-error")).to_have_count(0)
    expect(page.locator("#evaluation-done")).not_to_have_attribute("aria-invalid", "true")
    # Nothing of the refused saves reached the server.
    assert [(e.type, e.body.get("title")) for e in pair.mentor.entries(pid)] == [
        ("goal", "Now with a title"),
        ("evaluation", None),
    ]
    mentor.problems.assert_none()


def _fail_writes(page: Any, times: int) -> dict[str, int]:
    """The next `times` saves get a 503 (the form then waits and retries)."""
    left = {"left": times}

    def flaky(route: Any) -> None:
        if route.request.method in ("POST", "PUT") and left["left"] > 0:
            left["left"] -= 1
            route.fulfill(status=503, json={"error": "unavailable", "message": "busy"})
        else:
            route.continue_()

    page.route("**/api/v1/pairs/*/entries**", flaky)
    return left


def _is_a_save(response: Any) -> bool:
    return "/entries" in response.url and response.request.method in ("POST", "PUT")


def _push_through(page: Any, left: dict[str, int]) -> None:
    """Press "Try again now" until a save gets through (each press waits for its answer)."""
    retry = page.locator("#save-retry-now")
    del left  # the answers themselves say when the failures are used up
    for _ in range(10):
        expect(retry).to_be_visible(timeout=30_000)
        with page.expect_response(_is_a_save) as answer:
            retry.click()
        if answer.value.status < 500:
            return
    raise AssertionError("the save never got through")


def test_text_typed_while_a_save_waits_survives_the_conflict(pair: Pair, members: Members) -> None:
    mentee = members.mentee
    pid = pair.id
    entry = pair.mentor.add_entry(pid, "meeting", {"notes": "N0", "learned": "L0"})
    page = mentee.open(f"/meetings/{entry.entry_id}")
    left = _fail_writes(page, 3)
    fill(page, "#meeting-notes", "MenteeNotes")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#save-status-text")).to_contain_text("Trying again", timeout=10_000)
    pair.mentor.edit_entry(pid, entry, {"notes": "N0", "learned": "MentorLearned"})
    whole_meeting(page)
    fill(page, "#meeting-learned", "Typed while waiting")  # after the save was sealed
    _push_through(page, left)
    page.locator("#meeting-form .conflict").wait_for()
    assert page.locator("#meeting-learned").input_value() == "Typed while waiting"
    assert page.locator("#meeting-notes").input_value() == "MenteeNotes"
    conflict = page.locator("#meeting-form .conflict-field")
    assert conflict.count() == 1 and "MentorLearned" in conflict.inner_text()
    mentee.problems.forgive("503")
    mentee.problems.assert_none()


def test_an_ignored_draft_never_undoes_the_partners_edit(pair: Pair, members: Members) -> None:
    mentee = members.mentee
    pid = pair.id
    entry = pair.mentor.add_entry(pid, "meeting", {"notes": "N0", "learned": "L0"})
    page = mentee.open(f"/meetings/{entry.entry_id}")
    typed_and_kept(page, "#meeting-notes", "MenteeDraft")
    pair.mentor.edit_entry(pid, entry, {"notes": "N0", "learned": "MentorLearned"})
    page.reload()
    mentee.wait_ready()
    page.locator("#meeting-form .draft-offer").wait_for()
    whole_meeting(page)
    typed_and_kept(page, "#meeting-aim", "MenteeAim")  # ignores the offer and writes on
    page.reload()
    mentee.wait_ready()
    page.locator("#meeting-form .draft-offer [data-draft=restore]").click()
    # Restoring a draft written on an older version goes through the merge: nothing undone.
    page.locator("#meeting-form .conflict").wait_for()
    assert page.locator("#meeting-learned").input_value() == "MentorLearned"
    assert page.locator("#meeting-notes").input_value() == "MenteeDraft"
    assert page.locator("#meeting-aim").input_value() == "MenteeAim"
    save(mentee, "#meeting-form")
    final = _entry(pair.mentor, pid, entry.entry_id)
    assert (final.body["learned"], final.body["notes"], final.body["aim"]) == (
        "MentorLearned",
        "MenteeDraft",
        "MenteeAim",
    )
    mentee.problems.assert_none()


def test_a_new_goal_saved_twice_while_retrying_is_one_goal(pair: Pair, members: Members) -> None:
    mentor = members.mentor
    page = mentor.open("/goals")
    left = _fail_writes(page, 3)
    fill(page, "#goal-new-title", "G1")
    page.locator("#goal-new button[type=submit]").click()
    expect(page.locator("#save-status-text")).to_contain_text("Trying again", timeout=10_000)
    fill(page, "#goal-new-title", "G1 with a fix")
    page.locator("#goal-new button[type=submit]").click(force=True)  # a tap while it waits
    _push_through(page, left)
    expect(page.locator("#goal-list .goal-title")).to_have_text(["G1 with a fix"], timeout=30_000)
    mentor.wait_status("Saved")
    assert left["left"] == 0
    assert page.locator("#goal-new-title").input_value() == ""
    assert [e.body["title"] for e in pair.mentor.entries(pair.id)] == ["G1 with a fix"]
    page.reload()
    mentor.wait_ready()
    assert page.locator(".draft-offer").count() == 0
    mentor.problems.forgive("503")
    mentor.problems.assert_none()


def test_a_saved_new_meeting_leaves_no_draft_behind(pair: Pair, members: Members) -> None:
    mentor = members.mentor
    page = mentor.open("/meetings/new")
    left = _fail_writes(page, 3)
    fill(page, "#meeting-notes", "First part")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#save-status-text")).to_contain_text("Trying again", timeout=10_000)
    whole_meeting(page)
    fill(page, "#meeting-learned", "Typed while it waited")
    _push_through(page, left)
    mentor.wait_status("Saved")
    (saved,) = pair.mentor.entries(pair.id)
    assert page.url.endswith(f"/meetings/{saved.entry_id}")
    wait_for_draft(page, ending=f"meeting:{saved.entry_id}")  # the draft moved with it
    # The unsaved part is offered on the meeting's own page, never on a new meeting's form.
    mentor.open("/meetings/new")
    assert page.locator(".draft-offer").count() == 0
    mentor.open(f"/meetings/{saved.entry_id}")
    page.locator("#meeting-form .draft-offer [data-draft=restore]").click()
    assert page.locator("#meeting-learned").input_value() == "Typed while it waited"
    mentor.problems.forgive("503")
    mentor.problems.assert_none()


def test_typing_into_a_new_goal_while_it_saves_moves_to_its_card(
    pair: Pair, members: Members
) -> None:
    mentor = members.mentor
    page = mentor.open("/goals")
    left = _fail_writes(page, 3)
    fill(page, "#goal-new-title", "G1")
    page.locator("#goal-new button[type=submit]").click()
    expect(page.locator("#save-status-text")).to_contain_text("Trying again", timeout=10_000)
    fill(page, "#goal-new-notes", "Notes typed while it waited")  # no second save
    _push_through(page, left)
    expect(page.locator("#goal-list .goal-title")).to_have_text(["G1"], timeout=30_000)
    card = page.get_by_role("form", name="G1", exact=True)
    # The unsaved notes are in G1's own card, ready to save; the new-goal form is empty again.
    expect(page.locator("#goal-new-title")).to_have_value("")
    assert card.locator("[data-field=notes]").input_value() == "Notes typed while it waited"
    mentor.wait_status("Saved")
    assert page.locator("#goal-new .draft-offer").count() == 0
    card.locator("button[type=submit]").click()
    mentor.wait_status("Saved")
    (goal,) = pair.mentor.entries(pair.id)
    assert goal.body["notes"] == "Notes typed while it waited" and goal.revision == 2
    mentor.problems.forgive("503")
    mentor.problems.assert_none()


def test_an_ignored_new_draft_never_overwrites_the_meeting_saved_since(
    pair: Pair,
    members: Members,
) -> None:
    mentor = members.mentor
    page = mentor.open("/meetings/new")
    typed_and_kept(page, "#meeting-notes", "OldDraft")
    page.reload()
    mentor.wait_ready()
    page.locator("#meeting-form .draft-offer").wait_for()
    whole_meeting(page)
    fill(page, "#meeting-aim", "RealAim")  # ignores the offer, writes a new meeting, saves it
    save(mentor, "#meeting-form")
    (saved,) = pair.mentor.entries(pair.id)
    mentor.open(f"/meetings/{saved.entry_id}")
    page.locator("#meeting-form .draft-offer [data-draft=restore]").click()
    # The old draft was for a new meeting, not this one: it is merged, never swapped in.
    assert page.locator("#meeting-aim").input_value() == "RealAim"
    assert page.locator("#meeting-notes").input_value() == "OldDraft"
    save(mentor, "#meeting-form")
    (final,) = pair.mentor.entries(pair.id)
    assert (final.body.get("aim"), final.body.get("notes")) == ("RealAim", "OldDraft")
    mentor.problems.assert_none()
