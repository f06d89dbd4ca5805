"""What members and organisers meet around joining, sharing, recovery codes, reports and the audit
log (issue 18: findings 3, 4, 5, 10, 11, 12), in a real browser at phone width."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

import crypto
from tests.conftest import assert_accessible
from tests.helpers import (
    ORGANISER,
    PASSPHRASE,
    PRIVACY,
    Pair,
    deliver_mail,
    everything_on_disk,
    new_organiser,
    new_pair,
    outbox_texts,
    sql,
)
from tests.support.browser import Device, Devices

pytestmark = pytest.mark.browser

PHONE_CANARY = "+358 49 731 8826"  # canary: a number nowhere else
MESSAGE_CANARY = "Canary-report-call-me-8Hq2"


def _join_and_keep(device: Device, link: str, name: str, passphrase: str) -> str:
    """Join through the link; return the recovery code shown, after saying it was saved."""
    page = device.page
    device.passphrase = passphrase
    page.goto(link)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Passphrase", exact=True).fill(passphrase)
    page.get_by_label("Passphrase again").fill(passphrase)
    page.get_by_role("button", name="Create my account").click()
    page.locator("#recovery-step").wait_for(state="visible", timeout=30_000)
    return page.locator("#recovery-code").inner_text()


def _fits(page: Any) -> None:
    """Nothing sticks out sideways: the page reads without scrolling across."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _recovery_status(app: Flask, email: str, code: str) -> int:
    """What the server answers to the first step of recovery with this code."""
    client = app.test_client()
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    auth = crypto.b64u_encode(crypto.recovery_auth_from_code(code))
    response = client.post(
        "/api/v1/recovery",
        json={"email": email, "recovery_auth": auth},
        headers={"X-CSRFToken": token},
    )
    return response.status_code


# --- 5: the privacy notice comes before invitations ----------------------------------------


def test_invitations_wait_for_the_privacy_notice(
    app: Flask, instance: Path, devices: Devices
) -> None:
    new_organiser(app)
    org = devices.open()
    org.sign_in(*ORGANISER)
    page = org.page
    page.goto("/organiser/programmes/new")
    page.get_by_label("Name").fill("Autumn mentoring")
    page.get_by_label("Start date").fill("2027-01-10")
    page.get_by_label("Mid-point date").fill("2027-03-10")
    page.get_by_label("End date").fill("2027-06-10")
    page.get_by_role("button", name="Create programme").click()
    page.wait_for_url(re.compile(r"/organiser/programmes/g_[^/]+$"))
    programme_url = page.url
    expect(page.locator("#privacy-missing")).to_be_visible()
    deliver_mail(app)
    before = len(outbox_texts(instance))
    page.get_by_label("Mentor's email").fill("mentor@example.org")
    page.get_by_label("Mentee's email").fill("mentee@example.org")
    page.get_by_role("button", name="Create pair and send invitations").click()
    error = page.locator("#mentor_email-error")
    expect(error).to_contain_text("privacy notice")
    assert page.locator(".pair-code").count() == 0
    assert page.get_by_label("Mentee's email").input_value() == "mentee@example.org"
    assert_accessible(page)
    deliver_mail(app)
    assert len(outbox_texts(instance)) == before, "no invitation went out"

    page.get_by_role("link", name="Fill in the privacy notice").click()
    nav = page.locator("#programme-nav")
    expect(nav.get_by_role("link", name="Privacy notice")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Pairs and invitations")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Controller (the organisation running the programme)").fill(
        PRIVACY["controller"]
    )
    page.get_by_label("Contact for privacy questions").fill(PRIVACY["privacy_contact"])
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(lambda url: url.startswith(programme_url) and "privacy" not in url)
    expect(page.locator("#privacy-missing")).to_have_count(0)
    page.get_by_label("Mentor's email").fill("mentor@example.org")
    page.get_by_label("Mentee's email").fill("mentee@example.org")
    page.get_by_role("button", name="Create pair and send invitations").click()
    expect(page.locator(".pair-code")).to_have_count(1)
    deliver_mail(app)
    invitations = outbox_texts(instance)[before:]
    assert len(invitations) == 2
    for text in invitations:
        assert "Autumn mentoring" in text
        assert PRIVACY["controller"] in text and PRIVACY["privacy_contact"] in text
    org.problems.forgive("400 (BAD REQUEST)")  # the refused form
    org.problems.assert_none()


# --- 10: a used invitation link -------------------------------------------------------------


def test_a_used_invitation_link_says_sign_in(app: Flask, devices: Devices) -> None:
    setup = new_pair(app, new_organiser(app))
    mentor = devices.open()
    mentor.join(setup.mentor_link, "Maija", PASSPHRASE + " mentor")
    # Later, on another device (or signed out), the mail's link is opened again.
    again = devices.open()
    again.page.goto(setup.mentor_link)
    used = again.page.locator("#join-used")
    expect(used).to_be_visible()
    expect(used).to_contain_text("You have joined")
    expect(again.page.locator("#join-invalid")).to_be_hidden()
    assert "not valid any more" not in again.page.locator("main").inner_text()
    assert_accessible(again.page)
    used.get_by_role("link", name="Sign in").click()
    again.page.wait_for_url("**/login**")
    again.sign_in("mentor@example.org", PASSPHRASE + " mentor")
    again.page.wait_for_url("**/pairs**")
    for device in (mentor, again):
        device.problems.forgive("409 (CONFLICT)")  # the inspected link was used
        device.problems.assert_none()


# --- 4: the sharing step after joining ------------------------------------------------------


def test_joining_asks_about_sharing_and_shows_the_partners_choice(
    app: Flask, devices: Devices
) -> None:
    setup = new_pair(app, new_organiser(app))
    mentee = devices.open(320, 640)
    mentee.join(setup.mentee_link, "Ali", PASSPHRASE + " mentee")
    page = mentee.page
    page.wait_for_url(f"**/pairs/{setup.pair_id}/sharing**")
    _fits(page)
    expect(page.locator("h1")).to_contain_text("organiser")
    phase = page.locator("#signal-phase")
    expect(phase).to_contain_text("Your partner has not joined yet.")
    assert_accessible(page)
    phase.get_by_role("button", name="Share").click()
    expect(page.locator("#signal-phase")).to_contain_text("You share this.")
    page.get_by_role("link", name="Continue to your pair").click()
    page.wait_for_url(f"**/pairs/{setup.pair_id}")

    mentor = devices.open()
    mentor.join(setup.mentor_link, "Maija", PASSPHRASE + " mentor")
    mpage = mentor.page
    mpage.wait_for_url(f"**/pairs/{setup.pair_id}/sharing**")
    expect(mpage.locator("#signal-phase")).to_contain_text("Your partner shares this.")
    meetings = mpage.locator("#signal-meetings")
    expect(meetings).to_contain_text("Your partner does not share this yet.")
    mpage.locator("#signal-phase").get_by_role("button", name="Share").click()
    expect(mpage.locator("#signal-phase")).to_contain_text("The organiser sees it now.")
    assert_accessible(mpage)

    # The sharing page itself says what the partner chose, not only "the organiser does not see".
    page.goto(f"/pairs/{setup.pair_id}/sharing")
    expect(page.locator("#signal-phase")).to_contain_text("Your partner shares this too.")
    expect(page.locator("#signal-phase")).to_contain_text("The organiser sees it now.")
    page.locator("#signal-meetings").get_by_role("button", name="Share").click()
    meetings = page.locator("#signal-meetings")
    expect(meetings).to_contain_text("Your partner does not share this yet.")
    for device in (mentee, mentor):
        device.problems.assert_none()


# --- 11: recovery codes ---------------------------------------------------------------------


def test_recovery_gives_a_new_code_and_the_old_one_stops(app: Flask, devices: Devices) -> None:
    setup = new_pair(app, new_organiser(app))
    member = devices.open()
    page = member.page
    old_code = _join_and_keep(member, setup.mentee_link, "Ali", PASSPHRASE + " mentee")
    page.get_by_label("I have saved my recovery code").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/join/" not in url)
    member.forget_keys()
    page.context.clear_cookies()

    page.goto("/recover")
    page.get_by_label("Email").fill("mentee@example.org")
    page.get_by_label("Recovery code", exact=True).fill(old_code)
    new_passphrase = PASSPHRASE + " after recovery"
    page.get_by_label("Passphrase", exact=True).fill(new_passphrase)
    page.get_by_label("Passphrase again").fill(new_passphrase)
    page.get_by_role("button", name="Set the new passphrase").click()
    page.locator("#recovery-step").wait_for(state="visible", timeout=60_000)
    new_code = page.locator("#recovery-code").inner_text()
    assert new_code != old_code and len(new_code.replace("-", "")) == 28
    assert_accessible(page)
    page.get_by_label("I have saved my recovery code").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/pairs**")
    assert _recovery_status(app, "mentee@example.org", old_code) == 401
    assert _recovery_status(app, "mentee@example.org", new_code) == 200
    page.goto("/account")
    expect(page.locator("#recovery-reminder")).to_have_count(0)
    member.problems.assert_none()


def test_a_skipped_recovery_code_is_reminded_and_can_be_made_again(
    app: Flask, instance: Path, devices: Devices
) -> None:
    setup = new_pair(app, new_organiser(app))
    member = devices.open(320, 640)
    page = member.page
    passphrase = PASSPHRASE + " mentee"
    old_code = _join_and_keep(member, setup.mentee_link, "Ali", passphrase)
    page.goto("/account")  # away from the code without saying it was saved
    reminder = page.locator("#recovery-reminder")
    expect(reminder).to_be_visible()
    _fits(page)
    assert_accessible(page)
    page.get_by_label("Your passphrase", exact=True).fill(passphrase + " wrong")
    page.get_by_role("button", name="Make a new recovery code").click()
    expect(page.locator("#recovery-passphrase-error")).to_be_visible(timeout=30_000)
    page.get_by_label("Your passphrase", exact=True).fill(passphrase)
    page.get_by_role("button", name="Make a new recovery code").click()
    page.locator("#recovery-step").wait_for(state="visible", timeout=30_000)
    new_code = page.locator("#recovery-code").inner_text()
    assert new_code != old_code
    assert_accessible(page)
    page.get_by_label("I have saved my recovery code").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#recovery-status")).to_contain_text("old code no longer works")
    page.reload()
    expect(page.locator("#recovery-reminder")).to_have_count(0)
    assert _recovery_status(app, "mentee@example.org", old_code) == 401
    assert _recovery_status(app, "mentee@example.org", new_code) == 200
    disk = everything_on_disk(instance)
    assert new_code not in disk and passphrase not in disk
    member.problems.forgive("401")
    member.problems.assert_none()


# --- 3: the organiser's view of a report ----------------------------------------------------


def test_organiser_sees_the_role_and_the_phone_number_sealed(
    pair: Pair, instance: Path, devices: Devices
) -> None:
    mentee = devices.member(pair.id)
    mentee.sign_in("mentee@example.org", PASSPHRASE + " mentee")
    page = mentee.page
    page.goto(f"/pairs/{pair.id}/report")
    page.get_by_label("Meetings are cancelled again and again").check()
    page.get_by_label("Message to the organiser (optional)").fill(MESSAGE_CANARY)
    page.get_by_label("Please call me").check()
    page.get_by_role("button", name="Send to the organiser").click()
    expect(page.locator("#report-phone-error")).to_contain_text("Write the number")
    page.get_by_label("Phone number").fill("call me maybe")
    page.get_by_role("button", name="Send to the organiser").click()
    expect(page.locator("#report-phone-error")).to_contain_text("6 to 15 digits")
    expect(page.get_by_label("Phone number")).to_be_focused()
    page.get_by_label("Phone number").fill(PHONE_CANARY)
    assert_accessible(page)
    page.get_by_role("button", name="Send to the organiser").click()
    expect(page.locator("#report-status")).to_contain_text("was sent")
    expect(page.locator("#my-reports")).to_contain_text(PHONE_CANARY)

    organiser = devices.open(1280, 800)
    organiser.sign_in(*ORGANISER)
    opage = organiser.page
    opage.goto(f"/organiser/programmes/{pair.programme_id}/flags")
    card = opage.locator(f"#flag-list > li >> text={pair.setup.code}").locator("xpath=ancestor::li")
    expect(card).to_contain_text("Reported by the mentee")
    expect(card.locator(".message-meta").first).to_contain_text("Mentee")
    assert "Reporter" not in card.inner_text()
    expect(card.locator(".message-phone")).to_contain_text(PHONE_CANARY)
    assert_accessible(opage)
    # Sealed on the phone: neither the number nor the message travels or rests in clear.
    for text in (PHONE_CANARY, MESSAGE_CANARY):
        assert text not in mentee.traffic()
        assert text not in everything_on_disk(instance)
    for device in (mentee, organiser):
        device.problems.assert_none()


# --- 12: the audit log ------------------------------------------------------------------------


def test_audit_log_reads_as_sentences(pair: Pair, instance: Path, devices: Devices) -> None:
    flag_id = pair.mentee.raise_flag(pair.id, "cancellations", "Moved twice.")
    (flag,) = pair.organiser.programme_flags(pair.programme_id)
    pair.organiser.request(
        "POST", f"/api/v1/organiser/flags/{flag_id}/status", {"status": "in_contact"}
    )
    rows: list[Any] = sql(instance, "SELECT subject FROM audit_log WHERE action = 'flag.status'")
    assert rows and flag_id in rows[0][0]
    organiser = devices.open(1280, 800)
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{pair.programme_id}/audit")
    log = page.locator("table")
    expect(log).to_contain_text(f"Flag status changed to In contact (pair {pair.setup.code})")
    text = log.inner_text()
    assert flag_id not in text and "in_contact" not in text and ":mentor" not in text
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text), "dates are formatted"
    assert_accessible(page)
    organiser.problems.assert_none()
    assert flag["flag_id"] == flag_id
