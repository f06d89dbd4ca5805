"""Key wrapping under AES-256-GCM with a label as AAD (§3.1), and notebook keys."""

from __future__ import annotations

from . import _primitives as p
from ._codec import b64u_decode, b64u_encode, check_bytes, check_id, check_int, utf8
from ._random import random_bytes
from .errors import CryptoError

LABEL_ACCOUNT_KEK = "pairbook/v1/wrap/account-key/kek"
LABEL_ACCOUNT_RECOVERY = "pairbook/v1/wrap/account-key/recovery"
LABEL_X25519 = "pairbook/v1/wrap/identity/x25519"
LABEL_ED25519 = "pairbook/v1/wrap/identity/ed25519"


def notebook_key_label(notebook_id: str, kv: int) -> str:
    """`pairbook/v1/wrap/notebook-key|nb=<nb>|kv=<kv>`."""
    return f"pairbook/v1/wrap/notebook-key|nb={check_id(notebook_id)}|kv={check_int(kv)}"


def wrap_key(k: bytes, key: bytes, label: str) -> str:
    """Wrap a 32-byte `key` under `k`: b64u(nonce ‖ AES-256-GCM(k, nonce, key, aad=label))."""
    check_bytes(k, p.KEY_LEN)
    check_bytes(key, p.KEY_LEN)
    aad = utf8(label)
    nonce = random_bytes(p.NONCE_LEN)
    return b64u_encode(nonce + p.aes_gcm_encrypt(k, nonce, key, aad))


def unwrap_key(k: bytes, blob: str, label: str) -> bytes:
    """Unwrap a blob made by `wrap_key` with the same key and label; the result is 32 bytes."""
    check_bytes(k, p.KEY_LEN)
    aad = utf8(label)
    raw = b64u_decode(blob)
    if len(raw) != p.NONCE_LEN + p.KEY_LEN + p.TAG_LEN:
        raise CryptoError
    nonce, ct = raw[: p.NONCE_LEN], raw[p.NONCE_LEN :]
    return check_bytes(p.aes_gcm_decrypt(k, nonce, ct, aad), p.KEY_LEN)


def new_notebook_key() -> bytes:
    """A fresh 32-byte notebook key."""
    return random_bytes(p.KEY_LEN)


def wrap_notebook_key(account_key: bytes, notebook_id: str, kv: int, key: bytes) -> str:
    """Wrap notebook `notebook_id`'s key version `kv` under the member's own account key."""
    return wrap_key(account_key, key, notebook_key_label(notebook_id, kv))


def unwrap_notebook_key(account_key: bytes, notebook_id: str, kv: int, blob: str) -> bytes:
    """Unwrap a notebook key wrapped by `wrap_notebook_key` for the same notebook and version."""
    return unwrap_key(account_key, blob, notebook_key_label(notebook_id, kv))
