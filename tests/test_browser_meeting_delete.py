"""Deleting a meeting logged twice or by mistake: asked once more, refused when the partner
changed it since, gone for both; and a partner still typing into it loses nothing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import Pair
from tests.support.browser import Members, fill, save, typed_and_kept, whole_meeting

pytestmark = pytest.mark.browser


def _meetings(client: Any, pair_id: str) -> dict[str, Any]:
    return {e.entry_id: e for e in client.entries(pair_id) if e.type == "meeting"}


def test_a_meeting_logged_twice_is_deleted_for_both_once_read(pair: Pair, members: Members) -> None:
    mentor, mentee = members
    pid = pair.id
    twice = pair.mentor.add_entry(pid, "meeting", {"date": "2027-02-01", "theme": "Twice"})
    real = pair.mentor.add_entry(pid, "meeting", {"date": "2027-02-01", "theme": "CV"})
    page = mentor.open(f"/meetings/{twice.entry_id}")
    section = page.locator("#meeting-delete")
    expect(section).to_be_visible()
    # The mentee adds a note to it after the mentor opened it: the mentor must read it first.
    pair.mentee.edit_entry(pid, twice, {**twice.body, "notes": "MenteeNote"})
    page.get_by_role("button", name="Delete this meeting").click()
    question = page.get_by_role("group", name="Delete this meeting for both of you?")
    expect(question).to_be_visible()
    # Focus goes to the safe answer: a double tap does not delete.
    assert page.evaluate("document.activeElement.id") == "delete-no"
    assert_accessible(page)
    mentor.shot("delete-question")
    page.get_by_role("button", name="No, keep it").click()
    expect(question).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "delete-ask"
    page.get_by_role("button", name="Delete this meeting").click()
    page.get_by_role("button", name="Yes, delete it").click()
    mentor.wait_status("changed this meeting after you opened it")
    expect(page.locator("#meeting-notes")).to_have_value("MenteeNote")
    assert twice.entry_id in _meetings(pair.mentor, pid)
    # Now that the mentor has their version in front of them, it goes.
    page.get_by_role("button", name="Delete this meeting").click()
    page.get_by_role("button", name="Yes, delete it").click()
    gone = page.locator("#meeting-deleted")
    expect(gone).to_be_visible()
    expect(gone).to_be_focused()
    expect(page.locator("#meeting-form")).to_be_hidden()
    assert page.url.endswith(f"/pairs/{pid}/notebook/meetings")  # a reload shows the log
    assert set(_meetings(pair.mentee, pid)) == {real.entry_id}
    assert_accessible(page)
    # Both meeting logs show the one real meeting; the deleted meeting's page is a 404.
    for member in (mentor, mentee):
        log = member.open("/meetings")
        expect(log.locator("#meeting-list > *")).to_have_count(1)
        expect(log.locator("#meeting-list")).to_contain_text("CV")
    response = mentee.page.goto(f"/pairs/{pid}/notebook/meetings/{twice.entry_id}")
    assert response is not None and response.status == 404
    expect(mentee.page.locator("#meeting-gone")).to_be_visible()
    mentee.problems.forgive("404 (NOT FOUND)")
    # A new meeting can be deleted right after it is saved.
    page = mentee.open("/meetings/new")
    expect(page.locator("#meeting-delete")).to_be_hidden()
    whole_meeting(page)
    fill(page, "#meeting-theme", "By mistake")
    save(mentee, "#meeting-form")
    expect(page.locator("#meeting-delete")).to_be_visible()
    page.get_by_role("button", name="Delete this meeting").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator("#meeting-deleted")).to_be_visible()
    assert set(_meetings(pair.mentor, pid)) == {real.entry_id}
    for member in (mentor, mentee):
        member.problems.assert_none()


def test_text_typed_into_a_meeting_the_partner_deleted_is_saved_as_a_new_one(
    pair: Pair,
    members: Members,
) -> None:
    mentee = members.mentee
    pid = pair.id
    meeting = pair.mentor.add_entry(
        pid, "meeting", {"date": "2027-03-01", "theme": "Interview practice", "notes": "N0"}
    )
    page = mentee.open(f"/meetings/{meeting.entry_id}")
    fill(page, "#meeting-notes", "MenteeWordsAfterTheDelete")
    pair.mentor.delete_entry(pid, meeting)
    page.locator("#meeting-form button[type=submit]").click()
    # The member chooses: the partner's clean-up, or what they wrote as a new meeting.
    offer = page.get_by_role("group", name="This meeting was deleted while you were changing it")
    expect(offer).to_be_visible()
    expect(page.get_by_role("button", name="Save it as a new meeting")).to_be_focused()
    assert _meetings(pair.mentor, pid) == {}
    assert_accessible(page)
    mentee.shot("gone-offer")
    page.get_by_role("button", name="Save it as a new meeting").click()
    mentee.wait_status("Saved.")
    expect(page.locator("#meeting-form .recreated")).to_have_text(
        "What you wrote is saved as a new meeting."
    )
    (saved,) = _meetings(pair.mentor, pid).values()
    assert saved.entry_id != meeting.entry_id
    assert saved.body["notes"] == "MenteeWordsAfterTheDelete"
    assert saved.body["theme"] == "Interview practice"  # the rest of what the form showed
    assert page.url.endswith(f"/meetings/{saved.entry_id}")
    # Later saves edit the new meeting, and a reload offers no stale draft.
    whole_meeting(page)
    fill(page, "#meeting-aim", "Practise the pitch")
    save(mentee, "#meeting-form")
    assert _meetings(pair.mentor, pid)[saved.entry_id].revision == 2
    page = mentee.open(f"/meetings/{saved.entry_id}")
    expect(page.locator("#meeting-aim")).to_have_value("Practise the pitch")
    assert page.locator(".draft-offer").count() == 0
    assert_accessible(page)
    # Or the member lets it go: nothing is saved, and no draft is left behind.
    other = pair.mentor.add_entry(pid, "meeting", {"date": "2027-03-08", "theme": "Twice"})
    page = mentee.open(f"/meetings/{other.entry_id}")
    fill(page, "#meeting-notes", "Not needed after all")
    pair.mentor.delete_entry(pid, other)
    page.locator("#meeting-form button[type=submit]").click()
    page.get_by_role("button", name="Let it go").click()
    expect(page.locator("#meeting-deleted")).to_be_focused()
    assert set(_meetings(pair.mentor, pid)) == {saved.entry_id}
    drafts = page.evaluate(
        "async () => (await import('/static/js/storage/keystore.js')).recordNames('draft:')"
    )
    assert not [name for name in drafts if other.entry_id in name], drafts
    # The failed requests: the two saves into deleted meetings.
    not_found = mentee.problems.forgive("404 (NOT FOUND)")
    assert len(not_found) == 2
    mentee.problems.assert_none()


def test_a_refused_delete_keeps_unsaved_text_and_shows_both_versions(
    pair: Pair,
    members: Members,
) -> None:
    mentee = members.mentee
    pid = pair.id
    meeting = pair.mentor.add_entry(pid, "meeting", {"date": "2027-03-01", "notes": "N0"})
    page = mentee.open(f"/meetings/{meeting.entry_id}")
    whole_meeting(page)
    fill(page, "#meeting-aim", "MenteeAimUnsaved")
    pair.mentor.edit_entry(pid, meeting, {**meeting.body, "notes": "MentorNotes"})
    page.get_by_role("button", name="Delete this meeting").click()
    expect(page.locator("#delete-unsaved")).to_be_visible()
    page.get_by_role("button", name="Yes, delete it").click()
    mentee.wait_status("changed this meeting after you opened it")
    # Their newer notes are merged in, the unsaved aim stays, and nothing was deleted.
    expect(page.locator("#meeting-notes")).to_have_value("MentorNotes")
    expect(page.locator("#meeting-aim")).to_have_value("MenteeAimUnsaved")
    assert meeting.entry_id in _meetings(pair.mentee, pid)
    save(mentee, "#meeting-form")
    saved = _meetings(pair.mentor, pid)[meeting.entry_id]
    assert saved.body["notes"] == "MentorNotes" and saved.body["aim"] == "MenteeAimUnsaved"
    mentee.problems.assert_none()


def test_unsaved_text_for_a_deleted_meeting_is_offered_back(pair: Pair, members: Members) -> None:
    mentee = members.mentee
    pid = pair.id
    meeting = pair.mentor.add_entry(pid, "meeting", {"date": "2027-04-01", "theme": "Pitch"})
    page = mentee.open(f"/meetings/{meeting.entry_id}")
    typed_and_kept(page, "#meeting-notes", "TypedButNeverSaved")
    pair.mentor.delete_entry(pid, meeting)
    response = page.goto(f"/pairs/{pid}/notebook/meetings/{meeting.entry_id}")
    assert response is not None and response.status == 404
    mentee.wait_ready()
    expect(page.locator("#meeting-gone")).to_be_visible()
    offer = page.locator(".draft-offer")
    expect(offer).to_be_visible()
    offer.locator("[data-draft=restore]").click()
    expect(page.locator("#meeting-notes")).to_have_value("TypedButNeverSaved")
    save(mentee, "#meeting-form")
    (saved,) = _meetings(pair.mentor, pid).values()
    assert saved.entry_id != meeting.entry_id and saved.revision == 1
    assert saved.body["notes"] == "TypedButNeverSaved" and saved.body["theme"] == "Pitch"
    assert page.url.endswith(f"/meetings/{saved.entry_id}")
    assert_accessible(page)
