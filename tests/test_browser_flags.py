"""Incident flags in a real browser: the mentee reports with a sealed message, the organiser
reads it on their device and replies, the partner sees nothing, the server holds no text."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import expect

import crypto
from tests.conftest import assert_accessible
from tests.helpers import (
    MENTEE,
    MENTOR,
    ORGANISER,
    Pair,
    everything_on_disk,
    login_browserless,
    open_db,
)
from tests.support.browser import Devices

pytestmark = pytest.mark.browser

_TOKEN = re.compile(r'(csrf_token"[^>]*value="|csrf-token" content="|"X-CSRFToken": ")[^"]+"')
# The clock moves between snapshots (the export time, the partner's own session), flag or not.
_SEEN = re.compile(r'("(?:last_seen_at|exported_at)":)"[^"]*"')


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
    app: Flask, pair: Pair, instance: Path, devices: Devices
) -> None:
    pid, programme = pair.id, pair.programme_id
    partner = _partner_client(app)
    before = _partner_snapshot(partner, pid)
    canary = "CanaryFlagText-4711 the meetings keep\nbeing cancelled"
    reply = "CanaryReplyText-0815 I will call you on Monday."
    note = "CanaryNoteText-2323 called the mentor's employer?"

    # The mentee reports a problem with a message, at phone size.
    mentee = devices.open()
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
    mentee.shot("flags-report-sent-360")
    assert_accessible(page)

    # The partner's every page and API answer is unchanged.
    _assert_unchanged(before, _partner_snapshot(partner, pid))

    # The organiser reads it on their device, sets a status, replies and keeps a note.
    organiser = devices.open(1280, 800)
    organiser.sign_in(*ORGANISER)
    org = organiser.page
    org.goto(f"/organiser/programmes/{programme}/flags")
    org.locator(".sealed-messages .message-text").first.wait_for()
    assert _texts(org, ".sealed-messages .message-text") == [canary]
    assert "Mentee" in org.locator(".sealed-messages .message-meta").first.inner_text()
    organiser.shot("flags-organiser-1280")
    assert_accessible(org)
    card = org.locator(".card[data-flag-id]")
    card.locator("select").select_option("in_contact")
    card.get_by_role("button", name=re.compile("Save status")).click()
    expect(card.locator(".notice")).to_have_text("The status was saved.")
    expect(org.locator("#announce")).to_have_text("The status was saved.")
    expect(card.locator(".state")).to_have_text("In contact")
    org.locator(".sealed-messages .message-text").first.wait_for()

    card.locator("summary", has_text="Reply to the mentee").click()
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
    organiser.shot("flags-organiser-360")
    assert org.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(org)

    # The mentee sees the reply (not the note) on the report page.
    page.reload()
    page.locator("#my-reports .message-text", has_text="CanaryReplyText").wait_for()
    assert _texts(page, "#my-reports .message-text") == [canary, reply]
    assert "Olga Organiser" in page.locator("#my-reports .message-meta").nth(1).inner_text()
    assert "In contact" in page.locator("#my-reports li.card").inner_text()
    mentee.shot("flags-report-reply-360")
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    mentee.shot("flags-report-reply-1280")
    assert_accessible(page)

    _assert_unchanged(before, _partner_snapshot(partner, pid))
    # The server never saw a word of it: not in a request, a log, an email or the database.
    on_disk = everything_on_disk(instance)
    for secret in (canary, reply, note):
        for text in (secret, secret.split()[0]):
            assert text not in on_disk
            assert all(text not in device.traffic() for device in devices)
    for device in devices:
        device.problems.assert_none()


def test_add_to_and_withdraw_a_report(pair: Pair, devices: Devices) -> None:
    mentee = devices.open()
    mentee.sign_in(*MENTEE)
    page = mentee.page
    page.goto(f"/pairs/{pair.id}/report")
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
    mentee.shot("flags-withdrawn-360")
    assert_accessible(page)
    mentee.problems.assert_none()
    (flag,) = pair.organiser.programme_flags(pair.programme_id)
    assert flag["withdrawn_at"] and flag["category"] == "chemistry"
    assert [m["text"] for m in flag["opened"]] == ["An addition: CanaryAddition-99"]


def test_keys_missing_in_this_browser_ask_for_the_passphrase(pair: Pair, devices: Devices) -> None:
    pair.mentee.raise_flag(pair.id, "language", "Sealed before: CanaryEarlier-7")
    mentee = devices.open()
    # Signed in with a session cookie only: no keys in IndexedDB.
    mentee.sign_in_with_cookie(*MENTEE)
    page = mentee.page
    page.goto(f"/pairs/{pair.id}/report")
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
    pair: Pair, instance: Path, devices: Devices
) -> None:
    mentee = devices.open()
    mentee.sign_in(*MENTEE)
    page = mentee.page
    page.goto(f"/pairs/{pair.id}/report")
    page.locator("label[for=category-other]").click()
    page.locator("#report-message").fill("First contact: CanaryFirst-1")
    page.locator("#report-form button[type=submit]").click()
    page.locator("#my-reports .message-text").first.wait_for()

    # A malicious server swaps in a key pair of its own for the organiser.
    fake = crypto.new_identity(pair.organiser.user_id or "").bundle().to_json()
    conn = open_db(instance)
    with conn:
        conn.execute(
            "UPDATE key_material SET bundle = ? WHERE user_id = ?",
            (json.dumps(fake, separators=(",", ":")), pair.organiser.user_id),
        )
    conn.close()
    page.reload()
    page.locator("#my-reports .message-text").first.wait_for()
    page.locator("#my-reports summary", has_text="Add to this report").click()
    page.locator("#my-reports textarea").fill("Second: CanarySecond-2")
    page.get_by_role("button", name="Send the addition").click()
    page.locator("#my-reports .flag-status", has_text="could not be checked").wait_for()
    assert "CanarySecond" not in mentee.traffic()
    assert _texts(page, "#my-reports .message-text") == ["First contact: CanaryFirst-1"]
    assert_accessible(page)
    mentee.problems.assert_none()
    conn = open_db(instance)
    ids = [r[0] for r in conn.execute("SELECT DISTINCT id FROM flag_messages")]
    conn.close()
    assert len(ids) == 1, "nothing was sealed to the substituted key"
