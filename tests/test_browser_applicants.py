"""The organiser's applicant list in a real browser: answers and notes decrypted on the device,
statuses changed for several at once, the CSV export built here, 30 applicants imported from a
CSV with two bad rows (previewed, fixed, sealed here); the server never sees a word of it. And
many pairs from a CSV through the plain form, without JavaScript."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from memberclient.client import Client
from memberclient.recruitment import Applicant
from tests.conftest import assert_accessible
from tests.helpers import ORGANISER, everything_on_disk, new_organiser, new_pair, sql
from tests.support.browser import Devices
from tests.support.recruiting import Recruiting, mentee_answers, recruiting_programme

pytestmark = pytest.mark.browser

ANSWER_CANARY = "kultarinta"
NOTE_CANARY = "punatulkku"
IMPORT_CANARY = "sinitiainen"


def _recruiting(app: Flask, n: int = 3) -> tuple[Recruiting, list[str]]:
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser)
    ids = []
    for i in range(n):
        answers = {**mentee_answers(ANSWER_CANARY), "name": f"Ada{i} {ANSWER_CANARY}"}
        sent = Applicant(Client.for_app(app)).apply(
            rec.slug, "mentee", f"ada{i}@example.org", answers, "en"
        )
        ids.append(sent["application_id"])
    return rec, ids


def _list(page: Any, rec: Recruiting) -> None:
    page.goto(f"/organiser/programmes/{rec.programme_id}/applicants")
    expect(page.locator("#applicants-status")).to_have_text(
        "Answers decrypted on this device.", timeout=30_000
    )


def _import_csv(bad: bool) -> str:
    lines = ["Email,Name,Themes,How would you like to meet?,Employer"]
    for i in range(30):
        email = f"imported{i}@example.org"
        mode = "Remote"
        if bad and i == 7:
            email = "imported7-at-example.org"
        if bad and i == 21:
            mode = "Teleport"
        lines.append(
            f'{email},Imported{i} {IMPORT_CANARY},"CV and LinkedIn;Networking",{mode},'
            f"Firm {IMPORT_CANARY}"
        )
    return "\n".join(lines) + "\n"


def test_the_organiser_reads_changes_exports_and_imports(
    app: Flask, devices: Devices, instance: Path, tmp_path: Path
) -> None:
    rec, ids = _recruiting(app)
    organiser = devices.open(1280, 800)
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    _list(page, rec)
    for i, aid in enumerate(ids):
        expect(page.locator(f"#name-{aid}")).to_have_text(f"Ada{i} {ANSWER_CANARY}")
    assert_accessible(page)
    organiser.shot("applicants-1280")

    # One applicant: the answers under the call's questions, and a sealed note.
    page.locator(f"#name-{ids[0]}").click()
    answers = page.locator("#answers")
    expect(answers).to_contain_text("How should we address you?", timeout=30_000)
    expect(answers).to_contain_text(f"Ada0 {ANSWER_CANARY}")
    expect(answers).to_contain_text("CV and LinkedIn; Something else")
    expect(answers).to_contain_text("Employer")
    expect(answers).to_contain_text(f"Acme {ANSWER_CANARY}")
    page.get_by_role("button", name="Save the note").click()
    expect(page.locator("#note-text-error")).to_have_text("Write something first.")
    page.locator("#note-text").fill(f"Call back on Monday {NOTE_CANARY}")
    page.get_by_role("button", name="Save the note").click()
    expect(page.locator("#note-status")).to_have_text("Your note was saved for the organisers.")
    expect(page.locator("#notes")).to_contain_text(f"Call back on Monday {NOTE_CANARY}")
    assert_accessible(page)
    page.reload()
    expect(page.locator("#notes")).to_contain_text(NOTE_CANARY, timeout=30_000)

    # Two at once to Accepted; the rows come back with their names.
    _list(page, rec)
    page.locator(f"#pick-{ids[0]}").check()
    page.locator(f"#pick-{ids[2]}").check()
    page.locator("#new-status").select_option("accepted")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("#applicant-rows .notice")).to_have_text(
        "2 applicants now have the status Accepted."
    )
    expect(page.locator(f'tr[data-application-id="{ids[0]}"]')).to_contain_text("Accepted")
    expect(page.locator(f'tr[data-application-id="{ids[1]}"]')).to_contain_text("New")
    expect(page.locator(f"#name-{ids[2]}")).to_have_text(f"Ada2 {ANSWER_CANARY}")
    statuses = dict(sql(instance, "SELECT email, status FROM applications"))
    assert statuses == {
        "ada0@example.org": "accepted",
        "ada1@example.org": "new",
        "ada2@example.org": "accepted",
    }

    # The export is made here, from the decrypted answers.
    with page.expect_download() as info:
        page.get_by_role("button", name="Export the list as CSV").click()
    exported = Path(info.value.path()).read_text("utf-8-sig")
    lines = exported.splitlines()
    assert lines[0].startswith("Email,Role,Status,Applied,Source,How should we address you?")
    assert "Employer" in lines[0] and len(lines) == 4
    ada0 = next(line for line in lines if line.startswith("ada0@example.org"))
    assert f"Ada0 {ANSWER_CANARY}" in ada0 and ",Accepted," in ada0
    assert "CV and LinkedIn; Something else" in ada0
    expect(page.locator("#applicants-status")).to_have_text(
        "The CSV file was made on this device: 3 applicants."
    )

    # Import 30, two of them wrong: previewed with the problems, fixed, sealed, sent once.
    page.goto(f"/organiser/programmes/{rec.programme_id}/applicants/import")
    source = tmp_path / "applicants.csv"
    source.write_text(_import_csv(bad=True), "utf-8")
    page.locator("#import-file").set_input_files(str(source))
    expect(page.locator("#import-text")).to_have_value(_import_csv(bad=True))
    page.locator("#import-role").select_option("mentee")
    page.get_by_role("button", name="Read the columns").click()
    expect(page.locator("#map-1")).to_have_value("name")
    expect(page.locator("#map-0")).to_have_value("@email")
    expect(page.locator("#map-3")).to_have_value("mode")
    expect(page.locator("#map-4")).to_have_value("q:q1")
    page.locator("#map-2").select_option("themes")
    assert_accessible(page)
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("#preview-summary")).to_have_text(
        "2 of 30 rows have a problem. Fix them in the list above and check again; "
        "nothing is sent until every row is right."
    )
    expect(page.locator('#preview-rows tr[data-line="9"]')).to_contain_text(
        "The email address is missing or not whole."
    )
    expect(page.locator('#preview-rows tr[data-line="23"]')).to_contain_text(
        "“Teleport” is not a choice of “How would you like to meet?”."
    )
    expect(page.locator("#import-send")).to_be_hidden()
    organiser.shot("applicants-import-preview")
    assert_accessible(page)
    page.locator("#import-text").fill(_import_csv(bad=False))
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("#preview-summary")).to_have_text("All 30 rows are right.")
    imports_before = len([s for s in organiser.sent if s.url.endswith("/applications/import")])
    page.get_by_role("button", name="Seal and import").click()
    expect(page.locator("#applicants-status")).to_have_text(
        "30 applicants were imported.", timeout=60_000
    )
    posts = [s for s in organiser.sent if s.url.endswith("/applications/import")]
    assert len(posts) == imports_before + 1
    assert sql(instance, "SELECT count(*) FROM applications WHERE source = 'import'")[0][0] == 30
    _list(page, rec)
    expect(page.locator("#applicant-count")).to_have_text("33 applicants")
    imported = page.locator(".applicant-name", has_text=f"Imported21 {IMPORT_CANARY}")
    expect(imported).to_be_visible()
    imported.click()
    expect(page.locator("#answers")).to_contain_text(f"Firm {IMPORT_CANARY}", timeout=30_000)
    expect(page.locator("#answers")).to_contain_text("Remote")

    # Not a word of the answers, the note or the import reached the server.
    traffic = organiser.traffic()
    disk = everything_on_disk(instance)
    for canary in (ANSWER_CANARY, NOTE_CANARY, IMPORT_CANARY):
        assert canary not in traffic, canary
        assert canary not in disk, canary
    organiser.problems.assert_none()


def test_the_list_works_on_small_screens(app: Flask, devices: Devices, instance: Path) -> None:
    rec, ids = _recruiting(app, 2)
    phone = devices.open(320, 640)
    phone.sign_in(*ORGANISER)
    page = phone.page
    _list(page, rec)
    expect(page.locator(f"#name-{ids[1]}")).to_have_text(f"Ada1 {ANSWER_CANARY}")
    assert_accessible(page)
    phone.shot("applicants-320")
    page.set_viewport_size({"width": 360, "height": 740})
    # axe leaves empty style attributes behind, which htmx would copy onto the swapped rows
    # (a CSP report that is the test's, not the page's): a fresh page.
    _list(page, rec)
    page.locator(f"#pick-{ids[1]}").check()
    page.locator("#new-status").select_option("paired")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(f'tr[data-application-id="{ids[1]}"]')).to_contain_text("Paired")
    expect(page.locator(f"#name-{ids[1]}")).to_have_text("(answers not kept)")
    copies = "SELECT count(*) FROM application_copies WHERE application_id = ?"
    assert sql(instance, copies, ids[1])[0][0] == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    page.goto(f"/organiser/programmes/{rec.programme_id}/applicants/import")
    assert_accessible(page)
    # The bulk pairs page with its row errors (axe needs JavaScript: here rather than below).
    page.goto(f"/organiser/programmes/{rec.programme_id}/pairs/import")
    page.get_by_label("Or paste the list").fill("a@example.org;a@example.org\nb@example.org")
    page.get_by_role("button", name="Check the list").click()
    expect(page.locator("#row-errors")).to_contain_text("2 lines have a problem.")
    assert_accessible(page)
    phone.problems.forgive("status of 400")
    phone.problems.assert_none()


def test_many_pairs_from_a_csv_without_javascript(
    app: Flask, devices: Devices, instance: Path, tmp_path: Path
) -> None:
    organiser = new_organiser(app)
    programme_id = new_pair(app, organiser).programme_id
    device = devices.open(360, 740, javascript=False)
    device.sign_in_with_cookie(*ORGANISER)
    page = device.page
    page.goto(f"/organiser/programmes/{programme_id}")
    page.get_by_role("link", name="Many pairs at once from a CSV list").click()
    source = tmp_path / "pairs.csv"
    source.write_text(
        "mentor;mentee\nanna@example.org;bilal@example.org\nnot-an-address;c@example.org\n",
        "utf-8",
    )
    page.get_by_label("CSV file").set_input_files(str(source))
    page.get_by_role("button", name="Create the pairs and send invitations").click()
    expect(page.locator("#row-errors")).to_contain_text(
        "1 line has a problem. No pair was created."
    )
    expect(page.locator("#row-errors")).to_contain_text(
        "not-an-address is not a whole email address."
    )
    assert sql(instance, "SELECT count(*) FROM pairs")[0][0] == 1
    page.get_by_label("Or paste the list").fill(
        "mentor;mentee\nanna@example.org;bilal@example.org\ncarl@example.org;c@example.org\n"
    )
    page.get_by_role("button", name="Check the list").click()
    expect(page.locator("#checked-list")).to_contain_text("The list is right: 2 pairs.")
    page.get_by_role("button", name="Create the pairs and send invitations").click()
    expect(page.locator("main")).to_contain_text(
        "2 pairs created. Invitations were sent to all 4 people."
    )
    assert sql(instance, "SELECT count(*) FROM pairs")[0][0] == 3
    assert (
        sql(instance, "SELECT count(*) FROM outbox WHERE to_addr = 'carl@example.org'")[0][0] == 1
    )
    device.problems.forgive("status of 400")  # the list with a bad line, answered 400
    device.problems.assert_none()
