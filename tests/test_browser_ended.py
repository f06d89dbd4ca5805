"""An ended pair on a phone: the notebook reads, cannot be changed, and says until when."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.test_browser_notebook import _sql, members  # noqa: F401 (the fixture)
from workspace import clock

pytestmark = pytest.mark.browser


def test_an_ended_pair_reads_and_says_until_when(members: Any, instance: Path) -> None:  # noqa: F811
    setup, _mentor, mentee, (_org, mentor_client, _mentee_client) = members
    pid = setup.pair_id
    meeting = mentor_client.add_entry(pid, "meeting", {"date": "2027-02-01", "theme": "CV"})
    _sql(instance, "UPDATE pairs SET ended_at = ? WHERE id = ?", clock.iso(), pid)
    until = (clock.now() + timedelta(days=30)).date().isoformat()
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
