"""A meeting logged in the browser, dated last month, while the pair shares its meetings (issue 18,
finding 4): the page states only the month beside the sealed meeting, and the organiser's
"Meetings per month" counts it in last month, not in the month it was logged."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_date
from flask import Flask

from tests.helpers import PASSPHRASE, Pair, csrf_token, login_browserless, sql
from tests.support.browser import Members, fill, save
from workspace.core import clock

pytestmark = pytest.mark.browser


def _share_meetings(app: Flask, pair_id: str) -> None:
    for role in ("mentor", "mentee"):
        client = app.test_client()
        email = f"{role}@example.org"
        assert login_browserless(client, email, f"{PASSPHRASE} {role}").status_code == 200
        token = csrf_token(client, f"/pairs/{pair_id}/sharing")
        response = client.post(
            f"/pairs/{pair_id}/sharing",
            data={"csrf_token": token, "signal": "meetings", "decision": "1"},
        )
        assert response.status_code == 303


def _months_on_dashboard(app: Flask, programme_id: str) -> dict[str, int]:
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    html = org.get(f"/organiser/programmes/{programme_id}/dashboard").get_data(as_text=True)
    table = html.split('aria-labelledby="chart-month-heading"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table)
    return {label: int(n) for label, n in rows}


def test_a_meeting_dated_last_month_counts_in_last_month(
    app: Flask, instance: Path, pair: Pair, members: Members
) -> None:
    _share_meetings(app, pair.id)
    mentee = members.mentee
    page = mentee.open("/meetings/new")
    met = clock.now().date().replace(day=1) - timedelta(days=10)
    posted: list[dict[str, Any]] = []

    def keep(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/entries"):
            posted.append(json.loads(request.post_data or "{}"))

    page.on("request", keep)
    fill(page, "#meeting-date", met.isoformat())
    fill(page, "#meeting-notes", "Practised the interview")
    save(mentee, "#meeting-form")
    # The month beside the envelope, and nothing finer: not the day, not the notes.
    assert len(posted) == 1
    assert posted[0]["meeting_month"] == met.isoformat()[:7]
    assert met.isoformat() not in json.dumps(posted[0])
    assert (
        sql(instance, "SELECT meeting_month FROM entries WHERE entry_type = 'meeting'")[0][0]
        == (met.isoformat()[:7])
    )
    assert "Practised" not in json.dumps(posted[0])
    label = format_date(met, "LLL y", locale="en")
    assert _months_on_dashboard(app, pair.programme_id) == {label: 1}
    mentee.problems.assert_none()
