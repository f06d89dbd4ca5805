"""The browser implementation (static/js/crypto/) against the shared vectors and the Python one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import crypto

pytestmark = pytest.mark.browser
VECTORS = Path(__file__).parent / "vectors"

# One async handler per vector file: it receives the file's vectors and returns the names of the
# vectors whose result differs from the expectation (positive) or that did not throw CryptoError
# (negative). Ed25519 signatures are checked by verification only.
HARNESS = r"""
async ([file, vectors]) => {
  const p = await import('/static/js/crypto/protocol.js');
  const enc = await import('/static/js/crypto/encoding.js');
  const prim = await import('/static/js/crypto/primitives.js');
  const hex = enc.bytesToHex, unhex = enc.hexToBytes;
  const same = (a, b) => JSON.stringify(sort(a)) === JSON.stringify(sort(b));
  function sort(v) {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map(k => [k, sort(v[k])]));
    return v;
  }
  const identity = (o) => p.identityFromPrivate(o.user_id, unhex(o.x25519_private_hex), unhex(o.ed25519_seed_hex));
  const draws = (v) => (v.random_hex || []).map(unhex);
  const ctxEntry = (c) => ({notebookId: c.notebook_id, entryId: c.entry_id, entryType: c.entry_type, kv: c.kv, rev: c.rev, authorId: c.author_id});
  const ctxSeal = (c) => ({msgType: c.msg_type, programmeId: c.programme_id, messageId: c.message_id, senderId: c.sender_id, recipientId: c.recipient_id});
  async function x25519(scalar, u) {
    const k = await prim.importPrivate('X25519', scalar);
    return prim.x25519Shared(k.key, u);
  }
  const H = {
    b64u: async (v) => hex(p.b64uDecode(v.text)) === v.expected.bytes_hex,
    rfc5869_hkdf: async (v) => hex(await prim.hkdfBits(unhex(v.ikm_hex), unhex(v.salt_hex), unhex(v.info_hex), v.length)) === v.expected.okm_hex,
    hkdf_labels: async (v) => hex(await prim.hkdfBits(unhex(v.ikm_hex), unhex(v.salt_hex), enc.utf8(v.info), v.length)) === v.expected.okm_hex,
    rfc7748_x25519: async (v) => {
      let k = unhex(v.scalar_hex), u = unhex(v.u_hex);
      for (let i = 0; i < v.iterations; i += 1) { const out = await x25519(k, u); u = k; k = out; }
      return hex(k) === v.expected.output_hex;
    },
    rfc8032_ed25519: async (v) => {
      await prim.ed25519Verify(unhex(v.public_key_hex), unhex(v.signature_hex), unhex(v.message_hex));
      if (v.secret_key_hex) {
        const k = await prim.importPrivate('Ed25519', unhex(v.secret_key_hex));
        if (hex(k.publicKey) !== v.public_key_hex) return false;
        await prim.ed25519Verify(k.publicKey, await prim.ed25519Sign(k.key, unhex(v.message_hex)), unhex(v.message_hex));
      }
      return v.expected.valid === true;
    },
    kdf: async (v) => {
      const r = await p._deriveRaw(v.passphrase, v.kdf);
      const e = v.expected;
      return hex(r.root) === e.root_hex && hex(r.authKey) === e.auth_key_hex && hex(r.kek) === e.kek_hex;
    },
    wrap: async (v) => {
      const key = await p.unwrapKey(unhex(v.wrapping_key_hex), v.blob_b64u, v.label);
      if (hex(key) !== v.expected.key_hex) return false;
      const blob = await prim.withFixedRandom([unhex(v.nonce_hex)], () => p.wrapKey(unhex(v.wrapping_key_hex), unhex(v.key_hex), v.label));
      return blob === v.blob_b64u;
    },
    recovery_code: async (v) => {
      const code = await p.parseRecoveryCode(v.text);
      const e = v.expected;
      return hex(code) === e.code_hex && (await p.formatRecoveryCode(code)) === e.display
        && hex(await p.recoveryKeyBytes(code)) === e.recovery_key_hex && hex(await p.recoveryAuthBytes(code)) === e.recovery_auth_hex;
    },
    bundle: async (v) => {
      const b = await p.verifyBundle(v.bundle, v.expected_user);
      if (hex(b.x25519) !== v.expected.x25519_public_hex || hex(b.ed25519) !== v.expected.ed25519_public_hex) return false;
      if (v.identity) {
        const id = await identity(v.identity);
        await p.verifyBundle(id.bundle.json, v.identity.user_id);
        if (!p.sameKeys(id.bundle, b)) return false;
      }
      return true;
    },
    safety_number: async (v) => {
      const a = await p.verifyBundle(v.bundle_a, v.bundle_a.user), b = await p.verifyBundle(v.bundle_b, v.bundle_b.user);
      const digits = await p.safetyNumber(a, b);
      return digits === v.expected.digits && digits === await p.safetyNumber(b, a) && p.formatSafetyNumber(digits) === v.expected.formatted;
    },
    pin: async (v) => {
      const owner = await identity(v.owner);
      const pin = await p.openPin(owner, v.pin, v.partner_id);
      if (pin.verified !== v.expected.verified || !same(pin.bundle.json, v.expected.bundle)) return false;
      const fresh = await p.makePin(owner, pin.bundle, pin.verified);
      return (await p.openPin(owner, fresh, v.partner_id)).verified === pin.verified;
    },
    envelope_text: async (v) => {
      const e = p.parseEnvelope(v.text);
      return e.kv === v.expected.kv && hex(e.n) === v.expected.n_hex && hex(e.ct) === v.expected.ct_hex;
    },
    entry: async (v) => {
      const key = await p.importNotebookKey(unhex(v.notebook_key_hex));
      const body = await p.openEntry(key, ctxEntry(v.context), v.envelope);
      if (!same(body, v.expected.body)) return false;
      if (!v.nonce_hex) return true;
      const env = await prim.withFixedRandom([unhex(v.nonce_hex)], () => p.sealEntry(key, ctxEntry(v.context), JSON.parse(v.body_json)));
      return same(env, v.envelope);
    },
    share: async (v) => {
      const recipient = await identity(v.recipient);
      const sender = await p.verifyBundle(v.sender_bundle, v.sender_bundle.user);
      const key = await p.acceptShare(recipient, sender, v.share, v.notebook_id, v.kv);
      if (hex(key) !== v.expected.notebook_key_hex) return false;
      if (!v.sender) return true;
      const s = await identity(v.sender);
      const again = await prim.withFixedRandom(draws(v), () => p.shareNotebookKey(s, recipient.bundle, v.notebook_id, v.kv, key));
      // Ed25519 in the browser may be randomised: compare everything but the signature, then verify it.
      const {sig: a, ...restA} = again, {sig: b, ...restB} = v.share;
      return same(restA, restB) && hex(await p.acceptShare(recipient, sender, again, v.notebook_id, v.kv)) === v.expected.notebook_key_hex;
    },
    sealed: async (v) => {
      const recipient = await identity(v.recipient);
      const sender = await p.verifyBundle(v.sender_bundle, v.sender_bundle.user);
      const body = await p.openMessage(recipient, sender, ctxSeal(v.context), v.sealed);
      if (!same(body, v.expected.body)) return false;
      if (!v.sender) return true;
      const s = await identity(v.sender);
      const again = await prim.withFixedRandom(draws(v), () => p.sealMessage(s, recipient.bundle, ctxSeal(v.context), JSON.parse(v.body_json)));
      const {sig: a, ...restA} = again, {sig: b, ...restB} = v.sealed;
      return same(restA, restB) && same(await p.openMessage(recipient, sender, ctxSeal(v.context), again), v.expected.body);
    },
    account: async (v) => {
      if (v.error) {
        if (v.recovery_code !== undefined && v.recovery_code !== null) {
          await p.recoverAccount(v.recovery_code, {...v.key_material, user_id: v.user_id}, 'unused new passphrase');
        } else {
          await p.unlockAccount(v.passphrase, v.kdf, v.key_material, v.user_id);
        }
        return false;
      }
      const made = await prim.withFixedRandom(draws(v), () => p.createAccount(v.passphrase, v.user_id, {withRecovery: Boolean(v.recovery_code)}));
      const {bundle: mine, ...regA} = made.registration, {bundle: theirs, ...regB} = v.registration;
      if (!same(regA, regB) || made.recoveryCode !== v.recovery_code || !same(mine, theirs)) return false;
      const unlocked = await p.unlockAccount(v.passphrase, v.registration.kdf, {...v.registration.key_material, bundle: v.registration.bundle}, v.user_id);
      if (hex(unlocked.identity.bundle.x25519) !== v.expected.x25519_public_hex) return false;
      return true;
    },
  };
  const handler = H[file];
  if (!handler) return {skipped: true, failures: []};
  const failures = [];
  for (const v of vectors) {
    try {
      const ok = await handler(v);
      if (v.error || !ok) failures.push(v.name + (v.error ? ' (accepted)' : ' (differs)'));
    } catch (error) {
      if (!v.error) failures.push(v.name + ' threw ' + error.name + ': ' + error.message);
      else if (error.name !== 'CryptoError') failures.push(v.name + ' threw ' + error.name + ' not CryptoError');
    }
  }
  return {skipped: false, failures};
}
"""

SERVER_ONLY = {"auth_verifier", "fake_salt"}  # HMAC with the server's pepper: never in a browser


@pytest.fixture
def js(chromium_browser: Any, live_server: str) -> Iterator[Any]:
    context = chromium_browser.new_context(base_url=live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/")
    yield page
    assert errors == []
    context.close()


@pytest.mark.parametrize("path", sorted(VECTORS.glob("*.json")), ids=lambda p: p.stem)
def test_browser_reproduces_vectors(js: Any, path: Path) -> None:
    data = json.loads(path.read_text())
    if path.stem in SERVER_ONLY:
        assert data["operation"] in ("auth_verifier", "fake_salt")
        return
    result = js.evaluate(HARNESS, [path.stem, data["vectors"]])
    assert not result["skipped"], f"no browser handler for {path.name}"
    assert result["failures"] == []


INTEROP = r"""
async ([mode, input]) => {
  const p = await import('/static/js/crypto/protocol.js');
  const enc = await import('/static/js/crypto/encoding.js');
  const unhex = enc.hexToBytes;
  const ident = (o) => p.identityFromPrivate(o.user_id, unhex(o.x), unhex(o.ed));
  if (mode === 'open') {
    const me = await ident(input.recipient);
    const sender = await p.verifyBundle(input.sender_bundle, input.sender_bundle.user);
    const key = await p.acceptShare(me, sender, input.share, input.nb, 1);
    const nbKey = await p.importNotebookKey(key);
    const entry = await p.openEntry(nbKey, {notebookId: input.nb, entryId: 'e1', entryType: 'meeting', kv: 1, rev: 2, authorId: input.sender_bundle.user}, input.envelope);
    const message = await p.openMessage(me, sender, {msgType: 'flag-report', programmeId: 'g1', messageId: 'm1', senderId: input.sender_bundle.user, recipientId: me.userId}, input.sealed);
    const account = await p.unlockAccount(input.passphrase, input.registration.kdf, {...input.registration.key_material, bundle: input.registration.bundle}, input.account_user);
    return {entry, message, accountUser: account.userId, accountBundle: account.identity.bundle.json};
  }
  const me = await ident(input.sender);
  const recipient = await p.verifyBundle(input.recipient_bundle, input.recipient_bundle.user);
  const key = p.newNotebookKey();
  const nbKey = await p.importNotebookKey(key);
  const made = await p.createAccount(input.passphrase, 'u_js', {withRecovery: true});
  return {
    share: await p.shareNotebookKey(me, recipient, input.nb, 1, key),
    envelope: await p.sealEntry(nbKey, {notebookId: input.nb, entryId: 'e1', entryType: 'meeting', kv: 1, rev: 2, authorId: me.userId}, input.body),
    sealed: await p.sealMessage(me, recipient, {msgType: 'flag-report', programmeId: 'g1', messageId: 'm1', senderId: me.userId, recipientId: recipient.user}, input.body),
    pin: await p.makePin(me, recipient, true),
    registration: made.registration,
    recoveryCode: made.recoveryCode,
  };
}
"""


def _identity_json(identity: crypto.Identity) -> dict[str, str]:
    return {
        "user_id": identity.user_id,
        "x": identity.x25519_private.hex(),
        "ed": identity.ed25519_seed.hex(),
    }


BODY = {"notes": "Kävimme läpi CV:n ja LinkedInin. 🌱 " * 3000, "emoji": "✓ ä ö å ß 漢字"}


def test_python_seals_browser_opens(js: Any) -> None:
    alice, bob = crypto.new_identity("u_alice"), crypto.new_identity("u_bob")
    key = crypto.new_notebook_key()
    share = crypto.share_notebook_key(alice, bob.bundle(), "nb1", 1, key)
    envelope = crypto.seal_entry(
        key, crypto.EntryContext("nb1", "e1", "meeting", 1, 2, "u_alice"), BODY
    )
    sealed = crypto.seal_message(
        alice,
        bob.bundle(),
        crypto.SealContext("flag-report", "g1", "m1", "u_alice", "u_bob"),
        {"text": "Yhteys katkeilee"},
    )
    _secrets, registration = crypto.create_account("Passi on pitkä ja turvallinen", "u_py")
    result = js.evaluate(
        INTEROP,
        [
            "open",
            {
                "recipient": _identity_json(bob),
                "sender_bundle": alice.bundle().to_json(),
                "share": share,
                "nb": "nb1",
                "envelope": envelope,
                "sealed": sealed,
                "passphrase": "Passi on pitkä ja turvallinen",
                "registration": registration.to_server_json(),
                "account_user": "u_py",
            },
        ],
    )
    assert {k: v for k, v in result["entry"].items() if k != "schema"} == BODY
    assert result["message"]["text"] == "Yhteys katkeilee"
    assert result["accountBundle"] == registration.bundle


def test_browser_seals_python_opens(js: Any) -> None:
    alice, bob = crypto.new_identity("u_alice"), crypto.new_identity("u_bob")
    result = js.evaluate(
        INTEROP,
        [
            "seal",
            {
                "sender": _identity_json(alice),
                "recipient_bundle": bob.bundle().to_json(),
                "nb": "nb1",
                "body": BODY,
                "passphrase": "Selainsalalause, joka on pitkä",
            },
        ],
    )
    key = crypto.accept_share(bob, alice.bundle(), result["share"], "nb1", 1)
    opened = crypto.open_entry(
        key, crypto.EntryContext("nb1", "e1", "meeting", 1, 2, "u_alice"), result["envelope"]
    )
    assert {k: v for k, v in opened.items() if k != "schema"} == BODY
    message = crypto.open_message(
        bob,
        alice.bundle(),
        crypto.SealContext("flag-report", "g1", "m1", "u_alice", "u_bob"),
        result["sealed"],
    )
    assert {k: v for k, v in message.items() if k != "schema"} == BODY
    pin = crypto.open_pin(alice.bundle(), result["pin"], "u_bob")
    assert pin.verified and pin.bundle.ed25519 == bob.bundle().ed25519
    reg = result["registration"]
    secrets = crypto.unlock_account(
        "Selainsalalause, joka on pitkä", reg["kdf"], {**reg["key_material"]}, "u_js"
    )
    assert secrets.identity.bundle().to_json() == reg["bundle"]
    recovered = crypto.recover_account(result["recoveryCode"], reg["key_material"], "u_js")
    assert recovered.account_key == secrets.account_key


KEYSTORE = r"""
async () => {
  const p = await import('/static/js/crypto/protocol.js');
  const ks = await import('/static/js/crypto/keystore.js');
  const made = await p.createAccount('keystore test passphrase', 'u_ks', {withRecovery: false});
  await ks.saveSecrets(made.secrets);
  await ks.putKey('nb', await p.importNotebookKey(p.newNotebookKey()));
  const back = await ks.loadSecrets();
  const nb = await ks.getKey('nb');
  const flags = [back.accountKey, back.identity.xPrivate, back.identity.edPrivate, nb].map(k => [k instanceof CryptoKey, k.extractable]);
  let refused = false;
  try { await ks.putKey('raw', await crypto.subtle.generateKey({name: 'AES-GCM', length: 256}, true, ['encrypt'])); } catch { refused = true; }
  await ks.clearAll();
  return {flags, refused, after: await ks.loadSecrets(), nbAfter: await ks.getKey('nb')};
}
"""


def test_keystore_keeps_only_non_extractable_keys_and_clears(js: Any) -> None:
    result = js.evaluate(KEYSTORE)
    assert result["flags"] == [[True, False]] * 4
    assert result["refused"] is True
    assert result["after"] is None and result["nbAfter"] is None
