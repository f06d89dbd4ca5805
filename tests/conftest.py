"""Shared fixtures: a fresh instance per test, a live server on loopback, headless Chromium."""

from __future__ import annotations

import errno
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

# Test modules import csrf_token and assert_accessible from here (hence `as`: re-exported).
from tests.helpers import MENTEE, MENTOR, Pair, joined_pair
from tests.helpers import csrf_token as csrf_token
from tests.support.browser import Device, Devices, Members
from tests.support.browser import assert_accessible as assert_accessible
from workspace import create_app
from workspace.cli import init_instance
from workspace.core import db

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


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    """A freshly initialised instance folder (secrets, encrypted database, migrations)."""
    folder = tmp_path / "instance"
    init_instance(folder)
    return folder


@pytest.fixture
def app(instance: Path) -> Iterator[Flask]:
    """The app on a fresh instance; CSRF stays on, as in production."""
    made = create_app({"TESTING": True, "INSTANCE": instance})
    yield made
    # A whole run makes a thousand apps: each gives back its warm connections and lock file,
    # or the process runs out of the file numbers waitress's select() can watch.
    db.close_pool(made)
    lock = made.extensions.pop("pairbook_running_lock", None)
    if lock is not None:
        lock.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app with waitress on 127.0.0.1 (a secure context for WebCrypto)."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4, asyncore_use_poll=True)

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


@pytest.fixture
def pair(app: Flask) -> Pair:
    """An organiser and a pair whose two members have registered and exchanged the key."""
    return joined_pair(app)


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """This test's folder for screenshots, test-artifacts/<module>/<test>/ (git-ignored),
    emptied as the test starts; made when the first screenshot is taken."""
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    folder = request.config.rootpath / "test-artifacts" / request.node.path.stem / name
    shutil.rmtree(folder, ignore_errors=True)
    return folder


@pytest.fixture
def devices(
    chromium_browser: object, app: Flask, live_server: str, shots: Path
) -> Iterator[Devices]:
    """Opens as many browsers on the live server as the test needs (`devices.open()`), each a
    context of its own that records every console problem; all closed after the test."""
    opened = Devices(chromium_browser, app, live_server, shots)
    yield opened
    opened.close()


@pytest.fixture
def phone(devices: Devices) -> Device:
    """One browser at 360×740 on the live server, recording every console problem."""
    return devices.open(locale=None)


@pytest.fixture
def members(pair: Pair, devices: Devices) -> Members:
    """A phone for each member of `pair`, signed in through /login, the notebook open."""
    phones = []
    for email, passphrase in (MENTOR, MENTEE):
        member = devices.member(pair.id)
        member.sign_in(email, passphrase, next_page=f"/pairs/{pair.id}/notebook")
        member.page.wait_for_url("**/notebook", timeout=30_000)
        member.wait_ready()
        phones.append(member)
    return Members(*phones)
