"""Recovery codes (§3.2): 16 random bytes shown once as 28 Crockford base32 characters."""

from __future__ import annotations

from . import _primitives as p
from ._codec import check_bytes
from ._random import random_bytes
from .errors import CryptoError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LEN = 16
_CHARS = 28
_GROUP = 4
_CHECK_BITS = 12
_ALIASES = {"O": "0", "I": "1", "L": "1"}
LABEL_RECOVERY = b"pairbook/v1/recovery"
LABEL_RECOVERY_AUTH = b"pairbook/v1/recovery-auth"


def _checksum(code: bytes) -> int:
    digest = p.sha256(code)
    return (digest[0] << 4) | (digest[1] >> 4)


def format_recovery_code(code: bytes) -> str:
    """The display form of 16 code bytes: `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`."""
    check_bytes(code, CODE_LEN)
    value = (int.from_bytes(code, "big") << _CHECK_BITS) | _checksum(code)
    chars = "".join(ALPHABET[(value >> (5 * (_CHARS - 1 - i))) & 31] for i in range(_CHARS))
    return "-".join(chars[i : i + _GROUP] for i in range(0, _CHARS, _GROUP))


def new_recovery_code() -> str:
    """A fresh recovery code in display form (shown to the user once, never sent anywhere)."""
    return format_recovery_code(random_bytes(CODE_LEN))


def parse_recovery_code(text: str) -> bytes:
    """The 16 code bytes of a typed recovery code; rejects a bad length, character or checksum."""
    # Non-ASCII is refused before upper-casing: str.upper() maps e.g. "ı" to "I".
    if not isinstance(text, str) or not text.isascii():
        raise CryptoError
    cleaned = text.upper().replace(" ", "").replace("-", "")
    cleaned = "".join(_ALIASES.get(c, c) for c in cleaned)
    if len(cleaned) != _CHARS or any(c not in ALPHABET for c in cleaned):
        raise CryptoError
    value = 0
    for c in cleaned:
        value = (value << 5) | ALPHABET.index(c)
    code = (value >> _CHECK_BITS).to_bytes(CODE_LEN, "big")
    if value & ((1 << _CHECK_BITS) - 1) != _checksum(code):
        raise CryptoError
    return code


def recovery_key(code: bytes) -> bytes:
    """The key that wraps the account key for recovery."""
    return p.hkdf_sha256(check_bytes(code, CODE_LEN), b"", LABEL_RECOVERY)


def recovery_auth(code: bytes) -> bytes:
    """The value sent to the server to authorise a reset (it stores HMAC(pepper, ·))."""
    return p.hkdf_sha256(check_bytes(code, CODE_LEN), b"", LABEL_RECOVERY_AUTH)


def recovery_auth_from_code(code_str: str) -> bytes:
    """`recovery_auth` straight from a typed recovery code."""
    return recovery_auth(parse_recovery_code(code_str))
