"""Signing in with a `next` that spells another host ends on this site (issue 12, item 2)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.helpers import PASSPHRASE, Pair
from tests.support.browser import Devices

pytestmark = pytest.mark.browser


def test_backslash_next_after_sign_in_stays_on_this_site(pair: Pair, devices: Devices) -> None:
    person = devices.open()
    page = person.page
    base = urlsplit(person.base_url)
    # Nothing may leave loopback: were the redirect followed, the request to the other host is
    # stopped here and the page would end on an error page, not on this site.
    left: list[str] = []

    def stop_elsewhere(route) -> None:  # noqa: ANN001
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    page.context.route("**/*", stop_elsewhere)
    person.sign_in("mentor@example.org", PASSPHRASE + " mentor", next_page="/%5Cevil.example/x")
    page.wait_for_load_state()
    landed = urlsplit(page.url)
    assert left == []
    assert (landed.scheme, landed.netloc) == (base.scheme, base.netloc)
    assert landed.path == "/pairs"
    # Signed in already, the server answers the same `next` with the member's home as well.
    page.goto("/login?next=/%5Cevil.example/x")
    assert urlsplit(page.url).path == "/pairs" and left == []
    person.problems.assert_none()
