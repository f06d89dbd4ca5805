"""Account life cycle: create, unlock, change passphrase, recover, replace the recovery code."""

from __future__ import annotations

from typing import Any

import pytest

import crypto as c

PASSPHRASE = "Mentorointi on kivaa, eikö?"
NEW_PASSPHRASE = "uusi salalause 2026 ☕"


@pytest.fixture(scope="module")
def account() -> tuple[c.AccountSecrets, c.Registration]:
    """One real (600,000-iteration) account for the whole module."""
    return c.create_account(PASSPHRASE, "user-1")


def test_registration_shape(account: tuple[c.AccountSecrets, c.Registration]) -> None:
    secrets, reg = account
    body = reg.to_server_json()
    assert set(body) == {"kdf", "auth_key", "key_material", "bundle", "recovery_auth"}
    assert set(body["key_material"]) == {
        "wrapped_account_key",
        "wrapped_x25519",
        "wrapped_ed25519",
        "recovery_wrapped_key",
    }
    assert reg.recovery_code is not None and reg.recovery_code not in repr(body)
    assert reg.recovery_code not in repr(reg)
    assert c.KdfParams.from_json(body["kdf"]) == reg.kdf and reg.kdf.iter == 600_000
    assert c.verify_bundle(body["bundle"], "user-1") == secrets.identity.bundle()
    assert len(c.b64u_decode(body["auth_key"])) == 32
    assert c.b64u_decode(body["recovery_auth"]) == c.recovery_auth_from_code(reg.recovery_code)
    assert secrets.account_key.hex() not in repr(secrets)


def test_unlock_with_passphrase(account: tuple[c.AccountSecrets, c.Registration]) -> None:
    secrets, reg = account
    material = reg.key_material()
    assert c.unlock_account(PASSPHRASE, reg.kdf, material, "user-1") == secrets
    keys = c.derive_passphrase_keys(PASSPHRASE, reg.kdf)
    assert c.b64u_encode(keys.auth_key) == reg.auth_key
    assert c.open_key_material(keys.kek, material, "user-1") == secrets
    with pytest.raises(c.CryptoError):
        c.open_key_material(bytes(32), material, "user-1")
    with pytest.raises(c.CryptoError):
        c.open_key_material(
            keys.kek, {"wrapped_account_key": material["wrapped_account_key"]}, "user-1"
        )


def test_server_side_check(account: tuple[c.AccountSecrets, c.Registration]) -> None:
    _, reg = account
    pepper = bytes(range(32))
    stored = c.auth_verifier(pepper, c.b64u_decode(reg.auth_key))
    assert c.check_auth(pepper, c.b64u_decode(reg.auth_key), stored)
    assert not c.check_auth(pepper, bytes(32), stored)
    assert not c.check_auth(bytes(range(1, 33)), c.b64u_decode(reg.auth_key), stored)
    salt = c.fake_salt(pepper, "nobody@example.org")
    assert len(salt) == 16 and salt == c.fake_salt(pepper, "nobody@example.org")
    assert salt != c.fake_salt(pepper, "somebody@example.org")


def test_passphrase_change_then_unlock(account: tuple[c.AccountSecrets, c.Registration]) -> None:
    secrets, reg = account
    change: dict[str, Any] = c.rewrap_for_new_passphrase(secrets, NEW_PASSPHRASE)
    assert set(change) == {"kdf", "auth_key", "wrapped_account_key"}
    assert change["kdf"]["salt"] != reg.kdf.to_json()["salt"]
    material = {**reg.key_material(), "wrapped_account_key": change["wrapped_account_key"]}
    kdf = c.KdfParams.from_json(change["kdf"])
    assert c.unlock_account(NEW_PASSPHRASE, kdf, material, "user-1") == secrets
    with pytest.raises(c.CryptoError):
        c.unlock_account(PASSPHRASE, kdf, material, "user-1")


def test_recovery_and_new_code(account: tuple[c.AccountSecrets, c.Registration]) -> None:
    secrets, reg = account
    assert reg.recovery_code is not None
    material = reg.key_material()
    typed = reg.recovery_code.lower().replace("-", " ")
    assert c.recover_account(typed, material, "user-1") == secrets
    code, fresh = c.rewrap_for_new_recovery_code(secrets)
    assert set(fresh) == {"recovery_wrapped_key", "recovery_auth"}
    renewed = {**material, "recovery_wrapped_key": fresh["recovery_wrapped_key"]}
    assert c.recover_account(code, renewed, "user-1") == secrets
    assert c.b64u_decode(fresh["recovery_auth"]) == c.recovery_auth_from_code(code)
    with pytest.raises(c.CryptoError):
        c.recover_account(reg.recovery_code, renewed, "user-1")
    with pytest.raises(c.CryptoError):
        c.recover_account(c.new_recovery_code(), material, "user-1")


def test_without_recovery_and_invalid_input() -> None:
    secrets, reg = c.create_account("x", "user-2", with_recovery=False)
    body = reg.to_server_json()
    assert "recovery_auth" not in body and "recovery_wrapped_key" not in body["key_material"]
    assert reg.recovery_code is None
    with pytest.raises(c.CryptoError):
        c.recover_account(c.new_recovery_code(), body["key_material"], "user-2")
    with pytest.raises(c.CryptoError):
        c.create_account("x", "not valid!")
    assert secrets.identity.user_id == "user-2"
