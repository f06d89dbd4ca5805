"""Who wrote what, on screen and on paper; an ended pair, and a partner who left."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import PASSPHRASE, Pair, sql
from tests.support.browser import Members
from workspace.core import clock

pytestmark = pytest.mark.browser


def test_an_ended_pair_reads_and_says_until_when(
    pair: Pair, members: Members, instance: Path
) -> None:
    mentee = members.mentee
    pid = pair.id
    meeting = pair.mentor.add_entry(pid, "meeting", {"date": "2027-02-01", "theme": "CV"})
    sql(instance, "UPDATE pairs SET ended_at = ? WHERE id = ?", clock.iso(), pid)
    # The last day as English writes it (the devices read English), not as it is stored.
    until = format_date((clock.now() + timedelta(days=29)).date(), "long", locale="en")
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


def test_who_wrote_who_changed_and_a_partner_who_left(pair: Pair, members: Members) -> None:
    mentor = members.mentor
    pid = pair.id
    meeting = pair.mentor.add_entry(pid, "meeting", {"date": "2027-02-01", "theme": "CV"})
    pair.mentee.edit_entry(pid, meeting, {**meeting.body, "notes": "Added by Ali"})
    page = mentor.open(f"/meetings/{meeting.entry_id}")
    expect(page.locator("#meeting-form .entry-meta")).to_contain_text(
        "Written by you; last changed by Ali"
    )
    pair.mentor.add_entry(pid, "evaluation", {"learned": "Plenty"})
    page = mentor.open("/print")
    expect(page.locator("h1 + .lead")).to_contain_text("Maija with Ali")
    expect(page.locator("#print-evaluations")).to_contain_text("Maija (you)")
    agreement = pair.mentor.add_entry(pid, "agreement", {"goals": "Work in IT"})
    pair.mentor.confirm(pid, agreement)
    pair.mentee.confirm(pid, agreement)
    pair.mentee.delete_account(PASSPHRASE + " mentee")
    page = mentor.open("/agreement")
    partner = page.locator(".confirm-partner")
    # Both had confirmed: the confirmations are carried over the departure (issue 18).
    expect(partner).to_have_attribute("data-confirmed", "true")
    expect(partner.locator(".confirm-yes")).to_contain_text("A former member has confirmed")
    expect(partner.locator(".confirm-no")).to_be_hidden()
    assert_accessible(page)
    mentor.problems.assert_none()
