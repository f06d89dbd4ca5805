"""Pins (§4.1): a member's own signature over the partner bundle they trust, kept by the server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _primitives as p
from ._codec import b64u_encode, b64u_field, check_id, check_int, load_object, utf8
from .errors import CryptoError
from .identity import Identity, IdentityBundle, verify_bundle

_KEYS = frozenset({"v", "owner", "bundle", "verified", "sig"})


def pin_message(owner_id: str, partner: IdentityBundle, verified: bool) -> bytes:
    """The bytes a pin signature covers."""
    return utf8(
        f"pairbook/v1/pin|owner={check_id(owner_id)}|user={check_id(partner.user)}"
        f"|x25519={b64u_encode(partner.x25519)}|ed25519={b64u_encode(partner.ed25519)}"
        f"|verified={1 if verified else 0}"
    )


@dataclass(frozen=True)
class Pin:
    """A verified pin: the partner bundle the owner trusts and whether they compared numbers."""

    owner: str
    bundle: IdentityBundle
    verified: bool


def make_pin(owner: Identity, partner: IdentityBundle, *, verified: bool) -> dict[str, Any]:
    """Sign a pin of `partner` (already verified with `verify_bundle`) as `owner`."""
    if not isinstance(owner, Identity) or not isinstance(partner, IdentityBundle):
        raise CryptoError
    if not isinstance(verified, bool):
        raise CryptoError
    return {
        "v": 1,
        "owner": owner.user_id,
        "bundle": partner.to_json(),
        "verified": verified,
        "sig": b64u_encode(owner.sign(pin_message(owner.user_id, partner, verified))),
    }


def open_pin(
    owner: Identity | IdentityBundle, pin: dict[str, Any] | str | bytes, partner_id: str
) -> Pin:
    """Check a stored pin was signed by `owner` and pins `partner_id`; return it.

    The owner's own client passes its `Identity`; the server, which may check a pin before
    storing it, passes the owner's public `IdentityBundle`.
    """
    if isinstance(owner, Identity):
        owner_id, owner_key = owner.user_id, owner.ed25519_public
    elif isinstance(owner, IdentityBundle):
        owner_id, owner_key = owner.user, owner.ed25519
    else:
        raise CryptoError
    data = load_object(pin, _KEYS)
    verified = data["verified"]
    if check_int(data["v"]) != 1 or data["owner"] != owner_id or type(verified) is not bool:
        raise CryptoError
    if not isinstance(data["bundle"], dict):
        raise CryptoError
    partner = verify_bundle(data["bundle"], partner_id)
    sig = b64u_field(data, "sig", p.SIG_LEN)
    p.ed25519_verify(owner_key, sig, pin_message(owner_id, partner, verified))
    return Pin(owner=owner_id, bundle=partner, verified=verified)
