"""Sessions, invitations and rate limits."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from memberclient.client import Client, ClientError
from tests.helpers import PASSPHRASE, login_browserless, new_organiser, new_pair, open_db
from workspace import create_app
from workspace.accounts.sessions import SESSION_COOKIE
from workspace.core import clock


@pytest.fixture(autouse=True)
def _reset_clock() -> object:
    yield
    clock.reset()


def _cookie(client: object) -> str | None:
    cookie = client.get_cookie(SESSION_COOKIE)  # type: ignore[attr-defined]
    return cookie.value if cookie else None


def test_session_id_rotates_at_login_and_dies_at_logout(app: Flask) -> None:
    new_organiser(app)
    client = app.test_client()
    assert login_browserless(client, "org@example.org", PASSPHRASE).status_code == 200
    first = _cookie(client)
    assert login_browserless(client, "org@example.org", PASSPHRASE).status_code == 200
    second = _cookie(client)
    assert first and second and first != second
    assert client.get("/api/v1/me").status_code == 200
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    assert client.post("/api/v1/logout", headers={"X-CSRFToken": token}).status_code == 200
    # Replaying the old cookie after logout must not work.
    replay = app.test_client()
    replay.set_cookie(SESSION_COOKIE, second)
    assert replay.get("/api/v1/me").status_code == 401
    replay.set_cookie(SESSION_COOKIE, first)
    assert replay.get("/api/v1/me").status_code == 401


def test_idle_timeout(app: Flask) -> None:
    org = new_organiser(app)
    assert org.request("GET", "/api/v1/me")
    clock.travel(timedelta(minutes=29))
    assert org.request("GET", "/api/v1/me")
    clock.travel(timedelta(minutes=31))
    with pytest.raises(ClientError) as caught:
        org.request("GET", "/api/v1/me")
    assert caught.value.status == 401


def test_absolute_timeout(app: Flask) -> None:
    org = new_organiser(app)
    for _ in range(35):  # active every 20 minutes for 11 h 40 min
        clock.travel(timedelta(minutes=20))
        org.request("GET", "/api/v1/me")
    clock.travel(timedelta(minutes=25))
    with pytest.raises(ClientError) as caught:
        org.request("GET", "/api/v1/me")
    assert caught.value.status == 401


def test_timeouts_are_configurable(instance: Path) -> None:
    app = create_app({"INSTANCE": instance, "SESSION_IDLE_MINUTES": 5})
    org = new_organiser(app)
    clock.travel(timedelta(minutes=6))
    with pytest.raises(ClientError):
        org.request("GET", "/api/v1/me")


def _token(link: str) -> str:
    return link.rsplit("/", 1)[1]


def test_invitation_single_use(app: Flask) -> None:
    setup = new_pair(app, new_organiser(app))
    Client.for_app(app).register(setup.mentor_link, PASSPHRASE, "First")
    with pytest.raises(ClientError) as caught:
        Client.for_app(app).register(setup.mentor_link, PASSPHRASE, "Second")
    # Still single use; the link now says it was used to join (sign in), not "not valid".
    assert caught.value.status == 409 and caught.value.body.get("joined") is True


def test_invitation_expires(app: Flask) -> None:
    setup = new_pair(app, new_organiser(app))
    clock.travel(timedelta(days=14, seconds=1))
    with pytest.raises(ClientError) as caught:
        Client.for_app(app).register(setup.mentor_link, PASSPHRASE, "Late")
    assert caught.value.status == 404


def test_revoked_invitation_is_refused(app: Flask, instance: Path) -> None:
    setup = new_pair(app, new_organiser(app))
    conn = open_db(instance)
    conn.execute("UPDATE invitations SET revoked_at = '2026-01-01T00:00:00Z'")
    conn.commit()
    conn.close()
    with pytest.raises(ClientError) as caught:
        Client.for_app(app).register(setup.mentee_link, PASSPHRASE, "Revoked")
    assert caught.value.status == 404


def test_invitation_cannot_be_used_by_someone_else(app: Flask) -> None:
    organiser = new_organiser(app)
    first = new_pair(app, organiser)
    second = new_pair(app, organiser, "m2@example.org", "e2@example.org", first.programme_id)
    member = Client.for_app(app)
    member.register(first.mentor_link, PASSPHRASE, "Maija")
    with pytest.raises(ClientError) as caught:
        member.request("POST", "/api/v1/invitations/accept", {"token": _token(second.mentee_link)})
    assert caught.value.status == 404
    assert [p["pair_id"] for p in member.pairs()] == [first.pair_id]


def test_failed_registration_changes_nothing(app: Flask, instance: Path) -> None:
    setup = new_pair(app, new_organiser(app))
    member = Client.for_app(app)
    for body in (
        {"token": _token(setup.mentor_link), "display_name": "X"},
        {
            "token": _token(setup.mentor_link),
            "display_name": "X",
            "kdf": {"alg": "pbkdf2-sha256", "iter": 1000, "salt": "AAAAAAAAAAAAAAAAAAAAAA"},
        },
        "not an object",
    ):
        with pytest.raises(ClientError) as caught:
            member.request("POST", "/api/v1/register", body)  # type: ignore[arg-type]
        assert caught.value.status == 400
    conn = open_db(instance)
    assert conn.execute("SELECT count(*) FROM key_material").fetchone()[0] == 1
    assert (
        conn.execute("SELECT count(*) FROM invitations WHERE used_at IS NOT NULL").fetchone()[0]
        == 1
    )
    conn.close()
    member.register(setup.mentor_link, PASSPHRASE, "Now it works")


def _wrong_login(client: Client, email: str) -> None:
    """One failed sign-in (sign-in limits count failures only)."""
    with pytest.raises(ClientError) as caught:
        client.request("POST", "/api/v1/login", {"email": email, "auth_key": "A" * 43})
    assert caught.value.status == 401


def test_rate_limit_returns_429_and_recovers(instance: Path) -> None:
    app = create_app(
        {
            "INSTANCE": instance,
            "RATELIMIT_SIGNIN_ADDRESS": "100 per minute",
            "RATELIMIT_SIGNIN_ACCOUNT": "3 per 2 seconds",
        }
    )
    client = Client.for_app(app)
    for _ in range(3):
        _wrong_login(client, "a@example.org")
    with pytest.raises(ClientError) as caught:
        client.request("POST", "/api/v1/prelogin", {"email": "a@example.org"})
    assert caught.value.status == 429
    assert caught.value.body["error"] == "rate_limited"
    assert caught.value.body["retry_after"] >= 1
    # Another account is not limited by the first one's attempts.
    client.request("POST", "/api/v1/prelogin", {"email": "b@example.org"})
    # A real wait: flask-limiter's window runs on the real clock, not workspace.core.clock.
    time.sleep(2.1)
    client.request("POST", "/api/v1/prelogin", {"email": "a@example.org"})


def test_rate_limit_per_address(instance: Path) -> None:
    app = create_app({"INSTANCE": instance, "RATELIMIT_SIGNIN_ADDRESS": "2 per minute"})
    client = Client.for_app(app)
    _wrong_login(client, "a@example.org")
    _wrong_login(client, "b@example.org")
    with pytest.raises(ClientError) as caught:
        client.request("POST", "/api/v1/prelogin", {"email": "c@example.org"})
    assert caught.value.status == 429
