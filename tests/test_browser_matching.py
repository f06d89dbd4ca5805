"""Forming pairs in a real browser: an organiser with 20 mentor and 25 mentee applications
(sealed as applicants' browsers seal them) opens the matching page, adjusts the weights, locks
one pair, forbids another and creates the pairs. The invitations arrive at a real SMTP server,
the five mentees left over get the waiting-list message, and the captured requests prove that
no answer and no score ever went to the server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from memberclient.recruitment import seal_application
from tests.conftest import assert_accessible
from tests.helpers import ORGANISER, deliver_mail, everything_on_disk, new_organiser, sql
from tests.support.browser import Devices
from tests.support.recruiting import Recruiting, recruiting_programme
from tests.support.smtp import SmtpReceiver

pytestmark = pytest.mark.browser

CANARY = "peippolintu"
THEMES = ["skills", "working_life", "networking", "job_search", "cv", "interview"]
FIELDS = ["software", "nursing", "accounting", "logistics", "teaching"]


def _answers(role: str, n: int) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "name": f"{role.title()}{n:02d} {CANARY}",
        "languages": ["fi"] if n % 3 else ["fi", "en"],
        "field": f"{FIELDS[n % len(FIELDS)]} {CANARY}",
        "themes": [THEMES[n % 6], THEMES[(n * 5 + 1) % 6]],
        "mode": "either",
        "place": "Tampere",
        "times": ["weekday_evening"] if n % 2 else ["weekday_day", "weekend"],
        "about": f"About me {CANARY}",
    }
    if role == "mentor":
        answers["capacity"] = 1
    return answers


def _applications(
    app: Flask, mentors: int = 20, mentees: int = 25
) -> tuple[Recruiting, dict[str, str]]:
    """Applications sealed to the organiser (memberclient/recruitment.py), imported at once:
    20 mentors and 25 mentees unless told."""
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser)
    path = f"/api/v1/organiser/programmes/{rec.programme_id}/applications"
    organisers = organiser.request("GET", path)["organisers"]
    emails: dict[str, str] = {}
    rows = []
    for role, count in (("mentor", mentors), ("mentee", mentees)):
        for n in range(count):
            address = f"{role}{n:02d}@example.org"
            sealed = seal_application(rec.programme_id, role, _answers(role, n), organisers)
            rows.append({**sealed, "role": role, "email": address, "language": "en"})
            emails[sealed["application_id"]] = address
    organiser.request("POST", f"{path}/import", {"applications": rows})
    return rec, emails


def _ready(page: Any, pairs: int, unmatched: int) -> None:
    expect(page.locator("#matching-status")).to_have_text(
        f"Suggestions ready: {pairs} pairs, {unmatched} mentees without a pair.", timeout=60_000
    )


def test_an_organiser_forms_pairs_from_applications(
    app: Flask, devices: Devices, instance: Path
) -> None:
    rec, emails = _applications(app)
    organiser = devices.open()
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{rec.programme_id}/applicants")
    page.get_by_role("link", name="Form pairs from the applications").click()
    _ready(page, 20, 5)
    assert page.locator("#suggestions > li").count() == 20
    assert page.locator("#unmatched > li").count() == 5
    expect(page.locator("#unmatched > li").first).to_contain_text("every mentor who fits is full")
    first = page.locator("#suggestions > li").first
    expect(first.locator(".why")).to_contain_text("Must-haves held: shared language")
    assert_accessible(page)
    organiser.shot("matching-360")

    # Weights: themes count more, fields deliberately different; saved (weights only).
    before = page.locator("#matching-summary").inner_text()
    page.locator("#crit-themes-weight").fill("9")
    page.locator("#crit-field-aim").select_option("different")
    expect(page.locator("#matching-summary")).not_to_have_text(before, timeout=30_000)
    _ready(page, 20, 5)
    page.get_by_role("button", name="Save the criteria").click()
    expect(page.locator("#criteria-status")).to_have_text("Criteria saved.")
    stored = json.loads(sql(instance, "SELECT criteria FROM matching_criteria")[0][0])
    assert stored["themes"]["weight"] == 9 and stored["field"]["aim"] == "different"

    # Lock one pair, forbid another: both hold after the recomputation.
    locked = page.locator("#suggestions > li").nth(3).get_attribute("data-pair")
    page.locator(f'[data-action="lock"][data-pair="{locked}"]').click()
    expect(page.locator(f'[data-action="lock"][data-pair="{locked}"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    _ready(page, 20, 5)
    # Chosen after the lock's recomputation: among equal totals it may pick other pairs.
    forbidden = page.locator("#suggestions > li").nth(7).get_attribute("data-pair")
    assert forbidden != locked
    page.locator(f'[data-action="forbid"][data-pair="{forbidden}"]').click()
    expect(page.locator(f'#suggestions > li[data-pair="{forbidden}"]')).to_have_count(0)
    _ready(page, 20, 5)
    expect(page.locator(f'#suggestions > li[data-pair="{locked}"]')).to_have_count(1)
    expect(page.locator(f'#suggestions > li[data-pair="{locked}"]')).to_contain_text("Locked")
    # Pick by hand: a mentee left over, with the mentor of another suggestion; locked too.
    page.get_by_role("button", name="Pair them").click()
    expect(page.locator("#pick-status")).to_have_text("Choose both a mentee and a mentor.")
    left = page.locator("#unmatched > li").first.get_attribute("data-mentee")
    taken = page.locator("#suggestions > li").nth(10).get_attribute("data-pair")
    assert left and taken and taken != locked
    page.locator("#pick-mentee").select_option(left)
    page.locator("#pick-mentor").select_option(taken.split(":")[1])
    page.get_by_role("button", name="Pair them").click()
    picked = f"{left}:{taken.split(':')[1]}"
    expect(page.locator(f'#suggestions > li[data-pair="{picked}"]')).to_contain_text("Locked")
    _ready(page, 20, 5)
    expect(page.locator(f'#suggestions > li[data-pair="{locked}"]')).to_have_count(1)
    assert_accessible(page)

    # Accept all and create; the rest go to the waiting list.
    page.get_by_role("button", name="Accept all suggestions").click()
    expect(page.locator("#create-summary")).to_have_text(
        "20 pairs accepted; 5 other applicants get the status below."
    )
    page.locator("#rest-status").select_option("waiting")
    with page.expect_response(lambda r: r.url.endswith("/matching/pairs")) as answer:
        page.get_by_role("button", name="Create these pairs").click()
    assert answer.value.status == 201
    expect(page.locator("#create-status")).to_have_text(
        "20 pairs created and invitations sent; 5 applicants were given their status.",
        timeout=30_000,
    )
    # What was sent: ids and a status, nothing else; the locked pair in, the forbidden one out.
    posted = next(s for s in organiser.sent if s.url.endswith("/matching/pairs"))
    body = json.loads(posted.body)
    chosen = {f"{p['mentee_application_id']}:{p['mentor_application_id']}" for p in body["pairs"]}
    assert locked in chosen and picked in chosen and forbidden not in chosen
    assert len(chosen) == 20
    assert set(body) == {"pairs", "rest"} and body["rest"]["status"] == "waiting"
    assert len(body["rest"]["application_ids"]) == 5
    traffic = organiser.traffic()
    assert CANARY not in traffic
    to_server = "\n".join(
        f"{s.url}\n{s.body.decode()}"
        for s in organiser.sent
        if "/static/" not in s.url and "/assets/" not in s.url
    )
    assert "score" not in to_server.lower() and "suggest" not in to_server.lower()
    assert CANARY not in everything_on_disk(instance)

    statuses = dict(sql(instance, "SELECT id, status FROM applications"))
    assert sorted(statuses.values()).count("paired") == 40
    waiting = {emails[i] for i, s in statuses.items() if s == "waiting"}
    assert len(waiting) == 5 and all(a.startswith("mentee") for a in waiting)
    assert sql(instance, "SELECT count(*) FROM pairs")[0][0] == 20

    # The mail goes out through a real SMTP server.
    with SmtpReceiver() as receiver:
        app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=receiver.port)
        deliver_mail(app)
    messages = receiver.received
    by_address: dict[str, list[str]] = {}
    for m in messages:
        text = m.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        by_address.setdefault(m["To"], []).append(f"{m['Subject']}\n{text}")
    paired = set(emails.values()) - waiting
    for address in paired:
        texts = by_address[address]
        assert any("/join/" in t for t in texts), address
        assert any("a pair has been found for you" in t for t in texts), address
    for address in waiting:
        assert len(by_address[address]) == 1
        assert "waiting list" in by_address[address][0]
        assert "Olga Organiser" in by_address[address][0]
    assert CANARY not in "".join(t for ts in by_address.values() for t in ts)
    organiser.problems.assert_none()


def test_the_page_unlocks_with_the_passphrase_and_fits_320_px(app: Flask, devices: Devices) -> None:
    """Keys not in this browser: the page asks for the passphrase, then decrypts and suggests;
    at 320 px it stays accessible."""
    rec, _emails = _applications(app)
    organiser = devices.open(320, 640)
    organiser.sign_in_with_cookie(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{rec.programme_id}/matching")
    expect(page.locator("#unlock-form")).to_be_visible(timeout=30_000)
    assert page.locator("#suggestions > li").count() == 0
    page.locator("#unlock-passphrase").fill(ORGANISER[1])
    page.locator("#unlock-form button[type=submit]").click()
    _ready(page, 20, 5)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide"
    assert_accessible(page)
    organiser.problems.assert_none()
