"""Sharing a notebook key with a partner (§6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _primitives as p
from ._codec import b64u_encode, b64u_field, check_bytes, check_id, check_int, load_object, utf8
from ._hybrid import HybridParts, hybrid_open, hybrid_seal
from .errors import CryptoError
from .identity import Identity, IdentityBundle

_KEYS = frozenset({"v", "suite", "nb", "from", "to", "kv", "epk", "n", "ct", "sig"})


def share_info(notebook_id: str, sender_id: str, recipient_id: str, kv: int) -> bytes:
    """`pairbook/v1/share|nb=<nb>|from=<S>|to=<R>|kv=<kv>`."""
    return utf8(
        f"pairbook/v1/share|nb={check_id(notebook_id)}|from={check_id(sender_id)}"
        f"|to={check_id(recipient_id)}|kv={check_int(kv)}"
    )


@dataclass(frozen=True)
class Share:
    """A parsed (not yet verified) notebook key share."""

    nb: str
    sender: str
    recipient: str
    kv: int
    parts: HybridParts

    def to_json(self) -> dict[str, Any]:
        """The wire form of the share."""
        return {
            "v": 1,
            "suite": 1,
            "nb": self.nb,
            "from": self.sender,
            "to": self.recipient,
            "kv": self.kv,
            "epk": b64u_encode(self.parts.epk),
            "n": b64u_encode(self.parts.n),
            "ct": b64u_encode(self.parts.ct),
            "sig": b64u_encode(self.parts.sig),
        }


def parse_share(obj: dict[str, Any] | str | bytes) -> Share:
    """Strictly parse a share's shape; says nothing about whether it verifies."""
    data = load_object(obj, _KEYS)
    if check_int(data["v"]) != 1 or check_int(data["suite"]) != 1:
        raise CryptoError
    parts = HybridParts(
        epk=b64u_field(data, "epk", p.KEY_LEN),
        n=b64u_field(data, "n", p.NONCE_LEN),
        ct=b64u_field(data, "ct", p.KEY_LEN + p.TAG_LEN),
        sig=b64u_field(data, "sig", p.SIG_LEN),
    )
    return Share(
        nb=check_id(data["nb"]),
        sender=check_id(data["from"]),
        recipient=check_id(data["to"]),
        kv=check_int(data["kv"]),
        parts=parts,
    )


def share_notebook_key(
    sender: Identity, recipient: IdentityBundle, notebook_id: str, kv: int, key: bytes
) -> dict[str, Any]:
    """Seal notebook key version `kv` to the recipient's pinned bundle, signed by the sender."""
    if not isinstance(sender, Identity) or not isinstance(recipient, IdentityBundle):
        raise CryptoError
    check_bytes(key, p.KEY_LEN)
    info = share_info(notebook_id, sender.user_id, recipient.user, kv)
    parts = hybrid_seal(sender, recipient.x25519, info, key)
    return Share(notebook_id, sender.user_id, recipient.user, kv, parts).to_json()


def accept_share(
    recipient: Identity,
    sender_pinned: IdentityBundle,
    share: dict[str, Any] | str | bytes,
    notebook_id: str,
    kv: int,
) -> bytes:
    """Verify a share against the sender's pinned key and what we expect; return the key."""
    if not isinstance(recipient, Identity) or not isinstance(sender_pinned, IdentityBundle):
        raise CryptoError
    parsed = parse_share(share)
    info = share_info(notebook_id, sender_pinned.user, recipient.user_id, kv)
    expected = (notebook_id, sender_pinned.user, recipient.user_id, kv)
    if (parsed.nb, parsed.sender, parsed.recipient, parsed.kv) != expected:
        raise CryptoError
    key = hybrid_open(recipient, sender_pinned.ed25519, info, parsed.parts)
    return check_bytes(key, p.KEY_LEN)
