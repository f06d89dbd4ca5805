"""A meeting's month as metadata (issue 18, finding 4): the member's client states it beside the
envelope only while both members share their meetings, the server keeps it only then and
refuses anything but a year and a month, and "Meetings per month" counts by it (falling back to
the month a meeting was logged)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import crypto
from tests.helpers import PASSPHRASE, Pair, csrf_token, login_browserless, open_db, sql
from workspace.core import clock
from workspace.sharing import signals


def _last_month() -> date:
    return clock.now().date().replace(day=1) - timedelta(days=20)


def _consent(app: Flask, pair_id: str, decision: str, *who: str) -> None:
    """Members give or withdraw consent to "meetings" through the real sharing form."""
    for role in who or ("mentor", "mentee"):
        client = app.test_client()
        email = f"{role}@example.org"
        assert login_browserless(client, email, f"{PASSPHRASE} {role}").status_code == 200
        token = csrf_token(client, f"/pairs/{pair_id}/sharing")
        response = client.post(
            f"/pairs/{pair_id}/sharing",
            data={"csrf_token": token, "signal": "meetings", "decision": decision},
        )
        assert response.status_code == 303


def _sent(member: Any) -> list[dict[str, Any]]:
    """Record the bodies a Python client sends."""
    seen: list[dict[str, Any]] = []
    real = member.request

    def spy(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if body is not None and "/entries" in path:
            seen.append(body)
        return real(method, path, body)

    member.request = spy
    return seen


def _month_of(instance: Path, entry_id: str) -> str | None:
    return sql(instance, "SELECT meeting_month FROM entries WHERE id = ?", entry_id)[0][0]


def _visible(app: Flask, instance: Path, pair_id: str) -> dict[str, Any]:
    conn = open_db(instance)
    try:
        with app.test_request_context():
            one = signals.visible(conn, pair_id)["meetings"]
            programme = sql(instance, "SELECT programme_id FROM pairs WHERE id = ?", pair_id)[0][0]
            (row,) = [s for s in signals.statuses(conn, programme) if s["pair"]["id"] == pair_id]
            computed = signals.compute(conn, pair_id)["meetings"]
    finally:
        conn.close()
    # The set queries and the one-pair rules agree.
    assert row["signals"]["meetings"] == one
    if one is not None:
        assert computed == one
    return one


def test_no_month_is_stated_or_kept_while_the_meetings_are_not_shared(
    app: Flask, instance: Path, pair: Pair
) -> None:
    day = _last_month().isoformat()
    sent = _sent(pair.mentor)
    entry = pair.mentor.add_entry(pair.id, "meeting", {"date": day, "notes": "x"})
    assert all("meeting_month" not in body for body in sent)
    assert _month_of(instance, entry.entry_id) is None
    # Only one of the two shares: still off.
    _consent(app, pair.id, "1", "mentor")
    pair.mentor.edit_entry(pair.id, entry, {"date": day, "notes": "y"})
    assert all("meeting_month" not in body for body in sent)
    assert pair.mentor.notebook(pair.id)["meeting_months"] is False
    # A client that states one anyway (a stale page): the server does not keep it.
    nb = pair.mentor.notebook(pair.id)
    entry_id = crypto.new_entry_id()
    ctx = crypto.EntryContext(nb["notebook_id"], entry_id, "meeting", 1, 1, pair.mentor.user_id)
    row = pair.mentor.request(
        "POST",
        f"/api/v1/pairs/{pair.id}/entries",
        {
            "entry_id": entry_id,
            "type": "meeting",
            "envelope": crypto.seal_entry(
                pair.mentor.notebook_keys[(nb["notebook_id"], 1)], ctx, {}
            ),
            "meeting_month": day[:7],
        },
    )
    assert row["meeting_month"] is None and _month_of(instance, entry_id) is None


def test_a_shared_meeting_is_counted_in_the_month_it_took_place(
    app: Flask, instance: Path, pair: Pair
) -> None:
    _consent(app, pair.id, "1")
    assert pair.mentor.notebook(pair.id)["meeting_months"] is True
    met = _last_month()
    logged = clock.now().date().isoformat()[:7]
    sent = _sent(pair.mentee)
    entry = pair.mentee.add_entry(pair.id, "meeting", {"date": met.isoformat(), "notes": "CV"})
    # Only the month leaves the device: no day, nothing else of the body.
    assert sent[-1]["meeting_month"] == met.isoformat()[:7]
    assert met.isoformat() not in str(sent[-1])
    assert _month_of(instance, entry.entry_id) == met.isoformat()[:7]
    listed = pair.mentor.notebook(pair.id, ("meeting",))["entries"]
    assert [e["meeting_month"] for e in listed] == [met.isoformat()[:7]]
    # A meeting without a date, and a goal, count as before: the month they were logged.
    pair.mentor.add_entry(pair.id, "meeting", {"notes": "no date"})
    pair.mentor.add_entry(pair.id, "goal", {"title": "CV", "date": met.isoformat()})
    seen = _visible(app, instance, pair.id)
    assert seen == {"total": 2, "by_month": {met.isoformat()[:7]: 1, logged: 1}}
    # An edit restates it; an edit that drops the date drops the month.
    entry = pair.mentee.edit_entry(pair.id, entry, {"notes": "CV, undated now"})
    assert _month_of(instance, entry.entry_id) is None
    assert _visible(app, instance, pair.id) == {"total": 2, "by_month": {logged: 2}}
    entry = pair.mentee.edit_entry(pair.id, entry, {"date": met.isoformat(), "notes": "CV"})
    assert _month_of(instance, entry.entry_id) == met.isoformat()[:7]
    # Either member stopping: every stated month goes, the count falls back to the logged month.
    _consent(app, pair.id, "0", "mentee")
    assert _month_of(instance, entry.entry_id) is None
    assert _visible(app, instance, pair.id) is None
    _consent(app, pair.id, "1", "mentee")
    assert _visible(app, instance, pair.id) == {"total": 2, "by_month": {logged: 2}}


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-00", "2026-1", "26-11", "2026-11-05", 202611, "", "2026-11 ", None]
)
def test_a_malformed_month_is_refused_at_its_field_and_nothing_is_stored(
    app: Flask, instance: Path, pair: Pair, month: Any
) -> None:
    _consent(app, pair.id, "1")
    before = sql(instance, "SELECT count(*) FROM entries")[0][0]
    nb = pair.mentor.notebook(pair.id)["notebook_id"]
    key = pair.mentor.notebook_keys[(nb, 1)]
    entry_id = crypto.new_entry_id()
    ctx = crypto.EntryContext(nb, entry_id, "meeting", 1, 1, pair.mentor.user_id)
    data = {
        "entry_id": entry_id,
        "type": "meeting",
        "envelope": crypto.seal_entry(key, ctx, {}),
        "meeting_month": month,
    }
    client = app.test_client()
    assert (
        login_browserless(client, "mentor@example.org", f"{PASSPHRASE} mentor").status_code == 200
    )
    token = csrf_token(client)
    answer = client.post(
        f"/api/v1/pairs/{pair.id}/entries", json=data, headers={"X-CSRFToken": token}
    )
    if month is None:  # not stated at all
        assert answer.status_code == 201
        return
    assert answer.status_code == 400
    assert answer.get_json()["field"] == "meeting_month"
    assert sql(instance, "SELECT count(*) FROM entries")[0][0] == before


def test_a_month_on_anything_but_a_meeting_is_refused(
    app: Flask, instance: Path, pair: Pair
) -> None:
    _consent(app, pair.id, "1")
    goal = pair.mentor.add_entry(pair.id, "goal", {"title": "CV"})
    nb = pair.mentor.notebook(pair.id)["notebook_id"]
    key = pair.mentor.notebook_keys[(nb, 1)]
    ctx = crypto.EntryContext(nb, goal.entry_id, "goal", 1, 2, pair.mentor.user_id)
    client = app.test_client()
    assert (
        login_browserless(client, "mentor@example.org", f"{PASSPHRASE} mentor").status_code == 200
    )
    answer = client.put(
        f"/api/v1/pairs/{pair.id}/entries/{goal.entry_id}",
        json={
            "base_revision": 1,
            "envelope": crypto.seal_entry(key, ctx, {"title": "CV"}),
            "meeting_month": "2026-11",
        },
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert answer.status_code == 400 and answer.get_json()["field"] == "meeting_month"
    (row,) = sql(
        instance, "SELECT revision, meeting_month FROM entries WHERE id = ?", goal.entry_id
    )
    assert tuple(row) == (1, None)
