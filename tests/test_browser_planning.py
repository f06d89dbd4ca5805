"""The planning checklist in a real browser at 360×740: an item's answers saved in place (htmx)
fill the programme's dates and language, the same as a plain post without JavaScript; a note
is sealed on this device, opened again after a reload and never seen by the server; the
checklist, the overview and the programme page are axe-clean at 320 and 1280 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import ORGANISER, Pair, everything_on_disk, sql
from tests.support.browser import Devices

pytestmark = pytest.mark.browser

NOTE_CANARY = "pikkutikka"
MARK = "() => { window.__stillHere = true; }"
STILL_HERE = "() => window.__stillHere === true"


def _programme(instance: Path, programme_id: str) -> tuple:
    row = sql(
        instance,
        "SELECT language, start_date, mid_date, end_date FROM programmes WHERE id = ?",
        programme_id,
    )[0]
    return tuple(row)


def test_the_checklist_in_place_with_a_sealed_note(
    pair: Pair, devices: Devices, instance: Path
) -> None:
    pid = pair.programme_id
    organiser = devices.open(360, 740)
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{pid}/planning")
    expect(page.locator("#planning-status")).to_have_text("Notes decrypted on this device.")
    expect(page.locator("#plan-progress-text")).to_have_text("0 of 8 items done, 0 answered.")
    page.evaluate(MARK)

    # Structure: the programme's dates, saved in place.
    page.locator("#structure-pairs_sought").fill("10")
    page.locator("#structure-start_date").fill("2027-03-01")
    page.locator("#structure-mid_date").fill("2027-06-01")
    page.locator("#structure-end_date").fill("2027-09-01")
    page.get_by_label("Meeting rhythm").select_option("monthly")
    page.locator("#structure-done").check()
    with page.expect_response(lambda r: r.url.endswith("/planning/structure")) as answer:
        page.locator("#save-structure").click()
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#plan-structure-notice")).to_have_text("Saved: Structure.")
    expect(page.locator("#plan-progress-text")).to_have_text("1 of 8 items done, 0 answered.")
    expect(page.locator("#state-structure")).to_contain_text("Done")
    assert page.evaluate(STILL_HERE), "saving an item reloaded the whole page"
    assert _programme(instance, pid)[1:] == ("2027-03-01", "2027-06-01", "2027-09-01")

    # Language, in place; a bad date is shown at its field (the plain post's page).
    page.get_by_label("Language of the programme").select_option("en")
    page.locator("#save-language").click()
    expect(page.locator("#plan-language-notice")).to_have_text("Saved: Language.")
    assert _programme(instance, pid)[0] == "en"
    page.locator("#followup-midpoint_on").fill("2028-01-01")
    page.locator("#save-followup").click()
    expect(page.locator("#followup-midpoint_on-error")).to_contain_text(
        "The mid-point survey must go between the start"
    )
    expect(page.locator("#error-summary")).to_be_visible()
    assert sql(instance, "SELECT count(*) FROM planning_items WHERE item = 'followup'")[0][0] == 0

    # A note, sealed here; the progress follows.
    expect(page.locator("#planning-status")).to_have_text("Notes decrypted on this device.")
    page.locator("#note-goals").fill(f"Mentees into work in their own field {NOTE_CANARY}")
    page.locator("#save-note-goals").click()
    expect(page.locator("#note-goals-status")).to_have_text(
        "The note was saved for the organisers."
    )
    expect(page.locator("#plan-progress-text")).to_have_text("1 of 8 items done, 2 answered.")
    expect(page.locator("#state-goals")).to_contain_text("Answered")
    page.reload()
    expect(page.locator("#note-goals")).to_have_value(
        f"Mentees into work in their own field {NOTE_CANARY}"
    )
    assert_accessible(page)
    organiser.shot("planning-360")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width

    traffic = organiser.traffic()
    assert NOTE_CANARY not in traffic
    assert NOTE_CANARY not in everything_on_disk(instance)
    # The refused date: htmx's 400, then the plain post's (which shows the errors).
    assert organiser.problems.forgive("400")
    organiser.problems.assert_none()


def test_the_checklist_without_javascript(pair: Pair, devices: Devices, instance: Path) -> None:
    pid = pair.programme_id
    organiser = devices.open(360, 740, javascript=False)
    organiser.sign_in_with_cookie(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{pid}/planning")
    expect(page.locator("#note-goals")).to_be_hidden()  # notes need the keys: JavaScript
    page.locator("#structure-start_date").fill("2027-04-01")
    page.locator("#structure-mid_date").fill("2027-07-01")
    page.locator("#structure-end_date").fill("2027-03-01")
    page.locator("#save-structure").click()
    expect(page.locator("#structure-end_date-error")).to_have_text(
        "The end date must be after the start date."
    )
    assert _programme(instance, pid)[2] != "2027-07-01"
    page.locator("#structure-end_date").fill("2027-10-01")
    page.locator("#save-structure").click()
    expect(page.locator("#flashes")).to_have_text("Saved: Structure.")
    assert page.url.endswith("/planning#item-structure")
    page.get_by_label("Language of the programme").select_option("sv")
    page.locator("#language-done").check()
    page.locator("#save-language").click()
    expect(page.locator("#flashes")).to_have_text("Saved: Language.")
    expect(page.locator("#plan-progress-text")).to_have_text("1 of 8 items done, 1 answered.")
    assert _programme(instance, pid) == ("sv", "2027-04-01", "2027-07-01", "2027-10-01")
    organiser.problems.forgive("status of 400")
    organiser.problems.assert_none()


def test_notes_wait_for_the_keys(pair: Pair, devices: Devices) -> None:
    pid = pair.programme_id
    organiser = devices.open(360, 740)
    organiser.sign_in_with_cookie(*ORGANISER)  # signed in, no keys in this browser
    page = organiser.page
    page.goto(f"/organiser/programmes/{pid}/planning")
    expect(page.locator("#unlock-form")).to_be_visible()
    expect(page.locator("#note-goals")).to_be_disabled()
    page.locator("#save-note-goals").click()
    expect(page.locator("#note-goals-status")).to_have_text(
        "Unlock your keys with your passphrase to read or write the notes."
    )
    page.locator("#unlock-passphrase").fill(ORGANISER[1])
    page.locator("#unlock-form button[type=submit]").click()
    expect(page.locator("#planning-status")).to_have_text("Notes decrypted on this device.")
    expect(page.locator("#note-goals")).to_be_enabled()
    organiser.problems.assert_none()


@pytest.mark.parametrize("width", [320, 1280])
def test_the_planning_pages_are_accessible(
    pair: Pair, devices: Devices, app: Flask, width: int
) -> None:
    pid = pair.programme_id
    organiser = devices.open(width, 800)
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{pid}/planning")
    expect(page.locator("#planning-status")).to_have_text("Notes decrypted on this device.")
    assert_accessible(page)
    page.goto(f"/organiser/programmes/{pid}")
    expect(page.locator("#overview-next")).to_contain_text("Continue the planning checklist")
    assert_accessible(page)
    page.locator("#overview-refresh").click()
    expect(page.locator("#step-pairs")).to_have_attribute("data-done", "yes")
    page.goto(f"/organiser/programmes/{pid}/overview")
    assert_accessible(page)
    if width == 320:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= 320, scroll
    organiser.shot(f"overview-{width}")
    organiser.problems.assert_none()
