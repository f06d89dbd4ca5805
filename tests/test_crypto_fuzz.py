"""Property tests: parsers given arbitrary bytes, text or JSON succeed or raise CryptoError."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import crypto as c

ALICE = c.new_identity("alice")
BOB = c.new_identity("bob")
KEY = c.new_notebook_key()
CTX = c.EntryContext("nb1", "e1", "meeting-note", 1, 1, "alice")
SEAL_CTX = c.SealContext("incident", "prog1", "msg1", "alice", "bob")
GOOD = {
    "envelope": c.seal_entry(KEY, CTX, {"text": "hi"}),
    "share": c.share_notebook_key(ALICE, BOB.bundle(), "nb1", 1, KEY),
    "sealed": c.seal_message(ALICE, BOB.bundle(), SEAL_CTX, {"text": "hi"}),
    "bundle": ALICE.bundle().to_json(),
    "pin": c.make_pin(ALICE, BOB.bundle(), verified=True),
    "kdf": c.new_kdf_params().to_json(),
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)

# Each parser, called on one input; CryptoError is the only acceptable failure.
PARSERS: dict[str, Callable[[Any], object]] = {
    "envelope": c.parse_envelope,
    "share": c.parse_share,
    "sealed": c.parse_sealed,
    "bundle": lambda x: c.verify_bundle(x, "alice"),
    "pin": lambda x: c.open_pin(ALICE, x, "bob"),
    "kdf": c.KdfParams.from_json,
    "open_entry": lambda x: c.open_entry(KEY, CTX, x),
    "accept_share": lambda x: c.accept_share(BOB, ALICE.bundle(), x, "nb1", 1),
    "open_message": lambda x: c.open_message(BOB, ALICE.bundle(), SEAL_CTX, x),
}
WIRE = {
    "envelope": ["envelope", "open_entry"],
    "share": ["share", "accept_share"],
    "sealed": ["sealed", "open_message"],
    "bundle": ["bundle"],
    "pin": ["pin"],
    "kdf": ["kdf"],
}


def parse_or_crypto_error(parser: Callable[[Any], object], value: Any) -> None:
    with contextlib.suppress(c.CryptoError):
        parser(value)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    for parser in PARSERS.values():
        parse_or_crypto_error(parser, data)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    for parser in PARSERS.values():
        parse_or_crypto_error(parser, text)
    parse_or_crypto_error(c.parse_recovery_code, text)
    parse_or_crypto_error(c.b64u_decode, text)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_arbitrary_json_values(value: Any) -> None:
    for parser in PARSERS.values():
        parse_or_crypto_error(parser, value)
    try:
        text = json.dumps(value)
    except ValueError:
        return
    for parser in PARSERS.values():
        parse_or_crypto_error(parser, text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(WIRE)), st.data())
def test_one_field_replaced(kind: str, data: st.DataObject) -> None:
    """A valid object with one field replaced, removed or added: deeper validation paths."""
    obj = dict(GOOD[kind])
    action = data.draw(st.sampled_from(["replace", "remove", "add"]))
    if action == "add":
        obj[data.draw(st.text(max_size=8))] = data.draw(json_values)
    else:
        key = data.draw(st.sampled_from(sorted(obj)))
        if action == "remove":
            del obj[key]
        else:
            obj[key] = data.draw(json_values)
    for name in WIRE[kind]:
        parse_or_crypto_error(PARSERS[name], obj)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(WIRE)), st.data())
def test_bit_flips_never_verify(kind: str, data: st.DataObject) -> None:
    """Flipping any bit of any base64url field makes the object fail (or stay malformed)."""
    obj = dict(GOOD[kind])
    fields = [
        k
        for k, v in obj.items()
        if isinstance(v, str) and k not in ("user", "nb", "from", "to", "owner", "alg")
    ]
    key = data.draw(st.sampled_from(fields))
    raw = bytearray(c.b64u_decode(obj[key]))
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] ^= 1 << data.draw(st.integers(0, 7))
    obj[key] = c.b64u_encode(bytes(raw))
    if kind == "kdf":
        assert c.KdfParams.from_json(obj).salt == bytes(raw)
        return
    for name in WIRE[kind]:
        try:
            PARSERS[name](obj)
        except c.CryptoError:
            continue
        assert name in ("envelope", "share", "sealed"), f"{name} accepted a flipped {key}"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_entry_bodies_round_trip_or_fail_cleanly(body: dict[str, Any]) -> None:
    try:
        envelope = c.seal_entry(KEY, CTX, body)
    except c.CryptoError:
        return
    opened = c.open_entry(KEY, CTX, envelope)
    assert opened["schema"] == 1
    assert len(c.parse_envelope(envelope).ct) % 256 == 16
