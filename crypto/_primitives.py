"""Suite 1 primitives. The only module of the package that touches `cryptography.hazmat`.

Every function raises `CryptoError` (never a library exception) when its input is rejected.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import constant_time, hashes
from cryptography.hazmat.primitives import hmac as _hmac
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from .errors import CryptoError

KEY_LEN = 32
NONCE_LEN = 12
TAG_LEN = 16
SIG_LEN = 64


def _need(value: bytes, length: int) -> None:
    if not isinstance(value, bytes) or len(value) != length:
        raise CryptoError


def pbkdf2_sha256(password: bytes, salt: bytes, iterations: int, length: int = KEY_LEN) -> bytes:
    """PBKDF2-HMAC-SHA256. Callers enforce the suite's minimum iteration count."""
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=length, salt=salt, iterations=iterations)
    return kdf.derive(password)


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int = KEY_LEN) -> bytes:
    """HKDF-SHA256 (RFC 5869); an empty salt means HashLen zero bytes, as the RFC says."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA256."""
    mac = _hmac.HMAC(key, hashes.SHA256())
    mac.update(data)
    return mac.finalize()


def sha256(data: bytes) -> bytes:
    """SHA-256."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(data)
    return digest.finalize()


def sha512(data: bytes) -> bytes:
    """SHA-512."""
    digest = hashes.Hash(hashes.SHA512())
    digest.update(data)
    return digest.finalize()


def equal(a: bytes, b: bytes) -> bool:
    """Constant-time comparison of two byte strings."""
    return constant_time.bytes_eq(a, b)


def aes_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM; returns ciphertext ‖ 16-byte tag."""
    _need(key, KEY_LEN)
    _need(nonce, NONCE_LEN)
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def aes_gcm_decrypt(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM decryption of ciphertext ‖ tag."""
    _need(key, KEY_LEN)
    _need(nonce, NONCE_LEN)
    if len(ciphertext) < TAG_LEN:
        raise CryptoError
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise CryptoError from None


def x25519_public(private: bytes) -> bytes:
    """The raw public key of a raw 32-byte X25519 private key (clamped per RFC 7748)."""
    _need(private, KEY_LEN)
    return x25519.X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def x25519_shared(private: bytes, public: bytes) -> bytes:
    """X25519(private, public); rejects an all-zero result (a low-order public key)."""
    _need(private, KEY_LEN)
    _need(public, KEY_LEN)
    try:
        shared = x25519.X25519PrivateKey.from_private_bytes(private).exchange(
            x25519.X25519PublicKey.from_public_bytes(public)
        )
    except ValueError:
        raise CryptoError from None
    # OpenSSL already refuses an all-zero secret; checked again so the rule does not rest on it.
    if equal(shared, bytes(KEY_LEN)):
        raise CryptoError
    return shared


def ed25519_public(seed: bytes) -> bytes:
    """The raw public key of a raw 32-byte Ed25519 seed."""
    _need(seed, KEY_LEN)
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    """Ed25519 signature (RFC 8032, deterministic)."""
    _need(seed, KEY_LEN)
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def ed25519_verify(public: bytes, signature: bytes, message: bytes) -> None:
    """Verify an Ed25519 signature or raise `CryptoError`."""
    _need(public, KEY_LEN)
    _need(signature, SIG_LEN)
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        raise CryptoError from None
