"""The pair notebook in a real browser at phone size: two members in their own browser contexts
write and confirm the agreement, goals, meetings and evaluations; conflicts, drafts, tampering,
XSS, canaries, authorisation and accessibility."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import PageProblems, assert_accessible
from tests.helpers import PASSPHRASE, joined_pair, login_browserless, open_db
from workspace import create_app
from workspace.auth import SESSION_COOKIE

pytestmark = pytest.mark.browser

MENTOR = ("mentor@example.org", PASSPHRASE + " mentor")
MENTEE = ("mentee@example.org", PASSPHRASE + " mentee")
SHOTS = Path("/tmp")


@pytest.fixture
def app(instance: Path) -> Flask:
    """The app; registers the notebook pages itself until create_app does."""
    app = create_app({"TESTING": True, "INSTANCE": instance})
    if "notebook_pages" not in app.blueprints:
        from workspace import notebook_pages

        app.register_blueprint(notebook_pages.bp)
    return app


class Member:
    """One member's phone: a browser context of its own (cookies, IndexedDB), problems recorded."""

    def __init__(self, chromium: Any, app: Flask, base_url: str, who: tuple[str, str]) -> None:
        self.app, self.base_url, self.email, self.passphrase = app, base_url, *who
        self.context = chromium.new_context(
            viewport={"width": 360, "height": 740}, base_url=base_url, locale="en-GB"
        )
        self.page = self.context.new_page()
        self.problems = PageProblems()
        self.bodies: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.errors.append(f"pageerror: {exc}"))
        self.context.on("request", self._request)
        self.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        self.pair_id = ""

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning") and "409 (CONFLICT)" not in msg.text:
            self.problems.errors.append(f"console {msg.type}: {msg.text}")

    def _request(self, request: Any) -> None:
        body = request.post_data_buffer
        if body:
            self.bodies.append(body.decode("utf-8", "replace"))
        self.bodies.append(request.url)

    def sign_in(self) -> None:
        """A session cookie from the JSON sign-in; the page then asks for the passphrase."""
        client = self.app.test_client()
        assert login_browserless(client, self.email, self.passphrase).status_code == 200
        cookie = client.get_cookie(SESSION_COOKIE)
        self.context.add_cookies(
            [{"name": SESSION_COOKIE, "value": cookie.value, "url": self.base_url}]
        )

    def open(self, path: str = "", *, unlock: bool = True) -> Any:
        page = self.page
        page.goto(f"/pairs/{self.pair_id}/notebook{path}")
        if unlock:
            self.wait_ready()
        return page

    def wait_ready(self) -> None:
        page = self.page
        page.locator("body[data-notebook-ready=true], #unlock-form:not([hidden])").first.wait_for(
            timeout=30_000
        )
        if page.locator("#unlock-form").is_visible():
            page.locator("#unlock-passphrase").fill(self.passphrase)
            page.locator("#unlock-form button[type=submit]").click()
            page.locator("body[data-notebook-ready=true]").wait_for(timeout=30_000)

    def status(self) -> str:
        return self.page.locator("#save-status-text").inner_text().strip()

    def wait_status(self, text: str) -> None:
        expect(self.page.locator("#save-status-text")).to_contain_text(text, timeout=30_000)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"notebook-{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def members(chromium_browser: Any, app: Flask, live_server: str) -> Iterator[Any]:
    """A joined pair and a signed-in phone for each member: (setup, mentor, mentee, clients)."""
    setup, organiser, mentor_client, mentee_client = joined_pair(app)
    opened = []
    for who in (MENTOR, MENTEE):
        member = Member(chromium_browser, app, live_server, who)
        member.pair_id = setup.pair_id
        member.sign_in()
        opened.append(member)
    yield setup, opened[0], opened[1], (organiser, mentor_client, mentee_client)
    for member in opened:
        member.close()


def fill(page: Any, selector: str, text: str) -> None:
    page.locator(selector).fill(text)


def test_agreement_written_confirmed_and_reconfirmed_after_an_edit(members: Any) -> None:
    setup, mentor, mentee, _clients = members
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
    assert page.locator("#agreement-goals").input_value() == (
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
    fill(page, "#agreement-contact", "Email and phone")
    page.locator("#agreement-form button[type=submit]").click()
    mentor.wait_status("Saved")
    assert "Version 2" in page.locator(".confirm-version").inner_text()
    assert page.locator(".confirm-me").get_attribute("data-confirmed") == "false"
    assert page.locator(".confirm-partner").get_attribute("data-confirmed") == "false"
    assert "Start" in mentor.open().locator("#phase-heading").inner_text()
    for member in (mentor, mentee):
        page = member.open("/agreement")
        assert page.locator("#agreement-contact").input_value() == "Email and phone"
        page.locator("#confirm-button").click()
        member.wait_status("You confirmed version 2")
    assert mentee.page.locator(".confirm-both").is_visible()
    assert "Working" in mentee.open().locator("#phase-heading").inner_text()
    mentee.shot("overview-working")
    for member in (mentor, mentee):
        member.problems.assert_none()


def save(member: Member, form: str) -> None:
    member.page.locator(f"{form} button[type=submit]").click()
    member.wait_status("Saved")


def test_goals_meetings_evaluations_and_the_phase(members: Any) -> None:
    setup, mentor, mentee, (_org, mentor_client, mentee_client) = members
    pid = setup.pair_id
    agreement = mentee_client.add_entry(pid, "agreement", {"goals": "Find work in IT"})
    mentee_client.confirm(pid, agreement)
    mentor_client.confirm(pid, agreement)

    # The mentee adds two goals; the mentor sees them and moves one on.
    page = mentee.open("/goals")
    assert page.locator("#goal-empty").is_visible()
    for title, notes in (("Update my CV", "Two pages at most"), ("Practise interviews", "")):
        fill(page, "#goal-new-title", title)
        fill(page, "#goal-new-notes", notes)
        save(mentee, "#goal-new")
        assert page.locator("#goal-new-title").input_value() == ""
    assert page.locator("#goal-list .goal-title").all_inner_texts() == [
        "Update my CV",
        "Practise interviews",
    ]
    mentee.shot("goals")
    page = mentor.open("/goals")
    assert page.locator("#goal-g0-notes").input_value() == "Two pages at most"
    page.locator("#goal-g0-status").select_option("in_progress")
    save(mentor, "#goal-form-g0")

    # The mentor logs the first meeting: getting-to-know prompts, an activity idea in one tap.
    page = mentor.open("/meetings/new")
    assert page.locator("#first-meeting").is_visible()
    fill(page, "#meeting-date", "2027-02-01")
    page.locator("#meeting-mode").select_option("remote")
    fill(page, "#meeting-minutes", "60")
    fill(page, "#meeting-opening", "Both well, a busy week")
    fill(page, "#meeting-aim", "Start on the CV")
    page.locator("[data-activity]", has_text="CV and LinkedIn").click()
    assert page.locator("#meeting-theme").input_value() == "CV and LinkedIn profile"
    assert page.evaluate("document.activeElement.id") == "meeting-theme"
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
    card.locator("summary").click()
    assert "Update my CV" in card.locator("[data-slot=goals]").inner_text()
    assert "Practise interviews" not in card.locator("[data-slot=goals]").inner_text()
    assert card.locator("[data-row=aim]").is_visible()
    mentee.shot("meetings")
    page = mentee.open("/meetings/new")
    assert page.locator("#first-meeting").count() == 0
    fill(page, "#meeting-theme", "Interview practice")
    save(mentee, "#meeting-form")
    page = mentor.open()
    assert "LinkedIn" in page.locator("#overview-next-meeting").inner_text()
    assert "Working" in page.locator("#phase-heading").inner_text()

    # Closing: an evaluation begun moves the phase; both finished completes it.
    page = mentor.open("/evaluation")
    fill(page, "#evaluation-learned", "Patience")
    page.locator("#evaluation-keep_in_touch").select_option("yes")
    save(mentor, "#evaluation-form")
    assert "Closing" in mentee.open().locator("#phase-heading").inner_text()
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
    for word in ("Find work in IT", "Update my CV", "Interview practice", "Patience", "A good half year"):
        assert word in text
    mentee.shot("print")
    # What the browsers wrote opens in the Python client too, and the other way round.
    opened = mentor_client.entries(pid)
    assert all(not isinstance(e, Exception) for e in opened)
    assert {e.type for e in opened} == {"agreement", "goal", "meeting", "evaluation", "summary"}
    for member in (mentor, mentee):
        member.problems.assert_none()


def test_stale_edits_get_the_conflict_view_and_the_merge_keeps_both(members: Any) -> None:
    setup, mentor, mentee, (_org, mentor_client, _mentee_client) = members
    entry = mentor_client.add_entry(setup.pair_id, "meeting", {"theme": "CV", "notes": "first"})
    pages = [m.open(f"/meetings/{entry.entry_id}") for m in (mentor, mentee)]
    fill(pages[0], "#meeting-notes", "MentorText about the CV")
    save(mentor, "#meeting-form")
    fill(pages[1], "#meeting-notes", "MenteeText about LinkedIn")
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
    (final,) = [e for e in mentor_client.entries(setup.pair_id) if e.entry_id == entry.entry_id]
    assert final.revision == 3
    assert "MentorText" in final.body["notes"] and "MenteeText" in final.body["notes"]
    assert final.body["learned"] == "MenteeLearned"
    for member in (mentor, mentee):
        member.problems.assert_none()


def test_drafts_come_back_after_a_reload_and_a_lost_session(
    members: Any, instance: Path
) -> None:
    setup, _mentor, mentee, (_org, mentor_client, mentee_client) = members
    page = mentee.open("/meetings/new")
    fill(page, "#meeting-notes", "Typed before the tab closed")
    page.wait_for_timeout(900)
    stored = page.evaluate(
        """async () => {
          const ks = await import('/static/js/crypto/keystore.js');
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
        (mentee_client.user_id,),
    )
    conn.commit()
    conn.close()
    page.locator("#meeting-form button[type=submit]").click()
    page.locator("#session-lost").wait_for()
    assert "signed out" in mentee.status()
    mentee.shot("session-lost")
    page.locator("#session-passphrase").fill(mentee.passphrase)
    page.locator("#session-lost button[type=submit]").click()
    mentee.wait_status("Saved")
    assert page.locator("#session-lost").is_hidden()
    notes = [e.body.get("notes") for e in mentor_client.entries(setup.pair_id)]
    assert notes == ["Typed before the tab closed"]
    page.reload()
    mentee.wait_ready()
    assert page.locator(".draft-offer").count() == 0
    mentee.problems.errors = [e for e in mentee.problems.errors if "401" not in e]
    mentee.problems.assert_none()
