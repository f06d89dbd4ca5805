"""The pair notebook in a real browser at phone size: two members in their own browser contexts
write and confirm the agreement, goals, meetings and evaluations; conflicts, drafts, tampering,
XSS, canaries, authorisation and accessibility."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import (
    MENTEE,
    MENTOR,
    PASSPHRASE,
    Pair,
    everything_on_disk,
    login_browserless,
    open_db,
    sql,
)
from tests.support.browser import (
    Devices,
    Members,
    fill,
    page_time,
    save,
    wait_for_draft,
    whole_meeting,
)

pytestmark = pytest.mark.browser


def test_agreement_written_confirmed_and_reconfirmed_after_an_edit(members: Members) -> None:
    mentor, mentee = members
    page = mentee.open()
    assert page.locator("#overview-sections > li").first.get_attribute("id") == (
        "overview-agreement"
    )
    assert page.locator("#next-step a[href$='/agreement']").is_visible()
    page = mentee.open("/agreement")
    assert page.locator("#agreement-confirmations .confirm-none").is_visible()
    fill(page, "#agreement-goals", "Learn the unwritten rules of working life")
    fill(page, "#agreement-start", "2027-01-15")
    fill(page, "#agreement-meetings", "Every other Tuesday at the library")
    page.locator("#agreement-form button[type=submit]").click()
    mentee.wait_status("Saved")
    assert "Version 1" in page.locator(".confirm-version").inner_text()
    page.locator("#confirm-button").click()
    mentee.wait_status("You confirmed version 1")
    assert page.locator(".confirm-me").get_attribute("data-confirmed") == "true"
    assert page.locator(".confirm-partner").get_attribute("data-confirmed") == "false"
    mentee.shot("agreement-mentee")

    page = mentor.open("/agreement")
    assert page.locator("#agreement-read [data-slot=goals]").inner_text() == (
        "Learn the unwritten rules of working life"
    )
    assert page.locator(".confirm-partner").get_attribute("data-confirmed") == "true"
    page.locator("#confirm-button").click()
    mentor.wait_status("You confirmed version 1")
    assert page.locator(".confirm-both").is_visible()
    page = mentor.open()
    assert "Working" in page.locator("#phase-heading").inner_text()

    # An edit voids both confirmations until both confirm the new revision.
    page = mentor.open("/agreement")
    page.get_by_role("button", name="Edit the agreement").click()
    fill(page, "#agreement-contact", "Email and phone")
    page.locator("#agreement-form button[type=submit]").click()
    mentor.wait_status("Saved")
    assert "Version 2" in page.locator(".confirm-version").inner_text()
    # Who confirmed which version: both confirmed version 1, neither has confirmed version 2.
    for who in (".confirm-me", ".confirm-partner"):
        assert page.locator(who).get_attribute("data-confirmed") == "earlier"
        assert "confirmed version 1" in page.locator(who).inner_text()
        assert not page.locator(f"{who} .confirm-no").is_visible()
    assert not page.locator(".confirm-both").is_visible()
    assert "Start" in mentor.open().locator("#phase-heading").inner_text()
    page = mentee.open("/agreement")
    assert "Version 2" in page.locator(".confirm-version").inner_text()
    assert page.locator(".confirm-partner").get_attribute("data-confirmed") == "earlier"
    assert "confirmed version 1" in page.locator(".confirm-partner").inner_text()
    mentee.shot("agreement-changed-since-confirmed")
    for member in (mentor, mentee):
        page = member.open("/agreement")
        assert page.locator("#agreement-read [data-slot=contact]").inner_text() == (
            "Email and phone"
        )
        page.locator("#confirm-button").click()
        member.wait_status("You confirmed version 2")
    assert mentee.page.locator(".confirm-both").is_visible()
    assert "Working" in mentee.open().locator("#phase-heading").inner_text()
    mentee.shot("overview-working")
    for member in (mentor, mentee):
        member.problems.assert_none()


def test_goals_meetings_evaluations_and_the_phase(pair: Pair, members: Members) -> None:
    mentor, mentee = members
    pid = pair.id
    agreement = pair.mentee.add_entry(pid, "agreement", {"goals": "Find work in IT"})
    pair.mentee.confirm(pid, agreement)
    pair.mentor.confirm(pid, agreement)

    # The mentee adds two goals; the mentor sees them and moves one on.
    page = mentee.open("/goals")
    assert page.locator("#goal-empty").is_visible()
    for title, notes in (("Update my CV", "Two pages at most"), ("Practise interviews", "")):
        fill(page, "#goal-new-title", title)
        fill(page, "#goal-new-notes", notes)
        save(mentee, "#goal-new")
        assert page.locator("#goal-new-title").input_value() == ""
    assert sorted(page.locator("#goal-list .goal-title").all_inner_texts()) == [
        "Practise interviews",
        "Update my CV",
    ]
    mentee.shot("goals")
    page = mentor.open("/goals")
    card = page.locator(".goal-card").filter(
        has=page.get_by_role("heading", name="Update my CV", exact=True)
    )
    expect(card.locator(".goal-notes")).to_have_text("Two pages at most")
    card.get_by_role("button", name="Edit").click()
    card.locator("[data-field=status]").select_option("in_progress")
    card.locator("button[type=submit]").click()
    mentor.wait_status("Saved")

    # The mentor logs the first meeting: getting-to-know prompts, an activity idea in one tap.
    page = mentor.open("/meetings/new")
    assert page.locator("#first-meeting").is_visible()
    fill(page, "#meeting-date", "2027-02-01")
    whole_meeting(page)
    page.locator("#meeting-mode").select_option("remote")
    fill(page, "#meeting-minutes", "60")
    fill(page, "#meeting-opening", "Both well, a busy week")
    fill(page, "#meeting-aim", "Start on the CV")
    page.locator("[data-activity]", has_text="CV and LinkedIn").click()
    assert page.locator("#meeting-theme").input_value() == "CV and LinkedIn profile"
    expect(page.locator("[data-activity]", has_text="CV and LinkedIn")).to_be_focused()
    fill(page, "#meeting-notes", "We went through the CV line by line")
    fill(page, "#meeting-learned", "Short is better")
    fill(page, "#meeting-progress", "The CV goal moved on")
    page.get_by_label("Update my CV").check()
    fill(page, "#meeting-next_date", "2027-02-15")
    fill(page, "#meeting-next_topic", "LinkedIn")
    fill(page, "#meeting-prepare", "A first draft of the profile")
    mentor.shot("meeting-form")
    save(mentor, "#meeting-form")
    assert "/meetings/" in page.url and not page.url.endswith("/new")

    page = mentee.open("/meetings")
    card = page.locator("#meeting-list .meeting-card").first
    assert "CV and LinkedIn profile" in card.locator(".meeting-title").inner_text()
    assert "Remote" in card.locator(".meeting-meta").inner_text()
    card.locator(".meeting-more").click()
    assert "Update my CV" in card.locator("[data-slot=goals]").inner_text()
    assert "Practise interviews" not in card.locator("[data-slot=goals]").inner_text()
    assert card.locator("[data-row=aim]").is_visible()
    mentee.shot("meetings")
    page = mentee.open("/meetings/new")
    assert page.locator("#first-meeting").count() == 0
    whole_meeting(page)
    fill(page, "#meeting-theme", "Interview practice")
    save(mentee, "#meeting-form")
    page = mentor.open()
    assert "LinkedIn" in page.locator("#overview-next-meeting").inner_text()
    assert "Working" in page.locator("#phase-heading").inner_text()
    # The phase decides what comes first and what is suggested next.
    assert page.locator("#overview-sections > li").first.get_attribute("id") == (
        "overview-meetings"
    )
    assert page.locator("#next-step a[href$='/meetings/new']").is_visible()

    # Closing: an evaluation begun moves the phase; both finished completes it.
    page = mentor.open("/evaluation")
    fill(page, "#evaluation-learned", "Patience")
    page.locator("#evaluation-keep_in_touch").select_option("yes")
    save(mentor, "#evaluation-form")
    page = mentee.open()
    assert "Closing" in page.locator("#phase-heading").inner_text()
    assert page.locator("#overview-sections > li").first.get_attribute("id") == (
        "overview-evaluation"
    )
    assert page.locator("#next-step a[href$='/evaluation']").is_visible()
    page = mentee.open("/evaluation")
    assert "Patience" in page.locator("#partner-evaluation").inner_text()
    fill(page, "#evaluation-learned", "How to network")
    page.locator("#evaluation-done").check()
    save(mentee, "#evaluation-form")
    fill(page, "#summary-text", "A good half year")
    save(mentee, "#summary-form")
    assert "Closing" in mentee.open().locator("#phase-heading").inner_text()
    page = mentor.open("/evaluation")
    assert "How to network" in page.locator("#partner-evaluation").inner_text()
    assert page.locator("#summary-text").input_value() == "A good half year"
    page.locator("#evaluation-done").check()
    save(mentor, "#evaluation-form")
    page = mentor.open()
    assert "Completed" in page.locator("#phase-heading").inner_text()
    assert page.locator("#next-step a[href$='/print']").is_visible()

    # The pair can move the phase by hand, and back to what they have done.
    page.locator("#phase-select").select_option("working")
    with page.expect_navigation():
        page.locator("#phase-form button[type=submit]").click()
    mentor.wait_ready()
    assert "Working" in page.locator("#phase-heading").inner_text()
    assert "Working" in mentee.open().locator("#phase-heading").inner_text()
    with page.expect_navigation():
        page.locator("#phase-auto").click()
    mentor.wait_ready()
    assert "Completed" in page.locator("#phase-heading").inner_text()

    page = mentee.open("/print")
    text = page.locator("#notebook-body").inner_text()
    for word in (
        "Find work in IT",
        "Update my CV",
        "Interview practice",
        "Patience",
        "A good half year",
    ):
        assert word in text
    mentee.shot("print")
    # What the browsers wrote opens in the Python client too, and the other way round.
    opened = pair.mentor.entries(pid)
    assert all(not isinstance(e, Exception) for e in opened)
    assert {e.type for e in opened} == {"agreement", "goal", "meeting", "evaluation", "summary"}
    for member in (mentor, mentee):
        member.problems.assert_none()


def test_stale_edits_get_the_conflict_view_and_the_merge_keeps_both(
    pair: Pair, members: Members
) -> None:
    mentor, mentee = members
    entry = pair.mentor.add_entry(pair.id, "meeting", {"theme": "CV", "notes": "first"})
    pages = [m.open(f"/meetings/{entry.entry_id}") for m in (mentor, mentee)]
    fill(pages[0], "#meeting-notes", "MentorText about the CV")
    save(mentor, "#meeting-form")
    fill(pages[1], "#meeting-notes", "MenteeText about LinkedIn")
    whole_meeting(pages[1])
    fill(pages[1], "#meeting-learned", "MenteeLearned")
    pages[1].locator("#meeting-form button[type=submit]").click()
    conflict = pages[1].locator("#meeting-form .conflict")
    conflict.wait_for()
    assert pages[1].evaluate("document.activeElement.className") == "conflict-heading"
    assert "MentorText about the CV" in conflict.locator(".conflict-theirs").first.inner_text()
    assert "MenteeText about LinkedIn" in conflict.locator(".conflict-yours").first.inner_text()
    mentee.shot("conflict")
    assert_accessible(pages[1])
    conflict.locator(".conflict-field", has_text="Notes").locator("[data-merge=both]").click()
    merged = pages[1].locator("#meeting-notes").input_value()
    assert "MentorText about the CV" in merged and "MenteeText about LinkedIn" in merged
    save(mentee, "#meeting-form")
    assert pages[1].locator("#meeting-form .conflict").count() == 0
    (final,) = [e for e in pair.mentor.entries(pair.id) if e.entry_id == entry.entry_id]
    assert final.revision == 3
    assert "MentorText" in final.body["notes"] and "MenteeText" in final.body["notes"]
    assert final.body["learned"] == "MenteeLearned"
    for member in (mentor, mentee):
        member.problems.assert_none()


def test_drafts_come_back_after_a_reload_and_a_lost_session(
    pair: Pair, members: Members, instance: Path
) -> None:
    mentee = members.mentee
    page = mentee.open("/meetings/new")
    since = page_time(page)
    fill(page, "#meeting-notes", "Typed before the tab closed")
    wait_for_draft(page, since)
    stored = page.evaluate(
        """async () => {
          const ks = await import('/static/js/storage/keystore.js');
          const key = await ks.getKey('notebook-drafts');
          const names = await new Promise((ok) => {
            const r = indexedDB.open('pairbook-keys');
            r.onsuccess = () => {
              const q = r.result.transaction('items').objectStore('items').getAllKeys();
              q.onsuccess = () => ok(q.result.filter((k) => String(k).startsWith('draft:')));
            };
          });
          const record = await ks.getRecord(names[0]);
          return {extractable: key.extractable, names, ct: record.ct instanceof Uint8Array,
                  clear: JSON.stringify(record).includes('Typed before')};
        }"""
    )
    assert stored["names"] and stored["ct"] and not stored["clear"] and not stored["extractable"]
    page.reload()
    mentee.wait_ready()
    offer = page.locator("#meeting-form .draft-offer")
    offer.wait_for()
    assert page.locator("#meeting-notes").input_value() == ""
    mentee.shot("draft-offer")
    assert_accessible(page)
    offer.locator("[data-draft=restore]").click()
    assert page.locator("#meeting-notes").input_value() == "Typed before the tab closed"

    # The session ends on the server while the mentee writes: signing in again saves it all.
    conn = open_db(instance)
    conn.execute(
        "UPDATE sessions SET ended_at = '2020-01-01T00:00:00Z' WHERE user_id = ?",
        (pair.mentee.user_id,),
    )
    conn.commit()
    conn.close()
    page.locator("#meeting-form button[type=submit]").click()
    page.locator("#session-lost").wait_for()
    # Said once: by the sign-in form (and to screen readers), not by the status bar as well.
    expect(page.locator("#announce")).to_contain_text("signed out")
    assert mentee.status() == ""
    mentee.shot("session-lost")
    page.locator("#session-passphrase").fill(mentee.passphrase)
    page.locator("#session-lost button[type=submit]").click()
    mentee.wait_status("Saved")
    assert page.locator("#session-lost").is_hidden()
    notes = [e.body.get("notes") for e in pair.mentor.entries(pair.id)]
    assert notes == ["Typed before the tab closed"]
    page.reload()
    mentee.wait_ready()
    assert page.locator(".draft-offer").count() == 0
    mentee.problems.forgive("401")
    mentee.problems.assert_none()


def _second_pair(app: Flask, setup: Any, organiser: Any) -> tuple[Any, Any]:
    from memberclient.client import Client
    from tests.helpers import new_pair

    other = new_pair(app, organiser, "m2@example.org", "e2@example.org", setup.programme_id)
    m2, e2 = Client.for_app(app), Client.for_app(app)
    m2.register(other.mentor_link, PASSPHRASE + "2", "M2")
    e2.register(other.mentee_link, PASSPHRASE + "3", "E2")
    for c in (m2, e2, m2, e2):
        c.sync_pair(other.pair_id)
    return other, m2


def test_ciphertext_moved_from_another_pair_shows_the_integrity_message(
    pair: Pair, members: Members, app: Flask, instance: Path
) -> None:
    mentor = members.mentor
    other, m2 = _second_pair(app, pair.setup, pair.organiser)
    ours = pair.mentor.add_entry(pair.id, "meeting", {"theme": "OursTheme"})
    theirs = m2.add_entry(other.pair_id, "meeting", {"theme": "TheirSecretTheme"})
    # Moved: another pair's ciphertext (valid under their key) under our entry.
    ((envelope,),) = sql(instance, "SELECT envelope FROM entries WHERE id = ?", theirs.entry_id)
    sql(instance, "UPDATE entries SET envelope = ? WHERE id = ?", envelope, ours.entry_id)
    page = mentor.open("/meetings")
    card = page.locator("#meeting-list .meeting-card").first
    assert "could not be verified" in card.inner_text()
    assert "TheirSecretTheme" not in page.content()
    mentor.shot("integrity")
    assert_accessible(page)
    mentor.problems.assert_none()


def test_replayed_older_revision_is_refused(pair: Pair, members: Members, instance: Path) -> None:
    mentor = members.mentor
    goal = pair.mentor.add_entry(pair.id, "goal", {"title": "GoalV1"})
    ((v1,),) = sql(instance, "SELECT envelope FROM entries WHERE id = ?", goal.entry_id)
    page = mentor.open("/goals")
    page.locator("#goal-list .goal-edit").click()
    fill(page, "#goal-g0-title", "GoalV2")
    save(mentor, "#goal-form-g0")  # this browser has now seen revision 2
    sql(
        instance,
        "UPDATE entries SET envelope = ?, revision = 1, author_id = ? WHERE id = ?",
        v1,
        pair.mentor.user_id,
        goal.entry_id,
    )
    page = mentor.open("/goals")
    card = page.locator("#goal-list .goal-card").first
    assert "could not be verified" in card.inner_text()
    assert page.locator("#goal-g0-title").input_value() == ""
    assert "GoalV1" not in page.content()
    # The overview and the print view refuse it too.
    assert "GoalV1" not in mentor.open().content()
    assert "GoalV1" not in mentor.open("/print").content()
    mentor.problems.assert_none()


XSS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '<button hx-get="/api/v1/me" hx-trigger="load" hx-target="body">hx</button>',
]


def test_entries_with_markup_render_as_text(members: Members) -> None:
    mentor, mentee = members
    page = mentee.open("/goals")
    fill(page, "#goal-new-title", XSS[1])
    save(mentee, "#goal-new")
    page = mentee.open("/meetings/new")
    whole_meeting(page)
    fill(page, "#meeting-theme", XSS[0])
    fill(page, "#meeting-notes", XSS[2])
    fill(page, "#meeting-learned", XSS[1])
    page.get_by_label(XSS[1]).check()
    save(mentee, "#meeting-form")
    page = mentee.open("/evaluation")
    fill(page, "#evaluation-feedback", XSS[2])
    save(mentee, "#evaluation-form")
    for path in ("/meetings", "/goals", "/evaluation", "", "/print"):
        page = mentor.open(path)
        for more in page.locator(".meeting-more").all():
            more.click()
        body = page.locator("#notebook-body")
        assert page.evaluate("window.__pwned") is None
        assert body.locator("script, img, [hx-get], [onerror]").count() == 0, path
    page = mentor.open("/meetings")
    page.locator("#meeting-list .meeting-more").first.click()
    text = page.locator("#meeting-list").inner_text()
    for payload in XSS:
        assert payload in text
    page = mentor.open("/evaluation")
    assert XSS[2] in page.locator("#partner-evaluation").inner_text()
    # A real wait: time for an injected handler to run, as no event can say that none will.
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    for member in (mentor, mentee):
        member.problems.assert_none()


def _fill_every_text_field(page: Any, form: str, tag: str) -> list[str]:
    words = []
    for control in page.locator(f"{form} [data-kind=text]").all():
        word = f"Canary{tag}{control.get_attribute('data-field').title().replace('_', '')}Zq"
        control.fill(word)
        words.append(word)
    return words


def test_canary_words_never_leave_the_browser_in_clear(members: Members, instance: Path) -> None:
    mentor, mentee = members
    words = []
    page = mentor.open("/agreement")
    words += _fill_every_text_field(page, "#agreement-form", "Agr")
    save(mentor, "#agreement-form")
    page.locator("#confirm-button").click()
    mentor.wait_status("You confirmed")
    page = mentor.open("/goals")
    words += _fill_every_text_field(page, "#goal-new", "Goal")
    save(mentor, "#goal-new")
    page = mentor.open("/meetings/new")
    whole_meeting(page)
    words += _fill_every_text_field(page, "#meeting-form", "Meet")
    page.locator("#meeting-form .goal-check-list input").first.check()
    save(mentor, "#meeting-form")
    page = mentor.open("/evaluation")
    words += _fill_every_text_field(page, "#evaluation-form", "Eval")
    save(mentor, "#evaluation-form")
    words += _fill_every_text_field(page, "#summary-form", "Sum")
    save(mentor, "#summary-form")
    assert len(words) == 9 + 2 + 8 + 5 + 1  # every text field of every kind of entry
    # A draft typed and kept on the device stays there too.
    page = mentee.open("/meetings/new")
    since = page_time(page)
    page.locator("#meeting-notes").fill("CanaryDraftOnlyZq")
    wait_for_draft(page, since)
    words.append("CanaryDraftOnlyZq")
    # The partner reads every word.
    seen = ""
    for path in ("/agreement", "/goals", "/print"):
        page = mentee.open(path)
        seen += page.locator("#notebook-body").inner_text()
        seen += "".join(t.input_value() for t in page.locator("#notebook-body textarea").all())
        seen += "".join(
            t.input_value() for t in page.locator("#notebook-body input[type=text]").all()
        )
        assert page.locator("#notebook-body [name]").count() == 0, path
    for word in words[:-1]:
        assert word in seen, word
    traffic = "\n".join(member.traffic() for member in (mentor, mentee))
    assert "/entries" in traffic
    disk = everything_on_disk(instance)
    for word in words:
        assert word not in traffic, word
        assert word not in disk, word
    for member in (mentor, mentee):
        member.problems.assert_none()


def test_other_pairs_and_the_organiser_get_404_on_every_notebook_page(
    pair: Pair, members: Members, app: Flask
) -> None:
    other, _m2 = _second_pair(app, pair.setup, pair.organiser)
    entry = pair.mentor.add_entry(pair.id, "meeting", {"theme": "x"})
    base = f"/pairs/{pair.id}/notebook"
    paths = [
        base,
        f"{base}/agreement",
        f"{base}/goals",
        f"{base}/meetings",
        f"{base}/meetings/new",
        f"{base}/meetings/{entry.entry_id}",
        f"{base}/evaluation",
        f"{base}/print",
    ]
    for email, passphrase in (
        ("m2@example.org", PASSPHRASE + "2"),
        ("org@example.org", PASSPHRASE),
    ):
        client = app.test_client()
        assert login_browserless(client, email, passphrase).status_code == 200
        for path in paths:
            assert client.get(path).status_code == 404, (email, path)
        # Their own notebook does not open our entries either.
        own = f"/pairs/{other.pair_id}/notebook/meetings/{entry.entry_id}"
        if email.startswith("m2"):
            assert client.get(own).status_code == 404
            assert client.get(f"/pairs/{other.pair_id}/notebook").status_code == 200
    anonymous = app.test_client()
    for path in paths:
        assert anonymous.get(path).status_code == 302, path
    member = app.test_client()
    assert login_browserless(member, *MENTOR).status_code == 200
    for path in paths:
        response = member.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"
        assert 'hx-history="false"' in response.get_data(as_text=True)


VIEWS = ["", "/agreement", "/goals", "/meetings", "/meetings/new", "/evaluation", "/print"]
# What each page asks the listing for: only the kinds of entry it shows.
LISTED = {
    "": "?type=goal&type=meeting",
    "/agreement": "?type=agreement",
    "/goals": "?type=goal",
    "/meetings": "?type=meeting&type=goal",
    "/meetings/new": "?type=goal&type=meeting",
    "/evaluation": "?type=evaluation&type=summary",
    "/print": "",
}


def test_every_view_is_accessible_and_fits_a_phone(pair: Pair, members: Members) -> None:
    mentor = members.mentor
    pid = pair.id
    agreement = pair.mentee.add_entry(
        pid, "agreement", {"goals": "Networking", "start": "2027-01-15"}
    )
    pair.mentee.confirm(pid, agreement)
    goal = pair.mentee.add_entry(pid, "goal", {"title": "Update my CV", "status": "in_progress"})
    meeting = pair.mentor.add_entry(
        pid,
        "meeting",
        {
            "date": "2027-02-01",
            "mode": "remote",
            "minutes": 45,
            "theme": "CV",
            "notes": "Notes",
            "goals": [goal.entry_id],
            "next_date": "2027-02-15",
            "next_topic": "LinkedIn",
        },
    )
    pair.mentee.add_entry(pid, "evaluation", {"learned": "A lot", "keep_in_touch": "yes"})
    page = mentor.page
    listings: list[str] = []
    page.on("request", lambda r: listings.append(r.url) if "/entries" in r.url else None)
    for width in (360, 320):
        page.set_viewport_size({"width": width, "height": 740})
        for path in [*VIEWS, f"/meetings/{meeting.entry_id}"]:
            listings.clear()
            mentor.open(path)
            query = LISTED.get(path, LISTED["/meetings/new"])
            # One listing, of the page's kinds only (`since` what this device kept of them).
            asked = [re.sub(r"[?&]since=[^&]*", "", url) for url in listings]
            assert asked == [f"{mentor.base_url}/api/v1/pairs/{pid}/entries{query}"], path
            for more in page.locator(".meeting-more").all():
                more.click()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (width, path)
            assert page.locator("h1").count() == 1
            assert_accessible(page)
            if width == 360:
                name = path.strip("/").replace("/", "-") or "overview"
                mentor.shot(
                    name
                    if not name.startswith("meetings-") or name.endswith("new")
                    else "meeting-edit"
                )
    # The unlock form, on a device without the keys.
    mentor.forget_keys()
    page.set_viewport_size({"width": 360, "height": 740})
    mentor.open(unlock=False)
    page.locator("#unlock-form").wait_for()
    assert page.evaluate("document.activeElement.id") == "unlock-passphrase"
    assert_accessible(page)
    mentor.shot("unlock")
    page.locator("#unlock-passphrase").fill("not the passphrase")
    page.locator("#unlock-form button[type=submit]").click()
    expect(page.locator("#unlock-error")).not_to_be_empty(timeout=30_000)
    assert_accessible(page)
    mentor.wait_ready()
    mentor.problems.forgive("401")
    mentor.problems.assert_none()


def test_without_javascript_the_pages_say_so_and_send_nothing(
    pair: Pair, members: Members, devices: Devices
) -> None:
    without_js = devices.open(320, 640, javascript=False)
    without_js.context.add_cookies(members.mentor.context.cookies())
    page = without_js.page
    for path in VIEWS:
        page.goto(f"/pairs/{pair.id}/notebook{path}")
        assert "needs JavaScript" in page.locator("#notebook-noscript").inner_text()
        assert page.locator("#notebook-body").is_hidden()
        assert page.locator("#notebook-body [name]").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    without_js.shot("noscript")


def test_failed_saves_retry_with_a_visible_status(pair: Pair, members: Members) -> None:
    mentor = members.mentor
    page = mentor.open("/goals")
    failures = {"left": 2}

    def flaky(route: Any) -> None:
        if route.request.method == "POST" and failures["left"] > 0:
            failures["left"] -= 1
            if failures["left"] == 1:
                route.abort("internetdisconnected")
            else:
                route.fulfill(status=503, json={"error": "unavailable", "message": "busy"})
        else:
            route.continue_()

    page.route("**/api/v1/pairs/*/entries", flaky)
    fill(page, "#goal-new-title", "Saved on the third try")
    page.locator("#goal-new button[type=submit]").click()
    expect(page.locator("#save-status-text")).to_contain_text("Trying again", timeout=10_000)
    assert page.locator("#save-retry-now").is_visible()
    mentor.shot("retrying")
    assert_accessible(page)
    page.locator("#save-retry-now").click()
    mentor.wait_status("Saved")
    assert page.evaluate("document.activeElement.closest('form')?.id") == "goal-new"
    assert failures["left"] == 0
    assert page.locator("#save-retry-now").is_hidden()
    titles = [e.body["title"] for e in pair.mentor.entries(pair.id)]
    assert titles == ["Saved on the third try"]  # once, though it was sent three times
    mentor.problems.forgive("503")
    mentor.problems.forgive("INTERNET")
    mentor.problems.assert_none()


def test_mid_point_invites_the_pair_to_revisit_the_agreement(
    pair: Pair, members: Members, app: Flask
) -> None:
    from datetime import timedelta

    from workspace.core import clock

    pair.mentor.add_entry(pair.id, "agreement", {"goals": "Networking"})
    path = f"/pairs/{pair.id}/notebook/agreement"
    client = app.test_client()
    login_browserless(client, *MENTOR)
    assert 'id="revisit-notice"' not in client.get(path).get_data(as_text=True)
    clock.travel(timedelta(days=61))  # the helper's programme has its mid-point in 60 days
    try:
        client = app.test_client()
        login_browserless(client, *MENTOR)
        assert 'id="revisit-notice"' in client.get(path).get_data(as_text=True)
        assert 'id="revisit-notice"' in client.get(path[: -len("/agreement")]).get_data(
            as_text=True
        )
    finally:
        clock.reset()


def test_a_member_without_the_key_is_sent_to_the_pair_page(app: Flask, devices: Devices) -> None:
    from memberclient.client import Client
    from tests.helpers import new_organiser, new_pair

    organiser = new_organiser(app)
    setup = new_pair(app, organiser)
    mentor = Client.for_app(app)
    mentor.register(setup.mentor_link, MENTOR[1], "Maija")
    mentor.sync_pair(setup.pair_id)  # the mentor holds the key; the mentee has not joined
    mentee = Client.for_app(app)
    mentee.register(setup.mentee_link, MENTEE[1], "Ali")
    member = devices.member(setup.pair_id)
    member.sign_in_with_cookie(*MENTEE)
    page = member.open(unlock=False)
    page.locator("#unlock-passphrase").fill(MENTEE[1])
    page.locator("#unlock-form button[type=submit]").click()
    page.locator("#no-key").wait_for(timeout=30_000)
    assert page.locator("#no-key a").get_attribute("href") == f"/pairs/{setup.pair_id}"
    assert page.evaluate("document.activeElement.id") == "no-key-heading"
    assert page.locator("#notebook-body").is_hidden()
    assert_accessible(page)
    member.problems.assert_none()


def test_print_style_sheet(pair: Pair, members: Members) -> None:
    mentor = members.mentor
    pair.mentor.add_entry(pair.id, "agreement", {"goals": "Networking"})
    pair.mentor.add_entry(pair.id, "meeting", {"date": "2027-02-01", "theme": "CV"})
    page = mentor.open("/print")
    page.emulate_media(media="print")
    assert page.locator("#notebook-nav").is_hidden()
    assert page.locator("#print-button").is_hidden()
    assert page.locator(".site-header").is_hidden()
    assert "Networking" in page.locator("#print-agreement").inner_text()
    mentor.shot("print-media")
