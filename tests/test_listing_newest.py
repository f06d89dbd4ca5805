"""`GET …/entries?newest=N`: the entries written last, for the meeting log's first page on a
device that has kept nothing (issue 19); the rest of the answer as without it."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import MENTOR, ORGANISER, joined_pair, login_browserless


def _mentor(app: Flask) -> FlaskClient:
    web = app.test_client()
    assert login_browserless(web, *MENTOR).status_code == 200
    return web


def test_newest_lists_the_entries_written_last_oldest_first_with_the_same_head(
    app: Flask,
) -> None:
    pair = joined_pair(app)
    written = [
        pair.mentee.add_entry(pair.id, "meeting", {"theme": f"T{n}"}).entry_id for n in range(5)
    ]
    pair.mentor.add_entry(pair.id, "goal", {"title": "G"})
    web = _mentor(app)
    base = f"/api/v1/pairs/{pair.id}/entries?type=meeting"
    whole = web.get(base)
    newest = web.get(f"{base}&newest=2")
    assert whole.status_code == newest.status_code == 200
    assert [e["entry_id"] for e in whole.get_json()["entries"]] == written
    assert [e["entry_id"] for e in newest.get_json()["entries"]] == written[-2:]
    assert all(e["envelope"] for e in newest.get_json()["entries"])
    head = {k: v for k, v in whole.get_json().items() if k != "entries"}
    assert {k: v for k, v in newest.get_json().items() if k != "entries"} == head
    assert newest.headers["ETag"] != whole.headers["ETag"]
    # More than there are: all of them. Every kind: the goal too, written last.
    assert len(web.get(f"{base}&newest=100").get_json()["entries"]) == 5
    every = web.get(f"/api/v1/pairs/{pair.id}/entries?newest=1").get_json()["entries"]
    assert [e["type"] for e in every] == ["goal"]
    # Kept apart from the whole listing, and changed by a write like it.
    assert web.get(base).get_json()["entries"] == whole.get_json()["entries"]
    late = pair.mentee.add_entry(pair.id, "meeting", {"theme": "late"}).entry_id
    again = web.get(f"{base}&newest=2").get_json()["entries"]
    assert [e["entry_id"] for e in again] == [written[-1], late]


@pytest.mark.parametrize(
    "query",
    [
        "newest=0",
        "newest=101",
        "newest=abc",
        "newest=%C2%B2",
        "newest=",
        "newest=-1",
        "newest=2&since=2026-01-01T00:00:00Z",
    ],
)
def test_a_newest_that_is_not_a_count_from_1_to_100_is_refused(app: Flask, query: str) -> None:
    pair = joined_pair(app)
    web = _mentor(app)
    answer = web.get(f"/api/v1/pairs/{pair.id}/entries?type=meeting&{query}")
    assert answer.status_code == 400
    assert answer.get_json()["field"] == "newest"


def test_newest_is_for_members_only(app: Flask) -> None:
    pair = joined_pair(app)
    organiser = app.test_client()
    assert login_browserless(organiser, *ORGANISER).status_code == 200
    assert organiser.get(f"/api/v1/pairs/{pair.id}/entries?newest=2").status_code == 404
    assert app.test_client().get(f"/api/v1/pairs/{pair.id}/entries?newest=2").status_code == 401
