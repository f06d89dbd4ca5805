// Evaluated in the page by tests/test_crypto_browser.py (Playwright page.evaluate).
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
