"""The notebook listing kept in memory per notebook version (notebook/listing.py, migration
0024): never stale after any write, whichever connection or thread made it; never another pair's;
bounded; and the access check still runs first on every request."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import brotli
import pytest
from flask import Flask

from memberclient.client import Client, ClientError, Entry
from tests.helpers import (
    MENTOR,
    PASSPHRASE,
    Pair,
    login_browserless,
    new_pair,
    open_db,
    synthetic_pair,
)
from workspace.core import clock
from workspace.notebook import listing

AGREEMENT = {"schema": 1, "goals": "Agreed words"}


@pytest.fixture(autouse=True)
def _reset_clock() -> object:
    yield
    clock.reset()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pair ids of every listing built from the database (not served from the cache)."""
    made: list[str] = []
    real = listing.build

    def counted(conn: Any, pair_id: str, *args: Any) -> str:
        made.append(pair_id)
        return real(conn, pair_id, *args)

    monkeypatch.setattr(listing, "build", counted)
    return made


def _elsewhere(write: Callable[[], object]) -> None:
    """Run a write on another thread (so on another request and pooled connection) and wait."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            write()
        except BaseException as error:  # noqa: BLE001 - handed back to the test below
            failed.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]


def _raw_write(instance: Path, statement: str, *params: object) -> None:
    """A write from a connection of its own, as a tool or a second server process makes it."""
    conn = open_db(instance)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(statement, params)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _read_twice(client: Client, pair_id: str, builds: list[str]) -> dict[str, Any]:
    """The listing, asked twice: the second answer comes from the cache (nothing built) and is
    the same; so each check below is made against a cache that was really in use."""
    before = len(builds)
    first = client.notebook(pair_id)
    assert len(builds) == before + 1, "the write did not move the listing's version"
    again = client.notebook(pair_id)
    assert len(builds) == before + 1, "the unchanged listing was built again"
    assert again == first
    return first


def _ids(data: dict[str, Any]) -> list[str]:
    return [e["entry_id"] for e in data["entries"]]


def test_every_write_shows_at_once_on_another_thread_and_connection(
    app: Flask, pair: Pair, instance: Path, builds: list[str]
) -> None:
    pid, mentor, mentee = pair.id, pair.mentor, pair.mentee
    start = _read_twice(mentee, pid, builds)
    assert start["entries"] == [] and start["phase"]["current"] == "start"

    made: dict[str, Entry] = {}
    _elsewhere(lambda: made.update(goal=mentor.add_entry(pid, "goal", {"title": "One"})))
    assert _ids(_read_twice(mentee, pid, builds)) == [made["goal"].entry_id]

    _elsewhere(lambda: made.update(goal=mentor.edit_entry(pid, made["goal"], {"title": "Two"})))
    [row] = _read_twice(mentee, pid, builds)["entries"]
    assert row["revision"] == 2
    assert [e.body for e in mentee.entries(pid) if isinstance(e, Entry)] == [
        {"schema": 1, "title": "Two"}
    ]

    _elsewhere(lambda: mentor.delete_entry(pid, made["goal"]))
    assert _read_twice(mentee, pid, builds)["entries"] == []

    _elsewhere(lambda: made.update(agreement=mentor.add_entry(pid, "agreement", AGREEMENT)))
    _read_twice(mentee, pid, builds)
    _elsewhere(lambda: mentor.confirm(pid, made["agreement"]))
    seen = _read_twice(mentee, pid, builds)
    assert [c["user_id"] for c in seen["confirmations"]] == [mentor.user_id]
    assert seen["phase"]["derived"] == "start"
    _elsewhere(lambda: mentee.confirm(pid, made["agreement"]))
    assert _read_twice(mentor, pid, builds)["phase"]["derived"] == "working"

    _elsewhere(lambda: mentor.set_phase(pid, "closing"))
    seen = _read_twice(mentee, pid, builds)
    assert seen["phase"]["override"] == "closing"
    assert seen["phase"]["override_by"] == mentor.user_id

    # Writes no API route makes, from a connection of their own: a consent (meeting months
    # follow both members' consents), an entry's flag, the phase put back.
    assert seen["meeting_months"] is False
    for user in (mentor.user_id, mentee.user_id):
        _elsewhere(
            lambda user=user: _raw_write(
                instance,
                "INSERT INTO consents (pair_id, user_id, signal, decision, wording_sha, "
                "decided_at) VALUES (?, ?, 'meetings', 1, 'x', ?)",
                pid,
                user,
                clock.iso(),
            )
        )
    assert _read_twice(mentee, pid, builds)["meeting_months"] is True
    _elsewhere(lambda: _raw_write(instance, "UPDATE entries SET done = 1"))
    assert [e["done"] for e in _read_twice(mentee, pid, builds)["entries"]] == [True]
    _elsewhere(lambda: _raw_write(instance, "UPDATE notebooks SET phase_override = NULL"))
    assert _read_twice(mentee, pid, builds)["phase"]["override"] is None

    # The mentor leaves: what they wrote is re-sealed without their name, and the partner's
    # listing says so at once.
    _elsewhere(lambda: mentor.delete_account(MENTOR[1]))
    after = _read_twice(mentee, pid, builds)
    assert mentor.user_id is None and after["entries"]
    assert all(e["author_id"] != made["agreement"].author_id for e in after["entries"])
    assert all(c["user_id"] == mentee.user_id for c in after["confirmations"])


def test_each_query_is_kept_apart_and_moves_with_the_notebook(
    pair: Pair, builds: list[str]
) -> None:
    pid, mentor, mentee = pair.id, pair.mentor, pair.mentee
    goal = mentor.add_entry(pid, "goal", {"title": "Goal"})
    meeting = mentor.add_entry(pid, "meeting", {"notes": "Met"})
    built = len(builds)
    assert _ids(mentee.notebook(pid, ("goal",))) == [goal.entry_id]
    assert _ids(mentee.notebook(pid, ("meeting",))) == [meeting.entry_id]
    since = mentee.request("GET", f"/api/v1/pairs/{pid}/entries?since=2000-01-01T00:00:00Z")
    assert all(e["envelope"] is not None for e in since["entries"])
    assert len(builds) == built + 3
    assert _ids(mentee.notebook(pid, ("goal",))) == [goal.entry_id]  # kept
    assert len(builds) == built + 3
    mentor.delete_entry(pid, goal)
    assert _ids(mentee.notebook(pid, ("goal",))) == []
    assert _ids(mentee.notebook(pid, ("meeting",))) == [meeting.entry_id]
    assert len(builds) == built + 5


def _second_pair(app: Flask, pair: Pair) -> tuple[str, Client]:
    setup = new_pair(
        app, pair.organiser, "mentor2@example.org", "mentee2@example.org", pair.programme_id
    )
    mentor, mentee = Client.for_app(app), Client.for_app(app)
    mentor.register(setup.mentor_link, PASSPHRASE + " m2", "Mikko")
    mentee.register(setup.mentee_link, PASSPHRASE + " e2", "Eeva")
    for member in (mentor, mentee, mentor, mentee):
        member.sync_pair(setup.pair_id)
    return setup.pair_id, mentor


def test_another_pair_never_gets_a_kept_listing(app: Flask, pair: Pair, builds: list[str]) -> None:
    mine = pair.mentor.add_entry(pair.id, "meeting", {"notes": "Ours"})
    ours = pair.mentor.notebook(pair.id)
    other_pair, stranger = _second_pair(app, pair)
    theirs_entry = stranger.add_entry(other_pair, "meeting", {"notes": "Theirs"})
    pair.mentor.notebook(pair.id)  # kept now
    with pytest.raises(ClientError) as caught:
        stranger.notebook(pair.id)
    assert caught.value.status == 404
    theirs = stranger.notebook(other_pair)
    assert theirs["notebook_id"] != ours["notebook_id"]
    assert _ids(theirs) == [theirs_entry.entry_id] and _ids(ours) == [mine.entry_id]
    # Signed out, nothing; the kept listing is no reason to skip the check.
    web = app.test_client()
    assert web.get(f"/api/v1/pairs/{pair.id}/entries").status_code == 401
    # A member the organiser removed from the pair no longer reads it, kept or not.
    _raw_write(
        Path(app.instance_path),
        "DELETE FROM pair_members WHERE pair_id = ? AND user_id = ?",
        other_pair,
        stranger.user_id,
    )
    with pytest.raises(ClientError) as caught:
        stranger.notebook(other_pair)
    assert caught.value.status == 404


def test_compressed_and_conditional_answers_follow_the_version(app: Flask, pair: Pair) -> None:
    pid = pair.id
    for n in range(5):
        pair.mentor.add_entry(pid, "meeting", {"notes": f"Meeting {n}"})
    web = app.test_client()
    login_browserless(web, *MENTOR)
    plain = web.get(f"/api/v1/pairs/{pid}/entries")
    same_site = {"Sec-Fetch-Site": "same-origin"}
    br = web.get(f"/api/v1/pairs/{pid}/entries", headers={**same_site, "Accept-Encoding": "br"})
    gz = web.get(f"/api/v1/pairs/{pid}/entries", headers={**same_site, "Accept-Encoding": "gzip"})
    assert br.headers["Content-Encoding"] == "br" and gz.headers["Content-Encoding"] == "gzip"
    assert brotli.decompress(br.get_data()) == plain.get_data()
    assert gzip.decompress(gz.get_data()) == plain.get_data()
    assert len({plain.headers["ETag"], br.headers["ETag"], gz.headers["ETag"]}) == 3
    assert "Accept-Encoding" in plain.headers["Vary"]
    # Cross-site, the answer stays plain (BREACH: core.compress).
    cross = web.get(f"/api/v1/pairs/{pid}/entries", headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in cross.headers and cross.get_data() == plain.get_data()
    etag = plain.headers["ETag"]
    unchanged = web.get(f"/api/v1/pairs/{pid}/entries", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["Cache-Control"] == "no-store"
    pair.mentee.add_entry(pid, "meeting", {"notes": "One more"})
    changed = web.get(f"/api/v1/pairs/{pid}/entries", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert len(changed.get_json()["entries"]) == 6


def _listing(body: bytes) -> listing.Listing:
    return listing.Listing(body, "etag")


def test_the_cache_stays_within_its_bytes_and_drops_older_versions() -> None:
    kept = listing.ListingCache(limit=250)
    a1, a2, b1 = (
        ("p_a", "n_a", 1, (), None),
        ("p_a", "n_a", 2, (), None),
        ("p_b", "n_b", 1, (), None),
    )
    kept.put(a1, _listing(b"x" * 100))
    kept.put(b1, _listing(b"y" * 100))
    assert kept.held() == 200
    kept.put(a2, _listing(b"z" * 100))  # a1 goes: a newer version of its notebook is kept
    assert kept.get(a1) is None and kept.held() == 200
    kept.put(a1, _listing(b"x" * 100))  # a late builder of the old version is not kept
    assert kept.get(a1) is None
    found = kept.get(b1)
    assert found is not None
    kept.add_packed(b1, found, "br", b"p" * 40)
    assert kept.held() == 240
    kept.put(("p_c", "n_c", 1, (), None), _listing(b"w" * 100))  # over: least recently used goes
    assert kept.get(a2) is None and kept.get(b1) is not None and kept.held() == 240


# Every kind of write to every table the listing is made of, straight in SQL (so no module can
# be the reason it works), cascades included; and one write to another pair's rows.
WRITES = [
    "INSERT INTO entries (id, notebook_id, entry_type, author_id, revision, envelope, size, "
    "created_at, updated_at) VALUES ('e_2', 'n_A', 'goal', 'u_A_mentor', 1, '{}', 2, 'x', 'x')",
    "UPDATE entries SET envelope = '{\"v\":2}' WHERE id = 'e_1'",
    "INSERT INTO confirmations (entry_id, user_id, revision, envelope_sha, confirmed_at) "
    "VALUES ('e_1', 'u_A_mentee', 1, 'sha', 'x')",
    "UPDATE confirmations SET sig = 'sig' WHERE entry_id = 'e_1'",
    "INSERT OR IGNORE INTO confirmations (entry_id, user_id, revision, envelope_sha, "
    "confirmed_at) VALUES ('e_1', 'u_A_mentor', 1, 'sha', 'x')",
    "DELETE FROM confirmations WHERE user_id = 'u_A_mentee'",
    "INSERT INTO carried_confirmations (entry_id, revision, member_id, confirmed_at) "
    "VALUES ('e_1', 1, 'u_A_mentee', 'x')",
    "UPDATE carried_confirmations SET revision = 2",
    "DELETE FROM carried_confirmations",
    "INSERT INTO consents (pair_id, user_id, signal, decision, wording_sha, decided_at) "
    "VALUES ('p_A', 'u_A_mentor', 'meetings', 1, 'x', 'x')",
    "UPDATE consents SET decision = 0",
    "DELETE FROM consents",
    "UPDATE pair_members SET removed_at = 'x' WHERE user_id = 'u_A_mentee'",
    "UPDATE notebooks SET phase_override = 'closing' WHERE id = 'n_A'",
    "UPDATE notebooks SET key_version = 2 WHERE id = 'n_A'",
    "DELETE FROM entries WHERE id = 'e_2'",
    "DELETE FROM users WHERE id = 'u_A_mentor'",  # cascades: members, confirmations, created_by
    "DELETE FROM pair_members WHERE user_id = 'u_A_mentee'",
]


def test_every_write_the_listing_is_made_of_moves_its_version(instance: Path, app: Flask) -> None:
    conn = open_db(instance)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO programmes (id, name, language, start_date, mid_date, end_date, "
            "created_at) VALUES ('g_1', 'P', 'fi', 'x', 'x', 'x', 'x')"
        )
        synthetic_pair(conn, "g_1", "A")
        synthetic_pair(conn, "g_1", "B")
        conn.execute(
            "INSERT INTO entries (id, notebook_id, entry_type, created_by, author_id, revision, "
            "envelope, size, created_at, updated_at) "
            "VALUES ('e_1', 'n_A', 'agreement', 'u_A_mentor', 'u_A_mentor', 1, '{}', 2, 'x', 'x')"
        )
        conn.execute("COMMIT")

        def versions() -> tuple[int, int]:
            rows = dict(conn.execute("SELECT id, listing_version FROM notebooks").fetchall())
            return rows["n_A"], rows["n_B"]

        seen = set(versions())
        for statement in WRITES:
            before_a, before_b = versions()
            conn.execute("BEGIN IMMEDIATE")
            assert conn.execute(statement).rowcount >= 1, statement
            conn.execute("COMMIT")
            after_a, after_b = versions()
            assert after_a != before_a and after_a not in seen, statement
            assert after_b == before_b, statement
            seen.add(after_a)
        # Made again with the same id, a notebook gets a version it never had.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM notebooks WHERE id = 'n_A'")
        conn.execute(
            "INSERT INTO notebooks (id, pair_id, key_version, created_at) "
            "VALUES ('n_A', 'p_A', 1, 'x')"
        )
        conn.execute("COMMIT")
        assert versions()[0] not in seen
    finally:
        conn.close()
