"""Pairbook encryption protocol v1 (suite 1), as specified in docs/PROTOCOL.md.

No Flask, no database: pure functions over bytes, strings and JSON-shaped dicts. Every
rejected input raises `CryptoError`.
"""

from ._codec import b64u_decode, b64u_encode
from .account import (
    AccountSecrets,
    Registration,
    create_account,
    open_key_material,
    recover_account,
    rewrap_for_new_passphrase,
    rewrap_for_new_recovery_code,
    unlock_account,
)
from .confirm import (
    confirmation_digest,
    confirmation_message,
    sign_confirmation,
    verify_confirmation,
    verify_confirmation_digest,
)
from .entry import (
    FORMER_MEMBER,
    EntryContext,
    Envelope,
    new_entry_id,
    open_entry,
    parse_envelope,
    seal_entry,
)
from .errors import CryptoError
from .identity import (
    Identity,
    IdentityBundle,
    format_safety_number,
    new_identity,
    safety_number,
    same_keys,
    verify_bundle,
)
from .kdf import (
    KdfParams,
    PassphraseKeys,
    auth_verifier,
    check_auth,
    derive_passphrase_keys,
    fake_salt,
    new_kdf_params,
)
from .pin import Pin, make_pin, open_pin
from .recovery import (
    format_recovery_code,
    new_recovery_code,
    parse_recovery_code,
    recovery_auth_from_code,
)
from .sealed import SealContext, Sealed, open_message, parse_sealed, seal_message
from .share import Share, accept_share, parse_share, share_notebook_key
from .wrap import new_notebook_key, unwrap_key, unwrap_notebook_key, wrap_key, wrap_notebook_key

__all__ = [
    "FORMER_MEMBER",
    "AccountSecrets",
    "CryptoError",
    "EntryContext",
    "Envelope",
    "Identity",
    "IdentityBundle",
    "KdfParams",
    "PassphraseKeys",
    "Pin",
    "Registration",
    "SealContext",
    "Sealed",
    "Share",
    "accept_share",
    "auth_verifier",
    "b64u_decode",
    "b64u_encode",
    "check_auth",
    "confirmation_digest",
    "confirmation_message",
    "create_account",
    "derive_passphrase_keys",
    "fake_salt",
    "format_recovery_code",
    "format_safety_number",
    "make_pin",
    "new_entry_id",
    "new_identity",
    "new_kdf_params",
    "new_notebook_key",
    "new_recovery_code",
    "open_entry",
    "open_key_material",
    "open_message",
    "open_pin",
    "parse_envelope",
    "parse_recovery_code",
    "parse_sealed",
    "parse_share",
    "recover_account",
    "recovery_auth_from_code",
    "rewrap_for_new_passphrase",
    "rewrap_for_new_recovery_code",
    "safety_number",
    "same_keys",
    "seal_entry",
    "seal_message",
    "share_notebook_key",
    "sign_confirmation",
    "unlock_account",
    "unwrap_key",
    "unwrap_notebook_key",
    "verify_bundle",
    "verify_confirmation",
    "verify_confirmation_digest",
    "wrap_key",
    "wrap_notebook_key",
]
