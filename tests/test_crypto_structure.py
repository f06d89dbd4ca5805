"""Structural rules of crypto/: one hazmat module, one randomness module, the agreed public API."""

from __future__ import annotations

import ast
from pathlib import Path

import crypto

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "crypto"
SOURCES = sorted(PACKAGE.glob("*.py"))
RANDOM_MODULES = {"secrets", "random", "os"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_primitives_imports_cryptography() -> None:
    users = {
        path.name
        for path in SOURCES + [ROOT / "scripts" / "gen_vectors.py"]
        if any(m == "cryptography" or m.startswith("cryptography.") for m in imported_modules(path))
    }
    assert users == {"_primitives.py"}


def test_only_the_random_hook_draws_randomness() -> None:
    users = {
        path.name
        for path in SOURCES
        if imported_modules(path) & RANDOM_MODULES or "urandom" in path.read_text(encoding="utf-8")
    }
    assert users == {"_random.py"}


def test_no_web_or_database_imports() -> None:
    forbidden = {"flask", "sqlite3", "sqlcipher3", "workspace", "requests"}
    for path in SOURCES:
        roots = {m.split(".")[0] for m in imported_modules(path)}
        assert not roots & forbidden, path.name


def test_files_stay_small() -> None:
    for path in SOURCES:
        assert len(path.read_text(encoding="utf-8").splitlines()) < 300, path.name


def test_public_api() -> None:
    expected = {
        "CryptoError",
        "b64u_encode",
        "b64u_decode",
        "KdfParams",
        "new_kdf_params",
        "derive_passphrase_keys",
        "PassphraseKeys",
        "auth_verifier",
        "check_auth",
        "fake_salt",
        "Identity",
        "new_identity",
        "IdentityBundle",
        "verify_bundle",
        "same_keys",
        "FORMER_MEMBER",
        "confirmation_message",
        "sign_confirmation",
        "verify_confirmation",
        "verify_confirmation_digest",
        "confirmation_digest",
        "AccountSecrets",
        "Registration",
        "create_account",
        "unlock_account",
        "open_key_material",
        "rewrap_for_new_passphrase",
        "rewrap_for_new_recovery_code",
        "recover_account",
        "recovery_auth_from_code",
        "wrap_key",
        "unwrap_key",
        "new_notebook_key",
        "wrap_notebook_key",
        "unwrap_notebook_key",
        "safety_number",
        "format_safety_number",
        "share_notebook_key",
        "accept_share",
        "parse_share",
        "Share",
        "EntryContext",
        "Envelope",
        "seal_entry",
        "open_entry",
        "parse_envelope",
        "new_entry_id",
        "SealContext",
        "Sealed",
        "seal_message",
        "open_message",
        "parse_sealed",
        "new_recovery_code",
        "parse_recovery_code",
        "format_recovery_code",
        "Pin",
        "make_pin",
        "open_pin",
    }
    assert set(crypto.__all__) == expected
    assert all(hasattr(crypto, name) for name in expected)


def test_parsed_objects_are_frozen() -> None:
    import dataclasses

    for name in (
        "KdfParams",
        "PassphraseKeys",
        "Identity",
        "IdentityBundle",
        "AccountSecrets",
        "Registration",
        "Share",
        "EntryContext",
        "Envelope",
        "SealContext",
        "Sealed",
        "Pin",
    ):
        cls = getattr(crypto, name)
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, name
