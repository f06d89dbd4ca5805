"""The notebook through the Python client: process, conflicts, integrity, privacy, access."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from memberclient.client import Client, ClientError, Entry, IntegrityError
from tests.helpers import PASSPHRASE, Pair, everything_on_disk, new_pair, open_db

AGREEMENT = {
    "schema": 1,
    "goals": "Learn the unwritten rules of Finnish working life",
    "start": "2027-01-15",
    "end": "2027-06-15",
    "meetings": "Every other Tuesday at the library café",
    "contact": "Email",
    "ground_rules": "We keep what is said between us",
    "feedback": "At the end of each meeting",
    "evaluation": "In May",
}


def _opened(items: list[Entry | IntegrityError]) -> list[Entry]:
    assert all(isinstance(i, Entry) for i in items), items
    return [i for i in items if isinstance(i, Entry)]


def _phase(client: Client, pair_id: str) -> str:
    return client.notebook(pair_id)["phase"]["current"]


def test_whole_process_moves_the_phase(pair: Pair) -> None:
    pid = pair.id
    assert _phase(pair.mentor, pid) == "start"
    agreement = pair.mentee.add_entry(pid, "agreement", AGREEMENT)
    pair.mentee.confirm(pid, agreement)
    assert _phase(pair.mentor, pid) == "start"
    pair.mentor.confirm(pid, agreement)
    assert _phase(pair.mentee, pid) == "working"
    # An edit voids both confirmations until both confirm the new revision.
    edited = pair.mentor.edit_entry(pid, agreement, {**AGREEMENT, "contact": "Phone"})
    assert edited.revision == 2 and edited.author_id == pair.mentor.user_id
    assert _phase(pair.mentee, pid) == "start"
    listing = pair.mentee.notebook(pid)
    assert listing["confirmations"] == []
    assert sorted(
        (c["user_id"], c["revision"]) for c in listing["earlier_confirmations"]
    ) == sorted([(pair.mentor.user_id, 1), (pair.mentee.user_id, 1)])
    with pytest.raises(ClientError) as caught:
        pair.mentee.confirm(pid, agreement)  # the old revision can no longer be confirmed
    assert caught.value.status == 409
    pair.mentee.confirm(pid, edited)
    listing = pair.mentor.notebook(pid)
    assert [(c["user_id"], c["revision"]) for c in listing["confirmations"]] == [
        (pair.mentee.user_id, 2)
    ]
    assert [(c["user_id"], c["revision"]) for c in listing["earlier_confirmations"]] == [
        (pair.mentor.user_id, 1)
    ]
    pair.mentor.confirm(pid, edited)
    assert pair.mentor.notebook(pid)["earlier_confirmations"] == []
    assert _phase(pair.mentor, pid) == "working"
    goal = pair.mentee.add_entry(
        pid, "goal", {"schema": 1, "title": "Update my CV", "status": "open"}
    )
    pair.mentor.add_entry(
        pid, "meeting", {"schema": 1, "date": "2027-02-01", "goals": [goal.entry_id]}
    )
    pair.mentee.add_entry(pid, "meeting", {"schema": 1, "date": "2027-02-15", "notes": "Interview"})
    seen_by_mentor = _opened(pair.mentor.entries(pid))
    seen_by_mentee = _opened(pair.mentee.entries(pid))
    assert [e.body for e in seen_by_mentor] == [e.body for e in seen_by_mentee]
    assert sum(e.type == "meeting" for e in seen_by_mentor) == 2
    mentor_eval = pair.mentor.add_entry(pid, "evaluation", {"schema": 1, "learned": "Patience"})
    assert _phase(pair.mentee, pid) == "closing"
    pair.mentor.edit_entry(pid, mentor_eval, {"schema": 1, "learned": "Patience"}, done=True)
    pair.mentee.add_entry(pid, "evaluation", {"schema": 1, "learned": "Networking"}, done=True)
    assert _phase(pair.mentee, pid) == "completed"
    pair.mentee.set_phase(pid, "working")
    assert _phase(pair.mentor, pid) == "working"
    # Moved back by hand, the phase holds while the work does not move the derived phase...
    finished = _opened(pair.mentor.entries(pid, ("evaluation",)))
    mine = next(e for e in finished if e.created_by == pair.mentor.user_id)
    mine = pair.mentor.edit_entry(pid, mine, {"schema": 1, "learned": "Patience and more"})
    assert mine.done is True  # an edit keeps "finished" unless told otherwise
    assert _phase(pair.mentor, pid) == "working"
    pair.mentee.set_phase(pid, None)
    assert _phase(pair.mentor, pid) == "completed"


def test_a_phase_moved_by_hand_follows_the_work_once_it_catches_up(app: Flask, pair: Pair) -> None:
    pid = pair.id
    pair.mentor.set_phase(pid, "working")  # they agreed orally and start meeting at once
    assert pair.mentee.notebook(pid)["phase"] == {
        "derived": "start",
        "override": "working",
        "override_by": pair.mentor.user_id,
        "current": "working",
    }
    # The partner reads who moved it; the one who moved it reads "you".
    from tests.helpers import login_browserless

    for email, passphrase, words in (
        ("mentee@example.org", PASSPHRASE + " mentee", "Maija moved the phase by hand"),
        ("mentor@example.org", PASSPHRASE + " mentor", "You moved the phase by hand"),
    ):
        web = app.test_client()
        web.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        login_browserless(web, email, passphrase)
        assert words in web.get(f"/pairs/{pid}/notebook").get_data(as_text=True)
    pair.mentor.add_entry(pid, "meeting", {"schema": 1, "notes": "First"})
    assert _phase(pair.mentee, pid) == "working"
    # An evaluation begun moves the derived phase past the manual one: the work leads again.
    pair.mentee.add_entry(pid, "evaluation", {"schema": 1, "learned": "A lot"})
    assert pair.mentor.notebook(pid)["phase"] == {
        "derived": "closing",
        "override": None,
        "override_by": None,
        "current": "closing",
    }


def test_entries_made_in_the_same_second_keep_their_order(pair: Pair) -> None:
    made = [
        (pair.mentor if n % 2 else pair.mentee).add_entry(
            pair.id, "goal", {"schema": 1, "title": f"Goal {n}"}
        )
        for n in range(8)
    ]
    listed = _opened(pair.mentee.entries(pair.id))
    assert [e.entry_id for e in listed] == [e.entry_id for e in made]


def test_partner_cannot_edit_my_evaluation(pair: Pair) -> None:
    mine = pair.mentor.add_entry(pair.id, "evaluation", {"schema": 1, "learned": "x"})
    with pytest.raises(ClientError) as caught:
        pair.mentee.edit_entry(pair.id, mine, {"schema": 1, "learned": "changed"})
    assert caught.value.status == 404
    with pytest.raises(ClientError) as caught:
        pair.mentor.add_entry(pair.id, "evaluation", {"schema": 1})
    assert caught.value.status == 409


def test_stale_save_is_a_conflict_not_an_overwrite(pair: Pair) -> None:
    pid = pair.id
    original = pair.mentor.add_entry(pid, "meeting", {"schema": 1, "notes": "first"})
    (stale,) = [e for e in _opened(pair.mentee.entries(pid)) if e.entry_id == original.entry_id]
    pair.mentor.edit_entry(pid, original, {"schema": 1, "notes": "mentor's text"})
    with pytest.raises(ClientError) as caught:
        pair.mentee.edit_entry(pid, stale, {"schema": 1, "notes": "mentee's text"})
    assert caught.value.status == 409
    current = pair.mentee._open(pid, caught.value.body["current"])
    assert current.body["notes"] == "mentor's text"
    merged = pair.mentee.edit_entry(
        pid, current, {"schema": 1, "notes": "mentor's text\nmentee's text"}
    )
    assert merged.revision == 3
    (final,) = [e for e in _opened(pair.mentor.entries(pid)) if e.entry_id == original.entry_id]
    assert "mentor's text" in final.body["notes"] and "mentee's text" in final.body["notes"]


def _swap(instance: Path, sql: str, *params: object) -> None:
    conn = open_db(instance)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_tampered_moved_and_replayed_entries_fail_to_open(
    app: Flask, pair: Pair, instance: Path
) -> None:
    other = new_pair(app, pair.organiser, "m2@example.org", "e2@example.org", pair.programme_id)
    m2, e2 = Client.for_app(app), Client.for_app(app)
    m2.register(other.mentor_link, PASSPHRASE + "2", "M2")
    e2.register(other.mentee_link, PASSPHRASE + "3", "E2")
    for c in (m2, e2, m2, e2):
        c.sync_pair(other.pair_id)
    ours = pair.mentor.add_entry(pair.id, "meeting", {"schema": 1, "notes": "ours"})
    theirs = m2.add_entry(other.pair_id, "meeting", {"schema": 1, "notes": "theirs"})
    # Moved: another pair's ciphertext (valid under their key) under our entry's row.
    conn = open_db(instance)
    their_envelope = conn.execute(
        "SELECT envelope FROM entries WHERE id = ?", (theirs.entry_id,)
    ).fetchone()[0]
    conn.close()
    _swap(instance, "UPDATE entries SET envelope = ? WHERE id = ?", their_envelope, ours.entry_id)
    (result,) = pair.mentee.entries(pair.id)
    assert isinstance(result, IntegrityError) and result.entry_id == ours.entry_id
    # Replayed: an older revision's ciphertext under the current revision number.
    fresh = pair.mentor.add_entry(pair.id, "goal", {"schema": 1, "title": "v1"})
    conn = open_db(instance)
    old_envelope = conn.execute(
        "SELECT envelope FROM entries WHERE id = ?", (fresh.entry_id,)
    ).fetchone()[0]
    conn.close()
    newer = pair.mentor.edit_entry(pair.id, fresh, {"schema": 1, "title": "v2"})
    assert newer.revision == 2
    _swap(instance, "UPDATE entries SET envelope = ? WHERE id = ?", old_envelope, fresh.entry_id)
    results = {r.entry_id: r for r in pair.mentor.entries(pair.id)}
    assert isinstance(results[fresh.entry_id], IntegrityError)
    # Rolled back whole (revision number too): the reader has seen revision 2 already.
    _swap(
        instance,
        "UPDATE entries SET envelope = ?, revision = 1, author_id = ? WHERE id = ?",
        old_envelope,
        pair.mentor.user_id,
        fresh.entry_id,
    )
    results = {r.entry_id: r for r in pair.mentor.entries(pair.id)}
    assert isinstance(results[fresh.entry_id], IntegrityError)
    # The author field rewritten to someone outside the pair is refused too.
    _swap(instance, "UPDATE entries SET author_id = ? WHERE id = ?", m2.user_id, fresh.entry_id)
    results = {r.entry_id: r for r in pair.mentee.entries(pair.id)}
    assert isinstance(results[fresh.entry_id], IntegrityError)
    assert e2.user_id and theirs


def test_canary_words_never_reach_server_in_clear(pair: Pair, instance: Path) -> None:
    sent: list[str] = []
    real = pair.mentor._send

    def spy(method: str, path: str, body: object, headers: dict[str, str]) -> tuple[int, bytes]:
        sent.append(json.dumps(body))
        return real(method, path, body, headers)

    pair.mentor._send = spy
    canaries = {field: f"Canary{field.title()}Xq7" for field in AGREEMENT if field != "schema"}
    agreement = pair.mentor.add_entry(pair.id, "agreement", {"schema": 1, **canaries})
    pair.mentor.edit_entry(pair.id, agreement, {"schema": 1, **canaries, "extra": "CanaryEdit"})
    pair.mentor.add_entry(pair.id, "meeting", {"schema": 1, "notes": "CanaryMeetingNotes"})
    opened = _opened(pair.mentee.entries(pair.id))
    assert any(e.body.get("extra") == "CanaryEdit" for e in opened)
    disk = everything_on_disk(instance)
    traffic = "\n".join(sent)
    assert sent
    for word in [*canaries.values(), "CanaryEdit", "CanaryMeetingNotes"]:
        assert word not in traffic and word not in disk, word


def test_other_pair_and_organiser_get_404_on_every_notebook_route(app: Flask, pair: Pair) -> None:
    entry = pair.mentor.add_entry(pair.id, "agreement", AGREEMENT)
    meeting = pair.mentor.add_entry(pair.id, "meeting", {"schema": 1, "notes": "kept"})
    other = new_pair(app, pair.organiser, "m3@example.org", "e3@example.org", pair.programme_id)
    outsider = Client.for_app(app)
    outsider.register(other.mentor_link, PASSPHRASE + "x", "Out")
    outsider.sync_pair(other.pair_id)
    base = f"/api/v1/pairs/{pair.id}"
    routes = [
        ("GET", f"{base}/entries", None),
        ("POST", f"{base}/entries", {"entry_id": "e1", "type": "goal", "envelope": {}}),
        ("PUT", f"{base}/entries/{entry.entry_id}", {"base_revision": 1, "envelope": {}}),
        ("POST", f"{base}/entries/{entry.entry_id}/confirm", {"revision": 1}),
        ("DELETE", f"{base}/entries/{meeting.entry_id}", {"revision": 1}),
        ("POST", f"{base}/phase", {"phase": "working"}),
    ]
    for who in (outsider, pair.organiser):
        for method, path, body in routes:
            with pytest.raises(ClientError) as caught:
                who.request(method, path, body)
            assert caught.value.status == 404, (method, path)
    # Another pair's entry id under our own pair is a 404 too.
    own = outsider.request("GET", f"/api/v1/pairs/{other.pair_id}")
    assert own["pair_id"] == other.pair_id
    with pytest.raises(ClientError) as caught:
        outsider.request(
            "PUT",
            f"/api/v1/pairs/{other.pair_id}/entries/{entry.entry_id}",
            {"base_revision": 1, "envelope": {}},
        )
    assert caught.value.status == 404
    with pytest.raises(ClientError) as caught:
        outsider.request(
            "DELETE", f"/api/v1/pairs/{other.pair_id}/entries/{meeting.entry_id}", {"revision": 1}
        )
    assert caught.value.status == 404
    assert meeting.entry_id in {e.entry_id for e in _opened(pair.mentor.entries(pair.id))}


def _meetings_counted(app: Flask, pair_id: str) -> int:
    from workspace.core import db
    from workspace.sharing import signals

    conn = db.open_for_app(app)
    try:
        return signals.compute(conn, pair_id)["meetings"]["total"]
    finally:
        conn.close()


def test_a_meeting_is_deleted_only_from_the_version_the_member_has_read(
    app: Flask, pair: Pair
) -> None:
    pid = pair.id
    twice = pair.mentor.add_entry(pid, "meeting", {"schema": 1, "notes": "logged twice"})
    kept = pair.mentee.add_entry(pid, "meeting", {"schema": 1, "notes": "the real one"})
    agreement = pair.mentee.add_entry(pid, "agreement", AGREEMENT)
    (stale,) = [e for e in _opened(pair.mentee.entries(pid)) if e.entry_id == twice.entry_id]
    pair.mentor.edit_entry(pid, twice, {"schema": 1, "notes": "logged twice, with a note"})
    with pytest.raises(ClientError) as caught:
        pair.mentee.delete_entry(pid, stale)  # the mentor's newer words are unread: not deleted
    assert caught.value.status == 409
    current = pair.mentee._open(pid, caught.value.body["current"])
    assert current.body["notes"] == "logged twice, with a note"
    assert _meetings_counted(app, pid) == 2
    pair.mentee.delete_entry(pid, current)
    assert _meetings_counted(app, pid) == 1  # what the organiser's signals count
    for member in (pair.mentor, pair.mentee):
        left = {e.entry_id for e in _opened(member.entries(pid))}
        assert left == {kept.entry_id, agreement.entry_id}
    with pytest.raises(ClientError) as caught:
        pair.mentor.delete_entry(pid, current)
    assert caught.value.status == 404
    # Only meetings go; a bad revision is refused; nothing changes either way.
    for entry, body in ((agreement, {"revision": 1}), (kept, {"revision": "1"}), (kept, {})):
        with pytest.raises(ClientError) as caught:
            pair.mentor.request("DELETE", f"/api/v1/pairs/{pid}/entries/{entry.entry_id}", body)
        assert caught.value.status == 400
    assert len(_opened(pair.mentor.entries(pid))) == 2


def test_a_save_racing_a_delete_is_a_404_not_a_crash(
    pair: Pair, instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workspace.notebook import api as api_notebook

    pid = pair.id
    meeting = pair.mentor.add_entry(pid, "meeting", {"schema": 1, "notes": "x"})
    checked = api_notebook.checked_envelope

    def deleted_meanwhile(data: dict, key_version: int) -> tuple[str, int]:
        _swap(instance, "DELETE FROM entries WHERE id = ?", meeting.entry_id)
        return checked(data, key_version)

    monkeypatch.setattr(api_notebook, "checked_envelope", deleted_meanwhile)
    with pytest.raises(ClientError) as caught:
        pair.mentee.edit_entry(pid, meeting, {"schema": 1, "notes": "y"})
    assert caught.value.status == 404


def test_a_delete_needs_the_csrf_header(pair: Pair) -> None:
    meeting = pair.mentor.add_entry(pair.id, "meeting", {"schema": 1, "notes": "kept"})
    path = f"/api/v1/pairs/{pair.id}/entries/{meeting.entry_id}"
    status, _body = pair.mentor._send(
        "DELETE", path, {"revision": 1}, {"Accept": "application/json"}
    )
    assert status in (400, 403)
    assert meeting.entry_id in {e.entry_id for e in _opened(pair.mentor.entries(pair.id))}


def test_bad_envelopes_are_refused_and_change_nothing(pair: Pair, instance: Path) -> None:
    base = f"/api/v1/pairs/{pair.id}/entries"
    for body in (
        {"entry_id": "e1", "type": "goal", "envelope": {"v": 1}},
        {"entry_id": "e1", "type": "diary", "envelope": {}},
        {"entry_id": "bad id!", "type": "goal", "envelope": {}},
        {
            "entry_id": "e1",
            "type": "goal",
            "envelope": {"v": 1, "suite": 1, "kv": 9, "n": "A" * 16, "ct": "A" * 24},
        },
    ):
        with pytest.raises(ClientError) as caught:
            pair.mentor.request("POST", base, body)
        assert caught.value.status == 400
    conn = open_db(instance)
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    conn.close()


def test_every_notebook_page_is_well_formed(app: Flask, pair: Pair) -> None:
    """Each page: no-store, a plain-text title, unique ids, inputs without names."""
    from html.parser import HTMLParser

    from tests.helpers import login_browserless

    meeting = pair.mentor.add_entry(pair.id, "meeting", {"schema": 1, "date": "2027-02-01"})
    web = app.test_client()
    login_browserless(web, "mentor@example.org", PASSPHRASE + " mentor")
    base = f"/pairs/{pair.id}/notebook"
    pages = ["", "/agreement", "/goals", "/meetings", "/meetings/new", "/evaluation", "/print"]

    class Page(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[str] = []
            self.title = ""
            self.in_title = False
            self.named: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if found.get("id"):
                self.ids.append(found["id"] or "")
            typed = tag in ("textarea", "select") or found.get("type") != "hidden"
            if tag in ("input", "textarea", "select") and typed and found.get("name"):
                self.named.append(found["name"] or "")
            self.in_title = tag == "title"

        def handle_endtag(self, tag: str) -> None:
            self.in_title = False if tag == "title" else self.in_title

        def handle_data(self, data: str) -> None:
            if self.in_title:
                self.title += data

    for path in [*pages, f"/meetings/{meeting.entry_id}"]:
        response = web.get(base + path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"
        page = Page()
        page.feed(response.get_data(as_text=True))
        assert page.title.strip().endswith("Pairbook") and "<" not in page.title, path
        duplicates = {i for i in page.ids if page.ids.count(i) > 1}
        assert duplicates == set(), (path, duplicates)
        # Nothing a member types has a name, so nothing is posted in clear without JavaScript.
        assert page.named == [], (path, page.named)


def test_listing_can_be_limited_to_some_kinds(pair: Pair) -> None:
    pid = pair.id
    agreement = pair.mentee.add_entry(pid, "agreement", AGREEMENT)
    goal = pair.mentee.add_entry(pid, "goal", {"schema": 1, "title": "CV"})
    meeting = pair.mentor.add_entry(pid, "meeting", {"schema": 1, "date": "2027-02-01"})
    pair.mentee.confirm(pid, agreement)
    pair.mentor.confirm(pid, agreement)
    everything = pair.mentor.notebook(pid)
    assert [e["entry_id"] for e in everything["entries"]] == [
        agreement.entry_id,
        goal.entry_id,
        meeting.entry_id,
    ]
    some = pair.mentor.notebook(pid, ("meeting", "goal", "meeting"))
    assert [e["entry_id"] for e in some["entries"]] == [goal.entry_id, meeting.entry_id]
    # The phase and confirmations still describe the whole notebook.
    assert some["phase"] == everything["phase"] and some["phase"]["current"] == "working"
    assert some["confirmations"] == everything["confirmations"]
    assert [e.entry_id for e in _opened(pair.mentee.entries(pid, ("agreement",)))] == [
        agreement.entry_id
    ]
    with pytest.raises(ClientError) as caught:
        pair.mentor.notebook(pid, ("diary",))
    assert caught.value.status == 400


def test_a_confirmation_needs_the_members_own_signature(pair: Pair, instance: Path) -> None:
    pid = pair.id
    agreement = pair.mentee.add_entry(pid, "agreement", AGREEMENT)
    pair.mentee.confirm(pid, agreement)
    (theirs,) = pair.mentee.notebook(pid)["confirmations"]
    url = f"/api/v1/pairs/{pid}/entries/{agreement.entry_id}/confirm"
    # The mentor sends the mentee's signature as their own, then a made-up one: both refused.
    for sig in (theirs["sig"], "A" * 86, "not base64!"):
        with pytest.raises(ClientError) as caught:
            pair.mentor.request("POST", url, {"revision": 1, "sig": sig})
        assert caught.value.status == 400
    with open_db(instance) as conn:
        rows = conn.execute("SELECT user_id FROM confirmations").fetchall()
    assert [r["user_id"] for r in rows] == [pair.mentee.user_id]
    assert _phase(pair.mentor, pid) == "start"
    pair.mentor.confirm(pid, agreement)
    assert _phase(pair.mentor, pid) == "working"


def test_a_goal_can_be_removed_from_the_version_the_member_has_read(pair: Pair) -> None:
    pid = pair.id
    goal = pair.mentee.add_entry(pid, "goal", {"schema": 1, "title": "Learn Excel"})
    evaluation = pair.mentee.add_entry(pid, "evaluation", {"schema": 1, "learned": "Patience"})
    pair.mentee.edit_entry(pid, goal, {"schema": 1, "title": "Learn Excel well"})
    with pytest.raises(ClientError) as caught:
        pair.mentor.delete_entry(pid, goal)  # revision 1, but 2 is stored: not deleted
    assert caught.value.status == 409
    current = pair.mentor._open(pid, caught.value.body["current"])
    pair.mentor.delete_entry(pid, current)
    assert [e.entry_id for e in _opened(pair.mentee.entries(pid))] == [evaluation.entry_id]
    with pytest.raises(ClientError) as caught:
        pair.mentee.request(
            "DELETE", f"/api/v1/pairs/{pid}/entries/{evaluation.entry_id}", {"revision": 1}
        )
    assert caught.value.status == 400


def test_the_mentoring_cannot_end_before_the_programme_starts(pair: Pair, instance: Path) -> None:
    pid = pair.id
    conn = open_db(instance)
    try:
        conn.execute(
            "UPDATE programmes SET start_date = '2999-01-15', mid_date = '2999-03-01', "
            "end_date = '2999-06-01'"
        )
        conn.commit()
    finally:
        conn.close()
    for moved_to in ("closing", "completed"):
        with pytest.raises(ClientError) as caught:
            pair.mentor.set_phase(pid, moved_to)
        assert caught.value.status == 400
        assert "2999" in caught.value.body["message"]
        assert caught.value.body["field"] == "phase"
    assert pair.mentor.set_phase(pid, "working")["phase"]["current"] == "working"
    # Both evaluations finished would complete it too: not before the start either.
    with pytest.raises(ClientError) as caught:
        pair.mentee.add_entry(pid, "evaluation", {"schema": 1, "learned": "A lot"}, done=True)
    assert caught.value.status == 400 and caught.value.body["field"] == "done"
    draft = pair.mentee.add_entry(pid, "evaluation", {"schema": 1, "learned": "A lot"})
    with pytest.raises(ClientError):
        pair.mentee.edit_entry(pid, draft, {"schema": 1, "learned": "A lot"}, done=True)
    (kept,) = [e for e in _opened(pair.mentor.entries(pid)) if e.type == "evaluation"]
    assert kept.revision == 1 and not kept.done
