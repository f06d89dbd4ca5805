"""Write tests/vectors/*.json: protocol v1 test vectors from the Python implementation.

Usage: .venv/bin/python scripts/gen_vectors.py [OUT_DIR]

Deterministic: every random draw comes from a seeded SHA-256 counter stream, so running the
script twice writes byte-identical files. Formats are described in docs/PROTOCOL.md §14.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import crypto as c  # noqa: E402
from crypto import _primitives as p  # noqa: E402
from crypto._codec import pad  # noqa: E402
from crypto._random import override_random  # noqa: E402
from crypto.entry import _seal_padded as seal_entry_padded  # noqa: E402
from crypto.entry import entry_key  # noqa: E402
from crypto.identity import bundle_message  # noqa: E402
from crypto.recovery import format_recovery_code, recovery_auth, recovery_key  # noqa: E402
from crypto.sealed import _seal_padded as seal_message_padded  # noqa: E402

Vector = dict[str, Any]
b64 = c.b64u_encode
unb64 = c.b64u_decode


class Drbg:
    """SHA-256(seed ‖ counter) stream; remembers each draw so vectors can list them."""

    def __init__(self, seed: str) -> None:
        self.seed = seed.encode()
        self.counter = 0
        self.draws: list[bytes] = []

    def __call__(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(self.seed + self.counter.to_bytes(4, "big")).digest()
            self.counter += 1
        self.draws.append(out[:n])
        return out[:n]


@contextmanager
def fixed(seed: str) -> Iterator[list[bytes]]:
    """Deterministic randomness inside the block; yields the list of draws."""
    drbg = Drbg("pairbook/v1/vectors/" + seed)
    with override_random(drbg):
        yield drbg.draws


def hexes(draws: list[bytes]) -> list[str]:
    return [d.hex() for d in draws]


def flip(text: str, index: int, bit: int = 1) -> str:
    """Flip one bit of the bytes behind a base64url string."""
    raw = bytearray(unb64(text))
    raw[index] ^= bit
    return b64(bytes(raw))


def replaced(obj: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `obj` with keys changed; a value of `...` removes the key."""
    out = dict(obj)
    for key, value in changes.items():
        if value is ...:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def neg(name: str, **fields: Any) -> Vector:
    return {"name": name, **fields, "error": True}


def must_fail(fn: Callable[[], object]) -> None:
    try:
        fn()
    except c.CryptoError:
        return
    raise AssertionError("a negative vector did not fail")


# --- actors ------------------------------------------------------------------------------


def ident(user: str, seed: str | None = None) -> c.Identity:
    with fixed("identity/" + (seed or user)):
        return c.new_identity(user)


def ident_json(identity: c.Identity) -> dict[str, str]:
    return {
        "user_id": identity.user_id,
        "x25519_private_hex": identity.x25519_private.hex(),
        "ed25519_seed_hex": identity.ed25519_seed.hex(),
    }


ALICE = ident("alice-mentee")
BOB = ident("bob-mentor")
CAROL = ident("carol-organiser")
DAVE = ident("dave-organiser")
# Mallory claims to be Alice but holds her own keys.
MALLORY_AS_ALICE = ident("alice-mentee", seed="mallory")


def write(out: Path, filename: str, operation: str, description: str, vectors: list[Vector]):
    names = [v["name"] for v in vectors]
    assert len(names) == len(set(names)), f"duplicate names in {filename}"
    doc = {
        "protocol": "pairbook/v1",
        "suite": 1,
        "operation": operation,
        "description": description,
        "encoding": "*_hex: lowercase hex; *_b64u: base64url without padding; "
        "other strings are literal; wire objects appear exactly as on the wire",
        "generator": "scripts/gen_vectors.py",
        "vectors": vectors,
    }
    text = json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
    (out / filename).write_text(text, encoding="utf-8")


# --- RFC vectors: our primitives must reproduce them --------------------------------------

RFC5869 = [
    (
        "rfc5869-test-case-1",
        "0b" * 22,
        "000102030405060708090a0b0c",
        "f0f1f2f3f4f5f6f7f8f9",
        42,
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    ),
    (
        "rfc5869-test-case-2",
        bytes(range(0x00, 0x50)).hex(),
        bytes(range(0x60, 0xB0)).hex(),
        bytes(range(0xB0, 0x100)).hex(),
        82,
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
        "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
        "cc30c58179ec3e87c14c01d5c1f3434f1d87",
    ),
    (
        "rfc5869-test-case-3",
        "0b" * 22,
        "",
        "",
        42,
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    ),
]


def build_rfc5869() -> tuple[str, str, str, list[Vector]]:
    vectors = []
    for name, ikm, salt, info, length, okm in RFC5869:
        got = p.hkdf_sha256(bytes.fromhex(ikm), bytes.fromhex(salt), bytes.fromhex(info), length)
        assert got.hex() == okm, name
        vectors.append(
            {
                "name": name,
                "ikm_hex": ikm,
                "salt_hex": salt,
                "info_hex": info,
                "length": length,
                "expected": {"okm_hex": okm},
            }
        )
    return "rfc5869_hkdf.json", "hkdf_sha256", "RFC 5869 appendix A, test cases 1-3", vectors


NINE = "09" + "00" * 31
A_PRIV = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
A_PUB = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
B_PRIV = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
B_PUB = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
AB_SHARED = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
RFC7748 = [
    (
        "rfc7748-5.2-vector-1",
        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        1,
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    ),
    (
        "rfc7748-5.2-vector-2",
        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
        1,
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
    ),
    (
        "rfc7748-5.2-iterated-1",
        NINE,
        NINE,
        1,
        "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
    ),
    (
        "rfc7748-5.2-iterated-1000",
        NINE,
        NINE,
        1000,
        "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
    ),
    ("rfc7748-6.1-alice-public", A_PRIV, NINE, 1, A_PUB),
    ("rfc7748-6.1-bob-public", B_PRIV, NINE, 1, B_PUB),
    ("rfc7748-6.1-shared-by-alice", A_PRIV, B_PUB, 1, AB_SHARED),
    ("rfc7748-6.1-shared-by-bob", B_PRIV, A_PUB, 1, AB_SHARED),
]
LOW_ORDER = [
    ("zero", "00" * 32),
    ("one", "01" + "00" * 31),
    ("order-8", "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    ("p-minus-1", "ec" + "ff" * 30 + "7f"),
]


def x25519_iterated(scalar: bytes, u: bytes, iterations: int) -> bytes:
    for _ in range(iterations):
        scalar, u = p.x25519_shared(scalar, u), scalar
    return scalar


def build_rfc7748() -> tuple[str, str, str, list[Vector]]:
    vectors: list[Vector] = []
    for name, scalar, u, iterations, output in RFC7748:
        got = x25519_iterated(bytes.fromhex(scalar), bytes.fromhex(u), iterations)
        assert got.hex() == output, name
        vectors.append(
            {
                "name": name,
                "scalar_hex": scalar,
                "u_hex": u,
                "iterations": iterations,
                "expected": {"output_hex": output},
            }
        )
    scalar = RFC7748[0][1]
    for label, u in LOW_ORDER:
        must_fail(lambda u=u: p.x25519_shared(bytes.fromhex(scalar), bytes.fromhex(u)))
        vectors.append(
            neg(f"low-order-u-{label}", scalar_hex=scalar, u_hex=u, iterations=1),
        )
    description = (
        "RFC 7748 §5.2 and §6.1. iterations=n means: k=scalar, u=u; n times (k, u) = "
        "(X25519(k, u), k); output k. Negative vectors: low-order u whose all-zero result "
        "the protocol rejects."
    )
    return "rfc7748_x25519.json", "x25519", description, vectors


RFC8032 = [
    (
        "rfc8032-test-1",
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "rfc8032-test-2",
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "rfc8032-test-3",
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
    (
        "rfc8032-test-sha-abc",
        "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
        "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
    ),
]
ED25519_L = 2**252 + 27742317777372353535851937790883648493


def build_rfc8032() -> tuple[str, str, str, list[Vector]]:
    vectors: list[Vector] = []
    for name, sk, pk, msg, sig in RFC8032:
        seed, message = bytes.fromhex(sk), bytes.fromhex(msg)
        assert p.ed25519_public(seed).hex() == pk, name
        assert p.ed25519_sign(seed, message).hex() == sig, name
        p.ed25519_verify(bytes.fromhex(pk), bytes.fromhex(sig), message)
        vectors.append(
            {
                "name": name,
                "secret_key_hex": sk,
                "public_key_hex": pk,
                "message_hex": msg,
                "signature_hex": sig,
                "expected": {"valid": True},
            }
        )
    _, _, pk1, msg1, sig1 = RFC8032[0]
    _, _, pk2, _, sig2 = RFC8032[1]
    sig_bytes = bytes.fromhex(sig1)
    s_plus_l = (int.from_bytes(sig_bytes[32:], "little") + ED25519_L).to_bytes(32, "little")
    bad = [
        ("flipped-signature-bit", pk1, msg1, bytes([sig_bytes[0] ^ 1]) + sig_bytes[1:]),
        ("other-message", pk2, "73", bytes.fromhex(sig2)),
        ("other-public-key", pk2, msg1, sig_bytes),
        ("s-not-reduced", pk1, msg1, sig_bytes[:32] + s_plus_l),
    ]
    for name, pk, msg, sig in bad:
        must_fail(
            lambda pk=pk, msg=msg, sig=sig: p.ed25519_verify(
                bytes.fromhex(pk), sig, bytes.fromhex(msg)
            )
        )
        vectors.append(
            neg(name, public_key_hex=pk, message_hex=msg, signature_hex=sig.hex()),
        )
    description = (
        "RFC 8032 §7.1 TEST 1-3 and TEST SHA(abc). Positive: sign(secret_key, message) == "
        "signature and verify passes. Negative (no secret key): verify must fail."
    )
    return "rfc8032_ed25519.json", "ed25519", description, vectors


# --- encodings, KDF, HKDF labels, server helpers ------------------------------------------


def build_b64u() -> tuple[str, str, str, list[Vector]]:
    good = [
        ("empty", b""),
        ("one-byte", b"\xfb"),
        ("two-bytes", b"\xff\xfe"),
        ("three-bytes", b"\x00\x01\x02"),
        ("url-alphabet", bytes([0xF8, 0xFF, 0xBF, 0xFB])),
        ("sixteen-bytes", bytes(range(16))),
    ]
    vectors: list[Vector] = []
    for name, data in good:
        text = b64(data)
        assert unb64(text) == data
        vectors.append({"name": name, "text": text, "expected": {"bytes_hex": data.hex()}})
    bad = [
        ("padding", "-w=="),
        ("single-pad", "__4="),
        ("space", "AA EC"),
        ("newline", "AAEC\n"),
        ("standard-alphabet-plus", "+w"),
        ("standard-alphabet-slash", "/w"),
        ("non-canonical-trailing-bits", "-x"),
        ("non-canonical-trailing-bits-2", "__5"),
        ("length-mod-4-is-1", "AAECA"),
        ("non-ascii", "\u00c4\u00c4"),
    ]
    for name, text in bad:
        must_fail(lambda text=text: unb64(text))
        vectors.append(neg(name, text=text))
    description = "b64u_decode(text) == bytes; b64u_encode(bytes) == text for positive vectors."
    return "b64u.json", "b64u_decode", description, vectors


def kdf_json(salt_seed: str, iterations: int = 600_000) -> dict[str, Any]:
    salt = hashlib.sha256(salt_seed.encode()).digest()[:16]
    return {"alg": "pbkdf2-sha256", "iter": iterations, "salt": b64(salt)}


PASS_ASCII = "correct horse battery staple"
PASS_NFD = unicodedata.normalize("NFD", "H\u00e4m\u00e4l\u00e4isen m\u00f6kki \u00c5land \u2615")


def kdf_positive(name: str, passphrase: str, kdf: dict[str, Any]) -> Vector:
    params = c.KdfParams.from_json(kdf)
    nfc = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    # Spelled out from the primitives (one PBKDF2 run); the tests check derive_passphrase_keys.
    root = p.pbkdf2_sha256(nfc, params.salt, params.iter)
    return {
        "name": name,
        "passphrase": passphrase,
        "kdf": kdf,
        "expected": {
            "passphrase_nfc_utf8_hex": nfc.hex(),
            "root_hex": root.hex(),
            "auth_key_hex": p.hkdf_sha256(root, b"", b"pairbook/v1/auth").hex(),
            "kek_hex": p.hkdf_sha256(root, b"", b"pairbook/v1/kek").hex(),
        },
    }


def build_kdf() -> tuple[str, str, str, list[Vector]]:
    good = kdf_json("kdf/ascii")
    nfc_kdf = kdf_json("kdf/nfc")
    vectors = [
        kdf_positive("ascii", PASS_ASCII, good),
        kdf_positive("non-ascii-decomposed-nfd", PASS_NFD, nfc_kdf),
        kdf_positive("non-ascii-composed-nfc", unicodedata.normalize("NFC", PASS_NFD), nfc_kdf),
    ]
    assert vectors[1]["expected"] == vectors[2]["expected"]
    salt15 = b64(unb64(good["salt"])[:15])
    salt17 = b64(unb64(good["salt"]) + b"\x00")
    bad = [
        ("iter-599999", replaced(good, iter=599_999)),
        ("iter-10000001", replaced(good, iter=10_000_001)),
        ("iter-zero", replaced(good, iter=0)),
        ("iter-as-string", replaced(good, iter="600000")),
        ("iter-fraction", replaced(good, iter=600000.5)),
        ("iter-boolean", replaced(good, iter=True)),
        ("salt-15-bytes", replaced(good, salt=salt15)),
        ("salt-17-bytes", replaced(good, salt=salt17)),
        ("salt-with-padding", replaced(good, salt=good["salt"] + "==")),
        ("salt-not-a-string", replaced(good, salt=None)),
        ("alg-pbkdf2-sha1", replaced(good, alg="pbkdf2-sha1")),
        ("alg-argon2id", replaced(good, alg="argon2id")),
        ("alg-uppercase", replaced(good, alg="PBKDF2-SHA256")),
        ("missing-salt", replaced(good, salt=...)),
        ("extra-key", replaced(good, v=1)),
    ]
    for name, kdf in bad:
        must_fail(lambda kdf=kdf: c.KdfParams.from_json(kdf))
        vectors.append(neg(name, passphrase=PASS_ASCII, kdf=kdf))
    description = (
        "Parse kdf (rejecting downgrades), then root = PBKDF2(NFC(passphrase)), "
        "auth_key and kek by HKDF (§3)."
    )
    return "kdf.json", "derive_passphrase_keys", description, vectors


def build_hkdf_labels() -> tuple[str, str, str, list[Vector]]:
    with fixed("hkdf-labels") as draws:
        root, code, notebook_key, e_priv = (
            c._random.random_bytes(32),
            c._random.random_bytes(16),
            c._random.random_bytes(32),
            c._random.random_bytes(32),
        )
    assert len(draws) == 4
    epk = p.x25519_public(e_priv)
    shared = p.x25519_shared(e_priv, BOB.x25519_public)
    share_info = "pairbook/v1/share|nb=nb-7Qx2|from=alice-mentee|to=bob-mentor|kv=1"
    seal_info = (
        "pairbook/v1/seal|type=incident|prog=prog-2026|msg=msg-1|from=alice-mentee"
        "|to=carol-organiser"
    )
    cases = [
        ("auth", root, b"", "pairbook/v1/auth"),
        ("kek", root, b"", "pairbook/v1/kek"),
        ("recovery", code, b"", "pairbook/v1/recovery"),
        ("recovery-auth", code, b"", "pairbook/v1/recovery-auth"),
        ("entry-key", notebook_key, b"", "pairbook/v1/entry-key|nb=nb-7Qx2|kv=1"),
        ("entry-key-kv-2", notebook_key, b"", "pairbook/v1/entry-key|nb=nb-7Qx2|kv=2"),
        ("share-key", shared, epk + BOB.x25519_public, share_info),
        ("seal-key", shared, epk + BOB.x25519_public, seal_info),
    ]
    vectors = [
        {
            "name": name,
            "ikm_hex": ikm.hex(),
            "salt_hex": salt.hex(),
            "info": info,
            "length": 32,
            "expected": {"okm_hex": p.hkdf_sha256(ikm, salt, info.encode()).hex()},
        }
        for name, ikm, salt, info in cases
    ]
    assert vectors[2]["expected"]["okm_hex"] == recovery_key(code).hex()
    assert vectors[3]["expected"]["okm_hex"] == recovery_auth(code).hex()
    assert vectors[4]["expected"]["okm_hex"] == entry_key(notebook_key, "nb-7Qx2", 1).hex()
    description = "HKDF-SHA256(ikm, salt, info=UTF8(info), L=32) with every protocol label."
    return "hkdf_labels.json", "hkdf_sha256", description, vectors


PEPPER = hashlib.sha256(b"pairbook/v1/vectors/pepper").digest()


def build_auth_verifier() -> tuple[str, str, str, list[Vector]]:
    vectors: list[Vector] = []
    for i in range(2):
        auth_key = hashlib.sha256(f"auth-key-{i}".encode()).digest()
        vectors.append(
            {
                "name": f"verifier-{i + 1}",
                "pepper_hex": PEPPER.hex(),
                "auth_key_hex": auth_key.hex(),
                "expected": {"verifier_hex": c.auth_verifier(PEPPER, auth_key).hex()},
            }
        )
    must_fail(lambda: c.auth_verifier(PEPPER[:31], b"x" * 32))
    vectors.append(neg("pepper-too-short", pepper_hex=PEPPER[:31].hex(), auth_key_hex="00" * 32))
    description = "Server side: verifier = HMAC-SHA256(pepper, auth_key); pepper >= 32 bytes."
    return "auth_verifier.json", "auth_verifier", description, vectors


def build_fake_salt() -> tuple[str, str, str, list[Vector]]:
    vectors = [
        {
            "name": name,
            "pepper_hex": PEPPER.hex(),
            "email": email,
            "expected": {"salt_hex": c.fake_salt(PEPPER, email).hex()},
        }
        for name, email in [
            ("ascii", "nobody@example.org"),
            ("non-ascii", "p\u00e4ivi@esimerkki.fi"),
        ]
    ]
    description = (
        "Server side: fake_salt = first 16 bytes of HMAC-SHA256(pepper, "
        "UTF8('pairbook/v1/fake-salt|email=' + email)) for unknown emails (§10)."
    )
    return "fake_salt.json", "fake_salt", description, vectors


def build_wrap() -> tuple[str, str, str, list[Vector]]:
    labels = [
        ("account-key-under-kek", "pairbook/v1/wrap/account-key/kek"),
        ("account-key-under-recovery", "pairbook/v1/wrap/account-key/recovery"),
        ("x25519-under-account-key", "pairbook/v1/wrap/identity/x25519"),
        ("ed25519-under-account-key", "pairbook/v1/wrap/identity/ed25519"),
        ("notebook-key", "pairbook/v1/wrap/notebook-key|nb=nb-7Qx2|kv=1"),
        ("notebook-key-kv-12", "pairbook/v1/wrap/notebook-key|nb=nb-7Qx2|kv=12"),
    ]
    vectors: list[Vector] = []
    for name, label in labels:
        with fixed("wrap/" + name) as draws:
            k = c._random.random_bytes(32)
            key = c._random.random_bytes(32)
            blob = c.wrap_key(k, key, label)
        assert c.unwrap_key(k, blob, label) == key
        vectors.append(
            {
                "name": name,
                "wrapping_key_hex": k.hex(),
                "label": label,
                "nonce_hex": draws[2].hex(),
                "key_hex": key.hex(),
                "blob_b64u": blob,
                "expected": {"key_hex": key.hex()},
            }
        )
    base = vectors[4]
    k, blob, label = bytes.fromhex(base["wrapping_key_hex"]), base["blob_b64u"], base["label"]
    nonce = bytes.fromhex(base["nonce_hex"])
    short_key = b64(nonce + p.aes_gcm_encrypt(k, nonce, b"\x07" * 31, label.encode()))
    long_key = b64(nonce + p.aes_gcm_encrypt(k, nonce, b"\x07" * 33, label.encode()))
    other_key = bytes(b ^ 0x55 for b in k)
    bad = [
        ("wrong-label-kv", k, blob, "pairbook/v1/wrap/notebook-key|nb=nb-7Qx2|kv=2"),
        ("wrong-label-notebook", k, blob, "pairbook/v1/wrap/notebook-key|nb=nb-OTHER|kv=1"),
        ("wrong-label-kind", k, vectors[0]["blob_b64u"], "pairbook/v1/wrap/account-key/recovery"),
        ("wrong-wrapping-key", other_key, blob, label),
        ("truncated", k, b64(unb64(blob)[:-1]), label),
        ("flipped-ciphertext-bit", k, flip(blob, 20), label),
        ("flipped-tag-bit", k, flip(blob, 59, 0x80), label),
        ("flipped-nonce-bit", k, flip(blob, 0), label),
        ("unwrapped-31-bytes", k, short_key, label),
        ("unwrapped-33-bytes", k, long_key, label),
        ("empty-blob", k, "", label),
        ("blob-with-padding", k, blob + "=", label),
    ]
    for name, kk, bb, ll in bad:
        must_fail(lambda kk=kk, bb=bb, ll=ll: c.unwrap_key(kk, bb, ll))
        vectors.append(neg(name, wrapping_key_hex=kk.hex(), label=ll, blob_b64u=bb))
    description = (
        "unwrap_key(wrapping_key, blob, label) == key (§3.1). Positive vectors also give the "
        "nonce: wrap_key with that nonce must produce blob_b64u exactly."
    )
    return "wrap.json", "unwrap_key", description, vectors


def build_recovery_code() -> tuple[str, str, str, list[Vector]]:
    def positive(name: str, text: str, code: bytes) -> Vector:
        assert c.parse_recovery_code(text) == code
        return {
            "name": name,
            "text": text,
            "expected": {
                "code_hex": code.hex(),
                "display": format_recovery_code(code),
                "recovery_key_hex": recovery_key(code).hex(),
                "recovery_auth_hex": recovery_auth(code).hex(),
            },
        }

    with fixed("recovery-code"):
        display = c.new_recovery_code()
    code = c.parse_recovery_code(display)
    i = 0
    while True:
        alias_code = hashlib.sha256(f"pairbook/v1/vectors/alias/{i}".encode()).digest()[:16]
        alias_display = format_recovery_code(alias_code)
        if "0" in alias_display and "1" in alias_display:
            break
        i += 1
    vectors = [
        positive("display-form", display, code),
        positive("lowercase", display.lower(), code),
        positive("no-separators", display.replace("-", ""), code),
        positive("spaces-instead-of-dashes", display.replace("-", " "), code),
        positive("alias-display-form", alias_display, alias_code),
        positive("aliases-O-I", alias_display.replace("0", "O").replace("1", "I"), alias_code),
        positive(
            "aliases-o-l-lowercase",
            alias_display.replace("0", "o").replace("1", "l").lower(),
            alias_code,
        ),
        positive("all-zero-code", format_recovery_code(bytes(16)), bytes(16)),
    ]
    last = display[-1]
    swapped_last = display[:-1] + ("0" if last != "0" else "1")
    first = display[0]
    swapped_first = ("Z" if first != "Z" else "Y") + display[1:]
    bad = [
        ("bad-checksum-last-char", swapped_last),
        ("bad-checksum-first-char", swapped_first),
        ("too-short", display[:-1]),
        ("too-long", display + "0"),
        ("letter-U", display[:-1] + "U"),
        ("non-ascii-dotless-i", display[:-1] + "\u0131"),
        ("tab-separator", display.replace("-", "\t")),
        ("empty", ""),
    ]
    for name, text in bad:
        must_fail(lambda text=text: c.parse_recovery_code(text))
        vectors.append(neg(name, text=text))
    description = (
        "parse_recovery_code(text) == code (§3.2); display is the canonical form; "
        "recovery_key and recovery_auth are derived from code."
    )
    return "recovery_code.json", "parse_recovery_code", description, vectors


# --- accounts, bundles, safety numbers, shares ------------------------------------------

ACCOUNT_PASS = "Kes\u00e4ll\u00e4 mentoroin \u2615 joka torstai"


def build_account() -> tuple[str, str, str, list[Vector]]:
    with fixed("account/alice") as draws:
        secrets, reg = c.create_account(ACCOUNT_PASS, "alice-mentee")
    assert len(draws) == 9
    server = reg.to_server_json()
    material = server["key_material"]
    ident_ = secrets.identity
    expected = {
        "auth_key_b64u": reg.auth_key,
        "account_key_hex": secrets.account_key.hex(),
        "x25519_private_hex": ident_.x25519_private.hex(),
        "x25519_public_hex": ident_.x25519_public.hex(),
        "ed25519_seed_hex": ident_.ed25519_seed.hex(),
        "ed25519_public_hex": ident_.ed25519_public.hex(),
    }
    assert c.unlock_account(ACCOUNT_PASS, reg.kdf, material, "alice-mentee") == secrets
    assert c.recover_account(reg.recovery_code or "", material, "alice-mentee") == secrets
    positive = {
        "name": "alice-with-recovery",
        "user_id": "alice-mentee",
        "passphrase": ACCOUNT_PASS,
        "recovery_code": reg.recovery_code,
        "random_hex": hexes(draws),
        "registration": server,
        "expected": expected,
    }
    with fixed("account/other"):
        other_code = c.new_recovery_code()
    swapped = replaced(
        material,
        wrapped_x25519=material["wrapped_ed25519"],
        wrapped_ed25519=material["wrapped_x25519"],
    )
    bad_checksum = reg.recovery_code[:-1] + ("0" if reg.recovery_code[-1] != "0" else "1")
    bad: list[tuple[str, str | None, str | None, dict[str, Any], dict[str, Any]]] = [
        ("wrong-passphrase", ACCOUNT_PASS + " ", None, server["kdf"], material),
        ("kdf-downgraded", ACCOUNT_PASS, None, replaced(server["kdf"], iter=599_999), material),
        ("identity-wraps-swapped", ACCOUNT_PASS, None, server["kdf"], swapped),
        ("recovery-code-of-another-account", None, other_code, server["kdf"], material),
        ("recovery-code-bad-checksum", None, bad_checksum, server["kdf"], material),
        (
            "recovery-wrap-missing",
            None,
            reg.recovery_code,
            server["kdf"],
            replaced(material, recovery_wrapped_key=...),
        ),
    ]
    vectors: list[Vector] = [positive]
    for name, passphrase, code, kdf, mat in bad:
        if passphrase is not None:
            must_fail(
                lambda pw=passphrase, k=kdf, m=mat: c.unlock_account(pw, k, m, "alice-mentee")
            )
            vectors.append(
                neg(name, user_id="alice-mentee", passphrase=passphrase, kdf=kdf, key_material=mat)
            )
        else:
            must_fail(lambda cd=code, m=mat: c.recover_account(cd, m, "alice-mentee"))
            vectors.append(neg(name, user_id="alice-mentee", recovery_code=code, key_material=mat))
    description = (
        "Positive: registration is create_account's to_server_json() under the listed random "
        "draws; unlock_account(passphrase, registration.kdf, registration.key_material) and "
        "recover_account(recovery_code, registration.key_material) both give expected. "
        "Negative: unlock (passphrase given) or recover (recovery_code given) must fail."
    )
    return "account.json", "unlock_account / recover_account", description, vectors


def bundle_positive(name: str, identity: c.Identity) -> Vector:
    bundle = identity.bundle()
    message = bundle_message(identity.user_id, identity.x25519_public, identity.ed25519_public)
    return {
        "name": name,
        "identity": ident_json(identity),
        "message": message.decode(),
        "bundle": bundle.to_json(),
        "expected_user": identity.user_id,
        "expected": {
            "x25519_public_hex": identity.x25519_public.hex(),
            "ed25519_public_hex": identity.ed25519_public.hex(),
        },
    }


def raw_bundle(user: str, identity: c.Identity, signer: c.Identity | None = None) -> dict:
    message = (
        f"pairbook/v1/bundle|user={user}|x25519={b64(identity.x25519_public)}"
        f"|ed25519={b64(identity.ed25519_public)}"
    ).encode()
    return {
        "v": 1,
        "user": user,
        "x25519": b64(identity.x25519_public),
        "ed25519": b64(identity.ed25519_public),
        "sig": b64((signer or identity).sign(message)),
    }


def build_bundle() -> tuple[str, str, str, list[Vector]]:
    vectors = [bundle_positive("alice", ALICE), bundle_positive("bob", BOB)]
    good = ALICE.bundle().to_json()
    bob = BOB.bundle().to_json()
    bad = [
        ("flipped-signature-bit", replaced(good, sig=flip(good["sig"], 5)), "alice-mentee"),
        ("wrong-expected-user", good, "bob-mentor"),
        ("user-changed-after-signing", replaced(good, user="bob-mentor"), "bob-mentor"),
        ("x25519-swapped", replaced(good, x25519=bob["x25519"]), "alice-mentee"),
        ("ed25519-swapped", replaced(good, ed25519=bob["ed25519"]), "alice-mentee"),
        ("signed-by-another-key", raw_bundle("alice-mentee", ALICE, BOB), "alice-mentee"),
        ("signed-but-invalid-user-id", raw_bundle("alice|x", ALICE), "alice|x"),
        ("v-2", replaced(good, v=2), "alice-mentee"),
        ("v-string", replaced(good, v="1"), "alice-mentee"),
        ("extra-key", replaced(good, suite=1), "alice-mentee"),
        ("missing-sig", replaced(good, sig=...), "alice-mentee"),
        ("sig-63-bytes", replaced(good, sig=b64(unb64(good["sig"])[:63])), "alice-mentee"),
        ("x25519-31-bytes", replaced(good, x25519=b64(ALICE.x25519_public[:31])), "alice-mentee"),
        ("not-an-object", [good], "alice-mentee"),
    ]
    for name, bundle, user in bad:
        must_fail(lambda b=bundle, u=user: c.verify_bundle(b, u))
        vectors.append(neg(name, bundle=bundle, expected_user=user))
    description = (
        "verify_bundle(bundle, expected_user) (§4). Positive vectors also give the identity and "
        "the signed message: Ed25519 is deterministic, so signing it must give bundle.sig."
    )
    return "bundle.json", "verify_bundle", description, vectors


def build_safety_number() -> tuple[str, str, str, list[Vector]]:
    pairs = [
        ("mentee-mentor", ALICE, BOB),
        ("mentor-mentee-same-number", BOB, ALICE),
        ("member-organiser", ALICE, CAROL),
        ("same-user-id-other-keys", ALICE, MALLORY_AS_ALICE),
    ]
    vectors: list[Vector] = []
    for name, a, b in pairs:
        number = c.safety_number(a.bundle(), b.bundle())
        vectors.append(
            {
                "name": name,
                "bundle_a": a.bundle().to_json(),
                "bundle_b": b.bundle().to_json(),
                "expected": {"digits": number, "formatted": c.format_safety_number(number)},
            }
        )
    assert vectors[0]["expected"] == vectors[1]["expected"]
    description = "safety_number(bundle_a, bundle_b) (§5): 60 digits, shown as 12 groups of 5."
    return "safety_number.json", "safety_number", description, vectors


NOTEBOOK_KEY = hashlib.sha256(b"pairbook/v1/vectors/notebook-key").digest()
NB = "nb-7Qx2"


def crafted_share(sender: c.Identity, to: str, nb: str, kv: int, epk: bytes) -> dict:
    """A share whose signature verifies but whose epk is chosen (e.g. a low-order point)."""
    info = f"pairbook/v1/share|nb={nb}|from={sender.user_id}|to={to}|kv={kv}".encode()
    n, ct = b"\x01" * 12, b"\x02" * 48
    return {
        "v": 1,
        "suite": 1,
        "nb": nb,
        "from": sender.user_id,
        "to": to,
        "kv": kv,
        "epk": b64(epk),
        "n": b64(n),
        "ct": b64(ct),
        "sig": b64(sender.sign(info + epk + n + ct)),
    }


def make_share(seed: str, sender: c.Identity, to: c.Identity, nb: str, kv: int) -> tuple:
    with fixed("share/" + seed) as draws:
        share = c.share_notebook_key(sender, to.bundle(), nb, kv, NOTEBOOK_KEY)
    return share, draws


def build_share() -> tuple[str, str, str, list[Vector]]:
    vectors: list[Vector] = []
    for name, kv in [("alice-to-bob-kv-1", 1), ("alice-to-bob-kv-2", 2)]:
        share, draws = make_share(name, ALICE, BOB, NB, kv)
        assert c.accept_share(BOB, ALICE.bundle(), share, NB, kv) == NOTEBOOK_KEY
        vectors.append(
            {
                "name": name,
                "sender": ident_json(ALICE),
                "recipient": ident_json(BOB),
                "sender_bundle": ALICE.bundle().to_json(),
                "notebook_id": NB,
                "kv": kv,
                "random_hex": hexes(draws),
                "info": f"pairbook/v1/share|nb={NB}|from=alice-mentee|to=bob-mentor|kv={kv}",
                "share": share,
                "expected": {"notebook_key_hex": NOTEBOOK_KEY.hex()},
            }
        )
    good = vectors[0]["share"]
    forged, _ = make_share("forged", MALLORY_AS_ALICE, BOB, NB, 1)
    to_carol, _ = make_share("to-carol", ALICE, CAROL, NB, 1)
    bad: list[tuple[str, c.Identity, dict, str, int]] = [
        ("signed-by-wrong-key", BOB, forged, NB, 1),
        ("for-a-different-recipient", BOB, to_carol, NB, 1),
        ("other-recipient-opens-it", CAROL, good, NB, 1),
        ("expected-kv-differs", BOB, good, NB, 2),
        ("expected-notebook-differs", BOB, good, "nb-OTHER", 1),
        ("kv-field-changed", BOB, replaced(good, kv=2), NB, 2),
        ("to-field-changed", CAROL, replaced(good, to="carol-organiser"), NB, 1),
        ("flipped-ciphertext-bit", BOB, replaced(good, ct=flip(good["ct"], 3)), NB, 1),
        ("flipped-signature-bit", BOB, replaced(good, sig=flip(good["sig"], 3)), NB, 1),
        ("flipped-epk-bit", BOB, replaced(good, epk=flip(good["epk"], 3)), NB, 1),
        ("flipped-nonce-bit", BOB, replaced(good, n=flip(good["n"], 3)), NB, 1),
        (
            "low-order-epk-validly-signed",
            BOB,
            crafted_share(ALICE, "bob-mentor", NB, 1, bytes(32)),
            NB,
            1,
        ),
        ("v-2", BOB, replaced(good, v=2), NB, 1),
        ("suite-2", BOB, replaced(good, suite=2), NB, 1),
        ("extra-key", BOB, replaced(good, note="hi"), NB, 1),
        ("missing-sig", BOB, replaced(good, sig=...), NB, 1),
        ("ct-47-bytes", BOB, replaced(good, ct=b64(unb64(good["ct"])[:47])), NB, 1),
        ("kv-string", BOB, replaced(good, kv="1"), NB, 1),
    ]
    for name, recipient, share, nb, kv in bad:
        must_fail(
            lambda r=recipient, s=share, n=nb, k=kv: c.accept_share(r, ALICE.bundle(), s, n, k)
        )
        vectors.append(
            neg(
                name,
                recipient=ident_json(recipient),
                sender_bundle=ALICE.bundle().to_json(),
                notebook_id=nb,
                kv=kv,
                share=share,
            )
        )
    description = (
        "accept_share(recipient, sender_bundle (pinned), share, notebook_id, kv) (§6). "
        "random_hex lists the draws (ephemeral X25519 private key, then nonce)."
    )
    return "share.json", "accept_share", description, vectors


# --- entries, envelopes, sealed messages, pins ------------------------------------------

BASE_CTX = {
    "notebook_id": NB,
    "entry_id": "e-9f3KqLmN0pRsTuVw",
    "entry_type": "meeting-note",
    "kv": 1,
    "rev": 1,
    "author_id": "alice-mentee",
}
LONG_255 = "x" * (255 - len('{"schema":1,"text":""}'))
LONG_256 = "x" * (256 - len('{"schema":1,"text":""}'))
ENTRY_BODIES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("meeting-note", {}, {"date": "2026-03-05", "text": "Talked about CV and LinkedIn."}),
    ("empty-body", {"entry_type": "goal"}, {}),
    (
        "non-ascii",
        {"entry_type": "agreement", "rev": 3},
        {
            "text": "Tavoite: ty\u00f6paikka syksyll\u00e4 \u2014 "
            "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \U0001f331\nrivi 2"
        },
    ),
    ("body-255-bytes-one-bucket", {}, {"text": LONG_255}),
    ("body-256-bytes-two-buckets", {}, {"text": LONG_256}),
    (
        "multibyte-crossing-bucket",
        {"entry_type": "closing-evaluation", "rev": 12, "kv": 2, "author_id": "bob-mentor"},
        {"scores": [5, 4, 3], "done": True, "text": "\u00e4" * 150},
    ),
]


def entry_ctx(fields: dict[str, Any]) -> c.EntryContext:
    return c.EntryContext(**fields)


def entry_positive(name: str, ctx_changes: dict[str, Any], body: dict[str, Any]) -> Vector:
    fields = {**BASE_CTX, **ctx_changes}
    ctx = entry_ctx(fields)
    with fixed("entry/" + name) as draws:
        envelope = c.seal_entry(NOTEBOOK_KEY, ctx, body)
    body_json = json.dumps({"schema": 1, **body}, ensure_ascii=False, separators=(",", ":"))
    padded = pad(body_json.encode())
    assert c.open_entry(NOTEBOOK_KEY, ctx, envelope) == {"schema": 1, **body}
    return {
        "name": name,
        "notebook_key_hex": NOTEBOOK_KEY.hex(),
        "context": fields,
        "entry_key_hex": entry_key(NOTEBOOK_KEY, ctx.notebook_id, ctx.kv).hex(),
        "aad": ctx.aad().decode(),
        "nonce_hex": draws[0].hex(),
        "body_json": body_json,
        "padded_hex": padded.hex(),
        "envelope": envelope,
        "expected": {"body": {"schema": 1, **body}, "padded_length": len(padded)},
    }


def seal_raw_entry(name: str, plaintext: bytes) -> dict[str, Any]:
    with fixed("entry-raw/" + name):
        return seal_entry_padded(NOTEBOOK_KEY, entry_ctx(BASE_CTX), plaintext)


def body_bytes(text: str) -> bytes:
    return pad(text.encode())


def envelope_shapes(good: dict[str, Any]) -> list[tuple[str, Any]]:
    """Malformed envelopes shared by entries (and the text parser)."""
    return [
        ("v-2", replaced(good, v=2)),
        ("v-string", replaced(good, v="1")),
        ("v-boolean", replaced(good, v=True)),
        ("suite-2", replaced(good, suite=2)),
        ("kv-0", replaced(good, kv=0)),
        ("kv-negative", replaced(good, kv=-1)),
        ("kv-string", replaced(good, kv="1")),
        ("kv-fraction", replaced(good, kv=1.5)),
        ("kv-boolean", replaced(good, kv=True)),
        ("kv-null", replaced(good, kv=None)),
        ("kv-above-2-53", replaced(good, kv=2**53)),
        ("extra-key", replaced(good, rev=1)),
        ("missing-ct", replaced(good, ct=...)),
        ("missing-n", replaced(good, n=...)),
        ("n-11-bytes", replaced(good, n=b64(unb64(good["n"])[:11]))),
        ("n-13-bytes", replaced(good, n=b64(unb64(good["n"]) + b"\x00"))),
        ("n-with-padding", replaced(good, n=good["n"] + "=")),
        ("ct-15-bytes", replaced(good, ct=b64(unb64(good["ct"])[:15]))),
        ("ct-not-a-string", replaced(good, ct=[1, 2])),
        (
            "ct-standard-base64",
            replaced(good, ct=good["ct"].replace("-", "+").replace("_", "/") + "+"),
        ),
        ("array", [good]),
        ("null", None),
        ("number", 1),
    ]


def build_entry() -> tuple[str, str, str, list[Vector]]:
    vectors = [entry_positive(name, ch, body) for name, ch, body in ENTRY_BODIES]
    good = vectors[0]["envelope"]
    ct = good["ct"]
    ct_raw = unb64(ct)
    other_key = bytes(b ^ 0x01 for b in NOTEBOOK_KEY)
    cases: list[tuple[str, bytes, dict[str, Any], Any]] = [
        ("aad-notebook-changed", NOTEBOOK_KEY, {"notebook_id": "nb-OTHER"}, good),
        ("aad-entry-changed", NOTEBOOK_KEY, {"entry_id": "e-other"}, good),
        ("aad-type-changed", NOTEBOOK_KEY, {"entry_type": "goal"}, good),
        ("aad-kv-changed", NOTEBOOK_KEY, {"kv": 2}, replaced(good, kv=2)),
        ("aad-rev-changed", NOTEBOOK_KEY, {"rev": 2}, good),
        ("aad-author-changed", NOTEBOOK_KEY, {"author_id": "bob-mentor"}, good),
        ("expected-kv-differs-from-envelope", NOTEBOOK_KEY, {"kv": 2}, good),
        ("envelope-kv-wrong", NOTEBOOK_KEY, {}, replaced(good, kv=2)),
        ("wrong-notebook-key", other_key, {}, good),
        ("truncated-ct", NOTEBOOK_KEY, {}, replaced(good, ct=b64(ct_raw[:-1]))),
        ("flipped-ct-bit", NOTEBOOK_KEY, {}, replaced(good, ct=flip(ct, 0))),
        ("flipped-tag-bit", NOTEBOOK_KEY, {}, replaced(good, ct=flip(ct, len(ct_raw) - 1, 0x80))),
        ("flipped-nonce-bit", NOTEBOOK_KEY, {}, replaced(good, n=flip(good["n"], 11))),
        ("invalid-context-type", NOTEBOOK_KEY, {"entry_type": "Meeting"}, good),
        ("invalid-context-id", NOTEBOOK_KEY, {"entry_id": "e|1"}, good),
        ("invalid-context-rev-0", NOTEBOOK_KEY, {"rev": 0}, good),
    ]
    raw_bodies = [
        ("bad-padding-no-marker", b'{"schema":1}' + bytes(244)),
        ("bad-padding-all-zero", bytes(256)),
        ("bad-padding-nonzero-after-marker", b'{"schema":1}\x80\x01' + bytes(242)),
        ("bad-padding-empty-plaintext", b""),
        ("body-not-json", body_bytes("not json")),
        ("body-json-array", body_bytes("[1]")),
        ("body-schema-2", body_bytes('{"schema":2}')),
        ("body-schema-missing", body_bytes('{"text":"hi"}')),
        ("body-schema-true", body_bytes('{"schema":true}')),
        ("body-schema-string", body_bytes('{"schema":"1"}')),
        ("body-nan", body_bytes('{"schema":1,"x":NaN}')),
        ("body-invalid-utf8", pad(b'{"schema":1,"t":"\xff"}')),
    ]
    for name, plaintext in raw_bodies:
        cases.append((name, NOTEBOOK_KEY, {}, seal_raw_entry(name, plaintext)))
    for name, env in envelope_shapes(good):
        cases.append(("envelope-" + name, NOTEBOOK_KEY, {}, env))
    for name, key, changes, env in cases:
        fields = {**BASE_CTX, **changes}

        def attempt(key: bytes = key, fields: dict = fields, env: Any = env) -> None:
            c.open_entry(key, entry_ctx(fields), env)

        must_fail(attempt)
        vectors.append(neg(name, notebook_key_hex=key.hex(), context=fields, envelope=env))
    description = (
        "open_entry(notebook_key, context, envelope) == expected.body (§7). Positive vectors "
        "also give entry_key, aad, nonce, body_json and padded plaintext: sealing body_json "
        "with that nonce must give the envelope exactly."
    )
    return "entry.json", "open_entry", description, vectors


def build_envelope_text() -> tuple[str, str, str, list[Vector]]:
    n, ct = b64(bytes(range(12))), b64(bytes(range(16, 48)))
    expected = {"kv": 3, "n_hex": bytes(range(12)).hex(), "ct_hex": bytes(range(16, 48)).hex()}
    compact = f'{{"v":1,"suite":1,"kv":3,"n":"{n}","ct":"{ct}"}}'
    good = [
        ("compact", compact),
        ("whitespace", f'{{ "v": 1,\n  "suite": 1, "kv": 3,\t"n": "{n}", "ct": "{ct}" }}\n'),
        ("keys-reordered", f'{{"ct":"{ct}","n":"{n}","kv":3,"suite":1,"v":1}}'),
    ]
    vectors: list[Vector] = []
    for name, text in good:
        env = c.parse_envelope(text)
        assert (env.kv, env.n.hex(), env.ct.hex()) == tuple(expected.values())
        vectors.append({"name": name, "text": text, "expected": expected})
    bad = [
        ("empty", ""),
        ("not-json", "envelope"),
        ("trailing-garbage", compact + "x"),
        ("byte-order-mark", "\ufeff" + compact),
        ("single-quotes", compact.replace('"', "'")),
        ("json-string", json.dumps(compact)),
        ("kv-nan", compact.replace('"kv":3', '"kv":NaN')),
        ("v-exponent-fraction", compact.replace('"v":1', '"v":1.5e0')),
    ]
    for name, text in bad:
        must_fail(lambda text=text: c.parse_envelope(text))
        vectors.append(neg(name, text=text))
    description = "parse_envelope(JSON text) (§7): strict shape; text that is not JSON fails."
    return "envelope_text.json", "parse_envelope", description, vectors


SEAL_CTX = {
    "msg_type": "incident",
    "programme_id": "prog-2026",
    "message_id": "msg-1",
    "sender_id": "alice-mentee",
    "recipient_id": "carol-organiser",
}
SEAL_CASES = [
    (
        "incident-to-carol",
        ALICE,
        CAROL,
        {},
        {"text": "Tapaamiset ovat j\u00e4\u00e4neet v\u00e4liin."},
    ),
    ("incident-to-dave", ALICE, DAVE, {"recipient_id": "dave-organiser"}, {"text": "Sama viesti."}),
    ("copy-to-self", ALICE, ALICE, {"recipient_id": "alice-mentee"}, {"text": "Oma kopio."}),
    (
        "survey-answer",
        BOB,
        CAROL,
        {"msg_type": "survey-answer", "message_id": "msg-2", "sender_id": "bob-mentor"},
        {"q1": 5, "q2": "Hyv\u00e4 \U0001f44d"},
    ),
    (
        "organiser-reply",
        CAROL,
        ALICE,
        {"msg_type": "reply", "sender_id": "carol-organiser", "recipient_id": "alice-mentee"},
        {"text": "Kiitos, otan yhteytt\u00e4."},
    ),
]


def build_sealed() -> tuple[str, str, str, list[Vector]]:
    vectors: list[Vector] = []
    for name, sender, recipient, changes, body in SEAL_CASES:
        fields = {**SEAL_CTX, **changes}
        ctx = c.SealContext(**fields)
        with fixed("sealed/" + name) as draws:
            sealed = c.seal_message(sender, recipient.bundle(), ctx, body)
        assert c.open_message(recipient, sender.bundle(), ctx, sealed) == {"schema": 1, **body}
        vectors.append(
            {
                "name": name,
                "sender": ident_json(sender),
                "recipient": ident_json(recipient),
                "sender_bundle": sender.bundle().to_json(),
                "context": fields,
                "info": ctx.info().decode(),
                "random_hex": hexes(draws),
                "body_json": json.dumps(
                    {"schema": 1, **body}, ensure_ascii=False, separators=(",", ":")
                ),
                "sealed": sealed,
                "expected": {"body": {"schema": 1, **body}},
            }
        )
    good = vectors[0]["sealed"]
    ctx0 = c.SealContext(**SEAL_CTX)
    with fixed("sealed/forged"):
        forged = c.seal_message(MALLORY_AS_ALICE, CAROL.bundle(), ctx0, {"text": "forged"})
    with fixed("sealed/bad-padding"):
        bad_pad = seal_message_padded(ALICE, CAROL.bundle(), ctx0, b'{"schema":1}' + bytes(244))
    info0 = ctx0.info()
    zero_epk = {
        "v": 1,
        "suite": 1,
        "epk": b64(bytes(32)),
        "n": b64(b"\x01" * 12),
        "ct": b64(b"\x02" * 272),
        "sig": b64(ALICE.sign(info0 + bytes(32) + b"\x01" * 12 + b"\x02" * 272)),
    }
    bad: list[tuple[str, c.Identity, c.Identity, dict[str, Any], Any]] = [
        ("info-type-changed", CAROL, ALICE, {"msg_type": "survey-answer"}, good),
        ("info-programme-changed", CAROL, ALICE, {"programme_id": "prog-OTHER"}, good),
        ("info-message-changed", CAROL, ALICE, {"message_id": "msg-2"}, good),
        ("info-sender-changed", CAROL, BOB, {"sender_id": "bob-mentor"}, good),
        ("opened-by-other-organiser", DAVE, ALICE, {"recipient_id": "dave-organiser"}, good),
        ("signed-by-wrong-key", CAROL, ALICE, {}, forged),
        ("flipped-ct-bit", CAROL, ALICE, {}, replaced(good, ct=flip(good["ct"], 7))),
        ("flipped-signature-bit", CAROL, ALICE, {}, replaced(good, sig=flip(good["sig"], 7))),
        ("flipped-epk-bit", CAROL, ALICE, {}, replaced(good, epk=flip(good["epk"], 7))),
        ("flipped-nonce-bit", CAROL, ALICE, {}, replaced(good, n=flip(good["n"], 7))),
        ("bad-padding", CAROL, ALICE, {}, bad_pad),
        ("low-order-epk-validly-signed", CAROL, ALICE, {}, zero_epk),
        ("v-2", CAROL, ALICE, {}, replaced(good, v=2)),
        ("suite-2", CAROL, ALICE, {}, replaced(good, suite=2)),
        ("extra-key", CAROL, ALICE, {}, replaced(good, to="carol-organiser")),
        ("missing-epk", CAROL, ALICE, {}, replaced(good, epk=...)),
        ("sig-63-bytes", CAROL, ALICE, {}, replaced(good, sig=b64(unb64(good["sig"])[:63]))),
        ("not-an-object", CAROL, ALICE, {}, [good]),
    ]
    for name, recipient, sender, changes, sealed in bad:
        fields = {**SEAL_CTX, **changes}

        def attempt(
            r: c.Identity = recipient, s: c.Identity = sender, f: dict = fields, x: Any = sealed
        ) -> None:
            c.open_message(r, s.bundle(), c.SealContext(**f), x)

        must_fail(attempt)
        vectors.append(
            neg(
                name,
                recipient=ident_json(recipient),
                sender_bundle=sender.bundle().to_json(),
                context=fields,
                sealed=sealed,
            )
        )
    description = (
        "open_message(recipient, sender_bundle (pinned), context, sealed) == expected.body "
        "(§8). random_hex lists the draws (ephemeral X25519 private key, then nonce)."
    )
    return "sealed.json", "open_message", description, vectors


def build_pin() -> tuple[str, str, str, list[Vector]]:
    vectors: list[Vector] = []
    for name, verified in [("unverified", False), ("verified", True)]:
        pin = c.make_pin(ALICE, BOB.bundle(), verified=verified)
        assert c.open_pin(ALICE, pin, "bob-mentor").verified is verified
        vectors.append(
            {
                "name": name,
                "owner": ident_json(ALICE),
                "partner_id": "bob-mentor",
                "pin": pin,
                "expected": {"verified": verified, "bundle": BOB.bundle().to_json()},
            }
        )
    good = vectors[0]["pin"]
    by_bob = c.make_pin(BOB, BOB.bundle(), verified=True) | {"owner": "alice-mentee"}
    forged_partner = c.make_pin(ALICE, MALLORY_AS_ALICE.bundle(), verified=False)
    bad = [
        ("verified-flipped", replaced(good, verified=True), "bob-mentor"),
        ("signed-by-partner", by_bob, "bob-mentor"),
        ("wrong-partner-id", good, "carol-organiser"),
        ("bundle-replaced", replaced(good, bundle=CAROL.bundle().to_json()), "carol-organiser"),
        ("owner-field-changed", replaced(good, owner="bob-mentor"), "bob-mentor"),
        ("pins-another-user", forged_partner, "bob-mentor"),
        ("verified-as-integer", replaced(good, verified=1), "bob-mentor"),
        ("bundle-as-text", replaced(good, bundle=json.dumps(good["bundle"])), "bob-mentor"),
        ("extra-key", replaced(good, at="2026-01-01"), "bob-mentor"),
        ("flipped-signature-bit", replaced(good, sig=flip(good["sig"], 1)), "bob-mentor"),
    ]
    for name, pin, partner in bad:
        must_fail(lambda x=pin, y=partner: c.open_pin(ALICE, x, y))
        vectors.append(neg(name, owner=ident_json(ALICE), partner_id=partner, pin=pin))
    description = "open_pin(owner, pin, partner_id) (§4.1): the owner's signed pin of a partner."
    return "pin.json", "open_pin", description, vectors


def build_confirm() -> tuple[str, str, str, list[Vector]]:
    ctx_fields = {**BASE_CTX, "entry_type": "agreement", "rev": 3}
    ctx = entry_ctx(ctx_fields)
    with fixed("confirm/agreement"):
        envelope = c.seal_entry(NOTEBOOK_KEY, ctx, {"goals": "A job in IT by autumn"})
    vectors: list[Vector] = []
    for name, signer in [("by-the-mentee", ALICE), ("by-the-mentor", BOB)]:
        sig = c.sign_confirmation(signer, ctx, envelope)
        c.verify_confirmation(signer.bundle(), ctx, envelope, sig)
        vectors.append(
            {
                "name": name,
                "signer": ident_json(signer),
                "context": ctx_fields,
                "envelope": envelope,
                "message": c.confirmation_message(ctx, envelope, signer.user_id).decode(),
                "digest_b64u": c.confirmation_digest(envelope),
                "sig": sig,
                "expected": {"valid": True},
            }
        )
    good = vectors[0]
    sig = good["sig"]
    other_env = replaced(envelope, ct=flip(envelope["ct"], 3))
    newer = {**ctx_fields, "rev": 4}
    bad = [
        ("another-revision", newer, envelope, sig, ALICE),
        ("another-entry", {**ctx_fields, "entry_id": "e-other"}, envelope, sig, ALICE),
        ("another-notebook", {**ctx_fields, "notebook_id": "nb-other"}, envelope, sig, ALICE),
        ("another-author", {**ctx_fields, "author_id": "bob-mentor"}, envelope, sig, ALICE),
        ("another-ciphertext", ctx_fields, other_env, sig, ALICE),
        ("claimed-by-the-partner", ctx_fields, envelope, sig, BOB),
        ("flipped-signature-bit", ctx_fields, envelope, flip(sig, 2), ALICE),
        ("signature-too-short", ctx_fields, envelope, sig[:-4], ALICE),
        ("signature-not-text", ctx_fields, envelope, 7, ALICE),
        ("old-key-version", {**ctx_fields, "kv": 2}, envelope, sig, ALICE),
    ]
    for name, fields, env, s, signer in bad:
        must_fail(
            lambda f=fields, e=env, x=s, g=signer: c.verify_confirmation(
                g.bundle(), entry_ctx(f), e, x
            )
        )
        vectors.append(neg(name, signer=ident_json(signer), context=fields, envelope=env, sig=s))
    description = (
        "verify_confirmation(signer_bundle, context, envelope, sig) (§7.1): a member's signed "
        "confirmation of one exact revision; positive vectors give the signed message and the "
        "ciphertext digest (verify_confirmation_digest checks the same signature from it)."
    )
    return "confirm.json", "verify_confirmation", description, vectors


BUILDERS: list[Callable[[], tuple[str, str, str, list[Vector]]]] = [
    build_b64u,
    build_rfc5869,
    build_rfc7748,
    build_rfc8032,
    build_hkdf_labels,
    build_kdf,
    build_auth_verifier,
    build_fake_salt,
    build_wrap,
    build_recovery_code,
    build_account,
    build_bundle,
    build_safety_number,
    build_share,
    build_entry,
    build_envelope_text,
    build_sealed,
    build_pin,
    build_confirm,
]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "vectors"
    out.mkdir(parents=True, exist_ok=True)
    for build in BUILDERS:
        filename, operation, description, vectors = build()
        write(out, filename, operation, description, vectors)


if __name__ == "__main__":
    main()
