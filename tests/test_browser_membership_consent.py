"""A member who already has an account accepts a pair invitation from another programme in the
browser: sign in from the join page, choose the name for this pair, accept."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from memberclient.client import Client
from tests.conftest import assert_accessible
from tests.helpers import PASSPHRASE, new_organiser, new_pair
from tests.support.browser import Devices

pytestmark = pytest.mark.browser


def test_existing_account_accepts_after_signing_in(app: Flask, devices: Devices) -> None:
    first = new_pair(app, new_organiser(app), "yuser@example.org", "partner-a@example.org")
    Client.for_app(app).register(first.mentor_link, PASSPHRASE + " y", "Name From A")
    second = new_pair(
        app, new_organiser(app, "orgb@example.org"), "yuser@example.org", "partner-b@example.org"
    )
    person = devices.open()
    page = person.page
    page.goto(second.mentor_link)
    expect(page.locator("#join-existing")).to_be_visible()
    expect(page.locator("#join-form")).to_be_hidden()
    page.locator("#join-signin").click()
    page.wait_for_url("**/login?next=*")
    page.get_by_label("Email").fill("yuser@example.org")
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE + " y")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/join/*", timeout=30_000)
    # Signed in: nothing is accepted yet; the page asks, with a name for this pair.
    expect(page.locator("#accept-form")).to_be_visible()
    assert second.pair_id not in page.evaluate(
        "async () => (await (await fetch('/api/v1/pairs')).json()).pairs.map(p => p.pair_id)"
    )
    name = page.get_by_label("Name for this pair")
    expect(name).to_have_value("Name From A")
    name.fill("")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.locator("#pair-name-error")).to_be_visible()
    name.fill("Name In B")
    assert_accessible(page)
    page.get_by_role("button", name="Accept the invitation").click()
    # Accepting a pair asks first what the organiser may see, then leads to the pair.
    page.wait_for_url(f"**/pairs/{second.pair_id}/sharing?step=joined", timeout=30_000)
    page.get_by_role("link", name="Continue to your pair").click()
    page.wait_for_url(f"**/pairs/{second.pair_id}", timeout=30_000)
    person.problems.forgive("401")  # the join page asks /api/v1/me before signing in
    person.problems.assert_none()
