"""Accounts and pairing in real browsers: an organiser, a mentor and a mentee, each on a phone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import crypto
from tests.conftest import assert_accessible
from tests.helpers import MENTOR, Pair, everything_on_disk, open_db, outbox_links
from tests.support.browser import Devices
from workspace.accounts.queries import create_organiser
from workspace.core import mail

pytestmark = pytest.mark.browser
CANARY = "Canary-Passphrase-7Qx9-zebra-lantern"


def _state(page: Any) -> str:
    return page.locator("#pair-state").inner_text()


def test_organiser_forms_a_pair_and_members_pair_up(
    app: Flask, instance: Path, devices: Devices
) -> None:
    org = devices.open()
    org.join(create_organiser(app, "org@example.org"), "Olga Organiser", CANARY + " org")
    assert org.page.url.endswith("/organiser")
    page = org.page
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Name").fill("Spring 2027")
    page.get_by_label("Start date").fill("2027-01-10")
    page.get_by_label("Mid-point date").fill("2027-03-10")
    page.get_by_label("End date").fill("2027-06-10")
    assert_accessible(page)
    page.get_by_role("button", name="Create programme").click()
    # Invitations name who runs the programme and whom to contact: the notice comes first.
    page.get_by_role("link", name="Fill in the privacy notice").click()
    page.get_by_label("Controller (the organisation running the programme)").fill("Mentor ry")
    page.get_by_label("Contact for privacy questions").fill("privacy@example.org")
    page.get_by_role("button", name="Save").click()
    page.get_by_label("Mentor's email").fill("mentor@example.org")
    page.get_by_label("Mentee's email").fill("mentee@example.org")
    page.get_by_role("button", name="Create pair and send invitations").click()
    page.wait_for_load_state()
    assert page.locator(".pair-code").count() == 1
    assert_accessible(page)
    mail.deliver_pending(app)  # requests only queue mail; the sender's work, done here
    mentor_link, mentee_link = outbox_links(instance)[-2:]

    mentor = devices.open()
    mentor.join(mentor_link, "Maija Mentor", CANARY)
    mentor.page.get_by_role("link", name="Continue to your pair").click()
    mentor.page.locator("#pair-state").wait_for()
    mentee = devices.open()
    shares_sent: list[str] = []
    for person in (mentor, mentee):
        person.page.on(
            "request",
            lambda r: (
                shares_sent.append(r.url)
                if r.method == "POST" and r.url.endswith("/shares")
                else None
            ),
        )
    mentee.join(mentee_link, "Ali Mentee", CANARY + " mentee")
    mentee.page.get_by_role("link", name="Continue to your pair").click()
    mentee.page.wait_for_function(
        "() => /Waiting|both have/.test(document.querySelector('#pair-state').textContent)",
        timeout=30000,
    )
    # The mentor's page shares the key when it sees the partner (here: on opening again). Both
    # pages then look again by themselves until each sees that both have the key.
    mentor.page.reload()
    for person in (mentor, mentee):
        person.page.wait_for_function(
            "() => document.querySelector('#pair-state').textContent.includes('both have')",
            timeout=30000,
        )
    assert len(shares_sent) == 1, "the key is shared once, not again on every look"
    shares = open_db(instance).execute("SELECT accepted_at FROM key_shares").fetchall()
    assert len(shares) == 1 and shares[0][0], "and that share was accepted"
    numbers = [p.page.locator("#safety-number").inner_text() for p in (mentor, mentee)]
    assert numbers[0] == numbers[1] and len(numbers[0].split()) == 12
    conn = open_db(instance)
    bundles = [
        json.loads(r[0])
        for r in conn.execute("SELECT bundle FROM key_material ORDER BY updated_at")
    ]
    conn.close()
    member_bundles = [crypto.verify_bundle(b, b["user"]) for b in bundles[1:]]
    expected = crypto.format_safety_number(crypto.safety_number(*member_bundles))
    assert numbers[0] == expected
    assert mentor.page.locator("#safety-qr svg path").count() == 1
    for person in (mentor, mentee):
        assert person.page.locator("#unverified-notice").is_visible()
        person.page.get_by_role("button", name="We compared it").click()
        person.page.locator("#verified-note").wait_for(state="visible")
        assert_accessible(person.page)
    mentor.page.reload()
    mentor.page.wait_for_function(
        "() => document.querySelector('#pair-state').textContent.includes('compared')",
        timeout=30000,
    )
    page.reload()
    assert page.locator(".state-verified").count() == 2
    # The canary passphrases never left the browsers, and the server never stored them.
    traffic = "\n".join(person.traffic() for person in (org, mentor, mentee))
    disk = everything_on_disk(instance)
    for secret in (CANARY, CANARY + " mentee", CANARY + " org"):
        assert secret not in traffic and secret not in disk
    for person in (org, mentor, mentee):
        person.problems.assert_none()


def test_swapped_partner_key_blocks_sharing(pair: Pair, instance: Path, devices: Devices) -> None:
    attacker = crypto.new_identity(pair.mentee.user_id or "")
    conn = open_db(instance)
    conn.execute(
        "UPDATE key_material SET bundle = ?, identity_version = identity_version + 1 "
        "WHERE user_id = ?",
        (json.dumps(attacker.bundle().to_json()), pair.mentee.user_id),
    )
    conn.execute("DELETE FROM notebook_keys WHERE user_id = ?", (pair.mentee.user_id,))
    conn.commit()
    conn.close()
    person = devices.open()
    page = person.page
    person.sign_in(*MENTOR)
    page.wait_for_url("**/pairs")
    page.goto(f"/pairs/{pair.id}")
    page.locator("#key-warning").wait_for(state="visible", timeout=30000)
    assert page.locator("#key-warning").get_attribute("role") == "alert"
    conn = open_db(instance)
    shares = conn.execute(
        "SELECT count(*) FROM key_shares WHERE to_user = ? AND accepted_at IS NULL",
        (pair.mentee.user_id,),
    ).fetchone()[0]
    conn.close()
    assert shares == 0
    assert_accessible(page)
    person.problems.assert_none()
