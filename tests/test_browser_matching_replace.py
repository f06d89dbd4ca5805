"""Replacing a partner from the waiting list in a real browser: the organiser forms two pairs on
the matching page, a mentee is removed, and the replacement screen scores the waiting mentees
against the mentor who stays — with the mentor's answers kept on this device when the pair was
formed, or, in a browser without that copy, with the answers the organiser fills in. Only the
chosen application's id reaches the server; the invitation arrives at a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from memberclient.client import Client
from memberclient.recruitment import seal_application
from tests.conftest import assert_accessible
from tests.helpers import ORGANISER, deliver_mail, everything_on_disk, new_organiser, sql
from tests.support.browser import Devices
from tests.support.recruiting import recruiting_programme
from tests.support.smtp import SmtpReceiver, plain_text
from workspace.core.db import get_db, transaction
from workspace.pairs import queries as pairs

pytestmark = pytest.mark.browser

CANARY = "tikkalintu"


def _answers(role: str, n: int, languages: list[str], themes: list[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "name": f"{role.title()}{n} {CANARY}",
        "languages": languages,
        "field": f"software {CANARY}",
        "themes": themes,
        "mode": "remote",
        "times": ["weekday_evening"],
    }
    if role == "mentor":
        answers["capacity"] = 1
    return answers


def _programme(app: Flask) -> tuple[str, dict[str, str]]:
    """Two mentors and five mentees: mentee2 shares both themes with the mentors, mentee3 one,
    mentee4 speaks only Swedish (ruled out by the shared language)."""
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser)
    path = f"/api/v1/organiser/programmes/{rec.programme_id}/applications"
    organisers = organiser.request("GET", path)["organisers"]
    people = [
        ("mentor", 0, ["fi"], ["cv", "networking"]),
        ("mentor", 1, ["fi"], ["cv", "networking"]),
        ("mentee", 0, ["fi"], ["cv", "networking"]),
        ("mentee", 1, ["fi"], ["cv", "networking"]),
        ("mentee", 2, ["fi"], ["cv", "networking"]),
        ("mentee", 3, ["fi"], ["interview", "networking"]),
        ("mentee", 4, ["sv"], ["cv", "networking"]),
    ]
    rows, emails = [], {}
    for role, n, languages, themes in people:
        sealed = seal_application(
            rec.programme_id, role, _answers(role, n, languages, themes), organisers
        )
        address = f"{role}{n}@example.org"
        rows.append({**sealed, "role": role, "email": address, "language": "en"})
        emails[address] = sealed["application_id"]
    organiser.request("POST", f"{path}/import", {"applications": rows})
    return rec.programme_id, emails


def _remove_mentee(app: Flask, instance: Path, mentor_email: str) -> tuple[str, str]:
    pair_id, code = sql(
        instance,
        "SELECT p.id, p.code FROM pairs p JOIN pair_members m ON m.pair_id = p.id "
        "JOIN users u ON u.id = m.user_id WHERE u.email = ?",
        mentor_email,
    )[0]
    with app.app_context():
        conn = get_db()
        with transaction(conn):
            pairs.remove_member(conn, pair_id, "mentee")
    return pair_id, code


def test_a_waiting_mentee_replaces_a_removed_one(
    app: Flask, devices: Devices, instance: Path
) -> None:
    programme_id, emails = _programme(app)
    organiser = devices.open()
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{programme_id}/matching")
    expect(page.locator("#matching-status")).to_have_text(
        "Suggestions ready: 2 pairs, 3 mentees without a pair.", timeout=60_000
    )
    page.get_by_role("button", name="Accept all suggestions").click()
    page.locator("#rest-status").select_option("waiting")
    page.get_by_role("button", name="Create these pairs").click()
    expect(page.locator("#create-status")).to_contain_text("2 pairs created", timeout=30_000)
    pair_id, _code = _remove_mentee(app, instance, "mentor0@example.org")
    waiting = {
        a for a, s in sql(instance, "SELECT email, status FROM applications") if s == "waiting"
    }
    # Mentees 0–2 fit the mentors equally: one of them is left, with mentee3 and mentee4.
    assert len(waiting) == 3 and {"mentee3@example.org", "mentee4@example.org"} < waiting
    (twin,) = waiting - {"mentee3@example.org", "mentee4@example.org"}

    # From the pair's "invite a new mentee" page to the suggestions for that place.
    page.goto(f"/organiser/pairs/{pair_id}/mentee/replace")
    page.get_by_role("link", name="Choose from the waiting list").click()
    expect(page.locator("#profile-source")).to_have_text(
        "Scored with their answers from when the pair was formed, kept on this device.",
        timeout=30_000,
    )
    expect(page.locator("#matching-status")).to_have_text(
        "2 applicants fit the place; the best first."
    )
    first = page.locator("#candidates > li").first
    assert first.get_attribute("data-application") == emails[twin]  # both themes shared
    second = page.locator("#candidates > li").nth(1)
    assert second.get_attribute("data-application") == emails["mentee3@example.org"]
    expect(first.locator(".why")).to_contain_text("Must-haves held: shared language")
    expect(page.locator("#ruled-out > li")).to_have_count(1)
    expect(page.locator("#ruled-out")).to_contain_text("mentee4@example.org")
    expect(page.locator("#ruled-out")).to_contain_text("shared language not met")
    assert page.locator("#profile-form").is_hidden()
    assert_accessible(page)
    organiser.shot("replacement-360")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide"

    page.locator("#candidates > li").nth(1).locator("input").check()
    with page.expect_response(lambda r: f"/pairs/{pair_id}/mentee" in r.url) as answer:
        page.get_by_role("button", name="Send the invitation").click()
    assert answer.value.status == 201
    expect(page.locator("#choose-status")).to_contain_text("was invited to the pair")
    posted = [s for s in organiser.sent if f"/matching/pairs/{pair_id}/" in s.url]
    assert [json.loads(p.body) for p in posted] == [
        {"application_id": emails["mentee3@example.org"]}
    ]
    statuses = dict(sql(instance, "SELECT email, status FROM applications"))
    assert statuses["mentee3@example.org"] == "paired"
    assert statuses[twin] == "waiting"
    assert CANARY not in organiser.traffic()
    to_server = "\n".join(
        f"{s.url}\n{s.body.decode()}"
        for s in organiser.sent
        if "/static/" not in s.url and "/assets/" not in s.url
    )
    assert "score" not in to_server.lower()
    assert CANARY not in everything_on_disk(instance)

    with SmtpReceiver() as receiver:
        app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=receiver.port)
        deliver_mail(app)
    to_new = [plain_text(m) for m in receiver.received if m["To"] == "mentee3@example.org"]
    assert any("/join/" in t for t in to_new)
    assert any("Good news: we have found you a mentor" in t for t in to_new)
    organiser.problems.assert_none()


def test_without_the_kept_copy_the_organiser_fills_in_the_answers(
    app: Flask, devices: Devices, instance: Path
) -> None:
    """Another browser (keys unlocked with the passphrase, no copy of the answers): the screen
    asks for the mentor's answers and scores with them; 320 px, accessible."""
    programme_id, emails = _programme(app)
    mentor = emails["mentor0@example.org"]
    mentee = emails["mentee0@example.org"]
    api = Client.for_app(app)
    api.login(*ORGANISER)
    api.request(
        "POST",
        f"/api/v1/organiser/programmes/{programme_id}/matching/pairs",
        {"pairs": [{"mentor_application_id": mentor, "mentee_application_id": mentee}]},
    )
    pair_id, _code = _remove_mentee(app, instance, "mentor0@example.org")
    device = devices.open(320, 640)
    device.sign_in_with_cookie(*ORGANISER)
    page = device.page
    page.goto(f"/organiser/programmes/{programme_id}/matching/replace/{pair_id}/mentee")
    expect(page.locator("#unlock-form")).to_be_visible(timeout=30_000)
    page.locator("#unlock-passphrase").fill(ORGANISER[1])
    page.locator("#unlock-form button[type=submit]").click()
    expect(page.locator("#profile-form")).to_be_visible(timeout=30_000)
    expect(page.locator("#profile-source")).to_have_text(
        "Fill in their answers below to score the applicants."
    )
    assert page.locator("#candidates > li").count() == 0
    assert_accessible(page)
    form = page.locator("#profile-form")
    form.get_by_role("checkbox", name="Finnish", exact=True).check()
    form.get_by_role("button", name="Score the applicants").click()
    expect(page.locator("#profile-source")).to_have_text("Scored with the answers filled in below.")
    # Every Finnish speaker not yet paired fits; the Swedish-only mentee is ruled out.
    expect(page.locator("#candidates > li")).to_have_count(3)
    expect(page.locator("#ruled-out > li")).to_have_count(1)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide"
    assert_accessible(page)
    assert CANARY not in device.traffic()
    device.problems.assert_none()
