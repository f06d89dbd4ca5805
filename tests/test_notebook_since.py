"""The notebook listing asked `since` a moment (issue 18, finding 13): entries not updated after
it come without their envelope (the client holds them opened), the rest as always."""

from __future__ import annotations

from pathlib import Path

import pytest

from memberclient.client import ClientError
from tests.helpers import Pair, sql


def test_only_what_changed_since_comes_sealed(instance: Path, pair: Pair) -> None:
    old = pair.mentor.add_entry(pair.id, "goal", {"title": "CV"})
    new = pair.mentor.add_entry(pair.id, "meeting", {"notes": "first"})
    sql(
        instance,
        "UPDATE entries SET updated_at = '2026-01-01T10:00:00Z' WHERE id = ?",
        old.entry_id,
    )
    sql(
        instance,
        "UPDATE entries SET updated_at = '2026-01-02T10:00:00Z' WHERE id = ?",
        new.entry_id,
    )
    base = f"/api/v1/pairs/{pair.id}/entries"

    def envelopes(query: str) -> dict[str, bool]:
        listing = pair.mentee.request("GET", base + query)
        return {e["entry_id"]: e["envelope"] is not None for e in listing["entries"]}

    assert envelopes("") == {old.entry_id: True, new.entry_id: True}
    assert envelopes("?since=2026-01-01T10:00:00Z") == {old.entry_id: False, new.entry_id: True}
    assert envelopes("?since=2026-01-02T10:00:00Z&type=meeting") == {new.entry_id: False}
    # The metadata that checks a kept copy is always there.
    listing = pair.mentee.request("GET", base + "?since=2030-01-01T00:00:00Z")
    assert {(e["entry_id"], e["revision"], e["author_id"]) for e in listing["entries"]} == {
        (old.entry_id, 1, pair.mentor.user_id),
        (new.entry_id, 1, pair.mentor.user_id),
    }


def test_a_malformed_since_is_refused(pair: Pair) -> None:
    for since in ("yesterday", "2026-01-01", "2026-01-01T10:00:00", "2026-01-01T10:00:00.5Z"):
        with pytest.raises(ClientError) as refused:
            pair.mentee.request("GET", f"/api/v1/pairs/{pair.id}/entries?since={since}")
        assert refused.value.status == 400 and refused.value.body["field"] == "since", since
