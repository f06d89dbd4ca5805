"""Download my data and delete my account, in a real browser at phone size (360×740)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from flask import Flask

from memberclient.client import Client, Entry
from tests.conftest import assert_accessible
from tests.helpers import MENTEE, MENTOR, PASSPHRASE, Pair, dump_database, everything_on_disk
from tests.support.browser import Devices

pytestmark = pytest.mark.browser


def _read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        assert archive.testzip() is None, "every CRC-32 matches"
        return {name: archive.read(name) for name in archive.namelist()}


def test_export_in_the_browser(pair: Pair, instance: Path, devices: Devices) -> None:
    mentor, mentee = pair.mentor, pair.mentee
    mentor.add_entry(pair.id, "agreement", {"goals": "CanaryExportGoal ääkköset"})
    mentee.add_entry(pair.id, "meeting", {"notes": "<script>alert(1)</script> CanaryNote"})
    mentee.add_entry(pair.id, "goal", {"title": "Learn Finnish", "why": "CanaryGoal"})
    mentee.raise_flag(pair.id, "cancellations", "CanaryFlagMessage")
    person = devices.open()
    page = person.page
    person.sign_in(*MENTEE)
    page.wait_for_url("**/pairs", timeout=30000)
    page.goto("/account/data")
    page.locator("#download").wait_for(state="visible")
    assert_accessible(page)
    person.shot("pairbook-data-360")
    with page.expect_download(timeout=30000) as download:
        page.get_by_role("button", name="Download my data").click()
    assert download.value.suggested_filename.startswith("pairbook-export-")
    files = _read_zip(Path(download.value.path()))
    assert set(files) == {"README.txt", "notebook.json", "notebook.html", "server-data.json"}
    notebook = json.loads(files["notebook.json"])
    server = json.loads(files["server-data.json"])
    html = files["notebook.html"].decode()
    assert notebook["format"] == "pairbook-export" and notebook["version"] == 1
    assert notebook["user_id"] == mentee.user_id
    (exported,) = notebook["pairs"]
    assert exported["pair_id"] == pair.id and exported["my_role"] == "mentee"
    readable = [e for e in mentee.entries(pair.id) if isinstance(e, Entry)]
    assert {e["entry_id"] for e in exported["entries"]} == {e.entry_id for e in readable}
    assert all("error" not in e for e in exported["entries"])
    contents = json.dumps([e["content"] for e in exported["entries"]], ensure_ascii=False)
    for canary in ("CanaryExportGoal ääkköset", "CanaryNote", "CanaryGoal"):
        assert canary in contents
    assert server["account"]["email"] == "mentee@example.org"
    assert "Last saved by you, " in html and "Last saved by your partner, " in html
    (flag,) = server["flags"]
    assert [m.get("text") for m in flag["opened_messages"]] == ["CanaryFlagMessage"]
    assert "&#60;script&#62;alert(1)" in html and "<script>" not in html
    assert "CanaryExportGoal ääkköset" in html
    # Readable: the forms' labels and words, not stored keys and values.
    assert "<dt>What we want to reach</dt><dd>CanaryExportGoal ääkköset</dd>" in html
    assert "<dt>Goal</dt><dd>Learn Finnish</dd>" in html
    assert "<dt>goals</dt>" not in html and "<dt>title</dt>" not in html
    assert "overflow-wrap:anywhere" in html
    # Nothing decrypted went back to the server, nor is kept there.
    sent = person.traffic()
    disk = everything_on_disk(instance)
    for canary in ("CanaryNote", "CanaryGoal", "CanaryFlagMessage", "CanaryExportGoal"):
        assert canary not in sent and canary not in disk
    person.problems.assert_none()


def test_export_after_the_keys_were_forgotten_asks_to_unlock(pair: Pair, devices: Devices) -> None:
    pair.mentor.add_entry(pair.id, "agreement", {"goals": "UnlockedGoal"})
    person = devices.open()
    page = person.page
    person.sign_in(*MENTOR)
    page.wait_for_url("**/pairs", timeout=30000)
    person.forget_keys()
    page.goto("/account/data")
    unlock = page.locator("#unlock-form")
    unlock.wait_for(state="visible")
    assert page.locator("#download").is_hidden()
    assert page.locator("#unlock-passphrase").get_attribute("name") is None
    assert_accessible(page)
    page.locator("#unlock-passphrase").fill("not my passphrase at all")
    page.get_by_role("button", name="Unlock and download").click()
    page.locator("#unlock-passphrase-error").wait_for(state="visible", timeout=30000)
    assert page.evaluate("document.activeElement.id") == "unlock-passphrase"
    assert_accessible(page)
    page.locator("#unlock-passphrase").fill(PASSPHRASE + " mentor")
    with page.expect_download(timeout=30000) as download:
        page.get_by_role("button", name="Unlock and download").click()
    files = _read_zip(Path(download.value.path()))
    assert "UnlockedGoal" in files["notebook.json"].decode()
    assert page.locator("#download").is_visible()
    person.problems.assert_none()


def test_delete_account_in_the_browser(
    app: Flask, pair: Pair, instance: Path, devices: Devices
) -> None:
    mentor, mentee = pair.mentor, pair.mentee
    mentor.add_entry(pair.id, "agreement", {"goals": "shared words"})
    mentor.add_entry(pair.id, "goal", {"title": "the mentor's own goal"})
    mentee.add_entry(pair.id, "meeting", {"notes": "the mentee's own"})
    mentor.raise_flag(pair.id, "other", "a report")
    mentor_id = mentor.user_id or ""
    person = devices.open()
    page = person.page
    person.sign_in(*MENTOR)
    page.wait_for_url("**/pairs", timeout=30000)
    page.goto("/account/data")
    page.locator("#delete-form").wait_for(state="visible")
    # The warning says what happens before anything can be deleted.
    warning = page.locator("section.danger-zone").inner_text()
    assert "cannot be undone" in warning and "stays for your partner" in warning

    # The box must be ticked; the error is announced and linked.
    page.get_by_label("Your passphrase, to confirm").fill(PASSPHRASE + " mentor")
    page.get_by_role("button", name="Delete my account").click()
    assert page.locator("#delete-confirm-error").is_visible()
    assert page.evaluate("document.activeElement.id") == "delete-confirm"
    assert_accessible(page)

    # A wrong passphrase deletes nothing.
    page.get_by_label("I understand").check()
    page.get_by_label("Your passphrase, to confirm").fill("a wrong passphrase here")
    page.get_by_role("button", name="Delete my account").click()
    error = page.locator("#delete-passphrase-error")
    error.wait_for(state="visible", timeout=30000)
    assert "Nothing was deleted" in error.inner_text()
    assert page.evaluate("document.activeElement.id") == "delete-passphrase"
    person.shot("pairbook-delete-360")
    assert_accessible(page)
    assert mentor_id in dump_database(instance)

    page.get_by_label("Your passphrase, to confirm").fill(PASSPHRASE + " mentor")
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url("**/?deleted=1", timeout=30000)
    assert_accessible(page)
    assert not person.keys_stored()
    text = dump_database(instance)
    assert mentor_id not in text and "mentor@example.org" not in text
    # The partner still reads the shared agreement (now by the former member) and their own.
    fresh = Client.for_app(app)
    fresh.login("mentee@example.org", PASSPHRASE + " mentee")
    entries = [e for e in fresh.entries(pair.id) if isinstance(e, Entry)]
    assert {e.type for e in entries} == {"agreement", "goal", "meeting"}
    assert next(e for e in entries if e.type == "agreement").author_id == "former-member"
    assert next(e for e in entries if e.type == "agreement").body["goals"] == "shared words"
    person.problems.assert_none()
