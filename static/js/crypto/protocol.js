// Pairbook protocol v1, suite 1, in the browser (docs/PROTOCOL.md). Mirrors crypto/ in Python.
import {
  CryptoError, b64uDecode, b64uEncode, b64uField, checkBytes, checkId, checkInt, checkType,
  concat, decodeBody, encodeBody, fail, loadObject, pad, utf8,
} from "./encoding.js";
import {
  KEY_LEN, NONCE_LEN, SIG_LEN, TAG_LEN, aesGcmDecrypt, aesGcmEncrypt, aesKey, ed25519Sign,
  ed25519Verify, hkdfAesKey, hkdfBits, hkdfKey, importPrivate, pbkdf2, randomBytes, sha,
  x25519Shared,
} from "./primitives.js";

export { CryptoError, b64uDecode, b64uEncode };
export { withFixedRandom } from "./primitives.js";

export const FORMER_MEMBER = "former-member";
const EMPTY = new Uint8Array(0);
const ALG = "pbkdf2-sha256";
const MIN_ITER = 600000;
const MAX_ITER = 10000000;
const SALT_LEN = 16;
const L = {
  auth: "pairbook/v1/auth",
  kek: "pairbook/v1/kek",
  accountKek: "pairbook/v1/wrap/account-key/kek",
  accountRecovery: "pairbook/v1/wrap/account-key/recovery",
  x25519: "pairbook/v1/wrap/identity/x25519",
  ed25519: "pairbook/v1/wrap/identity/ed25519",
  recovery: "pairbook/v1/recovery",
  recoveryAuth: "pairbook/v1/recovery-auth",
};

// --- passphrase keys (§2, §3) ------------------------------------------------------------

export function parseKdfParams(obj) {
  const d = loadObject(obj, ["alg", "iter", "salt"]);
  if (d.alg !== ALG) fail();
  checkInt(d.iter);
  if (d.iter < MIN_ITER || d.iter > MAX_ITER) fail();
  const salt = b64uField(d, "salt", SALT_LEN);
  return { alg: ALG, iter: d.iter, salt, json: { alg: ALG, iter: d.iter, salt: d.salt } };
}

export function newKdfParams() {
  return parseKdfParams({ alg: ALG, iter: MIN_ITER, salt: b64uEncode(randomBytes(SALT_LEN)) });
}

/** Raw derivation, for the known-answer tests only (the KEK is never raw otherwise). */
export async function _deriveRaw(passphrase, kdfObj) {
  const params = parseKdfParams(kdfObj);
  if (typeof passphrase !== "string") fail();
  const root = await pbkdf2(utf8(passphrase.normalize("NFC")), params.salt, params.iter);
  const rootKey = await hkdfKey(root);
  const out = {
    root,
    authKey: await hkdfBits(rootKey, EMPTY, utf8(L.auth)),
    kek: await hkdfBits(rootKey, EMPTY, utf8(L.kek)),
  };
  return out;
}

/** The auth key (sent at login) and the KEK (a non-extractable AES-GCM key). */
export async function derivePassphraseKeys(passphrase, kdfObj) {
  const params = parseKdfParams(kdfObj);
  if (typeof passphrase !== "string") fail();
  const root = await pbkdf2(utf8(passphrase.normalize("NFC")), params.salt, params.iter);
  const rootKey = await hkdfKey(root);
  root.fill(0);
  return {
    authKey: await hkdfBits(rootKey, EMPTY, utf8(L.auth)),
    kek: await hkdfAesKey(rootKey, EMPTY, utf8(L.kek)),
  };
}

// --- wrapping (§3.1) -----------------------------------------------------------------------

export async function wrapKey(wrappingKey, key, label) {
  checkBytes(key, KEY_LEN);
  const n = randomBytes(NONCE_LEN);
  return b64uEncode(concat(n, await aesGcmEncrypt(wrappingKey, n, key, utf8(label))));
}

export async function unwrapKey(wrappingKey, blob, label) {
  const data = b64uDecode(blob);
  if (data.length !== NONCE_LEN + KEY_LEN + TAG_LEN) fail();
  const key = await aesGcmDecrypt(wrappingKey, data.subarray(0, NONCE_LEN), data.subarray(NONCE_LEN), utf8(label));
  return checkBytes(key, KEY_LEN);
}

const notebookLabel = (nb, kv) => `pairbook/v1/wrap/notebook-key|nb=${checkId(nb)}|kv=${checkInt(kv)}`;

export const newNotebookKey = () => randomBytes(KEY_LEN);
export const wrapNotebookKey = (accountKey, nb, kv, raw) => wrapKey(accountKey, raw, notebookLabel(nb, kv));
export const unwrapNotebookKey = (accountKey, nb, kv, blob) => unwrapKey(accountKey, blob, notebookLabel(nb, kv));
/** The notebook key as a non-extractable HKDF key: entry keys are derived from it. */
export const importNotebookKey = (raw) => hkdfKey(checkBytes(raw, KEY_LEN));

// --- recovery codes (§3.2) -----------------------------------------------------------------

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ALIASES = { O: "0", I: "1", L: "1" };

async function checksum(code) {
  const digest = await sha("SHA-256", code);
  return (digest[0] << 4) | (digest[1] >> 4);
}

export async function formatRecoveryCode(code) {
  checkBytes(code, 16);
  let value = 0n;
  for (const b of code) value = (value << 8n) | BigInt(b);
  value = (value << 12n) | BigInt(await checksum(code));
  let chars = "";
  for (let i = 27; i >= 0; i -= 1) chars += ALPHABET[Number((value >> BigInt(5 * i)) & 31n)];
  return chars.match(/.{4}/g).join("-");
}

export const newRecoveryCode = () => formatRecoveryCode(randomBytes(16));

export async function parseRecoveryCode(text) {
  if (typeof text !== "string" || /[^\x00-\x7f]/.test(text)) fail();
  const cleaned = [...text.toUpperCase().replaceAll(" ", "").replaceAll("-", "")]
    .map((c) => ALIASES[c] ?? c).join("");
  if (cleaned.length !== 28 || [...cleaned].some((c) => !ALPHABET.includes(c))) fail();
  let value = 0n;
  for (const c of cleaned) value = (value << 5n) | BigInt(ALPHABET.indexOf(c));
  const code = new Uint8Array(16);
  let rest = value >> 12n;
  for (let i = 15; i >= 0; i -= 1) {
    code[i] = Number(rest & 255n);
    rest >>= 8n;
  }
  if (Number(value & 4095n) !== (await checksum(code))) fail();
  return code;
}

const recoveryKey = (code) => hkdfBits(code, EMPTY, utf8(L.recovery));
export const recoveryKeyBytes = recoveryKey;
export async function recoveryAuthBytes(code) {
  return hkdfBits(code, EMPTY, utf8(L.recoveryAuth));
}
export async function recoveryAuthFromCode(text) {
  return b64uEncode(await recoveryAuthBytes(await parseRecoveryCode(text)));
}

// --- identity, bundles, safety numbers, pins (§4, §4.1, §5) --------------------------------

const bundleMessage = (user, x, ed) =>
  utf8(`pairbook/v1/bundle|user=${checkId(user)}|x25519=${b64uEncode(x)}|ed25519=${b64uEncode(ed)}`);

/** An identity from raw private parts (non-extractable keys; the raw input is not kept). */
export async function identityFromPrivate(userId, xPrivateRaw, edSeedRaw) {
  checkId(userId);
  const x = await importPrivate("X25519", xPrivateRaw);
  const ed = await importPrivate("Ed25519", edSeedRaw);
  const sig = await ed25519Sign(ed.key, bundleMessage(userId, x.publicKey, ed.publicKey));
  const json = { v: 1, user: userId, x25519: b64uEncode(x.publicKey), ed25519: b64uEncode(ed.publicKey), sig: b64uEncode(sig) };
  return {
    userId,
    xPrivate: x.key,
    edPrivate: ed.key,
    bundle: { user: userId, x25519: x.publicKey, ed25519: ed.publicKey, sig, json },
  };
}

export async function verifyBundle(obj, expectedUser) {
  const d = loadObject(obj, ["v", "user", "x25519", "ed25519", "sig"]);
  if (checkInt(d.v) !== 1 || checkId(d.user) !== checkId(expectedUser)) fail();
  const x = b64uField(d, "x25519", KEY_LEN);
  const ed = b64uField(d, "ed25519", KEY_LEN);
  const sig = b64uField(d, "sig", SIG_LEN);
  await ed25519Verify(ed, sig, bundleMessage(d.user, x, ed));
  return { user: d.user, x25519: x, ed25519: ed, sig, json: { v: 1, user: d.user, x25519: d.x25519, ed25519: d.ed25519, sig: d.sig } };
}

export const sameKeys = (a, b) =>
  Boolean(a && b) && a.user === b.user && b64uEncode(a.x25519) === b64uEncode(b.x25519)
  && b64uEncode(a.ed25519) === b64uEncode(b.ed25519);

async function memberDigits(bundle) {
  const keys = concat(bundle.x25519, bundle.ed25519);
  let h = await sha("SHA-512", concat(Uint8Array.from([0, 1]), keys, utf8(checkId(bundle.user))));
  for (let i = 0; i < 5200; i += 1) h = await sha("SHA-512", concat(h, keys));
  let out = "";
  for (let i = 0; i < 30; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j += 1) v = v * 256 + h[i + j];
    out += String(v % 100000).padStart(5, "0");
  }
  return out;
}

export async function safetyNumber(a, b) {
  return [await memberDigits(a), await memberDigits(b)].sort().join("");
}

export function formatSafetyNumber(digits) {
  if (typeof digits !== "string" || !/^[0-9]{60}$/.test(digits)) fail();
  return digits.match(/.{5}/g).join(" ");
}

const pinMessage = (owner, partner, verified) => utf8(
  `pairbook/v1/pin|owner=${checkId(owner)}|user=${checkId(partner.user)}`
  + `|x25519=${b64uEncode(partner.x25519)}|ed25519=${b64uEncode(partner.ed25519)}|verified=${verified ? 1 : 0}`,
);

export async function makePin(identity, partner, verified) {
  if (typeof verified !== "boolean") fail();
  const sig = await ed25519Sign(identity.edPrivate, pinMessage(identity.userId, partner, verified));
  return { v: 1, owner: identity.userId, bundle: partner.json, verified, sig: b64uEncode(sig) };
}

/** Check my own pin of my partner; returns the pinned bundle and whether we compared numbers. */
export async function openPin(identity, pin, partnerId) {
  const d = loadObject(pin, ["v", "owner", "bundle", "verified", "sig"]);
  if (checkInt(d.v) !== 1 || d.owner !== identity.userId || typeof d.verified !== "boolean") fail();
  if (d.bundle === null || typeof d.bundle !== "object" || Array.isArray(d.bundle)) fail();
  const partner = await verifyBundle(d.bundle, partnerId);
  const sig = b64uField(d, "sig", SIG_LEN);
  await ed25519Verify(identity.bundle.ed25519, sig, pinMessage(identity.userId, partner, d.verified));
  return { bundle: partner, verified: d.verified };
}

// --- accounts (§11) ------------------------------------------------------------------------

async function openIdentity(accountRaw, km, userId) {
  const x = await unwrapKey(accountRaw, field(km, "wrapped_x25519"), L.x25519);
  const ed = await unwrapKey(accountRaw, field(km, "wrapped_ed25519"), L.ed25519);
  const identity = await identityFromPrivate(checkId(userId), x, ed);
  x.fill(0);
  ed.fill(0);
  if (km.bundle !== undefined) {
    // The server must not be able to swap my own public keys either.
    const stored = await verifyBundle(km.bundle, userId);
    if (!sameKeys(stored, identity.bundle)) fail();
  }
  return identity;
}

function field(km, name) {
  if (km === null || typeof km !== "object" || typeof km[name] !== "string") fail();
  return km[name];
}

async function secretsFrom(accountRaw, km, userId) {
  const identity = await openIdentity(accountRaw, km, userId);
  const accountKey = await aesKey(accountRaw);
  accountRaw.fill(0);
  return { userId, accountKey, identity };
}

export async function createAccount(passphrase, userId, { withRecovery = true } = {}) {
  checkId(userId);
  const kdf = newKdfParams();
  const keys = await derivePassphraseKeys(passphrase, kdf.json);
  const accountRaw = randomBytes(KEY_LEN);
  const xRaw = randomBytes(KEY_LEN);
  const edRaw = randomBytes(KEY_LEN);
  const identity = await identityFromPrivate(userId, xRaw, edRaw);
  const keyMaterial = {
    wrapped_account_key: await wrapKey(keys.kek, accountRaw, L.accountKek),
    wrapped_x25519: await wrapKey(accountRaw, xRaw, L.x25519),
    wrapped_ed25519: await wrapKey(accountRaw, edRaw, L.ed25519),
  };
  xRaw.fill(0);
  edRaw.fill(0);
  const registration = { kdf: kdf.json, auth_key: b64uEncode(keys.authKey), key_material: keyMaterial, bundle: identity.bundle.json };
  let recoveryCode = null;
  if (withRecovery) {
    const code = randomBytes(16);
    recoveryCode = await formatRecoveryCode(code);
    keyMaterial.recovery_wrapped_key = await wrapKey(await recoveryKey(code), accountRaw, L.accountRecovery);
    registration.recovery_auth = b64uEncode(await recoveryAuthBytes(code));
    code.fill(0);
  }
  const accountKey = await aesKey(accountRaw);
  accountRaw.fill(0);
  return { secrets: { userId, accountKey, identity }, registration, recoveryCode };
}

export async function openKeyMaterial(kek, km, userId) {
  return secretsFrom(await unwrapKey(kek, field(km, "wrapped_account_key"), L.accountKek), km, userId);
}

export async function unlockAccount(passphrase, kdfObj, km, userId) {
  const keys = await derivePassphraseKeys(passphrase, kdfObj);
  return openKeyMaterial(keys.kek, km, userId);
}

export async function changePassphrase(current, kdfObj, km, newPassphrase) {
  const old = await derivePassphraseKeys(current, kdfObj);
  const accountRaw = await unwrapKey(old.kek, field(km, "wrapped_account_key"), L.accountKek);
  const kdf = newKdfParams();
  const fresh = await derivePassphraseKeys(newPassphrase, kdf.json);
  const wrapped = await wrapKey(fresh.kek, accountRaw, L.accountKek);
  accountRaw.fill(0);
  return { auth_key: b64uEncode(old.authKey), kdf: kdf.json, new_auth_key: b64uEncode(fresh.authKey), wrapped_account_key: wrapped };
}

/** Unlock with the recovery code (grant = the /api/v1/recovery answer) and set a new passphrase. */
export async function recoverAccount(codeText, grant, newPassphrase) {
  const code = await parseRecoveryCode(codeText);
  const accountRaw = await unwrapKey(await recoveryKey(code), field(grant, "recovery_wrapped_key"), L.accountRecovery);
  const kdf = newKdfParams();
  const fresh = await derivePassphraseKeys(newPassphrase, kdf.json);
  const body = { kdf: kdf.json, auth_key: b64uEncode(fresh.authKey), wrapped_account_key: await wrapKey(fresh.kek, accountRaw, L.accountKek) };
  const secrets = await secretsFrom(accountRaw, grant, grant.user_id);
  return { secrets, body };
}

// --- the signed ephemeral-X25519 construction (§6, §8) -----------------------------------

async function hybridSeal(identity, recipientX, info, plaintext) {
  const eph = await importPrivate("X25519", randomBytes(KEY_LEN));
  const shared = await x25519Shared(eph.key, recipientX);
  const k = await hkdfAesKey(shared, concat(eph.publicKey, recipientX), info);
  const n = randomBytes(NONCE_LEN);
  const ct = await aesGcmEncrypt(k, n, plaintext, info);
  const sig = await ed25519Sign(identity.edPrivate, concat(info, eph.publicKey, n, ct));
  return { epk: eph.publicKey, n, ct, sig };
}

async function hybridOpen(identity, senderEd, info, parts) {
  await ed25519Verify(senderEd, parts.sig, concat(info, parts.epk, parts.n, parts.ct));
  const shared = await x25519Shared(identity.xPrivate, parts.epk);
  const k = await hkdfAesKey(shared, concat(parts.epk, identity.bundle.x25519), info);
  return aesGcmDecrypt(k, parts.n, parts.ct, info);
}

const shareInfo = (nb, from, to, kv) =>
  utf8(`pairbook/v1/share|nb=${checkId(nb)}|from=${checkId(from)}|to=${checkId(to)}|kv=${checkInt(kv)}`);

export function parseShare(obj) {
  const d = loadObject(obj, ["v", "suite", "nb", "from", "to", "kv", "epk", "n", "ct", "sig"]);
  if (checkInt(d.v) !== 1 || checkInt(d.suite) !== 1) fail();
  const parts = { epk: b64uField(d, "epk", KEY_LEN), n: b64uField(d, "n", NONCE_LEN), ct: b64uField(d, "ct", KEY_LEN + TAG_LEN), sig: b64uField(d, "sig", SIG_LEN) };
  return { nb: checkId(d.nb), from: checkId(d.from), to: checkId(d.to), kv: checkInt(d.kv), parts };
}

export async function shareNotebookKey(identity, recipient, nb, kv, raw) {
  checkBytes(raw, KEY_LEN);
  const info = shareInfo(nb, identity.userId, recipient.user, kv);
  const p = await hybridSeal(identity, recipient.x25519, info, raw);
  return { v: 1, suite: 1, nb, from: identity.userId, to: recipient.user, kv, epk: b64uEncode(p.epk), n: b64uEncode(p.n), ct: b64uEncode(p.ct), sig: b64uEncode(p.sig) };
}

export async function acceptShare(identity, senderPinned, share, nb, kv) {
  const s = parseShare(share);
  const info = shareInfo(nb, senderPinned.user, identity.userId, kv);
  if (s.nb !== nb || s.from !== senderPinned.user || s.to !== identity.userId || s.kv !== kv) fail();
  return checkBytes(await hybridOpen(identity, senderPinned.ed25519, info, s.parts), KEY_LEN);
}

// --- entries (§7) --------------------------------------------------------------------------

function entryAad(ctx) {
  return utf8(
    `pairbook/v1/entry|suite=1|nb=${checkId(ctx.notebookId)}|entry=${checkId(ctx.entryId)}`
    + `|type=${checkType(ctx.entryType)}|kv=${checkInt(ctx.kv)}|rev=${checkInt(ctx.rev)}|author=${checkId(ctx.authorId)}`,
  );
}

const entryKeys = new WeakMap();

async function entryKey(notebookKey, nb, kv) {
  let byLabel = entryKeys.get(notebookKey);
  if (!byLabel) {
    byLabel = new Map();
    entryKeys.set(notebookKey, byLabel);
  }
  const label = `pairbook/v1/entry-key|nb=${checkId(nb)}|kv=${checkInt(kv)}`;
  if (!byLabel.has(label)) byLabel.set(label, await hkdfAesKey(notebookKey, EMPTY, utf8(label)));
  return byLabel.get(label);
}

export function parseEnvelope(obj) {
  const d = loadObject(obj, ["v", "suite", "kv", "n", "ct"]);
  if (checkInt(d.v) !== 1 || checkInt(d.suite) !== 1) fail();
  const kv = checkInt(d.kv);
  const n = b64uField(d, "n", NONCE_LEN);
  const ct = b64uField(d, "ct");
  if (ct.length < TAG_LEN) fail();
  return { kv, n, ct };
}

export const newEntryId = () => b64uEncode(randomBytes(16));

export async function sealEntry(notebookKey, ctx, body) {
  const aad = entryAad(ctx);
  const plaintext = pad(encodeBody(body));
  const key = await entryKey(notebookKey, ctx.notebookId, ctx.kv);
  const n = randomBytes(NONCE_LEN);
  const ct = await aesGcmEncrypt(key, n, plaintext, aad);
  return { v: 1, suite: 1, kv: ctx.kv, n: b64uEncode(n), ct: b64uEncode(ct) };
}

export async function openEntry(notebookKey, ctx, envelope) {
  const aad = entryAad(ctx);
  const env = parseEnvelope(envelope);
  if (env.kv !== ctx.kv) fail();
  const key = await entryKey(notebookKey, ctx.notebookId, ctx.kv);
  return decodeBody(await aesGcmDecrypt(key, env.n, env.ct, aad));
}

/**
 * Open many entries at once (WebCrypto runs them concurrently): `items` are `{ctx, envelope}`;
 * the result has, in order, `{body}` or `{error: CryptoError}` for each.
 */
export function openEntries(notebookKey, items) {
  return Promise.all(items.map(({ ctx, envelope }) => openEntry(notebookKey, ctx, envelope)
    .then((body) => ({ body }), (error) => ({ error }))));
}

// --- sealed messages (§8) ------------------------------------------------------------------

const sealInfo = (c) => utf8(
  `pairbook/v1/seal|type=${checkType(c.msgType)}|prog=${checkId(c.programmeId)}`
  + `|msg=${checkId(c.messageId)}|from=${checkId(c.senderId)}|to=${checkId(c.recipientId)}`,
);

export function parseSealed(obj) {
  const d = loadObject(obj, ["v", "suite", "epk", "n", "ct", "sig"]);
  if (checkInt(d.v) !== 1 || checkInt(d.suite) !== 1) fail();
  const ct = b64uField(d, "ct");
  if (ct.length < TAG_LEN) fail();
  return { epk: b64uField(d, "epk", KEY_LEN), n: b64uField(d, "n", NONCE_LEN), ct, sig: b64uField(d, "sig", SIG_LEN) };
}

export async function sealMessage(identity, recipient, ctx, body) {
  const info = sealInfo(ctx);
  if (ctx.senderId !== identity.userId || ctx.recipientId !== recipient.user) fail();
  const p = await hybridSeal(identity, recipient.x25519, info, pad(encodeBody(body)));
  return { v: 1, suite: 1, epk: b64uEncode(p.epk), n: b64uEncode(p.n), ct: b64uEncode(p.ct), sig: b64uEncode(p.sig) };
}

export async function openMessage(identity, senderPinned, ctx, sealed) {
  const info = sealInfo(ctx);
  if (ctx.recipientId !== identity.userId || ctx.senderId !== senderPinned.user) fail();
  return decodeBody(await hybridOpen(identity, senderPinned.ed25519, info, parseSealed(sealed)));
}
