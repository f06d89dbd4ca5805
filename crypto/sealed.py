"""Messages sealed to one recipient at a time, signed by the sender (§8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _primitives as p
from ._codec import (
    b64u_encode,
    b64u_field,
    check_id,
    check_int,
    check_type,
    decode_body,
    encode_body,
    load_object,
    pad,
    utf8,
)
from ._hybrid import HybridParts, hybrid_open, hybrid_seal
from .errors import CryptoError
from .identity import Identity, IdentityBundle

_KEYS = frozenset({"v", "suite", "epk", "n", "ct", "sig"})


@dataclass(frozen=True)
class SealContext:
    """Who sends what to whom; every field is bound into the info string."""

    msg_type: str
    programme_id: str
    message_id: str
    sender_id: str
    recipient_id: str

    def __post_init__(self) -> None:
        check_type(self.msg_type)
        check_id(self.programme_id)
        check_id(self.message_id)
        check_id(self.sender_id)
        check_id(self.recipient_id)

    def info(self) -> bytes:
        """`pairbook/v1/seal|type=…|prog=…|msg=…|from=…|to=…`."""
        return utf8(
            f"pairbook/v1/seal|type={self.msg_type}|prog={self.programme_id}"
            f"|msg={self.message_id}|from={self.sender_id}|to={self.recipient_id}"
        )


@dataclass(frozen=True)
class Sealed:
    """A parsed (not yet verified) sealed message."""

    parts: HybridParts

    def to_json(self) -> dict[str, Any]:
        """The wire form `{"v", "suite", "epk", "n", "ct", "sig"}`."""
        return {
            "v": 1,
            "suite": 1,
            "epk": b64u_encode(self.parts.epk),
            "n": b64u_encode(self.parts.n),
            "ct": b64u_encode(self.parts.ct),
            "sig": b64u_encode(self.parts.sig),
        }


def parse_sealed(obj: dict[str, Any] | str | bytes) -> Sealed:
    """Strictly parse a sealed message's shape."""
    data = load_object(obj, _KEYS)
    if check_int(data["v"]) != 1 or check_int(data["suite"]) != 1:
        raise CryptoError
    ct = b64u_field(data, "ct")
    if len(ct) < p.TAG_LEN:
        raise CryptoError
    return Sealed(
        HybridParts(
            epk=b64u_field(data, "epk", p.KEY_LEN),
            n=b64u_field(data, "n", p.NONCE_LEN),
            ct=ct,
            sig=b64u_field(data, "sig", p.SIG_LEN),
        )
    )


def _seal_padded(
    sender: Identity, recipient: IdentityBundle, ctx: SealContext, padded: bytes
) -> dict[str, Any]:
    # Encrypts an already padded plaintext; split out so vectors can seal malformed padding.
    if (
        not isinstance(sender, Identity)
        or not isinstance(recipient, IdentityBundle)
        or not isinstance(ctx, SealContext)
        or ctx.sender_id != sender.user_id
        or ctx.recipient_id != recipient.user
    ):
        raise CryptoError
    return Sealed(hybrid_seal(sender, recipient.x25519, ctx.info(), padded)).to_json()


def seal_message(
    sender: Identity, recipient: IdentityBundle, ctx: SealContext, body: dict[str, Any]
) -> dict[str, Any]:
    """Seal a JSON body to one recipient (call once per organiser, plus once to yourself)."""
    return _seal_padded(sender, recipient, ctx, pad(encode_body(body)))


def open_message(
    recipient: Identity,
    sender_pinned: IdentityBundle,
    ctx: SealContext,
    sealed: dict[str, Any] | str | bytes,
) -> dict[str, Any]:
    """Verify with the sender's pinned key, then decrypt; returns the body, `schema` included."""
    if (
        not isinstance(recipient, Identity)
        or not isinstance(sender_pinned, IdentityBundle)
        or not isinstance(ctx, SealContext)
        or ctx.recipient_id != recipient.user_id
        or ctx.sender_id != sender_pinned.user
    ):
        raise CryptoError
    parsed = parse_sealed(sealed)
    return decode_body(hybrid_open(recipient, sender_pinned.ed25519, ctx.info(), parsed.parts))
