"""Signing in and out, passphrase rules and changes, and recovery, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from memberclient.client import Client
from tests.conftest import assert_accessible
from tests.helpers import PASSPHRASE, Pair, everything_on_disk, new_organiser, new_pair
from tests.support.browser import Devices

pytestmark = pytest.mark.browser


def test_login_logout_and_wrong_passphrase(pair: Pair, devices: Devices) -> None:
    person = devices.open()
    page = person.page
    person.submit_sign_in("mentor@example.org", "not the right passphrase")
    error = page.locator("#login-error")
    error.wait_for(state="visible", timeout=30000)
    assert "not right" in error.inner_text()
    assert page.evaluate("document.activeElement.id") == "login-error"
    assert_accessible(page)
    person.submit_sign_in("mentor@example.org", PASSPHRASE + " mentor")
    page.wait_for_url("**/pairs", timeout=30000)
    assert person.keys_stored() is True
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/?signed_out=1")
    assert person.keys_stored() is False  # wiped before the sign-out was sent
    assert page.goto("/pairs").url.endswith("/login?next=/pairs")
    person.problems.forgive("401")
    person.problems.assert_none()


def test_weak_passphrases_are_refused_with_a_reason(app: Flask, devices: Devices) -> None:
    setup = new_pair(app, new_organiser(app))
    person = devices.open()
    page = person.page
    page.goto(setup.mentor_link)
    page.get_by_label("Your name").fill("Maija")
    for weak, reason in (
        ("short one", "at least 12"),
        ("password1234", "too common"),
        ("qwertyqwertyqwerty", "too common"),
    ):
        page.get_by_label("Passphrase", exact=True).fill(weak)
        page.get_by_label("Passphrase again").fill(weak)
        page.get_by_role("button", name="Create my account").click()
        page.locator("#passphrase-error", has_text=reason).wait_for(state="visible")
    page.get_by_label("Passphrase", exact=True).fill("a quiet harbour full of copper boats")
    page.get_by_label("Passphrase again").fill("a quiet harbour full of other boats")
    page.get_by_role("button", name="Create my account").click()
    page.locator("#passphrase-repeat-error").wait_for(state="visible")
    assert page.locator("#passphrase-meter").get_attribute("value") != "0"
    assert_accessible(page)
    person.problems.assert_none()


def test_passphrase_change_and_recovery(app: Flask, instance: Path, devices: Devices) -> None:
    setup = new_pair(app, new_organiser(app))
    canary = "Canary-Passphrase-change-9x7"
    person = devices.open()
    person.join(setup.mentor_link, "Maija", PASSPHRASE)
    page = person.page
    page.goto("/account")
    page.get_by_label("Current passphrase").fill(PASSPHRASE)
    page.get_by_label("Passphrase", exact=True).fill(canary)
    page.get_by_label("Passphrase again").fill(canary)
    page.get_by_role("button", name="Change passphrase").click()
    page.wait_for_function(
        "() => document.querySelector('#change-status').textContent.includes('changed')",
        timeout=30000,
    )
    assert_accessible(page)
    assert Client.for_app(app).login("mentor@example.org", canary)
    assert canary not in person.traffic() and canary not in everything_on_disk(instance)
    person.problems.assert_none()


def test_recovery_code_in_the_browser(app: Flask, devices: Devices) -> None:
    setup = new_pair(app, new_organiser(app))
    code = Client.for_app(app).register(setup.mentee_link, PASSPHRASE, "Ali")
    person = devices.open()
    page = person.page
    page.goto("/forgot")
    assert_accessible(page)
    # A missing or broken email is said at the field, and nothing is sent.
    sent = len(person.sent)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator("#reset-email-error")).to_have_text("Please fill in this field.")
    expect(page.get_by_label("Email")).to_be_focused()
    page.get_by_label("Email").fill("mentee.example.org")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator("#reset-email-error")).to_contain_text("Enter the email address")
    assert len(person.sent) == sent
    assert_accessible(page)
    page.get_by_role("link", name="Use my recovery code").click()
    page.get_by_role("button", name="Set the new passphrase").click()
    expect(page.locator("#recover-email-error")).to_have_text("Please fill in this field.")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Email").fill("mentee@example.org")
    page.get_by_label("Recovery code", exact=True).fill(code or "")
    page.get_by_label("Passphrase", exact=True).fill("a brand new passphrase for me")
    page.get_by_label("Passphrase again").fill("a brand new passphrase for me")
    assert_accessible(page)
    page.get_by_role("button", name="Set the new passphrase").click()
    # The code just typed is replaced: the new one is shown once, then saved.
    page.locator("#recovery-step").wait_for(state="visible", timeout=30000)
    page.get_by_label("I have saved my recovery code").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/pairs", timeout=30000)
    assert Client.for_app(app).login("mentee@example.org", "a brand new passphrase for me")
    person.problems.assert_none()
