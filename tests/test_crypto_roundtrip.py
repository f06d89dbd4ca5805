"""Round trips and invariants of crypto/ that the vectors do not pin down one by one."""

from __future__ import annotations

import json
import unicodedata

import pytest

import crypto as c
from crypto._codec import pad, unpad
from crypto.kdf import _derive_keys_unchecked

ALICE = c.new_identity("alice")
BOB = c.new_identity("bob")
CAROL = c.new_identity("carol")
KEY = c.new_notebook_key()

BODIES = {
    "empty": {},
    "non-ascii": {"text": "Hyvää työtä — ✓ 🌱 العربية \u0000 \n", "ääkkönen": ["å", 1, None]},
    "one-mib": {"text": "x" * (1 << 20)},
}


def ctx(**changes: object) -> c.EntryContext:
    fields: dict[str, object] = {
        "notebook_id": "nb1",
        "entry_id": c.new_entry_id(),
        "entry_type": "meeting-note",
        "kv": 1,
        "rev": 1,
        "author_id": "alice",
    }
    fields.update(changes)
    return c.EntryContext(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(BODIES))
def test_entry_round_trip(name: str) -> None:
    body = BODIES[name]
    context = ctx()
    envelope = c.seal_entry(KEY, context, body)
    ct_len = len(c.parse_envelope(envelope).ct)
    assert (ct_len - 16) % 256 == 0
    assert c.open_entry(KEY, context, envelope) == {"schema": 1, **body}
    text = json.dumps(envelope)
    assert c.open_entry(KEY, context, text) == c.open_entry(KEY, context, text.encode())


@pytest.mark.parametrize("name", list(BODIES))
def test_sealed_round_trip(name: str) -> None:
    body = BODIES[name]
    context = c.SealContext("incident", "prog1", "msg1", "alice", "carol")
    sealed = c.seal_message(ALICE, CAROL.bundle(), context, body)
    assert c.open_message(CAROL, ALICE.bundle(), context, sealed) == {"schema": 1, **body}
    with pytest.raises(c.CryptoError):
        c.open_message(
            BOB, ALICE.bundle(), c.SealContext("incident", "prog1", "msg1", "alice", "bob"), sealed
        )


def test_schema_is_kept_or_rejected() -> None:
    context = ctx()
    assert c.open_entry(KEY, context, c.seal_entry(KEY, context, {"schema": 1, "a": 2})) == {
        "schema": 1,
        "a": 2,
    }
    for bad in ({"schema": 2}, {"schema": True}, {"schema": "1"}):
        with pytest.raises(c.CryptoError):
            c.seal_entry(KEY, context, bad)
    for bad_body in ([], "text", None, {"x": float("nan")}, {"x": "\ud800"}):
        with pytest.raises(c.CryptoError):
            c.seal_entry(KEY, context, bad_body)  # type: ignore[arg-type]


@pytest.mark.parametrize("length", [0, 1, 254, 255, 256, 257, 511, 512, 1000, 4095, 70000])
def test_padding_is_a_minimal_multiple_of_256(length: int) -> None:
    body = b"\x00\x80" * (length // 2) + b"\x80" * (length % 2)
    padded = pad(body)
    assert len(padded) % 256 == 0
    assert len(body) < len(padded) <= len(body) + 256
    assert unpad(padded) == body


def test_fresh_nonces_and_ephemeral_keys() -> None:
    context = ctx()
    first, second = c.seal_entry(KEY, context, {}), c.seal_entry(KEY, context, {})
    assert first["n"] != second["n"] and first["ct"] != second["ct"]
    share1 = c.share_notebook_key(ALICE, BOB.bundle(), "nb1", 1, KEY)
    share2 = c.share_notebook_key(ALICE, BOB.bundle(), "nb1", 1, KEY)
    assert share1["epk"] != share2["epk"]
    assert c.accept_share(BOB, ALICE.bundle(), share2, "nb1", 1) == KEY


def test_notebook_key_wrap_round_trip() -> None:
    account_key = c.new_notebook_key()
    blob = c.wrap_notebook_key(account_key, "nb1", 3, KEY)
    assert c.unwrap_notebook_key(account_key, "nb1", 3, blob) == KEY
    for nb, kv in (("nb2", 3), ("nb1", 2)):
        with pytest.raises(c.CryptoError):
            c.unwrap_notebook_key(account_key, nb, kv, blob)


def test_safety_number_symmetric_and_shaped() -> None:
    number = c.safety_number(ALICE.bundle(), BOB.bundle())
    assert number == c.safety_number(BOB.bundle(), ALICE.bundle())
    assert len(number) == 60 and number.isdigit()
    groups = c.format_safety_number(number).split(" ")
    assert len(groups) == 12 and all(len(g) == 5 and g.isdigit() for g in groups)
    assert number != c.safety_number(ALICE.bundle(), CAROL.bundle())
    for bad in ("1" * 59, "1" * 61, "a" * 60, "١" * 60):
        with pytest.raises(c.CryptoError):
            c.format_safety_number(bad)


def test_recovery_code_round_trip() -> None:
    for _ in range(50):
        display = c.new_recovery_code()
        groups = display.split("-")
        assert len(groups) == 7 and all(len(g) == 4 for g in groups)
        code = c.parse_recovery_code(display)
        assert len(code) == 16
        assert c.parse_recovery_code(display.lower().replace("-", " ")) == code
        assert c.format_recovery_code(code) == display


def test_nfc_normalisation_gives_the_same_keys() -> None:
    composed = "Hämäläinen Åsa ☕"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    salt = bytes(16)
    # The private hook skips the 600,000-iteration floor; the public API is tested in vectors.
    a = _derive_keys_unchecked(composed, salt, 1000)
    b = _derive_keys_unchecked(decomposed, salt, 1000)
    assert a == b
    assert a.auth_key != a.kek
    assert _derive_keys_unchecked(composed + " ", salt, 1000) != a


def test_public_kdf_enforces_the_suite_floor() -> None:
    params = c.new_kdf_params()
    assert params.iter == 600_000 and len(params.salt) == 16
    assert c.KdfParams.from_json(params.to_json()) == params
    with pytest.raises(c.CryptoError):
        c.KdfParams(alg="pbkdf2-sha256", iter=599_999, salt=bytes(16))
    with pytest.raises(c.CryptoError):
        c.derive_passphrase_keys("x", object())  # type: ignore[arg-type]


def test_errors_carry_no_detail() -> None:
    context = ctx()
    envelope = c.seal_entry(KEY, context, {})
    failures = []
    for attempt in (
        lambda: c.open_entry(KEY, ctx(rev=2), envelope),
        lambda: c.open_entry(c.new_notebook_key(), context, envelope),
        lambda: c.open_entry(KEY, context, {**envelope, "kv": 2}),
        lambda: c.parse_envelope("{"),
        lambda: c.verify_bundle({}, "alice"),
    ):
        with pytest.raises(c.CryptoError) as info:
            attempt()
        failures.append(info.value)
    assert {str(e) for e in failures} == {"cryptographic operation failed"}
    for e in failures:
        # Library exceptions must not ride along as the cause or visible context.
        assert e.__cause__ is None and (e.__suppress_context__ or e.__context__ is None)


def test_secrets_stay_out_of_repr() -> None:
    text = repr(ALICE) + repr(c.PassphraseKeys(auth_key=b"A" * 32, kek=b"K" * 32))
    assert ALICE.x25519_private.hex() not in text and repr(ALICE.ed25519_seed) not in text
    assert "KKKK" not in text and "AAAA" not in text


def test_same_keys_tells_a_changed_key() -> None:
    """The bundle comparison the server and the client both use (JS: sameKeys)."""
    first = c.new_identity("u_alice").bundle()
    again = c.verify_bundle(json.loads(json.dumps(first.to_json())), "u_alice")
    other = c.new_identity("u_alice").bundle()
    assert c.same_keys(first, again)
    assert not c.same_keys(first, other)
    assert not c.same_keys(first, None) and not c.same_keys(None, first)
