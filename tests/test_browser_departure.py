"""Leaving keeps the partner's record, in the browser (issue 18, finding 2): the mentor deletes
their account on their phone; the mentee's phone still shows every meeting and the agreement
confirmed by both, and says what happened."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import MENTOR, Pair, dump_database, open_db
from tests.support.browser import Devices, Members
from tests.test_departure import six_meetings

pytestmark = pytest.mark.browser


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
    assert "Your partner has left Pairbook" in subjects
    # "Got it" takes the notice away (htmx), and it stays away.
    page.get_by_role("button", name="Got it").click()
    expect(page.locator("#pair-notices .notice")).to_have_count(0)
    page.reload()
    expect(page.locator("#pair-notices .notice")).to_have_count(0)
    mentee.problems.assert_none()
