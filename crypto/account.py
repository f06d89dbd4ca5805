"""Account life cycle (§11): registration, unlock, passphrase change and recovery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import _primitives as p
from ._codec import b64u_encode, check_bytes, check_id
from ._random import random_bytes
from .errors import CryptoError
from .identity import Identity, new_identity
from .kdf import KdfParams, derive_passphrase_keys, new_kdf_params
from .recovery import new_recovery_code, parse_recovery_code, recovery_auth, recovery_key
from .wrap import (
    LABEL_ACCOUNT_KEK,
    LABEL_ACCOUNT_RECOVERY,
    LABEL_ED25519,
    LABEL_X25519,
    unwrap_key,
    wrap_key,
)


@dataclass(frozen=True)
class AccountSecrets:
    """What an unlocked client holds in memory: the account key and the private identity."""

    account_key: bytes = field(repr=False)
    identity: Identity


@dataclass(frozen=True)
class Registration:
    """Everything produced when an account is created.

    `recovery_code` is for the user's eyes only; `to_server_json()` leaves it out.
    """

    kdf: KdfParams
    auth_key: str
    wrapped_account_key: str
    wrapped_x25519: str
    wrapped_ed25519: str
    bundle: dict[str, Any]
    recovery_code: str | None = field(default=None, repr=False)
    recovery_wrapped_key: str | None = None
    recovery_auth: str | None = None

    def key_material(self) -> dict[str, str]:
        """The wrapped keys the server stores and hands back at login."""
        material = {
            "wrapped_account_key": self.wrapped_account_key,
            "wrapped_x25519": self.wrapped_x25519,
            "wrapped_ed25519": self.wrapped_ed25519,
        }
        if self.recovery_wrapped_key is not None:
            material["recovery_wrapped_key"] = self.recovery_wrapped_key
        return material

    def to_server_json(self) -> dict[str, Any]:
        """The registration request body: never contains the recovery code itself."""
        out: dict[str, Any] = {
            "kdf": self.kdf.to_json(),
            "auth_key": self.auth_key,
            "key_material": self.key_material(),
            "bundle": self.bundle,
        }
        if self.recovery_auth is not None:
            out["recovery_auth"] = self.recovery_auth
        return out


def _recovery_wrap(account_key: bytes) -> tuple[str, str, str]:
    code_str = new_recovery_code()
    code = parse_recovery_code(code_str)
    wrapped = wrap_key(recovery_key(code), account_key, LABEL_ACCOUNT_RECOVERY)
    return code_str, wrapped, b64u_encode(recovery_auth(code))


def create_account(
    passphrase: str, user_id: str, *, with_recovery: bool = True
) -> tuple[AccountSecrets, Registration]:
    """Create a new account's keys.

    Random draws, in order: KDF salt (16), account key (32), X25519 private key (32), Ed25519
    seed (32), the three wrap nonces (account key, X25519, Ed25519; 12 each) and, with
    recovery, the recovery code (16) and its wrap nonce (12).
    """
    check_id(user_id)
    kdf = new_kdf_params()
    keys = derive_passphrase_keys(passphrase, kdf)
    account_key = random_bytes(p.KEY_LEN)
    identity = new_identity(user_id)
    code_str = wrapped_recovery = auth = None
    wrapped_account_key = wrap_key(keys.kek, account_key, LABEL_ACCOUNT_KEK)
    wrapped_x = wrap_key(account_key, identity.x25519_private, LABEL_X25519)
    wrapped_ed = wrap_key(account_key, identity.ed25519_seed, LABEL_ED25519)
    if with_recovery:
        code_str, wrapped_recovery, auth = _recovery_wrap(account_key)
    registration = Registration(
        kdf=kdf,
        auth_key=b64u_encode(keys.auth_key),
        wrapped_account_key=wrapped_account_key,
        wrapped_x25519=wrapped_x,
        wrapped_ed25519=wrapped_ed,
        bundle=identity.bundle().to_json(),
        recovery_code=code_str,
        recovery_wrapped_key=wrapped_recovery,
        recovery_auth=auth,
    )
    return AccountSecrets(account_key=account_key, identity=identity), registration


def _material(key_material: dict[str, Any], name: str) -> str:
    if not isinstance(key_material, dict) or not isinstance(key_material.get(name), str):
        raise CryptoError
    return key_material[name]


def _open_identity(account_key: bytes, key_material: dict[str, Any], user_id: str) -> Identity:
    x_priv = unwrap_key(account_key, _material(key_material, "wrapped_x25519"), LABEL_X25519)
    ed_seed = unwrap_key(account_key, _material(key_material, "wrapped_ed25519"), LABEL_ED25519)
    return Identity.from_private(check_id(user_id), x_priv, ed_seed)


def open_key_material(kek: bytes, key_material: dict[str, Any], user_id: str) -> AccountSecrets:
    """Unwrap the account key with an already derived `kek`, then the identity."""
    blob = _material(key_material, "wrapped_account_key")
    account_key = unwrap_key(check_bytes(kek, p.KEY_LEN), blob, LABEL_ACCOUNT_KEK)
    identity = _open_identity(account_key, key_material, user_id)
    return AccountSecrets(account_key=account_key, identity=identity)


def unlock_account(
    passphrase: str,
    kdf: KdfParams | dict[str, Any],
    key_material: dict[str, Any],
    user_id: str,
) -> AccountSecrets:
    """Derive the KEK from the passphrase and unlock the account key and identity."""
    params = kdf if isinstance(kdf, KdfParams) else KdfParams.from_json(kdf)
    keys = derive_passphrase_keys(passphrase, params)
    return open_key_material(keys.kek, key_material, user_id)


def rewrap_for_new_passphrase(secrets: AccountSecrets, new_passphrase: str) -> dict[str, Any]:
    """New KDF params, auth key and account-key wrap for a passphrase change.

    Returns `{"kdf", "auth_key", "wrapped_account_key"}`; nothing else changes.
    """
    if not isinstance(secrets, AccountSecrets):
        raise CryptoError
    kdf = new_kdf_params()
    keys = derive_passphrase_keys(new_passphrase, kdf)
    return {
        "kdf": kdf.to_json(),
        "auth_key": b64u_encode(keys.auth_key),
        "wrapped_account_key": wrap_key(keys.kek, secrets.account_key, LABEL_ACCOUNT_KEK),
    }


def rewrap_for_new_recovery_code(secrets: AccountSecrets) -> tuple[str, dict[str, str]]:
    """A fresh recovery code (display form) and `{"recovery_wrapped_key", "recovery_auth"}`."""
    if not isinstance(secrets, AccountSecrets):
        raise CryptoError
    code_str, wrapped, auth = _recovery_wrap(secrets.account_key)
    return code_str, {"recovery_wrapped_key": wrapped, "recovery_auth": auth}


def recover_account(
    recovery_code_str: str, key_material: dict[str, Any], user_id: str
) -> AccountSecrets:
    """Unlock the account key with the recovery code instead of the passphrase."""
    code = parse_recovery_code(recovery_code_str)
    blob = _material(key_material, "recovery_wrapped_key")
    account_key = unwrap_key(recovery_key(code), blob, LABEL_ACCOUNT_RECOVERY)
    identity = _open_identity(account_key, key_material, user_id)
    return AccountSecrets(account_key=account_key, identity=identity)
