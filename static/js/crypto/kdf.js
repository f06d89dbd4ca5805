// Passphrase keys (crypto/kdf.py; docs/PROTOCOL.md §2, §3): the KDF parameters, and the auth key
// and KEK derived from the passphrase.
import { b64uEncode, b64uField, checkInt, loadObject, utf8 } from "./_codec.js";
import { hkdfAesKey, hkdfKey, hkdfSha256, pbkdf2Sha256 } from "./_primitives.js";
import { randomBytes } from "./_random.js";
import { fail } from "./errors.js";

const EMPTY = new Uint8Array(0);
const ALG = "pbkdf2-sha256";
const MIN_ITER = 600000;
const MAX_ITER = 10000000;
const SALT_LEN = 16;
const LABEL_AUTH = "pairbook/v1/auth";
const LABEL_KEK = "pairbook/v1/kek";

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
  const root = await pbkdf2Sha256(secret, params.salt, params.iter);
  secret.fill(0);
  const rootKey = await hkdfKey(root);
  root.fill(0);
  return {
    authKey: await hkdfSha256(rootKey, EMPTY, utf8(LABEL_AUTH)),
    kek: await hkdfAesKey(rootKey, EMPTY, utf8(LABEL_KEK)),
  };
}
