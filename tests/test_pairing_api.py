"""Accounts and pairing through the Python client, as real members."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

import crypto
from memberclient.client import Client, ClientError
from tests.helpers import (
    PASSPHRASE,
    Pair,
    deliver_mail,
    everything_on_disk,
    new_organiser,
    new_pair,
    open_db,
)


def test_full_pairing_flow_with_python_client(pair: Pair, instance: Path) -> None:
    a = pair.mentor.sync_pair(pair.id)
    b = pair.mentee.sync_pair(pair.id)
    assert a.has_key and b.has_key
    assert pair.mentor.notebook_keys == pair.mentee.notebook_keys
    assert a.safety_number == b.safety_number
    assert len(a.safety_number.split()) == 12
    assert not a.verified and not b.partner_verified
    pair.mentor.mark_verified(pair.id)
    pair.mentee.mark_verified(pair.id)
    a = pair.mentor.sync_pair(pair.id)
    assert a.verified and a.partner_verified and not a.key_changed
    conn = open_db(instance)
    from workspace.pairs import queries as pairs

    assert pairs.member_state(conn, pair.id, pair.mentor.user_id) == "verified"
    assert pairs.member_state(conn, pair.id, pair.mentee.user_id) == "verified"
    conn.close()


def test_canary_passphrase_never_stored_or_logged(app: Flask, instance: Path) -> None:
    canary = "Canary-Passphrase-9f8e7d6c5b"
    organiser = new_organiser(app)
    setup = new_pair(app, organiser)
    member = Client.for_app(app)
    sent: list[str] = []
    real_send = member._send

    def spy(method: str, path: str, body: object, headers: dict[str, str]) -> tuple[int, bytes]:
        sent.append(json.dumps(body))
        status, raw = real_send(method, path, body, headers)
        sent.append(raw.decode("utf-8", "replace"))
        return status, raw

    member._send = spy
    member.register(setup.mentor_link, canary, "Canary Person")
    member.logout()
    member.login("mentor@example.org", canary)
    member.sync_pair(setup.pair_id)
    member.change_passphrase(canary, canary + "-new")
    assert sent, "the spy saw no traffic"
    assert canary not in "\n".join(sent)
    assert canary not in everything_on_disk(instance)


def test_unknown_and_known_email_look_the_same(app: Flask) -> None:
    organiser = new_organiser(app)
    stranger = Client.for_app(app)
    known = stranger.request("POST", "/api/v1/prelogin", {"email": "org@example.org"})
    unknown = stranger.request("POST", "/api/v1/prelogin", {"email": "nobody@example.org"})
    again = stranger.request("POST", "/api/v1/prelogin", {"email": "NOBODY@example.org"})
    assert known.keys() == unknown.keys() and known["kdf"].keys() == unknown["kdf"].keys()
    assert unknown == again, "a fake salt must be stable, or it gives the game away"
    assert crypto.KdfParams.from_json(unknown["kdf"]).iter == 600_000
    fake_key = crypto.b64u_encode(bytes(32))
    errors = []
    for email in ("org@example.org", "nobody@example.org"):
        with pytest.raises(ClientError) as caught:
            stranger.request("POST", "/api/v1/login", {"email": email, "auth_key": fake_key})
        errors.append((caught.value.status, caught.value.body))
    assert errors[0] == errors[1]
    assert errors[0][0] == 401
    assert organiser.user_id


def test_member_of_another_pair_gets_404(app: Flask, pair: Pair) -> None:
    other = new_pair(app, pair.organiser, "m2@example.org", "e2@example.org", pair.programme_id)
    outsider = Client.for_app(app)
    outsider.register(other.mentor_link, PASSPHRASE + " outsider", "Olli")
    outsider.sync_pair(other.pair_id)
    pid = pair.id
    for method, path, body in [
        ("GET", f"/api/v1/pairs/{pid}", None),
        (
            "POST",
            f"/api/v1/pairs/{pid}/notebook",
            {"notebook_id": "x", "key_version": 1, "wrapped_key": "AA"},
        ),
        (
            "POST",
            f"/api/v1/pairs/{pid}/shares",
            {"to": pair.mentor.user_id, "key_version": 1, "share": {}},
        ),
        ("POST", f"/api/v1/pairs/{pid}/shares/s_x/accept", {"wrapped_key": "AA"}),
        ("POST", f"/api/v1/pairs/{pid}/pin", {"pin": "AA", "verified": True}),
    ]:
        for who in (outsider, pair.organiser):
            with pytest.raises(ClientError) as caught:
                who.request(method, path, body)
            assert caught.value.status == 404, (who.user_id, method, path)
    assert [p["pair_id"] for p in outsider.pairs()] == [other.pair_id]
    assert pair.organiser.pairs() == []


def test_organiser_routes_never_return_keys(app: Flask, pair: Pair) -> None:
    client = app.test_client()
    from tests.helpers import login_browserless

    assert login_browserless(client, "org@example.org", PASSPHRASE).status_code == 200
    page = client.get(f"/organiser/programmes/{pair.programme_id}").get_data(as_text=True)
    assert pair.setup.code in page
    conn = open_db(Path(app.instance_path))
    secrets_in_db = (
        [r[0] for r in conn.execute("SELECT wrapped_key FROM notebook_keys")]
        + [r[0] for r in conn.execute("SELECT share FROM key_shares")]
        + [
            v
            for r in conn.execute(
                "SELECT wrapped_account_key, wrapped_x25519, wrapped_ed25519 FROM key_material"
            )
            for v in tuple(r)
        ]
    )
    conn.close()
    assert secrets_in_db
    for path in ("/organiser", f"/organiser/programmes/{pair.programme_id}"):
        body = client.get(path).get_data(as_text=True)
        for secret in secrets_in_db:
            assert secret[:24] not in body
    assert pair.mentor.user_id


def test_mass_assigned_fields_are_ignored(app: Flask, instance: Path) -> None:
    organiser = new_organiser(app)
    setup = new_pair(app, organiser)
    member = Client.for_app(app)
    info = member.request(
        "POST", "/api/v1/invitations/inspect", {"token": setup.mentee_link.rsplit("/", 1)[1]}
    )
    _secrets, registration = crypto.create_account(PASSPHRASE, info["user_id"])
    body = {
        "token": setup.mentee_link.rsplit("/", 1)[1],
        "display_name": "Sneaky",
        **registration.to_server_json(),
        "role": "organiser",
        "user_id": "u_evil",
        "pair_id": "p_other",
    }
    result = member.request("POST", "/api/v1/register", body)
    assert result["role"] == "member" and result["user_id"] == info["user_id"]
    conn = open_db(instance)
    assert conn.execute("SELECT count(*) FROM users WHERE id = 'u_evil'").fetchone()[0] == 0
    role = conn.execute(
        "SELECT role FROM pair_members WHERE user_id = ?", (info["user_id"],)
    ).fetchone()[0]
    assert role == "mentee"
    conn.close()


def test_swapped_partner_bundle_is_detected(pair: Pair, instance: Path) -> None:
    # The server swaps in a key pair it controls, validly self-signed for the mentee's id.
    attacker = crypto.new_identity(pair.mentee.user_id)
    conn = open_db(instance)
    conn.execute(
        "UPDATE key_material SET bundle = ?, identity_version = identity_version + 1 "
        "WHERE user_id = ?",
        (json.dumps(attacker.bundle().to_json()), pair.mentee.user_id),
    )
    conn.execute("DELETE FROM notebook_keys WHERE user_id = ?", (pair.mentee.user_id,))
    conn.commit()
    conn.close()
    view = pair.mentor.sync_pair(pair.id)
    assert view.key_changed and not view.verified
    conn = open_db(instance)
    shares = conn.execute(
        "SELECT count(*) FROM key_shares WHERE to_user = ? AND accepted_at IS NULL",
        (pair.mentee.user_id,),
    ).fetchone()[0]
    conn.close()
    assert shares == 0, "no key may be shared to a changed identity before re-verification"


def test_passphrase_change_ends_other_sessions(app: Flask, pair: Pair) -> None:
    other_device = Client.for_app(app)
    other_device.login("mentor@example.org", PASSPHRASE + " mentor")
    pair.mentor.change_passphrase(PASSPHRASE + " mentor", "a brand new passphrase")
    with pytest.raises(ClientError) as caught:
        other_device.request("GET", "/api/v1/me")
    assert caught.value.status == 401
    assert pair.mentor.request("GET", "/api/v1/me")["user_id"] == pair.mentor.user_id
    fresh = Client.for_app(app)
    fresh.login("mentor@example.org", "a brand new passphrase")
    assert fresh.sync_pair(pair.id).has_key
    with pytest.raises(ClientError):
        Client.for_app(app).login("mentor@example.org", PASSPHRASE + " mentor")


def test_recovery_code_keeps_the_data(app: Flask) -> None:
    organiser = new_organiser(app)
    setup = new_pair(app, organiser)
    mentor, mentee = Client.for_app(app), Client.for_app(app)
    code = mentor.register(setup.mentor_link, PASSPHRASE, "Maija")
    mentee.register(setup.mentee_link, PASSPHRASE + "!", "Ali")
    for member in (mentor, mentee, mentor, mentee):
        member.sync_pair(setup.pair_id)
    key_before = dict(mentor.notebook_keys)
    assert code
    lost = Client.for_app(app)
    lost.recover("mentor@example.org", code, "remembered this one now")
    assert lost.sync_pair(setup.pair_id).has_key
    assert lost.notebook_keys == key_before
    with pytest.raises(crypto.CryptoError):  # a typo fails the code's checksum, on the device
        Client.for_app(app).recover(
            "mentor@example.org", code[:-1] + "0" if code[-1] != "0" else code[:-1] + "1", "x" * 20
        )
    with pytest.raises(ClientError) as caught:  # a well-formed but wrong code: the server says no
        Client.for_app(app).recover("mentor@example.org", crypto.new_recovery_code(), "x" * 20)
    assert caught.value.status == 401


def test_start_over_gives_new_identity_and_partner_must_reverify(
    app: Flask, pair: Pair, instance: Path
) -> None:
    pair.mentor.mark_verified(pair.id)
    pair.mentee.mark_verified(pair.id)
    anon = Client.for_app(app)
    anon.request("POST", "/api/v1/reset/request", {"email": "mentee@example.org"})
    deliver_mail(app)
    mails = sorted(instance.glob("outbox/*.eml"))
    token = mails[-1].read_text().split("/reset/")[1].split()[0]
    new_secrets, registration = crypto.create_account("fresh start passphrase", pair.mentee.user_id)
    anon.request(
        "POST", "/api/v1/reset/complete", {"token": token, **registration.to_server_json()}
    )
    anon.secrets, anon.user_id = new_secrets, pair.mentee.user_id
    mentee_view = anon.sync_pair(pair.id)
    assert not mentee_view.has_key
    mentor_view = pair.mentor.sync_pair(pair.id)
    assert mentor_view.key_changed and not mentor_view.verified
    pair.mentor.mark_verified(pair.id)
    pair.mentor.sync_pair(pair.id)
    assert anon.sync_pair(pair.id).has_key
    assert anon.notebook_keys == pair.mentor.notebook_keys


def test_a_waiting_share_is_sent_once_and_a_replaced_one_is_taken_next_time(
    app: Flask, instance: Path
) -> None:
    organiser = new_organiser(app)
    setup = new_pair(app, organiser)
    mentor, mentee = Client.for_app(app), Client.for_app(app)
    mentor.register(setup.mentor_link, PASSPHRASE + " mentor", "Maija")
    mentor.sync_pair(setup.pair_id)  # creates the notebook; the mentee has not joined
    mentee.register(setup.mentee_link, PASSPHRASE + " mentee", "Ali")

    def share_ids() -> list[str]:
        conn = open_db(instance)
        rows = conn.execute("SELECT id FROM key_shares WHERE to_user = ?", (mentee.user_id,))
        ids = [r[0] for r in rows]
        conn.close()
        return ids

    mentor.sync_pair(setup.pair_id)  # shares the key
    sent = share_ids()
    first = mentor.sync_pair(setup.pair_id).raw["notebook"]
    assert first["share_waiting"] and not first["partner_has_key"]
    assert len(sent) == 1 and share_ids() == sent, "a waiting share is not replaced"

    # The mentee fetched that share; meanwhile the share was replaced (another of the
    # mentor's devices, say). Accepting the old one is a 404 that changes nothing.
    stale = mentee.request("GET", f"/api/v1/pairs/{setup.pair_id}")["pending_shares"][0]
    conn = open_db(instance)
    conn.execute("UPDATE key_shares SET id = 's_newer' WHERE id = ?", (sent[0],))
    conn.commit()
    conn.close()
    with pytest.raises(ClientError) as refused:
        mentee.request(
            "POST",
            f"/api/v1/pairs/{setup.pair_id}/shares/{stale['share_id']}/accept",
            {"wrapped_key": "AAAA"},
        )
    assert refused.value.status == 404
    assert mentee.sync_pair(setup.pair_id).has_key
    assert mentee.notebook_keys == mentor.notebook_keys
    after = mentor.sync_pair(setup.pair_id).raw["notebook"]
    assert after["partner_has_key"] and not after["share_waiting"]
