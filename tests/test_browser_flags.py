"""Incident flags in a real browser: the mentee reports with a sealed message, the organiser
reads it on their device and replies, the partner sees nothing, the server holds no text."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import expect

import crypto
from tests.conftest import PageProblems, assert_accessible
from tests.helpers import (
    PASSPHRASE,
    everything_on_disk,
    joined_pair,
    login_browserless,
    open_db,
)
from workspace.accounts.sessions import SESSION_COOKIE

pytestmark = pytest.mark.browser

MENTEE = ("mentee@example.org", PASSPHRASE + " mentee")
MENTOR = ("mentor@example.org", PASSPHRASE + " mentor")
ORGANISER = ("org@example.org", PASSPHRASE)
_TOKEN = re.compile(r'(csrf_token"[^>]*value="|csrf-token" content="|"X-CSRFToken": ")[^"]+"')
# The clock moves between snapshots (the export time, the partner's own session), flag or not.
_SEEN = re.compile(r'("(?:last_seen_at|exported_at)":)"[^"]*"')

# Signs in the way the browser does: derive locally, send the auth key, keep the keys in
# IndexedDB (prelogin -> derivePassphraseKeys -> login -> me/keys -> openKeyMaterial).
_JS_SIGN_IN = """async ([email, passphrase]) => {
  const p = await import("/static/js/crypto/index.js");
  const keystore = await import("/static/js/storage/keystore.js");
  const post = async (path, body) => {
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    const r = await fetch(path, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {
        "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf,
      },
    });
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
    return r.json();
  };
  const {kdf} = await post("/api/v1/prelogin", {email});
  const keys = await p.derivePassphraseKeys(passphrase, kdf);
  const login = await post("/api/v1/login", {email, auth_key: p.b64uEncode(keys.authKey)});
  const material = await (await fetch("/api/v1/me/keys", {credentials: "same-origin"})).json();
  const secrets = await p.openKeyMaterial(keys.kek, material, login.user_id);
  await keystore.clearAll();
  await keystore.saveSecrets(secrets);
  return login.user_id;
}"""


class Browser:
    """One browser context (its own cookies and IndexedDB) with its problems recorded."""

    def __init__(self, chromium: Any, base_url: str, width: int, height: int) -> None:
        self.context = chromium.new_context(
            viewport={"width": width, "height": height}, base_url=base_url, locale="en-GB"
        )
        self.page = self.context.new_page()
        self.problems = PageProblems()
        self.bodies: list[bytes] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.errors.append(f"pageerror: {exc}"))
        self.context.on("request", self._request)
        self.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning"):
            self.problems.errors.append(f"console {msg.type}: {msg.text}")

    def _request(self, request: Any) -> None:
        body = request.post_data_buffer
        if body:
            self.bodies.append(body)

    def sign_in(self, email: str, passphrase: str) -> None:
        """Through /login when that page exists, else through the JSON API from page JS."""
        page = self.page
        if page.request.get("/login").status == 200:
            page.goto("/login")
            if page.locator("input[type=email]").count() == 1:
                page.locator("input[type=email]").fill(email)
                page.locator("input[type=password]").first.fill(passphrase)
                page.locator("input[type=password]").first.press("Enter")
                page.wait_for_url(lambda url: "/login" not in url, timeout=30_000)
                stored = page.evaluate(
                    "async () => !!(await (await import('/static/js/storage/keystore.js'))"
                    ".loadSecrets())"
                )
                if stored:
                    return
        page.goto("/")
        page.evaluate(_JS_SIGN_IN, [email, passphrase])

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def browsers(chromium_browser: Any, live_server: str) -> Iterator[list[Browser]]:
    """Browser contexts opened by a test, all closed afterwards."""
    opened: list[Browser] = []
    yield opened
    for browser in opened:
        browser.close()


def _open(browsers: list[Browser], chromium: Any, live_server: str, w: int, h: int) -> Browser:
    browser = Browser(chromium, live_server, w, h)
    browsers.append(browser)
    return browser


def _partner_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(client, *MENTOR).status_code == 200
    return client


def _partner_snapshot(partner: FlaskClient, pair_id: str) -> dict[str, tuple[int, str]]:
    paths = [
        "/",
        "/api/v1/me",
        "/api/v1/pairs",
        f"/api/v1/pairs/{pair_id}",
        f"/api/v1/pairs/{pair_id}/entries",
        f"/api/v1/pairs/{pair_id}/organisers",
        "/api/v1/me/flags",
        "/api/v1/me/export",
        "/api/v1/me/reseal",
        "/pairs",
        f"/pairs/{pair_id}",
        f"/pairs/{pair_id}/sharing",
        f"/pairs/{pair_id}/report",
    ]
    out = {}
    for path in paths:
        response = partner.get(path)
        text = _TOKEN.sub(r'\1TOKEN"', response.get_data(as_text=True))
        out[path] = (response.status_code, _SEEN.sub(r'\1"SEEN"', text))
    return out


def _assert_unchanged(
    before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]
) -> None:
    for path, (status, text) in before.items():
        assert after[path][0] == status, path
        if after[path][1] != text:
            diff = difflib.unified_diff(
                re.split(r"(?<=[,>])", text), re.split(r"(?<=[,>])", after[path][1]), lineterm=""
            )
            pytest.fail(f"{path} changed:\n" + "\n".join(diff))


def _texts(page: Any, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def test_flag_with_sealed_message_end_to_end(
    app: Flask, instance: Path, chromium_browser: Any, live_server: str, browsers: list[Browser]
) -> None:
    setup, _org, _mentor, _mentee = joined_pair(app)
    pid, programme = setup.pair_id, setup.programme_id
    partner = _partner_client(app)
    before = _partner_snapshot(partner, pid)
    canary = "CanaryFlagText-4711 the meetings keep\nbeing cancelled"
    reply = "CanaryReplyText-0815 I will call you on Monday."
    note = "CanaryNoteText-2323 called the mentor's employer?"

    # The mentee reports a problem with a message, at phone size.
    mentee = _open(browsers, chromium_browser, live_server, 360, 740)
    mentee.sign_in(*MENTEE)
    page = mentee.page
    page.goto(f"/pairs/{pid}/report")
    assert page.locator("#unlock-form").is_hidden()
    assert_accessible(page)
    page.locator("label[for=category-cancellations]").click()
    page.locator("#report-message").fill(canary)
    page.locator("#report-form button[type=submit]").click()
    page.locator("#my-reports .message-text").first.wait_for()
    assert page.locator("#report-status").inner_text() == (
        "Your report was sent to the organiser. Your partner cannot see it."
    )
    assert _texts(page, "#my-reports .message-text") == [canary]
    assert page.locator("#my-reports li.card").count() == 1
    assert page.locator("#report-message").input_value() == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/flags-report-sent-360.png", full_page=True)
    assert_accessible(page)

    # The partner's every page and API answer is unchanged.
    _assert_unchanged(before, _partner_snapshot(partner, pid))

    # The organiser reads it on their device, sets a status, replies and keeps a note.
    organiser = _open(browsers, chromium_browser, live_server, 1280, 800)
    organiser.sign_in(*ORGANISER)
    org = organiser.page
    org.goto(f"/organiser/programmes/{programme}/flags")
    org.locator(".sealed-messages .message-text").first.wait_for()
    assert _texts(org, ".sealed-messages .message-text") == [canary]
    assert "Reporter" in org.locator(".sealed-messages .message-meta").first.inner_text()
    org.screenshot(path="/tmp/flags-organiser-1280.png", full_page=True)
    assert_accessible(org)
    card = org.locator(".card[data-flag-id]")
    card.locator("select").select_option("in_contact")
    card.get_by_role("button", name=re.compile("Save status")).click()
    expect(card.locator(".notice")).to_have_text("The status was saved.")
    expect(org.locator("#announce")).to_have_text("The status was saved.")
    expect(card.locator(".state")).to_have_text("In contact")
    org.locator(".sealed-messages .message-text").first.wait_for()

    card.locator("summary", has_text="Reply to the reporter").click()
    card.locator("textarea[id^=reply-]").fill(reply)
    card.get_by_role("button", name="Send the reply").click()
    org.locator(".sealed-messages .message-text", has_text="CanaryReplyText").wait_for()
    assert card.locator(".flag-status").inner_text() == (
        "Your reply was sent. The reporter sees it in the app."
    )
    card.locator("summary", has_text="Private note for organisers").click()
    card.locator("textarea[id^=note-]").fill(note)
    card.get_by_role("button", name="Save the note").click()
    org.locator(".sealed-messages .message-text", has_text="CanaryNoteText").wait_for()
    assert _texts(org, ".sealed-messages .message-text") == [canary, reply, note]
    org.set_viewport_size({"width": 360, "height": 740})
    org.screenshot(path="/tmp/flags-organiser-360.png", full_page=True)
    assert org.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(org)

    # The mentee sees the reply (not the note) on the report page.
    page.reload()
    page.locator("#my-reports .message-text", has_text="CanaryReplyText").wait_for()
    assert _texts(page, "#my-reports .message-text") == [canary, reply]
    assert "Olga Organiser" in page.locator("#my-reports .message-meta").nth(1).inner_text()
    assert "In contact" in page.locator("#my-reports li.card").inner_text()
    page.screenshot(path="/tmp/flags-report-reply-360.png", full_page=True)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path="/tmp/flags-report-reply-1280.png", full_page=True)
    assert_accessible(page)

    _assert_unchanged(before, _partner_snapshot(partner, pid))
    # The server never saw a word of it: not in a request, a log, an email or the database.
    on_disk = everything_on_disk(instance)
    for secret in (canary, reply, note):
        for text in (secret, secret.split()[0]):
            assert text not in on_disk
            assert all(text.encode() not in body for b in browsers for body in b.bodies)
    for browser in browsers:
        browser.problems.assert_none()


def test_add_to_and_withdraw_a_report(
    app: Flask, chromium_browser: Any, live_server: str, browsers: list[Browser]
) -> None:
    setup, organiser_client, _mentor, _mentee = joined_pair(app)
    mentee = _open(browsers, chromium_browser, live_server, 360, 740)
    mentee.sign_in(*MENTEE)
    page = mentee.page
    page.goto(f"/pairs/{setup.pair_id}/report")
    # Nothing chosen: told so, focus on the choices, nothing sent.
    page.locator("#report-form button[type=submit]").click()
    assert page.locator("#report-status").inner_text() == "Choose what the problem is about."
    assert page.evaluate("document.activeElement.name") == "category"
    # On a phone the error is seen where the choices are, not only below the message box.
    error = page.locator("#category-error")
    expect(error).to_have_text("Choose what the problem is about.")
    expect(error).to_be_in_viewport()
    assert page.locator("#my-reports").count() == 0
    assert_accessible(page)
    # A report without a message, then an addition by keyboard.
    page.keyboard.press("Space")
    expect(error).to_be_hidden()
    page.locator("#report-form button[type=submit]").click()
    page.locator("#my-reports li.card").wait_for()
    assert page.locator("#my-reports .message").count() == 0
    summary = page.locator("#my-reports summary", has_text="Add to this report")
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("An addition: CanaryAddition-99")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#my-reports .message-text").first.wait_for()
    assert _texts(page, "#my-reports .message-text") == ["An addition: CanaryAddition-99"]
    assert page.locator("#my-reports .flag-status").inner_text() == "Your addition was sent."
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert_accessible(page)
    # Withdraw it.
    page.locator("#my-reports summary", has_text="Withdraw this report").click()
    page.get_by_role("button", name="Withdraw the report").click()
    page.locator("#my-reports .flag-status", has_text="withdrawn").wait_for()
    assert "withdrawn" in page.locator("#my-reports li.card p").first.inner_text()
    assert page.locator("#my-reports .flag-actions").count() == 0
    assert page.evaluate("document.activeElement.tagName") == "H3"
    page.screenshot(path="/tmp/flags-withdrawn-360.png", full_page=True)
    assert_accessible(page)
    mentee.problems.assert_none()
    (flag,) = organiser_client.programme_flags(setup.programme_id)
    assert flag["withdrawn_at"] and flag["category"] == "chemistry"
    assert [m["text"] for m in flag["opened"]] == ["An addition: CanaryAddition-99"]


def test_keys_missing_in_this_browser_ask_for_the_passphrase(
    app: Flask, chromium_browser: Any, live_server: str, browsers: list[Browser]
) -> None:
    setup, _org, _mentor, mentee_client = joined_pair(app)
    mentee_client.raise_flag(setup.pair_id, "language", "Sealed before: CanaryEarlier-7")
    mentee = _open(browsers, chromium_browser, live_server, 360, 740)
    # Signed in with a session cookie only: no keys in IndexedDB.
    client = app.test_client()
    assert login_browserless(client, *MENTEE).status_code == 200
    cookie = client.get_cookie(SESSION_COOKIE)
    mentee.context.add_cookies(
        [{"name": SESSION_COOKIE, "value": cookie.value, "url": live_server}]
    )
    page = mentee.page
    page.goto(f"/pairs/{setup.pair_id}/report")
    page.locator("#unlock-form").wait_for()
    assert page.locator("#my-reports .message").count() == 0
    assert_accessible(page)
    page.locator("#unlock-passphrase").fill("not my passphrase")
    page.locator("#unlock-form button[type=submit]").click()
    page.locator("#unlock-status", has_text="did not open your keys").wait_for()
    assert page.locator("#unlock-passphrase").get_attribute("aria-invalid") == "true"
    page.locator("#unlock-passphrase").fill(MENTEE[1])
    page.locator("#unlock-form button[type=submit]").click()
    page.locator("#my-reports .message-text").first.wait_for()
    assert _texts(page, "#my-reports .message-text") == ["Sealed before: CanaryEarlier-7"]
    assert page.locator("#unlock-form").is_hidden()
    # A wrong passphrase makes the login API answer nothing bad: only the keys stay locked.
    errors = [e for e in mentee.problems.errors if "CSP" in e or "pageerror" in e]
    assert errors == []


def test_a_substituted_organiser_key_is_refused(
    app: Flask, instance: Path, chromium_browser: Any, live_server: str, browsers: list[Browser]
) -> None:
    setup, organiser_client, _mentor, _mentee = joined_pair(app)
    mentee = _open(browsers, chromium_browser, live_server, 360, 740)
    mentee.sign_in(*MENTEE)
    page = mentee.page
    page.goto(f"/pairs/{setup.pair_id}/report")
    page.locator("label[for=category-other]").click()
    page.locator("#report-message").fill("First contact: CanaryFirst-1")
    page.locator("#report-form button[type=submit]").click()
    page.locator("#my-reports .message-text").first.wait_for()

    # A malicious server swaps in a key pair of its own for the organiser.
    fake = crypto.new_identity(organiser_client.user_id or "").bundle().to_json()
    conn = open_db(instance)
    with conn:
        conn.execute(
            "UPDATE key_material SET bundle = ? WHERE user_id = ?",
            (json.dumps(fake, separators=(",", ":")), organiser_client.user_id),
        )
    conn.close()
    page.reload()
    page.locator("#my-reports .message-text").first.wait_for()
    page.locator("#my-reports summary", has_text="Add to this report").click()
    page.locator("#my-reports textarea").fill("Second: CanarySecond-2")
    page.get_by_role("button", name="Send the addition").click()
    page.locator("#my-reports .flag-status", has_text="could not be checked").wait_for()
    assert all(b"CanarySecond" not in body for body in mentee.bodies)
    assert _texts(page, "#my-reports .message-text") == ["First contact: CanaryFirst-1"]
    assert_accessible(page)
    mentee.problems.assert_none()
    conn = open_db(instance)
    ids = [r[0] for r in conn.execute("SELECT DISTINCT id FROM flag_messages")]
    conn.close()
    assert len(ids) == 1, "nothing was sealed to the substituted key"
