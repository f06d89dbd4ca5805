"""The browser implementation (static/js/crypto/) against the shared vectors and the Python one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import crypto

pytestmark = pytest.mark.browser
VECTORS = Path(__file__).parent / "vectors"
JS = Path(__file__).parent / "js"

# One async handler per vector file: it receives the file's vectors and returns the names of the
# vectors whose result differs from the expectation (positive) or that did not throw CryptoError
# (negative). Ed25519 signatures are checked by verification only.
HARNESS = (JS / "vectors_harness.js").read_text()

SERVER_ONLY = {"auth_verifier", "fake_salt"}  # HMAC with the server's pepper: never in a browser


@pytest.fixture
def js(chromium_browser: Any, live_server: str) -> Iterator[Any]:
    context = chromium_browser.new_context(base_url=live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/")
    yield page
    assert errors == []
    context.close()


@pytest.mark.parametrize("path", sorted(VECTORS.glob("*.json")), ids=lambda p: p.stem)
def test_browser_reproduces_vectors(js: Any, path: Path) -> None:
    data = json.loads(path.read_text())
    if path.stem in SERVER_ONLY:
        assert data["operation"] in ("auth_verifier", "fake_salt")
        return
    result = js.evaluate(HARNESS, [path.stem, data["vectors"]])
    assert not result["skipped"], f"no browser handler for {path.name}"
    assert result["failures"] == []


INTEROP = (JS / "interop.js").read_text()


def _identity_json(identity: crypto.Identity) -> dict[str, str]:
    return {
        "user_id": identity.user_id,
        "x": identity.x25519_private.hex(),
        "ed": identity.ed25519_seed.hex(),
    }


BODY = {"notes": "Kävimme läpi CV:n ja LinkedInin. 🌱 " * 3000, "emoji": "✓ ä ö å ß 漢字"}


def test_python_seals_browser_opens(js: Any) -> None:
    alice, bob = crypto.new_identity("u_alice"), crypto.new_identity("u_bob")
    key = crypto.new_notebook_key()
    share = crypto.share_notebook_key(alice, bob.bundle(), "nb1", 1, key)
    envelope = crypto.seal_entry(
        key, crypto.EntryContext("nb1", "e1", "meeting", 1, 2, "u_alice"), BODY
    )
    sealed = crypto.seal_message(
        alice,
        bob.bundle(),
        crypto.SealContext("flag-report", "g1", "m1", "u_alice", "u_bob"),
        {"text": "Yhteys katkeilee"},
    )
    _secrets, registration = crypto.create_account("Passi on pitkä ja turvallinen", "u_py")
    result = js.evaluate(
        INTEROP,
        [
            "open",
            {
                "recipient": _identity_json(bob),
                "sender_bundle": alice.bundle().to_json(),
                "share": share,
                "nb": "nb1",
                "envelope": envelope,
                "sealed": sealed,
                "passphrase": "Passi on pitkä ja turvallinen",
                "registration": registration.to_server_json(),
                "account_user": "u_py",
            },
        ],
    )
    assert {k: v for k, v in result["entry"].items() if k != "schema"} == BODY
    assert result["message"]["text"] == "Yhteys katkeilee"
    assert result["accountBundle"] == registration.bundle


def test_browser_seals_python_opens(js: Any) -> None:
    alice, bob = crypto.new_identity("u_alice"), crypto.new_identity("u_bob")
    result = js.evaluate(
        INTEROP,
        [
            "seal",
            {
                "sender": _identity_json(alice),
                "recipient_bundle": bob.bundle().to_json(),
                "nb": "nb1",
                "body": BODY,
                "passphrase": "Selainsalalause, joka on pitkä",
            },
        ],
    )
    key = crypto.accept_share(bob, alice.bundle(), result["share"], "nb1", 1)
    opened = crypto.open_entry(
        key, crypto.EntryContext("nb1", "e1", "meeting", 1, 2, "u_alice"), result["envelope"]
    )
    assert {k: v for k, v in opened.items() if k != "schema"} == BODY
    message = crypto.open_message(
        bob,
        alice.bundle(),
        crypto.SealContext("flag-report", "g1", "m1", "u_alice", "u_bob"),
        result["sealed"],
    )
    assert {k: v for k, v in message.items() if k != "schema"} == BODY
    pin = crypto.open_pin(alice.bundle(), result["pin"], "u_bob")
    assert pin.verified and pin.bundle.ed25519 == bob.bundle().ed25519
    reg = result["registration"]
    secrets = crypto.unlock_account(
        "Selainsalalause, joka on pitkä", reg["kdf"], {**reg["key_material"]}, "u_js"
    )
    assert secrets.identity.bundle().to_json() == reg["bundle"]
    recovered = crypto.recover_account(result["recoveryCode"], reg["key_material"], "u_js")
    assert recovered.account_key == secrets.account_key


KEYSTORE = (JS / "keystore.js").read_text()


def test_keystore_keeps_only_non_extractable_keys_and_clears(js: Any) -> None:
    result = js.evaluate(KEYSTORE)
    assert result["flags"] == [[True, False]] * 4
    assert result["refused"] is True
    assert result["after"] is None and result["nbAfter"] is None
