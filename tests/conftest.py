"""Shared fixtures: a fresh instance per test, a live server on loopback, headless Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("PAIRBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    """One headless Chromium (Debian's) for the whole session, driven by Playwright."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; run `make test`, which installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- the app -----------------------------------------------------------------------------

import errno  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

# csrf_token is imported from here by test modules.
from tests.helpers import Pair, joined_pair  # noqa: E402
from tests.helpers import csrf_token as csrf_token  # noqa: E402
from workspace import create_app  # noqa: E402
from workspace.cli import init_instance  # noqa: E402

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    """A freshly initialised instance folder (secrets, encrypted database, migrations)."""
    folder = tmp_path / "instance"
    init_instance(folder)
    return folder


@pytest.fixture
def app(instance: Path) -> Flask:
    """The app on a fresh instance; CSRF stays on, as in production."""
    return create_app({"TESTING": True, "INSTANCE": instance})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def pair(app: Flask) -> Pair:
    """An organiser and a pair whose two members have registered and exchanged the key."""
    return joined_pair(app)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app with waitress on 127.0.0.1 (a secure context for WebCrypto)."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)

    def serve() -> None:
        try:
            server.run()
        except OSError as error:
            # Waitress has no stop(): close() pulls the socket out from under select().
            if error.errno != errno.EBADF:
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


class PageProblems:
    """Console errors, page errors and CSP violations seen while a page was in use."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def assert_none(self) -> None:
        assert self.errors == [], self.errors


@pytest.fixture
def phone(chromium_browser: object, live_server: str) -> Iterator[tuple[object, PageProblems]]:
    """A Playwright page at 360×740 on the live server, recording every console problem."""
    context = chromium_browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 360, "height": 740}, base_url=live_server
    )
    page = context.new_page()
    problems = PageProblems()
    page.on(
        "console",
        lambda msg: (
            problems.errors.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.errors.append(f"pageerror: {exc}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    yield page, problems
    context.close()


def assert_accessible(page: object) -> None:
    """Run axe-core (WCAG 2.1 A and AA) on the page and fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()
