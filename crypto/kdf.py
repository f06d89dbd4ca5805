"""Passphrase key derivation (§2, §3) and the server-side verifier helpers (§10)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from . import _primitives as p
from ._codec import b64u_decode, b64u_encode, load_object
from ._random import random_bytes
from .errors import CryptoError

ALG = "pbkdf2-sha256"
MIN_ITER = 600_000
MAX_ITER = 10_000_000
SALT_LEN = 16
LABEL_AUTH = b"pairbook/v1/auth"
LABEL_KEK = b"pairbook/v1/kek"
LABEL_FAKE_SALT = "pairbook/v1/fake-salt|email="
_KEYS = frozenset({"alg", "iter", "salt"})


@dataclass(frozen=True)
class KdfParams:
    """Validated suite 1 passphrase KDF parameters; invalid values cannot be constructed."""

    alg: str
    iter: int
    salt: bytes

    def __post_init__(self) -> None:
        if (
            self.alg != ALG
            or type(self.iter) is not int
            or not MIN_ITER <= self.iter <= MAX_ITER
            or not isinstance(self.salt, bytes)
            or len(self.salt) != SALT_LEN
        ):
            raise CryptoError

    def to_json(self) -> dict[str, Any]:
        """The wire form `{"alg", "iter", "salt"}`."""
        return {"alg": self.alg, "iter": self.iter, "salt": b64u_encode(self.salt)}

    @classmethod
    def from_json(cls, obj: dict[str, Any] | str | bytes) -> KdfParams:
        """Parse and validate wire parameters; rejects any downgrade with `CryptoError`."""
        data = load_object(obj, _KEYS)
        if not isinstance(data["alg"], str):
            raise CryptoError
        return cls(alg=data["alg"], iter=data["iter"], salt=b64u_decode(data["salt"]))


@dataclass(frozen=True)
class PassphraseKeys:
    """The two keys derived from a passphrase: `auth_key` goes to the server, `kek` never does."""

    auth_key: bytes = field(repr=False)
    kek: bytes = field(repr=False)


def new_kdf_params() -> KdfParams:
    """Fresh suite 1 parameters with a random salt and the minimum iteration count."""
    return KdfParams(alg=ALG, iter=MIN_ITER, salt=random_bytes(SALT_LEN))


def _derive_keys_unchecked(passphrase: str, salt: bytes, iterations: int) -> PassphraseKeys:
    # Private test hook: the same derivation without the suite's cost floor. Never call it
    # from application code; the public function below is the only supported entry point.
    if not isinstance(passphrase, str):
        raise CryptoError
    try:
        secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    except UnicodeEncodeError:
        raise CryptoError from None
    root = p.pbkdf2_sha256(secret, salt, iterations)
    return PassphraseKeys(
        auth_key=p.hkdf_sha256(root, b"", LABEL_AUTH),
        kek=p.hkdf_sha256(root, b"", LABEL_KEK),
    )


def derive_passphrase_keys(passphrase: str, params: KdfParams) -> PassphraseKeys:
    """Derive `auth_key` and `kek` from a passphrase (NFC-normalised) and validated params."""
    if not isinstance(params, KdfParams):
        raise CryptoError
    checked = KdfParams(alg=params.alg, iter=params.iter, salt=params.salt)
    return _derive_keys_unchecked(passphrase, checked.salt, checked.iter)


def auth_verifier(pepper: bytes, auth_key: bytes) -> bytes:
    """The server's stored verifier: HMAC-SHA256(pepper, auth_key)."""
    if not isinstance(pepper, bytes) or len(pepper) < 32 or not isinstance(auth_key, bytes):
        raise CryptoError
    return p.hmac_sha256(pepper, auth_key)


def check_auth(pepper: bytes, auth_key: bytes, stored_verifier: bytes) -> bool:
    """Constant-time check of a presented auth key against the stored verifier."""
    if not isinstance(stored_verifier, bytes) or not isinstance(auth_key, bytes):
        return False
    return p.equal(auth_verifier(pepper, auth_key), stored_verifier)


def fake_salt(pepper: bytes, email: str) -> bytes:
    """A stable 16-byte salt for an unknown email, so login does not reveal who has an account.

    The caller normalises `email` exactly as it does for lookups (e.g. trimmed, lowercased).
    """
    if not isinstance(pepper, bytes) or len(pepper) < 32 or not isinstance(email, str):
        raise CryptoError
    try:
        message = (LABEL_FAKE_SALT + email).encode("utf-8")
    except UnicodeEncodeError:
        raise CryptoError from None
    return p.hmac_sha256(pepper, message)[:SALT_LEN]
