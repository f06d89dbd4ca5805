"""The signed ephemeral-X25519 construction shared by key shares (§6) and sealed messages (§8)."""

from __future__ import annotations

from dataclasses import dataclass

from . import _primitives as p
from ._random import random_bytes
from .identity import Identity


@dataclass(frozen=True)
class HybridParts:
    """The four values a share or sealed message carries besides its context."""

    epk: bytes
    n: bytes
    ct: bytes
    sig: bytes


def _key(shared: bytes, epk: bytes, recipient_x25519: bytes, info: bytes) -> bytes:
    return p.hkdf_sha256(shared, epk + recipient_x25519, info)


def hybrid_seal(
    sender: Identity, recipient_x25519: bytes, info: bytes, plaintext: bytes
) -> HybridParts:
    """Encrypt to `recipient_x25519` with a fresh ephemeral key and sign as `sender`.

    Random draws, in order: the ephemeral X25519 private key (32 bytes), the nonce (12 bytes).
    """
    e_priv = random_bytes(p.KEY_LEN)
    epk = p.x25519_public(e_priv)
    k = _key(p.x25519_shared(e_priv, recipient_x25519), epk, recipient_x25519, info)
    n = random_bytes(p.NONCE_LEN)
    ct = p.aes_gcm_encrypt(k, n, plaintext, info)
    return HybridParts(epk=epk, n=n, ct=ct, sig=sender.sign(info + epk + n + ct))


def hybrid_open(
    recipient: Identity, sender_ed25519: bytes, info: bytes, parts: HybridParts
) -> bytes:
    """Verify the sender's signature first, then derive the key and decrypt."""
    p.ed25519_verify(sender_ed25519, parts.sig, info + parts.epk + parts.n + parts.ct)
    shared = p.x25519_shared(recipient.x25519_private, parts.epk)
    k = _key(shared, parts.epk, recipient.x25519_public, info)
    return p.aes_gcm_decrypt(k, parts.n, parts.ct, info)
