"""Notebook key rotation after a departure (docs/PROTOCOL.md §13, §13.1; issue 18): the server
accepts exactly kv + 1 from a member holding the key, while due; writes under an old key are
refused and sealed again; a newcomer reads the history and what follows; the leaver's key opens
nothing written after the rotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

import crypto
from memberclient.client import Client, ClientError, Entry, IntegrityError
from tests.conftest import csrf_token
from tests.helpers import (
    PASSPHRASE,
    Pair,
    deliver_mail,
    login_browserless,
    meeting_notes,
    open_db,
    outbox_texts,
)

MENTOR_PASS = PASSPHRASE + " mentor"
MENTEE_PASS = PASSPHRASE + " mentee"


def _rotate(client: Client, pair_id: str, kv: int, **extra: object) -> dict[str, object]:
    nb = client.notebooks[pair_id][0]
    key = crypto.new_notebook_key()
    wrapped = crypto.wrap_notebook_key(client._require_secrets().account_key, nb, kv, key)
    return client.request(
        "POST",
        f"/api/v1/pairs/{pair_id}/notebook/rotate",
        {"key_version": kv, "wrapped_key": wrapped, **extra},
    )


def _state(instance: Path) -> tuple[int, int, list[tuple[str, int]]]:
    conn = open_db(instance)
    book = conn.execute("SELECT key_version, rotation_due FROM notebooks").fetchone()
    wraps = conn.execute(
        "SELECT user_id, key_version FROM notebook_keys ORDER BY user_id, key_version"
    ).fetchall()
    conn.close()
    return book[0], book[1], [(w[0], w[1]) for w in wraps]


def _fresh(app: Flask, email: str, passphrase: str) -> Client:
    client = Client.for_app(app)
    client.login(email, passphrase)
    return client


def invite_new_mentor(app: Flask, instance: Path, pair: Pair) -> str:
    """The organiser invites new@example.org into the mentor's empty place: their join path."""
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    url = f"/organiser/pairs/{pair.id}/mentor/replace"
    done = org.post(url, data={"csrf_token": csrf_token(org, url), "email": "new@example.org"})
    assert done.status_code == 303
    deliver_mail(app)
    link = (
        next(t for t in outbox_texts(instance) if t.startswith("To: new@example.org"))
        .split("/join/")[1]
        .split()[0]
    )
    return f"/join/{link}"


def _replace_mentor(app: Flask, instance: Path, pair: Pair) -> Client:
    """A new mentor invited into the empty place, registered through the Python client."""
    newcomer = Client.for_app(app)
    newcomer.register(invite_new_mentor(app, instance, pair), PASSPHRASE + " newcomer", "Uusi")
    return newcomer


def test_a_rotation_is_refused_unless_it_is_due_exact_and_from_a_member(
    pair: Pair, instance: Path
) -> None:
    mentor = pair.mentor
    detail = mentor.request("GET", f"/api/v1/pairs/{pair.id}")["notebook"]
    assert detail["rotation_due"] is False and detail["key_version"] == 1
    # Not due: refused, and nothing changed.
    with pytest.raises(ClientError) as caught:
        _rotate(mentor, pair.id, 2)
    assert caught.value.status == 409 and caught.value.body["key_version"] == 1
    # Not exactly the next version, even when asked for explicitly.
    for wrong in (1, 3, 7):
        with pytest.raises(ClientError) as caught:
            _rotate(mentor, pair.id, wrong, now=True)
        assert caught.value.status == 409 and caught.value.body["key_version"] == 1
    for bad in ({"now": "yes"}, {"wrapped_key": "not base64url!"}):
        with pytest.raises(ClientError) as caught:
            mentor.request(
                "POST",
                f"/api/v1/pairs/{pair.id}/notebook/rotate",
                {"key_version": 2, "wrapped_key": "AAAA", **bad},
            )
        assert caught.value.status == 400
    # Someone else's pair, or none: not found.
    for outsider, pair_id in ((pair.organiser, pair.id), (mentor, "p_nosuchpair00000")):
        with pytest.raises(ClientError) as caught:
            outsider.request(
                "POST",
                f"/api/v1/pairs/{pair_id}/notebook/rotate",
                {"key_version": 2, "wrapped_key": "AAAA"},
            )
        assert caught.value.status == 404
    assert _state(instance)[:2] == (1, 0)
    # A member's own "rotate now": the next version, their wrap of it, the partner's share.
    assert mentor.rotate_key(pair.id, now=True) is True
    kv, due, wraps = _state(instance)
    assert (kv, due) == (2, 0)
    assert (mentor.user_id, 2) in wraps and (pair.mentee.user_id, 2) not in wraps
    pair.mentee.sync_pair(pair.id)
    assert (pair.mentee.user_id, 2) in _state(instance)[2]
    mine = mentor.request("GET", f"/api/v1/pairs/{pair.id}")["notebook"]["my_wrapped_keys"]
    assert [w["key_version"] for w in mine] == [1, 2]


def test_a_departure_makes_it_due_and_of_two_rotations_one_wins(
    app: Flask, pair: Pair, instance: Path
) -> None:
    pair.mentee.add_entry(pair.id, "meeting", {"notes": "BeforeLeaving"})
    pair.mentor.delete_account(MENTOR_PASS)
    assert _state(instance)[:2] == (1, 1)
    # Two devices of the remaining member, both looked at the notebook before either rotates.
    phone, laptop = (_fresh(app, "mentee@example.org", MENTEE_PASS) for _ in range(2))
    for device in (phone, laptop):
        data = device.request("GET", f"/api/v1/pairs/{pair.id}")
        assert data["notebook"]["rotation_due"] is True
        device.notebooks[pair.id] = (data["notebook"]["notebook_id"], 1, "former-member")
        device._unwrap_held(data["notebook"]["notebook_id"], data["notebook"])
    _rotate(phone, pair.id, 2)
    with pytest.raises(ClientError) as caught:
        _rotate(laptop, pair.id, 2)
    assert caught.value.status == 409 and caught.value.body["key_version"] == 2
    kv, due, wraps = _state(instance)
    assert (kv, due) == (2, 0) and wraps.count((phone.user_id, 2)) == 1
    # The laptop still seals under version 1: refused with the current version, nothing stored.
    nb = laptop.notebooks[pair.id][0]
    ctx = crypto.EntryContext(nb, "e_stale0000000000000000", "meeting", 1, 1, laptop.user_id)
    stale = crypto.seal_entry(laptop.notebook_keys[(nb, 1)], ctx, {"notes": "Stale"})
    with pytest.raises(ClientError) as caught:
        laptop.request(
            "POST",
            f"/api/v1/pairs/{pair.id}/entries",
            {"entry_id": "e_stale0000000000000000", "type": "meeting", "envelope": stale},
        )
    assert caught.value.status == 409 and caught.value.body["key_version"] == 2
    # The client's own save takes the refusal in its stride: keys reloaded, the same words
    # sealed again under version 2, stored once.
    saved = laptop.add_entry(pair.id, "meeting", {"notes": "TypedOnTheLaptop"})
    conn = open_db(instance)
    rows = conn.execute("SELECT id, key_version FROM entries ORDER BY created_at").fetchall()
    conn.close()
    assert len(rows) == 2 and (saved.entry_id, 2) in [(r[0], r[1]) for r in rows]
    phone.sync_pair(pair.id)  # its wrap of the key it drew
    assert meeting_notes(phone, pair.id) == ["BeforeLeaving", "TypedOnTheLaptop"]
    # An edit of an entry written under version 1 is sealed under version 2.
    old = next(e for e in phone.entries(pair.id) if isinstance(e, Entry) and e.revision == 1)
    edited = laptop.edit_entry(pair.id, old, {"notes": "BeforeLeaving, edited"})
    listing = phone.notebook(pair.id)["entries"]
    assert {r["entry_id"]: r["key_version"] for r in listing}[edited.entry_id] == 2


def test_a_newcomer_reads_old_and_new_and_the_leaver_key_opens_nothing_new(
    app: Flask, pair: Pair, instance: Path
) -> None:
    mentor, mentee = pair.mentor, pair.mentee
    mentor.add_entry(pair.id, "meeting", {"notes": "MentorBefore"})
    mentee.add_entry(pair.id, "meeting", {"notes": "MenteeBefore"})
    agreement = mentee.add_entry(pair.id, "agreement", {"goals": "AgreedWords"})
    mentee.confirm(pair.id, agreement)
    nb = mentor.notebooks[pair.id][0]
    # What a leaver could keep outside Pairbook: their notebook key of version 1.
    leaver_key = mentor.notebook_keys[(nb, 1)]
    mentor.delete_account(MENTOR_PASS)
    newcomer = _replace_mentor(app, instance, pair)
    newcomer.sync_pair(pair.id)
    mentee = _fresh(app, "mentee@example.org", MENTEE_PASS)
    # Before the rotation no share reaches the newcomer, even one made by hand.
    raw = mentee.request("GET", f"/api/v1/pairs/{pair.id}")
    assert raw["notebook"]["rotation_due"] is True and raw["notebook"]["versions_to_share"] == []
    mentee._unwrap_held(nb, raw["notebook"])
    bundle = crypto.verify_bundle(raw["partner"]["bundle"], newcomer.user_id)
    share = crypto.share_notebook_key(
        mentee._require_secrets().identity, bundle, nb, 1, mentee.notebook_keys[(nb, 1)]
    )
    with pytest.raises(ClientError) as caught:
        mentee.request(
            "POST",
            f"/api/v1/pairs/{pair.id}/shares",
            {"to": newcomer.user_id, "key_version": 1, "share": share},
        )
    assert caught.value.status == 409
    # The remaining member opens the notebook: a new key, then shares of both versions.
    view = mentee.sync_pair(pair.id)
    assert view.key_version == 2
    after = mentee.add_entry(pair.id, "meeting", {"notes": "AfterRotation"})
    view = newcomer.sync_pair(pair.id)
    assert view.key_version == 2 and view.has_key
    assert meeting_notes(newcomer, pair.id) == ["AfterRotation", "MenteeBefore", "MentorBefore"]
    history = newcomer.entries(pair.id)
    assert all(isinstance(e, Entry) for e in history)
    newcomer.add_entry(pair.id, "meeting", {"notes": "NewcomerWrites"})
    assert "NewcomerWrites" in meeting_notes(mentee, pair.id)
    # The agreement confirmed under version 1 still verifies under its own version.
    assert (agreement.entry_id, mentee.user_id, 1) in mentee.verified_confirmations(pair.id)
    # The leaver's key opens what was written before it left, and nothing after.
    rows = {r["entry_id"]: r for r in mentee.notebook(pair.id)["entries"]}
    before = next(r for r in rows.values() if r["key_version"] == 1 and r["type"] == "meeting")
    ctx_before = crypto.EntryContext(
        nb, before["entry_id"], "meeting", 1, before["revision"], before["author_id"]
    )
    assert crypto.open_entry(leaver_key, ctx_before, before["envelope"])["notes"]
    row = rows[after.entry_id]
    assert row["key_version"] == 2 and row["envelope"]["kv"] == 2
    for kv in (1, 2):
        ctx = crypto.EntryContext(nb, row["entry_id"], "meeting", kv, 1, row["author_id"])
        with pytest.raises(crypto.CryptoError) as failed:
            crypto.open_entry(leaver_key, ctx, row["envelope"])
        assert str(failed.value) == "cryptographic operation failed"


def test_a_removed_member_reads_on_until_their_place_is_filled_then_the_key_is_renewed(
    app: Flask, pair: Pair, instance: Path
) -> None:
    pair.mentor.add_entry(pair.id, "meeting", {"notes": "BeforeRemoval"})
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    remove = f"/organiser/pairs/{pair.id}/mentee/remove"
    assert org.post(remove, data={"csrf_token": csrf_token(org, remove)}).status_code == 303
    # Removed, the mentee still reads what is written during the grace period: no rotation yet.
    assert _state(instance)[:2] == (1, 0)
    pair.mentor.add_entry(pair.id, "meeting", {"notes": "DuringGrace"})
    assert meeting_notes(pair.mentee, pair.id) == ["BeforeRemoval", "DuringGrace"]
    with pytest.raises(ClientError) as caught:
        _rotate(pair.mentee, pair.id, 2, now=True)  # a removed member does not renew the key
    assert caught.value.status == 400
    # A new mentee takes the place: the removed member's access ends, the notebook is due, and
    # the mentor's client renews the key on its next look.
    replace = f"/organiser/pairs/{pair.id}/mentee/replace"
    sent = org.post(
        replace, data={"csrf_token": csrf_token(org, replace), "email": "n@example.org"}
    )
    assert sent.status_code == 303
    assert _state(instance)[:2] == (1, 1)
    assert pair.mentor.sync_pair(pair.id).key_version == 2
    assert _state(instance)[:2] == (2, 0)


def _seal_v1(client: Client, pair_id: str, entry_id: str, notes: str) -> dict[str, object]:
    nb = client.notebooks[pair_id][0]
    ctx = crypto.EntryContext(nb, entry_id, "meeting", 1, 1, client.user_id)
    envelope = crypto.seal_entry(client.notebook_keys[(nb, 1)], ctx, {"notes": notes})
    return {"entry_id": entry_id, "type": "meeting", "envelope": envelope}


def test_while_a_rotation_is_due_nothing_new_is_written_under_the_key_the_leaver_held(
    app: Flask, pair: Pair, instance: Path
) -> None:
    pair.mentor.delete_account(MENTOR_PASS)
    # A device that has not renewed the key yet (offline when it opened, say) still seals
    # under version 1, the key the mentor who left may have kept: refused, nothing stored.
    device = _fresh(app, "mentee@example.org", MENTEE_PASS)
    data = device.request("GET", f"/api/v1/pairs/{pair.id}")
    device.notebooks[pair.id] = (data["notebook"]["notebook_id"], 1, "former-member")
    device._unwrap_held(data["notebook"]["notebook_id"], data["notebook"])
    with pytest.raises(ClientError) as caught:
        device.request(
            "POST",
            f"/api/v1/pairs/{pair.id}/entries",
            _seal_v1(device, pair.id, "e_whiledue00000000000000", "WhileDue"),
        )
    assert caught.value.status == 409
    assert caught.value.body["key_version"] == 1 and caught.value.body["rotation_due"] is True
    assert _state(instance)[:2] == (1, 1)
    conn = open_db(instance)
    assert (
        conn.execute(
            "SELECT count(*) FROM entries WHERE id = 'e_whiledue00000000000000'"
        ).fetchone()[0]
        == 0
    )
    conn.close()
    # The client's own save renews the key first and is stored once, under version 2.
    saved = device.add_entry(pair.id, "meeting", {"notes": "AfterRenewal"})
    assert _state(instance)[:2] == (2, 0)
    conn = open_db(instance)
    rows = conn.execute(
        "SELECT id, key_version FROM entries WHERE id = ?", (saved.entry_id,)
    ).fetchall()
    conn.close()
    assert [(r[0], r[1]) for r in rows] == [(saved.entry_id, 2)]


def test_a_removed_member_shares_no_key_and_an_ended_pair_is_not_renewed(
    app: Flask, pair: Pair, instance: Path
) -> None:
    conn = open_db(instance)
    conn.execute(
        "UPDATE pair_members SET removed_at = '2026-01-01T00:00:00Z' WHERE user_id = ?",
        (pair.mentee.user_id,),
    )
    conn.commit()
    conn.close()
    data = pair.mentee.request("GET", f"/api/v1/pairs/{pair.id}")
    assert data["notebook"]["versions_to_share"] == []
    nb = data["notebook"]["notebook_id"]
    me = pair.mentee._require_secrets().identity
    mentor_bundle = crypto.verify_bundle(data["partner"]["bundle"], pair.mentor.user_id)
    share = crypto.share_notebook_key(me, mentor_bundle, nb, 1, pair.mentee.notebook_keys[(nb, 1)])
    with pytest.raises(ClientError) as caught:
        pair.mentee.request(
            "POST",
            f"/api/v1/pairs/{pair.id}/shares",
            {"to": pair.mentor.user_id, "key_version": 1, "share": share},
        )
    assert caught.value.status == 400
    conn = open_db(instance)
    conn.execute("UPDATE pairs SET ended_at = '2026-01-02T00:00:00Z' WHERE id = ?", (pair.id,))
    conn.commit()
    conn.close()
    with pytest.raises(ClientError) as caught:
        _rotate(pair.mentor, pair.id, 2, now=True)
    assert caught.value.status == 409 and _state(instance)[:2] == (1, 0)


def test_a_server_naming_an_older_key_than_one_held_is_not_believed(
    app: Flask, pair: Pair, instance: Path
) -> None:
    assert pair.mentor.rotate_key(pair.id, now=True)
    assert _state(instance)[0] == 2
    conn = open_db(instance)
    conn.execute("UPDATE notebooks SET key_version = 1")
    conn.commit()
    conn.close()
    with pytest.raises(IntegrityError):
        pair.mentor.sync_pair(pair.id)
    # A fresh sign-in too: its own wraps name version 2, whatever the notebook says.
    fresh = _fresh(app, "mentor@example.org", MENTOR_PASS)
    with pytest.raises(IntegrityError):
        fresh.add_entry(pair.id, "meeting", {"notes": "UnderTheOldKey"})
    conn = open_db(instance)
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    conn.close()


def test_migration_0023_makes_every_notebook_a_member_left_due(tmp_path: Path) -> None:
    from workspace.core import db

    conn = db.connect(tmp_path / "m.db", bytes(32))
    db.migrate(conn, [m for m in db.migrations() if m.number < 23])
    conn.executescript(
        "INSERT INTO programmes (id, name, language, start_date, mid_date, end_date, created_at) "
        "VALUES ('g1', 'P', 'fi', '2026-01-01', '2026-03-01', '2026-06-01', 'x');"
        "INSERT INTO pairs (id, programme_id, code, created_at) VALUES ('p1', 'g1', 'A', 'x'),"
        " ('p2', 'g1', 'B', 'x');"
        "INSERT INTO notebooks (id, pair_id, created_at) VALUES ('n1', 'p1', 'x'),"
        " ('n2', 'p2', 'x');"
        "INSERT INTO pair_departures VALUES ('p1', 'mentor', 'left', '2026-02-01');"
    )
    db.migrate(conn)
    due = dict(conn.execute("SELECT id, rotation_due FROM notebooks").fetchall())
    assert due == {"n1": 1, "n2": 0}
    conn.close()
