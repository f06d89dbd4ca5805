// Key wrapping under AES-256-GCM with a label as AAD, and notebook keys (crypto/wrap.py;
// docs/PROTOCOL.md §3.1).
import { b64uDecode, b64uEncode, checkBytes, checkId, checkInt, concat, utf8 } from "./_codec.js";
import { KEY_LEN, NONCE_LEN, TAG_LEN, aesGcmDecrypt, aesGcmEncrypt, aesGcmUnwrap, hkdfKey } from "./_primitives.js";
import { randomBytes } from "./_random.js";
import { fail } from "./errors.js";

export const LABEL_ACCOUNT_KEK = "pairbook/v1/wrap/account-key/kek";
export const LABEL_ACCOUNT_RECOVERY = "pairbook/v1/wrap/account-key/recovery";
export const LABEL_X25519 = "pairbook/v1/wrap/identity/x25519";
export const LABEL_ED25519 = "pairbook/v1/wrap/identity/ed25519";

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

const notebookKeyLabel = (nb, kv) => `pairbook/v1/wrap/notebook-key|nb=${checkId(nb)}|kv=${checkInt(kv)}`;

/** 32 random bytes. */
export const newNotebookKey = () => randomBytes(KEY_LEN);
/** @returns {Promise<string>} */
export const wrapNotebookKey = (accountKey, nb, kv, raw) => wrapKey(accountKey, raw, notebookKeyLabel(nb, kv));
/** Raw bytes: for sharing the key with a partner. @returns {Promise<Uint8Array>} */
export const unwrapNotebookKey = (accountKey, nb, kv, blob) => unwrapKey(accountKey, blob, notebookKeyLabel(nb, kv));
/** The notebook key as a non-extractable HKDF key (entry keys are derived from it). */
export const importNotebookKey = (raw) => hkdfKey(checkBytes(raw, KEY_LEN));
/** unwrapNotebookKey + importNotebookKey without the bytes ever reaching JavaScript. */
export const openNotebookKey = (accountKey, nb, kv, blob) =>
  unwrapToKey(accountKey, blob, notebookKeyLabel(nb, kv), "HKDF", ["deriveBits", "deriveKey"]);
