"""Identities, signed public bundles (§4) and safety numbers (§5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import _primitives as p
from ._codec import b64u_encode, b64u_field, check_bytes, check_id, check_int, load_object, utf8
from ._random import random_bytes
from .errors import CryptoError

_BUNDLE_KEYS = frozenset({"v", "user", "x25519", "ed25519", "sig"})
_SAFETY_ROUNDS = 5200


def bundle_message(user_id: str, x25519_public: bytes, ed25519_public: bytes) -> bytes:
    """The bytes a bundle signature covers."""
    return utf8(
        f"pairbook/v1/bundle|user={check_id(user_id)}"
        f"|x25519={b64u_encode(x25519_public)}|ed25519={b64u_encode(ed25519_public)}"
    )


@dataclass(frozen=True)
class IdentityBundle:
    """A user's verified public keys: X25519 for receiving, Ed25519 for signing."""

    user: str
    x25519: bytes
    ed25519: bytes
    sig: bytes

    def to_json(self) -> dict[str, Any]:
        """The wire form of the bundle."""
        return {
            "v": 1,
            "user": self.user,
            "x25519": b64u_encode(self.x25519),
            "ed25519": b64u_encode(self.ed25519),
            "sig": b64u_encode(self.sig),
        }

    @staticmethod
    def verify(obj: dict[str, Any] | str | bytes, expected_user: str) -> IdentityBundle:
        """Same as `verify_bundle`."""
        return verify_bundle(obj, expected_user)


def verify_bundle(obj: dict[str, Any] | str | bytes, expected_user: str) -> IdentityBundle:
    """Parse a bundle, check it is `expected_user`'s and that its self-signature verifies."""
    data = load_object(obj, _BUNDLE_KEYS)
    if check_int(data["v"]) != 1 or check_id(data["user"]) != check_id(expected_user):
        raise CryptoError
    x_pub = b64u_field(data, "x25519", p.KEY_LEN)
    ed_pub = b64u_field(data, "ed25519", p.KEY_LEN)
    sig = b64u_field(data, "sig", p.SIG_LEN)
    p.ed25519_verify(ed_pub, sig, bundle_message(data["user"], x_pub, ed_pub))
    return IdentityBundle(user=data["user"], x25519=x_pub, ed25519=ed_pub, sig=sig)


@dataclass(frozen=True)
class Identity:
    """A user's private identity: an X25519 key pair and an Ed25519 key pair."""

    user_id: str
    x25519_private: bytes = field(repr=False)
    ed25519_seed: bytes = field(repr=False)
    x25519_public: bytes
    ed25519_public: bytes

    def __post_init__(self) -> None:
        check_id(self.user_id)
        if not p.equal(p.x25519_public(self.x25519_private), check_bytes(self.x25519_public, 32)):
            raise CryptoError
        if not p.equal(p.ed25519_public(self.ed25519_seed), check_bytes(self.ed25519_public, 32)):
            raise CryptoError

    @classmethod
    def from_private(cls, user_id: str, x25519_private: bytes, ed25519_seed: bytes) -> Identity:
        """Rebuild an identity (public halves included) from its two private keys."""
        return cls(
            user_id=user_id,
            x25519_private=x25519_private,
            ed25519_seed=ed25519_seed,
            x25519_public=p.x25519_public(x25519_private),
            ed25519_public=p.ed25519_public(ed25519_seed),
        )

    def bundle(self) -> IdentityBundle:
        """This identity's signed public bundle."""
        message = bundle_message(self.user_id, self.x25519_public, self.ed25519_public)
        return IdentityBundle(
            user=self.user_id,
            x25519=self.x25519_public,
            ed25519=self.ed25519_public,
            sig=p.ed25519_sign(self.ed25519_seed, message),
        )

    def sign(self, message: bytes) -> bytes:
        """An Ed25519 signature by this identity."""
        return p.ed25519_sign(self.ed25519_seed, message)


def new_identity(user_id: str) -> Identity:
    """A fresh identity (X25519 private key drawn first, then the Ed25519 seed)."""
    check_id(user_id)
    x_priv = random_bytes(p.KEY_LEN)
    ed_seed = random_bytes(p.KEY_LEN)
    return Identity.from_private(user_id, x_priv, ed_seed)


def _member_digits(bundle: IdentityBundle) -> str:
    keys = bundle.x25519 + bundle.ed25519
    h = p.sha512(b"\x00\x01" + keys + utf8(check_id(bundle.user)))
    for _ in range(_SAFETY_ROUNDS):
        h = p.sha512(h + keys)
    return "".join(f"{int.from_bytes(h[i : i + 5], 'big') % 100000:05d}" for i in range(0, 30, 5))


def same_keys(a: IdentityBundle | None, b: IdentityBundle | None) -> bool:
    """Whether two bundles are the same person's same keys (a changed key is not)."""
    return (
        a is not None
        and b is not None
        and (a.user, a.x25519, a.ed25519) == (b.user, b.x25519, b.ed25519)
    )


def safety_number(bundle_a: IdentityBundle, bundle_b: IdentityBundle) -> str:
    """The 60-digit safety number of two members; the same whichever order they are given in."""
    return "".join(sorted((_member_digits(bundle_a), _member_digits(bundle_b))))


def format_safety_number(number: str) -> str:
    """Twelve groups of five digits separated by spaces."""
    if not isinstance(number, str) or len(number) != 60 or not number.isascii():
        raise CryptoError
    if not number.isdigit():
        raise CryptoError
    return " ".join(number[i : i + 5] for i in range(0, 60, 5))
