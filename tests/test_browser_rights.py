"""Download my data and delete my account, in a real browser at phone size."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import assert_accessible
from tests.helpers import PASSPHRASE, dump_database, everything_on_disk, joined_pair
from tests.test_browser_accounts import _sign_in
from tests.test_browser_pairing import Phone
from workspace.client import Client, Entry

pytestmark = pytest.mark.browser


def test_export_in_the_browser(
    app: Flask, instance: Path, chromium_browser: Any, live_server: str
) -> None:
    setup, _org, mentor, mentee = joined_pair(app)
    mentor.add_entry(setup.pair_id, "agreement", {"goals": "CanaryExportGoal"})
    mentee.add_entry(setup.pair_id, "meeting", {"notes": "<script>alert(1)</script> CanaryNote"})
    person = Phone(chromium_browser, live_server)
    page = person.page
    _sign_in(page, "mentee@example.org", PASSPHRASE + " mentee")
    page.wait_for_url("**/pairs", timeout=30000)
    page.goto("/account/data")
    assert_accessible(page)
    with page.expect_download(timeout=30000) as download:
        page.get_by_role("button", name="Download my data").click()
    data = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == {
            "README.txt",
            "notebook.json",
            "notebook.html",
            "server-data.json",
        }
        notebook = json.loads(archive.read("notebook.json"))
        server = json.loads(archive.read("server-data.json"))
        html = archive.read("notebook.html").decode()
    (pair,) = notebook["pairs"]
    contents = json.dumps([e["content"] for e in pair["entries"]])
    assert "CanaryExportGoal" in contents and "CanaryNote" in contents
    assert server["account"]["email"] == "mentee@example.org"
    assert "&#60;script&#62;alert(1)" in html and "<script>alert" not in html
    assert "CanaryNote" not in "\n".join(person.bodies)
    assert "CanaryNote" not in everything_on_disk(instance)
    person.close()


def test_delete_account_in_the_browser(
    app: Flask, instance: Path, chromium_browser: Any, live_server: str
) -> None:
    setup, _org, mentor, mentee = joined_pair(app)
    mentor.add_entry(setup.pair_id, "agreement", {"goals": "shared words"})
    mentee.add_entry(setup.pair_id, "meeting", {"notes": "the mentee's own"})
    mentor_id = mentor.user_id or ""
    person = Phone(chromium_browser, live_server)
    page = person.page
    _sign_in(page, "mentor@example.org", PASSPHRASE + " mentor")
    page.wait_for_url("**/pairs", timeout=30000)
    page.goto("/account/data")
    page.get_by_label("Your passphrase, to confirm").fill(PASSPHRASE + " mentor")
    page.get_by_role("button", name="Delete my account").click()
    assert page.locator("#delete-confirm-error").is_visible()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url("**/?deleted=1", timeout=30000)
    assert_accessible(page)
    text = dump_database(instance)
    assert mentor_id not in text and "mentor@example.org" not in text
    fresh = Client.for_app(app)
    fresh.login("mentee@example.org", PASSPHRASE + " mentee")
    entries = [e for e in fresh.entries(setup.pair_id) if isinstance(e, Entry)]
    assert {e.type for e in entries} == {"agreement", "meeting"}
    person.close()
