"""Sign-in limits behind a proxy: only failures count, per account and per real client address."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import crypto
from tests.helpers import ORGANISER, new_organiser
from workspace import create_app

WRONG_KEY = crypto.b64u_encode(b"\x00" * 32)


def _csrf(client: FlaskClient, address: str) -> str:
    return client.get("/api/v1/csrf", headers={"X-Forwarded-For": address}).get_json()["csrf_token"]


def _post(client: FlaskClient, path: str, body: dict[str, Any], address: str) -> Any:
    headers = {
        "X-Forwarded-For": address,
        "X-CSRFToken": _csrf(client, address),
        "Accept-Language": "en",
    }
    return client.post(path, json=body, headers=headers)


def _auth_key(app: Flask, email: str, passphrase: str) -> str:
    """The organiser's auth key, derived once (each sign-in below sends it as the browser would)."""
    kdf = _post(app.test_client(), "/api/v1/prelogin", {"email": email}, "192.0.2.1").get_json()
    keys = crypto.derive_passphrase_keys(passphrase, crypto.KdfParams.from_json(kdf["kdf"]))
    return crypto.b64u_encode(keys.auth_key)


def _sign_in(app: Flask, email: str, auth_key: str, address: str) -> Any:
    client = app.test_client()
    prelogin = _post(client, "/api/v1/prelogin", {"email": email}, address)
    if prelogin.status_code != 200:
        return prelogin
    return _post(client, "/api/v1/login", {"email": email, "auth_key": auth_key}, address)


def _app(instance: Path, **settings: Any) -> Flask:
    return create_app({"TESTING": True, "INSTANCE": instance, "PROXY_HOPS": 1, **settings})


def test_forty_sign_ins_from_one_network_all_succeed(instance: Path) -> None:
    # Default limits: a kick-off event, everyone behind one proxy, many on one Wi-Fi.
    app = _app(instance)
    new_organiser(app)
    email, passphrase = ORGANISER
    key = _auth_key(app, email, passphrase)
    for n in range(40):
        assert _sign_in(app, email, key, f"198.51.100.{n}").status_code == 200
    for _ in range(40):
        assert _sign_in(app, email, key, "203.0.113.7").status_code == 200


def test_eleven_wrong_passphrases_are_refused_with_when_to_retry(instance: Path) -> None:
    # flask-limiter runs on the real clock, so the window is short here.
    app = _app(instance, RATELIMIT_SIGNIN_ACCOUNT="10 per 3 seconds")
    new_organiser(app)
    email, passphrase = ORGANISER
    key = _auth_key(app, email, passphrase)
    for n in range(10):
        answer = _sign_in(app, email, WRONG_KEY, f"198.51.100.{n}")
        assert answer.status_code == 401
    refused = _sign_in(app, email, WRONG_KEY, "198.51.100.77")
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["error"] == "rate_limited"
    assert 1 <= body["retry_after"] <= 4  # reset_at is a whole second
    assert f"Try again in {body['retry_after']} seconds" in body["message"]
    assert refused.headers["Retry-After"]
    # The right passphrase waits for the window too (else guessing could go on), on login itself.
    client = app.test_client()
    login = _post(client, "/api/v1/login", {"email": email, "auth_key": key}, "198.51.100.78")
    assert login.status_code == 429
    # Another account from the same addresses is not held back.
    other = _sign_in(app, "someone@example.org", WRONG_KEY, "198.51.100.0")
    assert other.status_code == 401
    deadline = time.monotonic() + 10
    while (answer := _sign_in(app, email, key, "198.51.100.79")).status_code == 429:
        assert time.monotonic() < deadline, "the window never ended"
        time.sleep(0.2)
    assert answer.status_code == 200


def test_successes_do_not_use_up_the_limit(instance: Path) -> None:
    app = _app(instance, RATELIMIT_SIGNIN_ACCOUNT="3 per minute")
    new_organiser(app)
    email, passphrase = ORGANISER
    key = _auth_key(app, email, passphrase)
    for _ in range(10):
        assert _sign_in(app, email, key, "203.0.113.9").status_code == 200
    for _ in range(3):
        assert _sign_in(app, email, WRONG_KEY, "203.0.113.9").status_code == 401
    assert _sign_in(app, email, WRONG_KEY, "203.0.113.9").status_code == 429


def test_failures_count_per_forwarded_address(instance: Path) -> None:
    app = _app(instance, RATELIMIT_SIGNIN_ADDRESS="3 per minute")
    for n in range(3):
        answer = _sign_in(app, f"a{n}@example.org", WRONG_KEY, "203.0.113.5")
        assert answer.status_code == 401
    refused = _sign_in(app, "a9@example.org", WRONG_KEY, "203.0.113.5")
    assert refused.status_code == 429
    assert "failed sign-in attempts" in refused.get_json()["message"]
    # Behind the proxy, another client is another address.
    assert _sign_in(app, "a9@example.org", WRONG_KEY, "203.0.113.6").status_code == 401


def test_without_proxy_hops_the_forwarded_address_is_ignored(instance: Path) -> None:
    app = create_app(
        {"TESTING": True, "INSTANCE": instance, "RATELIMIT_SIGNIN_ADDRESS": "2 per minute"}
    )
    for n in range(2):
        assert _sign_in(app, "x@example.org", WRONG_KEY, f"203.0.113.{n}").status_code == 401
    # A client cannot spoof its way out: with no trusted proxy, X-Forwarded-For means nothing.
    assert _sign_in(app, "y@example.org", WRONG_KEY, "203.0.113.99").status_code == 429


# --- the limiter's storage: memory by default, Redis when several processes serve -----

REDIS = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """Debian's redis-server on a free loopback port, with its own folder; stopped afterwards."""
    if REDIS is None:
        pytest.skip("redis-server is not installed: `make test` installs it (apt-get, as root)")
    redis = pytest.importorskip("redis", reason="the redis package is missing: pip install .[test]")
    folder = tmp_path / "redis"
    folder.mkdir()
    port = _free_port()
    server = subprocess.Popen(
        [
            REDIS,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        probe = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                if probe.ping():
                    break
            except redis.ConnectionError:
                pass
            assert server.poll() is None, "redis-server exited at start"
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=20)


def _three_failures_then_a_new_process(instance: Path, storage: str) -> int:
    settings = {
        "TESTING": True,
        "INSTANCE": instance,
        "PROXY_HOPS": 1,
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_SIGNIN_ACCOUNT": "3 per minute",
    }
    first = create_app(settings)
    for n in range(3):
        assert _sign_in(first, "a@example.org", WRONG_KEY, f"203.0.113.{n}").status_code == 401
    # A second app attaches the limiter to its storage afresh, as another process would.
    second = create_app(settings)
    return _sign_in(second, "a@example.org", WRONG_KEY, "203.0.113.50").status_code


def test_redis_storage_is_shared_between_processes(instance: Path, redis_url: str) -> None:
    import redis

    assert _three_failures_then_a_new_process(instance, redis_url) == 429
    keys = redis.Redis.from_url(redis_url).keys("*")
    assert keys, "the counts are not in Redis"
    assert not any(b"example.org" in key for key in keys), "an email reached the limiter's storage"


def test_memory_storage_is_per_process(instance: Path) -> None:
    assert _three_failures_then_a_new_process(instance, "memory://") == 401


def test_forty_people_join_from_one_network_but_guessed_tokens_are_limited(
    instance: Path,
) -> None:
    """A kick-off event: twenty pairs join from one Wi-Fi (every inspect and registration is a
    success, and successes do not count), while guessing invitation tokens is refused."""
    from memberclient.client import Client
    from tests.helpers import PASSPHRASE, new_pair

    app = _app(instance)
    organiser = new_organiser(app)
    first = new_pair(app, organiser, "mentor0@example.org", "mentee0@example.org")
    links = [first.mentor_link, first.mentee_link]
    for n in range(1, 20):
        setup = new_pair(
            app, organiser, f"mentor{n}@example.org", f"mentee{n}@example.org", first.programme_id
        )
        links += [setup.mentor_link, setup.mentee_link]
    for n, link in enumerate(links):
        Client.for_app(app).register(link, f"{PASSPHRASE} {n}", f"Person {n}")
    client = app.test_client()
    answers = [
        _post(client, "/api/v1/invitations/inspect", {"token": f"guess{n:04d}"}, "192.0.2.9")
        for n in range(31)
    ]
    assert {a.status_code for a in answers[:30]} == {404}
    assert answers[30].status_code == 429 and answers[30].get_json()["retry_after"] >= 1
