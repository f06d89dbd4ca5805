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
from tests.helpers import PASSPHRASE, joined_pair, login_browserless
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
