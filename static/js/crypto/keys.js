// Passphrase keys (§2, §3), key wrapping (§3.1) and recovery codes (§3.2).
import {
  b64uDecode, b64uEncode, b64uField, checkBytes, checkId, checkInt, concat, fail, loadObject, utf8,
} from "./_codec.js";
import {
  KEY_LEN, NONCE_LEN, TAG_LEN, aesGcmDecrypt, aesGcmEncrypt, aesGcmUnwrap, hkdfAesKey, hkdfBits,
  hkdfKey, pbkdf2, randomBytes, sha,
} from "./_primitives.js";

const EMPTY = new Uint8Array(0);
const ALG = "pbkdf2-sha256";
const MIN_ITER = 600000;
const MAX_ITER = 10000000;
const SALT_LEN = 16;

export const LABELS = Object.freeze({
  auth: "pairbook/v1/auth",
  kek: "pairbook/v1/kek",
  accountKek: "pairbook/v1/wrap/account-key/kek",
  accountRecovery: "pairbook/v1/wrap/account-key/recovery",
  x25519: "pairbook/v1/wrap/identity/x25519",
  ed25519: "pairbook/v1/wrap/identity/ed25519",
  recovery: "pairbook/v1/recovery",
  recoveryAuth: "pairbook/v1/recovery-auth",
});

// --- passphrase ------------------------------------------------------------------------------

/**
 * KDF parameters from the server; anything below suite 1 (or absurdly high) is refused.
 * @returns {{alg: string, iter: number, salt: Uint8Array, json: object}}
 */
export function parseKdfParams(obj) {
  const d = loadObject(obj, ["alg", "iter", "salt"]);
  if (d.alg !== ALG || checkInt(d.iter) < MIN_ITER || d.iter > MAX_ITER) fail();
  const salt = b64uField(d, "salt", SALT_LEN);
  return { alg: ALG, iter: d.iter, salt, json: { alg: ALG, iter: d.iter, salt: d.salt } };
}

/** Fresh parameters for a new passphrase (draws the 16-byte salt). */
export function newKdfParams() {
  return parseKdfParams({ alg: ALG, iter: MIN_ITER, salt: b64uEncode(randomBytes(SALT_LEN)) });
}

/**
 * root = PBKDF2(NFC(passphrase)); the auth key (sent to the server) and the KEK, which only
 * exists as a non-extractable AES-GCM key.
 * @param {string} passphrase @param {object|string} kdf
 * @returns {Promise<{authKey: Uint8Array, kek: CryptoKey}>}
 */
export async function derivePassphraseKeys(passphrase, kdf) {
  const params = parseKdfParams(kdf);
  if (typeof passphrase !== "string") fail();
  const secret = utf8(passphrase.normalize("NFC"));
  const root = await pbkdf2(secret, params.salt, params.iter);
  secret.fill(0);
  const rootKey = await hkdfKey(root);
  root.fill(0);
  return {
    authKey: await hkdfBits(rootKey, EMPTY, utf8(LABELS.auth)),
    kek: await hkdfAesKey(rootKey, EMPTY, utf8(LABELS.kek)),
  };
}

// --- wrapping ---------------------------------------------------------------------------------

/**
 * b64u(nonce ‖ AES-GCM(wrappingKey, nonce, key, aad=label)); draws the nonce.
 * @param {CryptoKey|Uint8Array} wrappingKey @param {Uint8Array} key 32 bytes @returns {Promise<string>}
 */
export async function wrapKey(wrappingKey, key, label) {
  checkBytes(key, KEY_LEN);
  const n = randomBytes(NONCE_LEN);
  return b64uEncode(concat(n, await aesGcmEncrypt(wrappingKey, n, key, utf8(label))));
}

function splitWrapped(blob) {
  const data = b64uDecode(blob);
  // Fixing the length here is what makes every unwrapped key exactly 32 bytes.
  if (data.length !== NONCE_LEN + KEY_LEN + TAG_LEN) fail();
  return [data.subarray(0, NONCE_LEN), data.subarray(NONCE_LEN)];
}

/** The raw 32-byte key; use only where the bytes are needed (re-wrapping, sharing). */
export async function unwrapKey(wrappingKey, blob, label) {
  const [n, ct] = splitWrapped(blob);
  return checkBytes(await aesGcmDecrypt(wrappingKey, n, ct, utf8(label)), KEY_LEN);
}

/** The wrapped key as a non-extractable CryptoKey; its bytes never reach JavaScript. */
export async function unwrapToKey(wrappingKey, blob, label, algorithm, usages) {
  const [n, ct] = splitWrapped(blob);
  return aesGcmUnwrap(wrappingKey, n, ct, utf8(label), algorithm, usages);
}

const notebookLabel = (nb, kv) => `pairbook/v1/wrap/notebook-key|nb=${checkId(nb)}|kv=${checkInt(kv)}`;

/** 32 random bytes. */
export const newNotebookKey = () => randomBytes(KEY_LEN);
/** @returns {Promise<string>} */
export const wrapNotebookKey = (accountKey, nb, kv, raw) => wrapKey(accountKey, raw, notebookLabel(nb, kv));
/** Raw bytes: for sharing the key with a partner. @returns {Promise<Uint8Array>} */
export const unwrapNotebookKey = (accountKey, nb, kv, blob) => unwrapKey(accountKey, blob, notebookLabel(nb, kv));
/** The notebook key as a non-extractable HKDF key (entry keys are derived from it). */
export const importNotebookKey = (raw) => hkdfKey(checkBytes(raw, KEY_LEN));
/** unwrapNotebookKey + importNotebookKey without the bytes ever reaching JavaScript. */
export const openNotebookKey = (accountKey, nb, kv, blob) =>
  unwrapToKey(accountKey, blob, notebookLabel(nb, kv), "HKDF", ["deriveBits", "deriveKey"]);

// --- recovery codes ---------------------------------------------------------------------------

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ALIASES = { O: "0", I: "1", L: "1" };
const CODE_LEN = 16;

async function checksum(code) {
  const digest = await sha("SHA-256", code);
  return (digest[0] << 4) | (digest[1] >> 4);
}

/** 16 bytes + 12 checksum bits as 7 groups of 4 Crockford base32 characters. */
export async function formatRecoveryCode(code) {
  checkBytes(code, CODE_LEN);
  let value = 0n;
  for (const b of code) value = (value << 8n) | BigInt(b);
  value = (value << 12n) | BigInt(await checksum(code));
  let chars = "";
  for (let i = 27; i >= 0; i -= 1) chars += CROCKFORD[Number((value >> BigInt(5 * i)) & 31n)];
  return chars.match(/.{4}/g).join("-");
}

/** A fresh recovery code in display form (draws 16 bytes). @returns {Promise<string>} */
export const newRecoveryCode = () => formatRecoveryCode(randomBytes(CODE_LEN));

/** The 16 code bytes; exactly the parsing steps of §3.2. @returns {Promise<Uint8Array>} */
export async function parseRecoveryCode(text) {
  if (typeof text !== "string" || /[^\x00-\x7f]/.test(text)) fail();
  const cleaned = Array.from(text.toUpperCase().replaceAll(" ", "").replaceAll("-", ""), (c) => ALIASES[c] ?? c);
  if (cleaned.length !== 28 || cleaned.some((c) => !CROCKFORD.includes(c))) fail();
  let value = 0n;
  for (const c of cleaned) value = (value << 5n) | BigInt(CROCKFORD.indexOf(c));
  const code = new Uint8Array(CODE_LEN);
  for (let i = CODE_LEN - 1, rest = value >> 12n; i >= 0; i -= 1, rest >>= 8n) code[i] = Number(rest & 0xffn);
  if (Number(value & 0xfffn) !== (await checksum(code))) fail();
  return code;
}

/** The key that wraps the account key for recovery: non-extractable AES-GCM. */
export const recoveryKey = (code) => hkdfAesKey(checkBytes(code, CODE_LEN), EMPTY, utf8(LABELS.recovery));
/** What the server checks before a reset (32 bytes). */
export const recoveryAuth = (code) => hkdfBits(checkBytes(code, CODE_LEN), EMPTY, utf8(LABELS.recoveryAuth));
/** b64u(recovery_auth) of a typed code, for `POST /api/v1/recovery`. */
export const recoveryAuthFromCode = async (text) => b64uEncode(await recoveryAuth(await parseRecoveryCode(text)));
