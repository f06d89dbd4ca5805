"""Every committed vector in tests/vectors/*.json, positive and negative, against crypto/."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import crypto as c
from crypto import _primitives as p
from crypto._codec import pad
from crypto._random import override_random
from crypto.entry import entry_key
from crypto.identity import bundle_message
from crypto.recovery import format_recovery_code, recovery_auth, recovery_key

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
FILES = sorted(path.name for path in VECTORS.glob("*.json"))


def vectors(filename: str) -> list[Any]:
    data = json.loads((VECTORS / filename).read_text(encoding="utf-8"))
    return [pytest.param(v, id=v["name"]) for v in data["vectors"]]


def identity(obj: dict[str, str]) -> c.Identity:
    return c.Identity.from_private(
        obj["user_id"],
        bytes.fromhex(obj["x25519_private_hex"]),
        bytes.fromhex(obj["ed25519_seed_hex"]),
    )


@contextmanager
def replay(draws_hex: list[str]) -> Iterator[None]:
    """Serve exactly the listed random draws, in order, and check they were all used."""
    queue = [bytes.fromhex(h) for h in draws_hex]

    def source(n: int) -> bytes:
        draw = queue.pop(0)
        assert len(draw) == n
        return draw

    with override_random(source):
        yield
    assert queue == []


def check(vector: dict[str, Any], run: Callable[[], Any]) -> Any:
    """Negative vectors must raise CryptoError (and nothing else); positives return a value."""
    if vector.get("error") is True:
        assert "expected" not in vector
        with pytest.raises(c.CryptoError):
            run()
        return None
    return run()


def test_every_file_is_well_formed() -> None:
    assert len(FILES) >= 18
    for filename in FILES:
        data = json.loads((VECTORS / filename).read_text(encoding="utf-8"))
        assert {"protocol", "suite", "operation", "description", "vectors"} <= set(data)
        names = [v["name"] for v in data["vectors"]]
        assert len(names) == len(set(names)), filename
        for v in data["vectors"]:
            assert ("expected" in v) != (v.get("error") is True), (filename, v["name"])


def test_committed_vectors_are_current(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "gen_vectors.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True, cwd=ROOT)
    assert sorted(path.name for path in tmp_path.glob("*.json")) == FILES
    for filename in FILES:
        assert (tmp_path / filename).read_bytes() == (VECTORS / filename).read_bytes(), filename


@pytest.mark.parametrize("v", vectors("b64u.json"))
def test_b64u(v: dict[str, Any]) -> None:
    got = check(v, lambda: c.b64u_decode(v["text"]))
    if got is not None:
        assert got.hex() == v["expected"]["bytes_hex"]
        assert c.b64u_encode(got) == v["text"]


@pytest.mark.parametrize("v", vectors("rfc5869_hkdf.json") + vectors("hkdf_labels.json"))
def test_hkdf(v: dict[str, Any]) -> None:
    info = bytes.fromhex(v["info_hex"]) if "info_hex" in v else v["info"].encode()
    okm = p.hkdf_sha256(
        bytes.fromhex(v["ikm_hex"]), bytes.fromhex(v["salt_hex"]), info, v["length"]
    )
    assert okm.hex() == v["expected"]["okm_hex"]


@pytest.mark.parametrize("v", vectors("rfc7748_x25519.json"))
def test_x25519(v: dict[str, Any]) -> None:
    def run() -> bytes:
        k, u = bytes.fromhex(v["scalar_hex"]), bytes.fromhex(v["u_hex"])
        for _ in range(v["iterations"]):
            k, u = p.x25519_shared(k, u), k
        return k

    got = check(v, run)
    if got is not None:
        assert got.hex() == v["expected"]["output_hex"]
        if v["u_hex"] == "09" + "00" * 31 and v["iterations"] == 1:
            assert p.x25519_public(bytes.fromhex(v["scalar_hex"])) == got


@pytest.mark.parametrize("v", vectors("rfc8032_ed25519.json"))
def test_ed25519(v: dict[str, Any]) -> None:
    pk, msg, sig = (bytes.fromhex(v[k]) for k in ("public_key_hex", "message_hex", "signature_hex"))
    check(v, lambda: p.ed25519_verify(pk, sig, msg))
    if "expected" in v:
        seed = bytes.fromhex(v["secret_key_hex"])
        assert p.ed25519_public(seed) == pk
        assert p.ed25519_sign(seed, msg) == sig


@pytest.mark.parametrize("v", vectors("kdf.json"))
def test_kdf(v: dict[str, Any]) -> None:
    keys = check(
        v, lambda: c.derive_passphrase_keys(v["passphrase"], c.KdfParams.from_json(v["kdf"]))
    )
    if keys is not None:
        assert keys.auth_key.hex() == v["expected"]["auth_key_hex"]
        assert keys.kek.hex() == v["expected"]["kek_hex"]
        assert c.KdfParams.from_json(v["kdf"]).to_json() == v["kdf"]


@pytest.mark.parametrize("v", vectors("auth_verifier.json"))
def test_auth_verifier(v: dict[str, Any]) -> None:
    pepper, auth_key = bytes.fromhex(v["pepper_hex"]), bytes.fromhex(v["auth_key_hex"])
    got = check(v, lambda: c.auth_verifier(pepper, auth_key))
    if got is not None:
        assert got.hex() == v["expected"]["verifier_hex"]
        assert c.check_auth(pepper, auth_key, got)
        assert not c.check_auth(pepper, bytes(32), got)


@pytest.mark.parametrize("v", vectors("fake_salt.json"))
def test_fake_salt(v: dict[str, Any]) -> None:
    assert (
        c.fake_salt(bytes.fromhex(v["pepper_hex"]), v["email"]).hex() == v["expected"]["salt_hex"]
    )


@pytest.mark.parametrize("v", vectors("wrap.json"))
def test_wrap(v: dict[str, Any]) -> None:
    k = bytes.fromhex(v["wrapping_key_hex"])
    got = check(v, lambda: c.unwrap_key(k, v["blob_b64u"], v["label"]))
    if got is not None:
        assert got.hex() == v["expected"]["key_hex"]
        with replay([v["nonce_hex"]]):
            assert c.wrap_key(k, bytes.fromhex(v["key_hex"]), v["label"]) == v["blob_b64u"]


@pytest.mark.parametrize("v", vectors("recovery_code.json"))
def test_recovery_code(v: dict[str, Any]) -> None:
    code = check(v, lambda: c.parse_recovery_code(v["text"]))
    if code is not None:
        exp = v["expected"]
        assert code.hex() == exp["code_hex"]
        assert format_recovery_code(code) == exp["display"]
        assert recovery_key(code).hex() == exp["recovery_key_hex"]
        assert recovery_auth(code).hex() == exp["recovery_auth_hex"]
        assert c.recovery_auth_from_code(v["text"]).hex() == exp["recovery_auth_hex"]


@pytest.mark.parametrize("v", vectors("account.json"))
def test_account(v: dict[str, Any]) -> None:
    user = v["user_id"]
    if v.get("error"):
        if "passphrase" in v:
            check(v, lambda: c.unlock_account(v["passphrase"], v["kdf"], v["key_material"], user))
        else:
            check(v, lambda: c.recover_account(v["recovery_code"], v["key_material"], user))
        return
    reg, exp = v["registration"], v["expected"]
    with replay(v["random_hex"]):
        secrets, registration = c.create_account(v["passphrase"], user)
    assert registration.to_server_json() == reg
    assert registration.recovery_code == v["recovery_code"]
    assert reg["auth_key"] == exp["auth_key_b64u"]
    for opened in (
        c.unlock_account(v["passphrase"], reg["kdf"], reg["key_material"], user),
        c.recover_account(v["recovery_code"], reg["key_material"], user),
    ):
        assert opened == secrets
        assert opened.account_key.hex() == exp["account_key_hex"]
        assert opened.identity.x25519_private.hex() == exp["x25519_private_hex"]
        assert opened.identity.x25519_public.hex() == exp["x25519_public_hex"]
        assert opened.identity.ed25519_seed.hex() == exp["ed25519_seed_hex"]
        assert opened.identity.ed25519_public.hex() == exp["ed25519_public_hex"]
        assert opened.identity.bundle().to_json() == reg["bundle"]


@pytest.mark.parametrize("v", vectors("bundle.json"))
def test_bundle(v: dict[str, Any]) -> None:
    got = check(v, lambda: c.verify_bundle(v["bundle"], v["expected_user"]))
    if got is not None:
        assert got.x25519.hex() == v["expected"]["x25519_public_hex"]
        assert got.ed25519.hex() == v["expected"]["ed25519_public_hex"]
        me = identity(v["identity"])
        assert (
            bundle_message(me.user_id, me.x25519_public, me.ed25519_public).decode() == v["message"]
        )
        assert me.bundle().to_json() == v["bundle"]
        assert got.to_json() == v["bundle"]


@pytest.mark.parametrize("v", vectors("safety_number.json"))
def test_safety_number(v: dict[str, Any]) -> None:
    a = c.verify_bundle(v["bundle_a"], v["bundle_a"]["user"])
    b = c.verify_bundle(v["bundle_b"], v["bundle_b"]["user"])
    assert c.safety_number(a, b) == v["expected"]["digits"]
    assert c.safety_number(b, a) == v["expected"]["digits"]
    assert c.format_safety_number(v["expected"]["digits"]) == v["expected"]["formatted"]


@pytest.mark.parametrize("v", vectors("share.json"))
def test_share(v: dict[str, Any]) -> None:
    recipient = identity(v["recipient"])
    sender = c.verify_bundle(v["sender_bundle"], v["sender_bundle"]["user"])

    got = check(v, lambda: c.accept_share(recipient, sender, v["share"], v["notebook_id"], v["kv"]))
    if got is not None:
        assert got.hex() == v["expected"]["notebook_key_hex"]
        with replay(v["random_hex"]):
            again = c.share_notebook_key(
                identity(v["sender"]), recipient.bundle(), v["notebook_id"], v["kv"], got
            )
        assert again == v["share"]


@pytest.mark.parametrize("v", vectors("entry.json"))
def test_entry(v: dict[str, Any]) -> None:
    key = bytes.fromhex(v["notebook_key_hex"])
    got = check(v, lambda: c.open_entry(key, c.EntryContext(**v["context"]), v["envelope"]))
    if got is not None:
        exp = v["expected"]
        ctx = c.EntryContext(**v["context"])
        assert got == exp["body"]
        assert list(got) == list(exp["body"])
        assert entry_key(key, ctx.notebook_id, ctx.kv).hex() == v["entry_key_hex"]
        assert ctx.aad().decode() == v["aad"]
        padded = pad(v["body_json"].encode())
        assert padded.hex() == v["padded_hex"]
        assert len(padded) == exp["padded_length"] and len(padded) % 256 == 0
        with replay([v["nonce_hex"]]):
            assert c.seal_entry(key, ctx, exp["body"]) == v["envelope"]


@pytest.mark.parametrize("v", vectors("envelope_text.json"))
def test_envelope_text(v: dict[str, Any]) -> None:
    got = check(v, lambda: c.parse_envelope(v["text"]))
    if got is not None:
        assert (got.kv, got.n.hex(), got.ct.hex()) == tuple(v["expected"].values())
        assert c.parse_envelope(v["text"].encode()) == got


@pytest.mark.parametrize("v", vectors("sealed.json"))
def test_sealed(v: dict[str, Any]) -> None:
    recipient = identity(v["recipient"])
    sender = c.verify_bundle(v["sender_bundle"], v["sender_bundle"]["user"])

    def run() -> dict[str, Any]:
        return c.open_message(recipient, sender, c.SealContext(**v["context"]), v["sealed"])

    got = check(v, run)
    if got is not None:
        ctx = c.SealContext(**v["context"])
        assert got == v["expected"]["body"]
        assert ctx.info().decode() == v["info"]
        with replay(v["random_hex"]):
            again = c.seal_message(identity(v["sender"]), recipient.bundle(), ctx, got)
        assert again == v["sealed"]


@pytest.mark.parametrize("v", vectors("pin.json"))
def test_pin(v: dict[str, Any]) -> None:
    owner = identity(v["owner"])
    got = check(v, lambda: c.open_pin(owner, v["pin"], v["partner_id"]))
    if got is not None:
        assert got.verified is v["expected"]["verified"]
        assert got.bundle.to_json() == v["expected"]["bundle"]
        assert c.open_pin(owner.bundle(), v["pin"], v["partner_id"]) == got
        assert c.make_pin(owner, got.bundle, verified=got.verified) == v["pin"]
    else:
        with pytest.raises(c.CryptoError):
            c.open_pin(owner.bundle(), v["pin"], v["partner_id"])


@pytest.mark.parametrize("v", vectors("confirm.json"))
def test_confirm(v: dict[str, Any]) -> None:
    signer = identity(v["signer"])
    ctx = c.EntryContext(**v["context"])
    check(v, lambda: c.verify_confirmation(signer.bundle(), ctx, v["envelope"], v["sig"]))
    if "expected" in v:
        c.verify_confirmation(signer, ctx, v["envelope"], v["sig"])
        assert c.confirmation_message(ctx, v["envelope"], signer.user_id).decode() == v["message"]
        # Ed25519 is deterministic: signing again gives the same signature.
        assert c.sign_confirmation(signer, ctx, v["envelope"]) == v["sig"]
        assert c.confirmation_digest(v["envelope"]) == v["digest_b64u"]
        c.verify_confirmation_digest(signer.bundle(), ctx, v["digest_b64u"], v["sig"])
        newer = c.EntryContext(**{**v["context"], "rev": v["context"]["rev"] + 1})
        with pytest.raises(c.CryptoError):
            c.verify_confirmation_digest(signer.bundle(), newer, v["digest_b64u"], v["sig"])
