"""A notebook tab from the device (issue 18, finding 13): the service worker serves a page this
device has seen from its cache and the page draws the entries it kept before the server answers,
then applies what changed. Only for the member whose keys this browser holds: after signing out
(or with the keys gone) nothing kept is shown. A save from a kept page whose CSRF token is old
still goes through."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.helpers import Pair, sql
from tests.support.browser import KEYSTORE, Device, Members, fill, save
from workspace.core import clock

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


class Hold:
    """Holds every request the browser sends (not the members' Python clients) until released:
    a server that has not answered yet."""

    def __init__(self, app: Flask) -> None:
        self.app, self.inner = app, app.wsgi_app
        self.released = threading.Event()
        self.held: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if "Chrome" in environ.get("HTTP_USER_AGENT", "") and not self.released.is_set():
            self.held.append(environ.get("PATH_INFO", ""))
            self.released.wait(timeout=30)
        return self.inner(environ, start_response)

    def __enter__(self) -> Hold:
        self.app.wsgi_app = self  # type: ignore[method-assign]
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def release(self) -> None:
        self.released.set()
        self.app.wsgi_app = self.inner  # type: ignore[method-assign]


def _keep_both_tabs(member: Device) -> None:
    """Through the service worker, the overview and the meeting log seen once each (kept)."""
    member.wait_controlled()
    for tab in ("/meetings", "/notebook", "/meetings"):
        member.switch_tab(tab)


def test_a_second_tab_opens_from_the_device_then_shows_the_partners_change(
    app: Flask, pair: Pair, members: Members
) -> None:
    pid = pair.id
    pair.mentor.add_entry(pid, "meeting", {"date": "2027-01-10", "theme": "KeptTheme CV"})
    mentee = members.mentee
    page = mentee.page
    mentee.open()
    _keep_both_tabs(mentee)
    mentee.switch_tab("/notebook")
    clock.travel(timedelta(seconds=1))
    with Hold(app) as hold:
        with page.expect_navigation():
            page.locator("#notebook-nav a[href$='/meetings']").click()
        # Drawn from the device while the server has answered nothing (page, session, listing).
        page.locator("body[data-notebook-ready=true]").wait_for(timeout=30_000)
        cards = page.locator("#meeting-list .meeting-card")
        expect(cards).to_have_count(1)
        expect(cards.locator(".meeting-title")).to_contain_text("KeptTheme CV")
        mentee.wait_status("Checking for changes")
        assert any(path.endswith("/entries") for path in hold.held), hold.held
        assert not hold.released.is_set()
        # Meanwhile the partner logs a meeting: it shows once the listing answers.
        pair.mentor.add_entry(pid, "meeting", {"date": "2027-01-24", "theme": "Interview practice"})
        hold.release()
    expect(cards).to_have_count(2)
    expect(page.locator("#meeting-list")).to_contain_text("Interview practice")
    expect(page.locator("body")).to_have_attribute("data-notebook-checked", "updated")
    # The next switch, nothing changed: up to date, the same two meetings.
    mentee.switch_tab("/notebook")
    mentee.switch_tab("/meetings")
    expect(cards).to_have_count(2)
    expect(page.locator("body")).to_have_attribute("data-notebook-checked", "up-to-date")
    mentee.problems.assert_none()


def test_typing_is_not_redrawn_over_when_changes_arrive(
    app: Flask, pair: Pair, members: Members
) -> None:
    pid = pair.id
    pair.mentee.add_entry(pid, "goal", {"title": "Learn Finnish job interviews"})
    mentor = members.mentor
    page = mentor.open("/goals")
    mentor.wait_controlled()
    for tab in ("/notebook", "/goals", "/notebook"):
        mentor.switch_tab(tab)
    clock.travel(timedelta(seconds=1))
    with Hold(app) as hold:
        with page.expect_navigation():
            page.locator("#notebook-nav a[href$='/goals']").click()
        page.locator("body[data-notebook-ready=true]").wait_for(timeout=30_000)
        field = page.locator("#goal-new [data-field=title]").first
        field.fill("Typed while checking")
        pair.mentee.add_entry(pid, "goal", {"title": "A second goal"})
        hold.release()
    mentor.wait_status("newer changes")
    expect(field).to_have_value("Typed while checking")
    mentor.problems.assert_none()


def _canary_seen(member: Device) -> None:
    page = member.page
    member.wait_controlled()
    member.switch_tab("/meetings")
    member.switch_tab("/notebook")
    member.switch_tab("/meetings")
    expect(page.locator("#meeting-list")).to_contain_text("SecretCanary")


def test_after_signing_out_the_kept_page_shows_no_notebook(pair: Pair, members: Members) -> None:
    pid = pair.id
    pair.mentor.add_entry(pid, "meeting", {"date": "2027-01-10", "theme": "SecretCanary"})
    mentee = members.mentee
    page = mentee.page
    mentee.open()
    _canary_seen(mentee)
    page.locator("#logout-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/notebook" not in url, timeout=30_000)
    page.goto(f"/pairs/{pid}/notebook/meetings")
    page.wait_for_url("**/login**", timeout=30_000)
    expect(page.locator("body")).not_to_contain_text("SecretCanary")
    mentee.problems.assert_none()


_FORGET_KEYS_ONLY = f"""async () => {{
  const ks = await import('{KEYSTORE}');
  for (const name of await ks.recordNames('')) await ks.deleteRecord(name);
  return (await caches.keys()).filter((name) => name.startsWith('pairbook-pages:')).length;
}}"""


def test_a_kept_page_without_the_keys_shows_nothing_kept(pair: Pair, members: Members) -> None:
    pid = pair.id
    pair.mentor.add_entry(pid, "meeting", {"date": "2027-01-10", "theme": "SecretCanary"})
    mentee = members.mentee
    page = mentee.page
    mentee.open()
    _canary_seen(mentee)
    # The keys go but the pages stay kept (as if the caches could not be emptied).
    assert page.evaluate(_FORGET_KEYS_ONLY) >= 1
    page.goto(f"/pairs/{pid}/notebook/meetings")
    expect(page.locator("#unlock-form")).to_be_visible()
    expect(page.locator("#meeting-list")).not_to_contain_text("SecretCanary")
    expect(page.locator("body[data-notebook-ready]")).to_have_count(0)
    mentee.problems.assert_none()


def test_a_kept_page_whose_session_ended_lands_on_sign_in(pair: Pair, members: Members) -> None:
    pid = pair.id
    pair.mentor.add_entry(pid, "meeting", {"date": "2027-01-10", "theme": "SecretCanary"})
    mentee = members.mentee
    page = mentee.page
    mentee.open()
    _canary_seen(mentee)
    # The server ends the session (expired, or signed out elsewhere); the keys are still here.
    page.evaluate(
        "async () => fetch('/api/v1/logout', {method: 'POST', credentials: 'same-origin',"
        " headers: {'X-CSRFToken': document.querySelector('meta[name=csrf-token]').content}})"
    )
    page.goto(f"/pairs/{pid}/notebook/meetings")
    page.wait_for_url("**/login**", timeout=30_000)
    expect(page.locator("body")).not_to_contain_text("SecretCanary")
    mentee.problems.forgive("401")
    mentee.problems.assert_none()


_KEPT_NOW = f"""async () => ({{
  opened: await (await import('{KEYSTORE}')).recordNames('opened:'),
  pages: (await Promise.all((await caches.keys()).filter((n) => n.startsWith('pairbook-pages:'))
    .map(async (n) => (await (await caches.open(n)).keys()).length))).reduce((a, b) => a + b, 0),
}})"""


def test_a_kept_page_of_a_pair_i_am_no_longer_in_is_dropped(
    instance: Path, pair: Pair, members: Members
) -> None:
    pid = pair.id
    pair.mentor.add_entry(pid, "meeting", {"date": "2027-01-10", "theme": "SecretCanary"})
    mentee = members.mentee
    page = mentee.page
    mentee.open()
    _canary_seen(mentee)
    assert page.evaluate(_KEPT_NOW)["pages"] >= 2
    # The member is out of the pair (removed, or left): the server answers 404 from now on.
    sql(
        instance,
        "UPDATE pair_members SET accepted_at = NULL WHERE pair_id = ? AND user_id = ?",
        pid,
        pair.mentee.user_id,
    )
    with page.expect_response(lambda r: r.url.endswith("/notebook/meetings") and r.status == 404):
        page.goto(f"/pairs/{pid}/notebook/meetings")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("SecretCanary")
    assert page.evaluate(_KEPT_NOW) == {"opened": [], "pages": 0}
    mentee.problems.forgive("404")
    mentee.problems.assert_none()


def test_a_save_with_an_old_csrf_token_is_sent_again_with_a_fresh_one(
    pair: Pair, members: Members
) -> None:
    mentor = members.mentor
    page = mentor.open("/meetings/new")
    page.evaluate("document.querySelector('meta[name=csrf-token]').content = 'old-token'")
    fill(page, "#meeting-notes", "Saved with a fresh token")
    save(mentor, "#meeting-form")
    assert [e.body["notes"] for e in pair.mentor.entries(pair.id)] == ["Saved with a fresh token"]
    assert page.evaluate("document.querySelector('meta[name=csrf-token]').content") != "old-token"
    mentor.problems.forgive("400 (BAD REQUEST)")
    mentor.problems.assert_none()
