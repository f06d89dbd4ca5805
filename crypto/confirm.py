"""Confirmations (§7.1): a member's signature over one exact revision of an entry, so the
server cannot claim that someone confirmed an agreement they never confirmed."""

from __future__ import annotations

from typing import Any

from . import _primitives as p
from ._codec import b64u_decode, b64u_encode, check_id, utf8
from .entry import EntryContext, parse_envelope
from .errors import CryptoError
from .identity import Identity, IdentityBundle


def confirmation_digest(envelope: dict[str, Any] | str | bytes) -> str:
    """b64u(SHA-256(n ‖ ct)) of an envelope: what a confirmation binds of the ciphertext."""
    env = parse_envelope(envelope)
    return b64u_encode(p.sha256(env.n + env.ct))


def _message(ctx: EntryContext, digest: str, user_id: str) -> bytes:
    if not isinstance(ctx, EntryContext) or not isinstance(digest, str):
        raise CryptoError
    if len(b64u_decode(digest)) != 32:
        raise CryptoError
    return utf8(
        f"pairbook/v1/confirm|nb={ctx.notebook_id}|entry={ctx.entry_id}|type={ctx.entry_type}"
        f"|kv={ctx.kv}|rev={ctx.rev}|author={ctx.author_id}|sha256={digest}"
        f"|user={check_id(user_id)}"
    )


def confirmation_message(
    ctx: EntryContext, envelope: dict[str, Any] | str | bytes, user_id: str
) -> bytes:
    """The bytes a confirmation signs: the entry's context and a hash of its exact ciphertext."""
    if not isinstance(ctx, EntryContext):
        raise CryptoError
    if parse_envelope(envelope).kv != ctx.kv:
        raise CryptoError
    return _message(ctx, confirmation_digest(envelope), user_id)


def sign_confirmation(
    identity: Identity, ctx: EntryContext, envelope: dict[str, Any] | str | bytes
) -> str:
    """`identity` confirms the entry `ctx` exactly as sealed in `envelope`: b64u signature."""
    if not isinstance(identity, Identity):
        raise CryptoError
    return b64u_encode(identity.sign(confirmation_message(ctx, envelope, identity.user_id)))


def verify_confirmation(
    signer: Identity | IdentityBundle,
    ctx: EntryContext,
    envelope: dict[str, Any] | str | bytes,
    sig: object,
) -> None:
    """Raise CryptoError unless `sig` is `signer`'s confirmation of exactly this entry."""
    if not isinstance(ctx, EntryContext) or parse_envelope(envelope).kv != ctx.kv:
        raise CryptoError
    verify_confirmation_digest(signer, ctx, confirmation_digest(envelope), sig)


def verify_confirmation_digest(
    signer: Identity | IdentityBundle, ctx: EntryContext, digest: object, sig: object
) -> None:
    """As `verify_confirmation`, for a revision whose ciphertext is gone and only its digest
    (`confirmation_digest`) is known: a confirmation of an older version of the entry."""
    if isinstance(signer, Identity):
        user_id, public = signer.user_id, signer.ed25519_public
    elif isinstance(signer, IdentityBundle):
        user_id, public = signer.user, signer.ed25519
    else:
        raise CryptoError
    if not isinstance(digest, str) or not isinstance(sig, str):
        raise CryptoError
    raw = b64u_decode(sig)
    if len(raw) != p.SIG_LEN:
        raise CryptoError
    p.ed25519_verify(public, raw, _message(ctx, digest, user_id))
