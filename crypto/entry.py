"""Notebook entries: padded JSON bodies under a per-notebook, per-version entry key (§7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _primitives as p
from ._codec import (
    b64u_encode,
    b64u_field,
    check_bytes,
    check_id,
    check_int,
    check_type,
    decode_body,
    encode_body,
    load_object,
    pad,
    utf8,
)
from ._random import random_bytes
from .errors import CryptoError

_KEYS = frozenset({"v", "suite", "kv", "n", "ct"})
ENTRY_ID_BYTES = 16

# The author of a shared entry re-sealed when its writer deleted their account (docs/API.md).
FORMER_MEMBER = "former-member"


@dataclass(frozen=True)
class EntryContext:
    """What the reader expects an entry to be; every field is bound into the AAD."""

    notebook_id: str
    entry_id: str
    entry_type: str
    kv: int
    rev: int
    author_id: str

    def __post_init__(self) -> None:
        check_id(self.notebook_id)
        check_id(self.entry_id)
        check_type(self.entry_type)
        check_int(self.kv)
        check_int(self.rev)
        check_id(self.author_id)

    def aad(self) -> bytes:
        """`pairbook/v1/entry|suite=1|nb=…|entry=…|type=…|kv=…|rev=…|author=…`."""
        return utf8(
            f"pairbook/v1/entry|suite=1|nb={self.notebook_id}|entry={self.entry_id}"
            f"|type={self.entry_type}|kv={self.kv}|rev={self.rev}|author={self.author_id}"
        )


@dataclass(frozen=True)
class Envelope:
    """A parsed entry envelope."""

    kv: int
    n: bytes
    ct: bytes

    def to_json(self) -> dict[str, Any]:
        """The wire form `{"v", "suite", "kv", "n", "ct"}`."""
        return {
            "v": 1,
            "suite": 1,
            "kv": self.kv,
            "n": b64u_encode(self.n),
            "ct": b64u_encode(self.ct),
        }


def parse_envelope(data: dict[str, Any] | str | bytes) -> Envelope:
    """Strictly parse an envelope (object, JSON text or UTF-8 bytes)."""
    obj = load_object(data, _KEYS)
    if check_int(obj["v"]) != 1 or check_int(obj["suite"]) != 1:
        raise CryptoError
    kv = check_int(obj["kv"])
    n = b64u_field(obj, "n", p.NONCE_LEN)
    ct = b64u_field(obj, "ct")
    if len(ct) < p.TAG_LEN:
        raise CryptoError
    return Envelope(kv=kv, n=n, ct=ct)


def entry_key(notebook_key: bytes, notebook_id: str, kv: int) -> bytes:
    """HKDF(notebook_key, info=`pairbook/v1/entry-key|nb=<nb>|kv=<kv>`)."""
    info = utf8(f"pairbook/v1/entry-key|nb={check_id(notebook_id)}|kv={check_int(kv)}")
    return p.hkdf_sha256(check_bytes(notebook_key, p.KEY_LEN), b"", info)


def new_entry_id() -> str:
    """A fresh random entry id (16 bytes, base64url: 22 characters)."""
    return b64u_encode(random_bytes(ENTRY_ID_BYTES))


def _seal_padded(notebook_key: bytes, ctx: EntryContext, padded: bytes) -> dict[str, Any]:
    # Encrypts an already padded plaintext; split out so vectors can seal malformed padding.
    if not isinstance(ctx, EntryContext):
        raise CryptoError
    key = entry_key(notebook_key, ctx.notebook_id, ctx.kv)
    n = random_bytes(p.NONCE_LEN)
    ct = p.aes_gcm_encrypt(key, n, padded, ctx.aad())
    return Envelope(kv=ctx.kv, n=n, ct=ct).to_json()


def seal_entry(notebook_key: bytes, ctx: EntryContext, body: dict[str, Any]) -> dict[str, Any]:
    """Encrypt an entry body (a JSON object; `"schema": 1` is added when missing)."""
    return _seal_padded(notebook_key, ctx, pad(encode_body(body)))


def open_entry(
    notebook_key: bytes, ctx: EntryContext, envelope: dict[str, Any] | str | bytes
) -> dict[str, Any]:
    """Decrypt an entry the reader expects to match `ctx`; returns the body, `schema` included."""
    if not isinstance(ctx, EntryContext):
        raise CryptoError
    env = parse_envelope(envelope)
    if env.kv != ctx.kv:
        raise CryptoError
    key = entry_key(notebook_key, ctx.notebook_id, ctx.kv)
    return decode_body(p.aes_gcm_decrypt(key, env.n, env.ct, ctx.aad()))
