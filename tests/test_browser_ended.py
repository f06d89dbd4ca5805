"""Who wrote what, on screen and on paper; an ended pair, and a partner who left."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import PASSPHRASE
from tests.test_browser_notebook import _sql, members  # noqa: F401 (the fixture)
from workspace.core import clock

pytestmark = pytest.mark.browser


def test_an_ended_pair_reads_and_says_until_when(members: Any, instance: Path) -> None:  # noqa: F811
    setup, _mentor, mentee, (_org, mentor_client, _mentee_client) = members
    pid = setup.pair_id
    meeting = mentor_client.add_entry(pid, "meeting", {"date": "2027-02-01", "theme": "CV"})
    _sql(instance, "UPDATE pairs SET ended_at = ? WHERE id = ?", clock.iso(), pid)
    until = (clock.now() + timedelta(days=29)).date().isoformat()
    page = mentee.open(f"/meetings/{meeting.entry_id}")
    notice = page.locator("#notebook-read-only")
    expect(notice).to_contain_text(f"until {until}")
    expect(notice.get_by_role("link", name="Download my data")).to_have_attribute(
        "href", "/account/data"
    )
    expect(page.locator("#meeting-theme")).to_have_value("CV")
    expect(page.locator("#meeting-theme")).to_be_disabled()
    assert page.locator("#meeting-delete").count() == 0
    assert_accessible(page)
    mentee.shot("ended")
    mentee.problems.assert_none()


def test_who_wrote_who_changed_and_a_partner_who_left(members: Any) -> None:  # noqa: F811
    setup, mentor, _mentee, (_org, mentor_client, mentee_client) = members
    pid = setup.pair_id
    meeting = mentor_client.add_entry(pid, "meeting", {"date": "2027-02-01", "theme": "CV"})
    mentee_client.edit_entry(pid, meeting, {**meeting.body, "notes": "Added by Ali"})
    page = mentor.open(f"/meetings/{meeting.entry_id}")
    expect(page.locator("#meeting-form .entry-meta")).to_contain_text(
        "Written by you; last changed by Ali"
    )
    mentor_client.add_entry(pid, "evaluation", {"learned": "Plenty"})
    page = mentor.open("/print")
    expect(page.locator("h1 + .lead")).to_contain_text("Maija with Ali")
    expect(page.locator("#print-evaluations")).to_contain_text("Maija (you)")
    agreement = mentor_client.add_entry(pid, "agreement", {"goals": "Work in IT"})
    mentor_client.confirm(pid, agreement)
    mentee_client.confirm(pid, agreement)
    mentee_client.delete_account(PASSPHRASE + " mentee")
    page = mentor.open("/agreement")
    partner = page.locator(".confirm-partner")
    expect(partner).to_have_attribute("data-confirmed", "left")
    expect(partner.locator(".confirm-left")).to_be_visible()
    expect(partner.locator(".confirm-no")).to_be_hidden()
    assert_accessible(page)
    mentor.problems.assert_none()
