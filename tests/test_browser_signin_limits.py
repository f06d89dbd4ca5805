"""The sign-in page tells a locked-out member how long to wait, in a real browser."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.helpers import PASSPHRASE, Pair
from tests.support.browser import Devices

pytestmark = pytest.mark.browser


def test_too_many_failed_sign_ins_say_when_to_try_again(
    app: Flask, pair: Pair, devices: Devices
) -> None:
    # Read per request, so a smaller limit can be set on the running app.
    app.config["RATELIMIT_SIGNIN_ACCOUNT"] = "2 per minute"
    person = devices.open()
    error = person.page.locator("#login-error")
    for _ in range(2):
        person.submit_sign_in("mentor@example.org", "not the right passphrase")
        error.wait_for(state="visible", timeout=30000)
        assert "not right" in error.inner_text()
    # Even the right passphrase waits now; the message gives the seconds from the server.
    person.submit_sign_in("mentor@example.org", PASSPHRASE + " mentor")
    person.page.wait_for_function(
        "document.getElementById('login-error').textContent.includes('Wait')", timeout=30000
    )
    assert re.search(r"Wait \d+ seconds", error.inner_text())
    assert "/login" in person.page.url
    person.problems.forgive("401")
    person.problems.forgive("429")
    person.problems.assert_none()
