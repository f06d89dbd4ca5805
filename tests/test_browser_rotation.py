"""Notebook key rotation in the browser (docs/PROTOCOL.md §13, §13.1; issue 18): the remaining
member's browser renews the key when it opens the notebook after a departure; a tab still on
the old key saves anyway (sealed again, once); the kept copies on the device survive; a new
mentor's browser reads the history and what was written after; the leaver's key opens nothing
new."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

import crypto
from tests.conftest import assert_accessible
from tests.helpers import MENTOR, PASSPHRASE, Pair, open_db
from tests.support.browser import Devices, Members, fill, save, wait_key_shared, whole_meeting
from tests.test_departure import six_meetings
from tests.test_rotation import invite_new_mentor

pytestmark = pytest.mark.browser


def _entries(instance: Path) -> list[tuple[str, int]]:
    conn = open_db(instance)
    rows = conn.execute("SELECT id, key_version FROM entries ORDER BY created_at, rowid").fetchall()
    conn.close()
    return [(r[0], r[1]) for r in rows]


def _key_state(instance: Path) -> tuple[int, int]:
    conn = open_db(instance)
    row = conn.execute("SELECT key_version, rotation_due FROM notebooks").fetchone()
    conn.close()
    return row[0], row[1]


def test_the_remaining_browser_rotates_and_a_new_mentor_reads_old_and_new(
    app: Flask, pair: Pair, members: Members, devices: Devices, instance: Path
) -> None:
    six_meetings(pair)
    mentee = members.mentee
    # The mentee's phone has the meetings open (and kept on the device), and a new meeting typed
    # in a second tab, not saved yet.
    page = mentee.open("/meetings")
    expect(page.locator("#meeting-list > li")).to_have_count(6)
    typing = mentee.context.new_page()
    typing.goto(f"/pairs/{pair.id}/notebook/meetings/new")
    typing.locator("body[data-notebook-ready=true]").wait_for(timeout=30_000)
    whole_meeting(typing)
    fill(typing, "#meeting-notes", "TypedBeforeTheRotation")
    # The mentor leaves; what they could have kept: the notebook key of version 1.
    nb = pair.mentor.notebooks[pair.id][0]
    leaver_key = pair.mentor.notebook_keys[(nb, 1)]
    members.mentor.close()
    pair.mentor.delete_account(MENTOR[1])
    assert _key_state(instance) == (1, 1)
    before = _entries(instance)
    # Opening the notebook again, the mentee's browser draws the next key, and the meetings
    # kept on the device still show, all of them verified.
    page = mentee.open("/meetings")
    expect(page.locator("#meeting-list > li")).to_have_count(6)
    assert not page.locator(".integrity-error").count()
    assert _key_state(instance) == (2, 0)
    # The tab opened before the rotation saves its meeting: refused under the old key, sealed
    # again under the new one, stored once.
    typing.locator("#meeting-form button[type=submit]").click()
    expect(typing.locator("#save-status-text")).to_contain_text("Saved", timeout=30_000)
    mentee.problems.forgive("409")
    after = _entries(instance)
    assert len(after) == len(before) + 1 and after[-1][1] == 2
    typing.close()
    # A meeting logged now is sealed under version 2 as well.
    page = mentee.open("/meetings/new")
    whole_meeting(page)
    fill(page, "#meeting-notes", "WrittenAfterTheRotation")
    save(mentee, "#meeting-form")
    newest = _entries(instance)[-1]
    assert newest[1] == 2
    # A new mentor joins; the mentee's pair page shares both versions with them.
    newcomer = devices.member(pair.id)
    newcomer.join(invite_new_mentor(app, instance, pair), "Uusi Mentori", PASSPHRASE + " uusi")
    wait_key_shared(mentee, newcomer, pair.id)
    conn = open_db(instance)
    shared = conn.execute(
        "SELECT s.key_version FROM key_shares s JOIN users u ON u.id = s.to_user "
        "WHERE u.email = 'new@example.org' AND s.accepted_at IS NOT NULL ORDER BY 1"
    ).fetchall()
    conn.close()
    assert [r[0] for r in shared] == [1, 2]
    # The new mentor reads the history and what was written after the rotation.
    page = newcomer.open("/meetings")
    expect(page.locator("#meeting-list > li")).to_have_count(8)
    assert not page.locator(".integrity-error").count()
    for card in page.locator("#meeting-list .meeting-card").all():
        card.locator(".meeting-more").click()
    listed = page.locator("#meeting-list").inner_text()
    for words in ("MenteeMeeting0", "TypedBeforeTheRotation", "WrittenAfterTheRotation"):
        assert words in listed
    assert_accessible(page)
    newcomer.shot("newcomer-meetings-after-rotation-360")
    # The leaver's key opens nothing written after the rotation: the single decryption error.
    conn = open_db(instance)
    row = conn.execute(
        "SELECT id, entry_type, revision, author_id, envelope FROM entries WHERE id = ?",
        (newest[0],),
    ).fetchone()
    conn.close()
    for kv in (1, 2):
        ctx = crypto.EntryContext(nb, row[0], row[1], kv, row[2], row[3])
        with pytest.raises(crypto.CryptoError):
            crypto.open_entry(leaver_key, ctx, json.loads(row[4]))
    for device in (mentee, newcomer):
        device.problems.assert_none()


def test_a_server_naming_an_older_key_version_than_one_held_is_not_believed(
    pair: Pair, members: Members, instance: Path
) -> None:
    pair.mentee.add_entry(pair.id, "meeting", {"notes": "BeforeRenewal"})
    assert pair.mentor.rotate_key(pair.id, now=True)
    pair.mentee.sync_pair(pair.id)
    # The server now says the notebook is still at version 1 though my wraps include version 2:
    # writing under version 1 would seal under a key an earlier member may have kept.
    conn = open_db(instance)
    conn.execute("UPDATE notebooks SET key_version = 1")
    conn.commit()
    conn.close()
    mentee = members.mentee
    page = mentee.open("/meetings", unlock=False)
    page.locator("#no-key:not([hidden]), #unlock-form:not([hidden])").first.wait_for(timeout=30_000)
    if page.locator("#unlock-form").is_visible():
        page.locator("#unlock-passphrase").fill(mentee.passphrase)
        page.locator("#unlock-form button[type=submit]").click()
    expect(page.locator("#no-key")).to_be_visible(timeout=30_000)
    expect(page.locator("#notebook-body")).to_be_hidden()
    assert "BeforeRenewal" not in page.content()
