"""The single error type of the crypto package."""

from __future__ import annotations


class CryptoError(Exception):
    """Any failure to parse, verify, unwrap or decrypt.

    It deliberately carries no detail: a bad tag, a bad signature, a wrong key version and bad
    padding must look the same to callers (and to anyone watching them).
    """

    def __init__(self) -> None:
        super().__init__("cryptographic operation failed")
