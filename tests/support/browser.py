"""One person's browser in the tests: a Playwright context of its own (cookies, IndexedDB) on the
live server, recording console errors and warnings, page errors, CSP violations and every
request it sends; and the page helpers the browser tests share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from flask import Flask
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.helpers import login_browserless
from workspace.accounts.sessions import SESSION_COOKIE

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
KEYSTORE = "/static/js/storage/keystore.js"
# What a notebook page logs when the server answers a stale save with the conflict view.
NOTEBOOK_QUIET = ("409 (CONFLICT)",)
_CSP_RECORDER = (
    "document.addEventListener('securitypolicyviolation', e => "
    "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
)


def assert_accessible(page: Any) -> None:
    """Run axe-core (WCAG 2.1 A and AA) on the page and fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()


# Layout shifts so far (those after input not counted), once two frames have been drawn.
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const shift of list.getEntries()) if (!shift.hadRecentInput) total += shift.value;
  }).observe({ type: "layout-shift", buffered: true });
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""


class PageProblems:
    """Console errors, page errors and CSP violations seen while a page was in use."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def forgive(self, text: str) -> list[str]:
        """Drop the problems that mention `text` (an answer the test expects); return them."""
        dropped = [e for e in self.errors if text in e]
        self.errors = [e for e in self.errors if text not in e]
        return dropped

    def forgive_offline_error_page(self) -> None:
        """Drop what Chrome's own error page logs after a navigation failed offline: back online,
        it may ask for the site's icon, which Private Network Access refuses to a page of origin
        null (Chrome's fetch, not the app's), with a `net::ERR_FAILED` line of its own."""
        if self.forgive("from origin 'null' has been blocked by CORS policy"):
            self.forgive("Failed to load resource: net::ERR_FAILED")

    def assert_none(self) -> None:
        assert self.errors == [], self.errors


@dataclass(frozen=True)
class Sent:
    """A request the browser sent."""

    method: str
    url: str
    body: bytes


class Device:
    """One person's browser: its own context at a given viewport, every problem recorded."""

    def __init__(
        self,
        chromium: Any,
        app: Flask,
        base_url: str,
        shots: Path,
        *,
        width: int = 360,
        height: int = 740,
        locale: str | None = "en-GB",
        javascript: bool = True,
        quiet: tuple[str, ...] = (),
        pair_id: str = "",
    ) -> None:
        self.app, self.base_url, self.shots, self.quiet = app, base_url, shots, quiet
        options: dict[str, Any] = {
            "viewport": {"width": width, "height": height},
            "base_url": base_url,
            "java_script_enabled": javascript,
        }
        if locale:
            options["locale"] = locale
        self.context = chromium.new_context(**options)
        self.page = self.context.new_page()
        self.problems = PageProblems()
        self.sent: list[Sent] = []
        self.email = self.passphrase = ""
        self.pair_id = pair_id
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.errors.append(f"pageerror: {exc}"))
        self.context.on("request", self._request)
        self.page.add_init_script(_CSP_RECORDER)

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning") and not any(q in msg.text for q in self.quiet):
            self.problems.errors.append(f"console {msg.type}: {msg.text}")

    def _request(self, request: Any) -> None:
        self.sent.append(Sent(request.method, request.url, request.post_data_buffer or b""))

    def traffic(self) -> str:
        """Every address and request body this browser sent, as text."""
        parts = []
        for sent in self.sent:
            if sent.body:
                parts.append(sent.body.decode("utf-8", "replace"))
            parts.append(sent.url)
        return "\n".join(parts)

    # --- accounts ------------------------------------------------------------------------

    def submit_sign_in(self, email: str, passphrase: str, *, next_page: str = "") -> None:
        """Fill in the sign-in form and send it, without waiting for the answer."""
        self.email, self.passphrase = email, passphrase
        page = self.page
        page.goto(f"/login?next={next_page}" if next_page else "/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Passphrase", exact=True).fill(passphrase)
        page.get_by_role("button", name="Sign in").click()

    def sign_in(self, email: str, passphrase: str, *, next_page: str = "") -> None:
        """Sign in through /login: the page derives the keys, sends only the auth key and keeps
        the keys in IndexedDB; wait until it has left /login."""
        self.submit_sign_in(email, passphrase, next_page=next_page)
        self.page.wait_for_url(lambda url: "/login" not in url, timeout=30_000)
        assert self.keys_stored(), "signed in, yet no keys in this browser"

    def sign_in_with_cookie(self, email: str, passphrase: str) -> None:
        """A session cookie from the JSON sign-in and no keys in this browser: pages that need
        the keys ask for the passphrase themselves."""
        self.email, self.passphrase = email, passphrase
        client = self.app.test_client()
        assert login_browserless(client, email, passphrase).status_code == 200
        cookie = client.get_cookie(SESSION_COOKIE)
        assert cookie is not None, "the JSON sign-in set no session cookie"
        self.context.add_cookies(
            [{"name": SESSION_COOKIE, "value": cookie.value, "url": self.base_url}]
        )

    def join(self, link: str, name: str, passphrase: str) -> None:
        """Register through an invitation link, recovery code step included."""
        self.passphrase = passphrase
        page = self.page
        page.goto(link)
        page.get_by_label("Your name").fill(name)
        page.get_by_label("Passphrase", exact=True).fill(passphrase)
        page.get_by_label("Passphrase again").fill(passphrase)
        assert_accessible(page)
        page.get_by_role("button", name="Create my account").click()
        page.locator("#recovery-step").wait_for(state="visible", timeout=30000)
        code = page.locator("#recovery-code").inner_text()
        assert len(code.replace("-", "")) == 28
        assert_accessible(page)
        page.get_by_role("button", name="Continue").click()
        assert page.locator("#saved-code-error").is_visible(), "saving the code is required"
        page.get_by_label("I have saved my recovery code").check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: "/join/" not in url)

    def keys_stored(self) -> bool:
        """Whether this browser's key store holds the account's keys."""
        return self.page.evaluate(
            f"async () => (await (await import('{KEYSTORE}')).loadSecrets()) !== null"
        )

    def forget_keys(self) -> None:
        """Empty this browser's key store (keys and drafts), as on another device."""
        self.page.evaluate(f"async () => (await import('{KEYSTORE}')).clearAll()")

    # --- the pair notebook ---------------------------------------------------------------

    def open(self, path: str = "", *, unlock: bool = True) -> Any:
        """Open a page of the pair's notebook, unlocked and ready unless told otherwise."""
        page = self.page
        page.goto(f"/pairs/{self.pair_id}/notebook{path}")
        if unlock:
            self.wait_ready()
        return page

    def wait_ready(self) -> None:
        """Wait for the notebook page, giving the passphrase if it asks for it."""
        page = self.page
        page.locator("body[data-notebook-ready=true], #unlock-form:not([hidden])").first.wait_for(
            timeout=30_000
        )
        if page.locator("#unlock-form").is_visible():
            page.locator("#unlock-passphrase").fill(self.passphrase)
            page.locator("#unlock-form button[type=submit]").click()
            page.locator("body[data-notebook-ready=true]").wait_for(timeout=30_000)
        # A page drawn from what this device kept is then brought up to date (notebook/warm.js).
        page.locator("body[data-notebook-ready=true]:not([data-notebook-checking])").wait_for(
            timeout=30_000
        )

    def switch_tab(self, tab: str) -> None:
        """Choose a notebook tab (its link ends with `tab`) and wait until the page is ready
        and what it opened is kept on the device for the next switch."""
        page = self.page
        with page.expect_navigation():
            page.locator(f"#notebook-nav a[href$='{tab}']").click()
        self.wait_ready()
        page.locator("body[data-notebook-kept=true]").wait_for(timeout=30_000)

    def wait_controlled(self) -> None:
        """Wait until the notebook's service worker controls the page. A worker whose install
        failed (a fetch lost on a loaded machine) is installed again at the next page load, as
        a member's next visit would; after three loads, fail with the registration's state."""
        page = self.page
        for _attempt in range(3):
            try:
                page.wait_for_function(
                    "() => navigator.serviceWorker.controller !== null", timeout=30_000
                )
                return
            except PlaywrightTimeoutError:
                page.reload()
                self.wait_ready()
        state = page.evaluate(
            """async () => {
                const r = await navigator.serviceWorker.getRegistration();
                return r ? {installing: !!r.installing, waiting: !!r.waiting,
                            active: r.active?.state ?? null} : null;
            }"""
        )
        raise AssertionError(f"the service worker never took control: {state}")

    def status(self) -> str:
        return self.page.locator("#save-status-text").inner_text().strip()

    def wait_status(self, text: str) -> None:
        expect(self.page.locator("#save-status-text")).to_contain_text(text, timeout=30_000)

    # --- the rest ------------------------------------------------------------------------

    def shot(self, name: str) -> None:
        """A full-page screenshot into this test's folder (see the `shots` fixture)."""
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def wait_key_shared(remaining: Device, newcomer: Device, pair_id: str) -> None:
    """The remaining member's pair page shares the notebook key with a newcomer, whose own
    pair page then accepts it."""
    remaining.page.goto(f"/pairs/{pair_id}")
    expect(remaining.page.locator("#pair-state")).to_contain_text(
        "shared the notebook key", timeout=30000
    )
    newcomer.page.goto(f"/pairs/{pair_id}")
    expect(newcomer.page.locator("#pair-state")).to_contain_text(
        "You both have the notebook key", timeout=30000
    )


class Devices:
    """The browsers a test opens (as many as it needs), all closed after it."""

    def __init__(self, chromium: Any, app: Flask, base_url: str, shots: Path) -> None:
        self.chromium, self.app, self.base_url, self.shots = chromium, app, base_url, shots
        self.opened: list[Device] = []

    def open(self, width: int = 360, height: int = 740, **options: Any) -> Device:
        """A new device at width×height (a phone unless told otherwise); see Device."""
        device = Device(
            self.chromium,
            self.app,
            self.base_url,
            self.shots,
            width=width,
            height=height,
            **options,
        )
        self.opened.append(device)
        return device

    def member(self, pair_id: str) -> Device:
        """A phone for a member of the pair, its notebook's expected conflicts not counted."""
        return self.open(quiet=NOTEBOOK_QUIET, pair_id=pair_id)

    def __iter__(self) -> Iterator[Device]:
        return iter(self.opened)

    def close(self) -> None:
        for device in self.opened:
            device.close()


class Members(NamedTuple):
    """Both members of a joined pair, signed in on a phone each with their notebook open."""

    mentor: Device
    mentee: Device


# --- notebook forms ------------------------------------------------------------------------

_DRAFT_WRITTEN = f"""async ([since, ending]) => {{
  const ks = await import('{KEYSTORE}');
  for (const name of await ks.recordNames('draft:')) {{
    if (!name.endsWith(ending)) continue;
    const record = await ks.getRecord(name);
    if (record && record.at > since) return true;
  }}
  return false;
}}"""


def fill(page: Any, selector: str, text: str) -> None:
    page.locator(selector).fill(text)


def save(member: Device, form: str) -> None:
    """Press the form's save button and wait until the save status says it is saved."""
    member.page.locator(f"{form} button[type=submit]").click()
    member.wait_status("Saved")


def page_time(page: Any) -> float:
    """The page's clock (as drafts are stamped), to wait for a draft written after it."""
    return page.evaluate("performance.timeOrigin + performance.now()")


def wait_for_draft(page: Any, since: float = 0, ending: str = "") -> None:
    """Wait until a draft (encrypted, in IndexedDB) written after `since` is kept, for a form
    whose draft name ends with `ending`."""
    page.wait_for_function(_DRAFT_WRITTEN, arg=[since, ending], timeout=10_000)


def typed_and_kept(page: Any, selector: str, text: str) -> None:
    """Type `text`, then wait until the draft written after it is in IndexedDB (encrypted)."""
    field = page.locator(selector)
    field.fill(text[:-1])
    since = page_time(page)
    field.press_sequentially(text[-1])  # the last keystroke: its draft is the one to wait for
    wait_for_draft(page, since)


def whole_meeting(page: Any) -> None:
    """Open the meeting form's whole structure (a new meeting starts as the quick log)."""
    toggle = page.locator("#meeting-structure")
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
