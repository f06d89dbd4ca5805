"""Leaving keeps the partner's record, in the browser (issue 18, finding 2): the mentor deletes
their account on their phone; the mentee's phone still shows every meeting and the agreement
confirmed by both, and says what happened."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from flask import Flask
from playwright.sync_api import expect

from memberclient.client import Entry
from tests.conftest import assert_accessible
from tests.helpers import (
    MENTEE,
    MENTOR,
    ORGANISER,
    PASSPHRASE,
    Pair,
    deliver_mail,
    dump_database,
    open_db,
    outbox_texts,
)
from tests.support.browser import Devices, Members, wait_key_shared
from tests.test_departure import _fresh_mentee, six_meetings
from workspace.core import clock
from workspace.rights.purge import purge
from workspace.rights.retention import GRACE_DAYS

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _reset_clock() -> object:
    yield
    clock.reset()


def _delete_in_browser(devices: Devices, remove: tuple[str, ...] = ()) -> None:
    person = devices.open()
    page = person.page
    person.sign_in(*MENTOR)
    page.goto("/account/data")
    page.locator("#delete-form").wait_for(state="visible")
    # The choice per kind is there, leaving everything for the partner by default.
    for kind in ("meeting", "goal"):
        assert page.locator(f"#keep-{kind}-yes").is_checked()
    for kind in remove:
        page.locator(f"#keep-{kind}-no").check()
    assert_accessible(page)
    person.shot("delete-choices-360")
    page.get_by_label("Your passphrase, to confirm").fill(MENTOR[1])
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url("**/?deleted=1", timeout=60000)
    person.problems.assert_none()


def test_the_mentee_keeps_all_six_meetings_and_both_confirmations(
    app: Flask, pair: Pair, members: Members, devices: Devices, instance: Path
) -> None:
    six_meetings(pair)
    mentor_id = pair.mentor.user_id or ""
    mentee = members.mentee
    members.mentor.close()
    _delete_in_browser(devices)
    assert mentor_id not in dump_database(instance)
    # Six meetings: those the mentor created (one the mentee edited) and the mentee's own.
    page = mentee.open("/meetings")
    expect(page.locator("#meeting-list > li")).to_have_count(6)
    cards = page.locator("#meeting-list").inner_text()
    assert "a former member" in cards
    assert not page.locator(".integrity-error").count()
    # The agreement stays confirmed by both: the mentee and "a former member".
    page = mentee.open("/agreement")
    panel = page.locator("#agreement-confirmations")
    expect(panel.locator(".confirm-me")).to_have_attribute("data-confirmed", "true")
    expect(panel.locator(".confirm-partner")).to_have_attribute("data-confirmed", "true")
    expect(panel.locator(".confirm-both")).to_be_visible()
    assert "A former member has confirmed this version." in panel.inner_text()
    assert "by a former member" in panel.locator(".confirm-version").inner_text()
    assert not page.locator("#confirm-button").is_visible()
    assert_accessible(page)
    mentee.shot("agreement-after-departure-360")
    # Told on the pair's pages (with the date) and by mail.
    page.goto(f"/pairs/{pair.id}")
    notice = page.locator("#pair-notices .notice").first
    expect(notice).to_contain_text("Your mentor left Pairbook on")
    expect(notice).to_contain_text("stays in your notebook")
    assert_accessible(page)
    mentee.shot("pair-notice-360")
    conn = open_db(instance)
    subjects = [
        r[0]
        for r in conn.execute("SELECT subject FROM outbox WHERE to_addr = 'mentee@example.org'")
    ]
    conn.close()
    assert "Parisi on lähtenyt Pairbookista" in subjects  # the programme's language
    # "Got it" takes the notice away (htmx), and it stays away.
    page.get_by_role("button", name="Got it").click()
    expect(page.locator("#pair-notices .notice")).to_have_count(0)
    page.reload()
    expect(page.locator("#pair-notices .notice")).to_have_count(0)
    mentee.problems.assert_none()


def test_taking_meetings_away_leaves_a_grace_period_to_download(
    app: Flask, pair: Pair, members: Members, devices: Devices, instance: Path, tmp_path: Path
) -> None:
    made = six_meetings(pair)
    mentee = members.mentee
    members.mentor.close()
    _delete_in_browser(devices, remove=("meeting",))
    last_day = (clock.now() + timedelta(days=29)).date()
    # Told, with the date, on the pair's page and in the notebook.
    page = mentee.page
    page.goto(f"/pairs/{pair.id}")
    notice = page.locator("#pair-notices .notice").first
    expect(notice).to_contain_text("the meetings they logged to be removed")
    expect(notice).to_contain_text(f"until {format_date(last_day, 'long', locale='en')}")
    assert_accessible(page)
    mentee.shot("removal-notice-360")
    # During the grace period all six meetings can be read and downloaded.
    page = mentee.open("/meetings")
    expect(page.locator("#meeting-list > li")).to_have_count(6)
    page.goto("/account/data")
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Download my data").click()
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        kept = archive.read("notebook.json").decode()
    for i in range(4):
        assert f"MentorMeeting{i}" in kept
    # The clock passes the grace period; `pairbook purge` removes what the mentor took.
    clock.travel(timedelta(days=GRACE_DAYS))
    counts = purge(app)
    assert counts["entries a departed member took with them"] == 4
    mentee.sign_in(*MENTEE, next_page=f"/pairs/{pair.id}/notebook/meetings")
    mentee.page.wait_for_url("**/meetings", timeout=30000)
    mentee.wait_ready()
    expect(mentee.page.locator("#meeting-list > li")).to_have_count(2)
    left = {
        e.entry_id
        for e in _fresh_mentee(app).entries(pair.id)
        if isinstance(e, Entry) and e.type == "meeting"
    }
    assert left == {made["mentee_meeting_0"].entry_id, made["mentee_meeting_1"].entry_id}
    mentee.problems.assert_none()


def test_a_new_mentor_joins_the_same_notebook_and_reads_the_history(
    app: Flask, pair: Pair, members: Members, devices: Devices, instance: Path
) -> None:
    six_meetings(pair)
    mentee = members.mentee
    members.mentor.close()
    pair.mentor.delete_account(MENTOR[1])
    # The organiser invites a new mentor into the empty place, from the programme's page.
    organiser = devices.open(1280, 800)
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{pair.programme_id}")
    page.locator(f"#replace-{pair.id}-mentor").click()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".error-text")).to_be_visible()  # no address: an error at the field
    organiser.problems.forgive("status of 400")
    assert_accessible(page)
    page.get_by_label("Email of the new member").fill("newmentor@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#flashes")).to_contain_text("A new member was invited")
    deliver_mail(app)
    link = next(t for t in outbox_texts(instance) if t.startswith("To: newmentor@example.org"))
    path = "/join/" + link.split("/join/")[1].split()[0]
    newcomer = devices.member(pair.id)
    newcomer.join(path, "Uusi Mentori", PASSPHRASE + " newcomer")
    # The mentee's browser gives the newcomer shares of the notebook's keys.
    mentee.page.goto(f"/pairs/{pair.id}")
    expect(mentee.page.locator("#pair-notices")).to_contain_text("invited a new mentor")
    wait_key_shared(mentee, newcomer, pair.id)
    conn = open_db(instance)
    new_id = conn.execute("SELECT id FROM users WHERE email = 'newmentor@example.org'").fetchone()[
        0
    ]
    shares = conn.execute(
        "SELECT from_user, accepted_at, key_version FROM key_shares WHERE to_user = ? "
        "ORDER BY key_version",
        (new_id,),
    ).fetchall()
    conn.close()
    # The mentee's browser renewed the key first (the leaver held the old one), then shared
    # both versions: the history's and the new one.
    assert [(s[0], bool(s[1]), s[2]) for s in shares] == [
        (pair.mentee.user_id, True, 1),
        (pair.mentee.user_id, True, 2),
    ]
    # The newcomer reads the history: all six meetings and the agreement.
    page = newcomer.open("/meetings")
    expect(page.locator("#meeting-list > li")).to_have_count(6)
    assert not page.locator(".integrity-error").count()
    page = newcomer.open("/agreement")
    expect(page.locator(".confirm-version")).to_contain_text("a former member")
    assert_accessible(page)
    newcomer.shot("newcomer-agreement-360")
    for device in (mentee, newcomer, organiser):
        device.problems.assert_none()


def test_a_paused_pair_is_read_only_and_both_are_told(
    app: Flask, pair: Pair, members: Members, devices: Devices, instance: Path
) -> None:
    mentor, mentee = members
    organiser = devices.open(1280, 800)
    organiser.sign_in(*ORGANISER)
    page = organiser.page
    page.goto(f"/organiser/programmes/{pair.programme_id}")
    page.locator(f"#pause-{pair.id}").click()
    assert_accessible(page)
    page.get_by_role("button", name="Pause the pair").click()
    expect(page.locator("#flashes")).to_contain_text("The pair was paused")
    expect(page.locator(f"#resume-{pair.id}")).to_be_visible()
    for member in (mentor, mentee):
        page = member.open("/meetings")
        expect(page.locator("#pair-paused")).to_contain_text("paused this pair")
        assert page.locator("#log-meeting").count() == 0
    assert_accessible(mentee.page)
    mentee.shot("paused-360")
    # The server refuses a write even from a page that was open before the pause.
    status = mentee.page.evaluate(
        """async (pairId) => {
          const token = document.querySelector('meta[name=csrf-token]').content;
          const r = await fetch(`/api/v1/pairs/${pairId}/entries`, {method: 'POST',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
            body: JSON.stringify({entry_id: 'AAAAAAAAAAAAAAAAAAAAAA', type: 'meeting',
              done: false, envelope: {v: 1, suite: 1, kv: 1, n: 'AAAAAAAAAAAAAAAA',
              ct: 'AAAAAAAAAAAAAAAAAAAAAA'}})});
          return [r.status, (await r.json()).message];
        }""",
        pair.id,
    )
    assert status[0] == 409 and "paused this pair" in status[1]
    mentee.problems.forgive("409")
    deliver_mail(app)
    for who in ("mentor", "mentee"):
        mails = [t for t in outbox_texts(instance) if t.startswith(f"To: {who}@example.org")]
        assert any("on keskeytetty" in t for t in mails), who
    organiser.page.locator(f"#resume-{pair.id}").click()
    organiser.page.get_by_role("button", name="Resume the pair").click()
    expect(organiser.page.locator("#flashes")).to_contain_text("The pair was resumed")
    page = mentee.open("/meetings")
    expect(page.locator("#log-meeting")).to_be_visible()
    assert page.locator("#pair-paused").count() == 0
    expect(page.locator("#pair-notices")).to_contain_text("resumed your pair")
    for device in (mentor, mentee, organiser):
        device.problems.assert_none()
