// The only module that calls crypto.subtle (crypto/_primitives.py): hashes, PBKDF2, HKDF, AES-GCM,
// X25519 and Ed25519. Every WebCrypto failure becomes CryptoError. Keys are created
// non-extractable; raw secrets passed in are not kept.
import { concat } from "./_codec.js";
import { CryptoError, fail } from "./errors.js";

const subtle = globalThis.crypto.subtle;

export const KEY_LEN = 32;
export const NONCE_LEN = 12;
export const TAG_LEN = 16;
export const SIG_LEN = 64;

async function guard(promise) {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw new CryptoError();
  }
}

// --- hashes, PBKDF2, HKDF, AES-GCM ---------------------------------------------------------

/** @param {"SHA-256"|"SHA-512"} name @returns {Promise<Uint8Array>} */
export async function sha(name, data) {
  return new Uint8Array(await guard(subtle.digest(name, data)));
}

/** PBKDF2-HMAC-SHA256 with a 32-byte output. @returns {Promise<Uint8Array>} */
export async function pbkdf2Sha256(secret, salt, iterations) {
  const base = await guard(subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]));
  const params = { name: "PBKDF2", hash: "SHA-256", salt, iterations };
  return new Uint8Array(await guard(subtle.deriveBits(params, base, 256)));
}

/** HKDF input key material as a non-extractable key. @returns {Promise<CryptoKey>} */
export function hkdfKey(ikm) {
  return guard(subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits", "deriveKey"]));
}

const asHkdfKey = (ikm) => (ikm instanceof Uint8Array ? hkdfKey(ikm) : ikm);

/** HKDF-SHA256 output bytes (for values that leave the client: auth keys, tests). */
export async function hkdfSha256(ikm, salt, info, length = KEY_LEN) {
  const params = { name: "HKDF", hash: "SHA-256", salt, info };
  return new Uint8Array(await guard(subtle.deriveBits(params, await asHkdfKey(ikm), length * 8)));
}

const AES_USAGES = ["encrypt", "decrypt", "unwrapKey"];

/** HKDF-SHA256 straight into a non-extractable AES-256-GCM key. @returns {Promise<CryptoKey>} */
export async function hkdfAesKey(ikm, salt, info) {
  const params = { name: "HKDF", hash: "SHA-256", salt, info };
  const aes = { name: "AES-GCM", length: 256 };
  return guard(subtle.deriveKey(params, await asHkdfKey(ikm), aes, false, AES_USAGES));
}

/** A raw 32-byte key as a non-extractable AES-256-GCM key. @returns {Promise<CryptoKey>} */
export function aesKey(raw) {
  if (!(raw instanceof Uint8Array) || raw.length !== KEY_LEN) fail();
  return guard(subtle.importKey("raw", raw, "AES-GCM", false, AES_USAGES));
}

const asAesKey = (key) => (key instanceof Uint8Array ? aesKey(key) : key);

/** @returns {Promise<Uint8Array>} ciphertext ‖ tag */
export async function aesGcmEncrypt(key, nonce, plaintext, aad) {
  const params = { name: "AES-GCM", iv: nonce, additionalData: aad };
  return new Uint8Array(await guard(subtle.encrypt(params, await asAesKey(key), plaintext)));
}

/** @returns {Promise<Uint8Array>} plaintext */
export async function aesGcmDecrypt(key, nonce, ciphertext, aad) {
  if (ciphertext.length < TAG_LEN || nonce.length !== NONCE_LEN) fail();
  const params = { name: "AES-GCM", iv: nonce, additionalData: aad };
  return new Uint8Array(await guard(subtle.decrypt(params, await asAesKey(key), ciphertext)));
}

/**
 * Decrypt a wrapped key inside WebCrypto, so its bytes never reach JavaScript.
 * @param {{name: string}|string} algorithm of the result @returns {Promise<CryptoKey>}
 */
export async function aesGcmUnwrap(key, nonce, ciphertext, aad, algorithm, usages) {
  const params = { name: "AES-GCM", iv: nonce, additionalData: aad };
  return guard(subtle.unwrapKey("raw", ciphertext, await asAesKey(key), params, algorithm, false, usages));
}

// --- X25519 and Ed25519 ----------------------------------------------------------------------

// PKCS#8 rather than JWK: it needs no public key (nothing to get wrong) and, unlike a JWK's
// base64 `d` string, the buffer holding the secret can be wiped afterwards.
const PKCS8_PREFIX = {
  X25519: [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20],
  Ed25519: [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20],
};
const PRIVATE_USAGES = { X25519: ["deriveBits"], Ed25519: ["sign"] };

async function importPkcs8(alg, raw) {
  if (!(raw instanceof Uint8Array) || raw.length !== KEY_LEN) fail();
  const der = concat(Uint8Array.from(PKCS8_PREFIX[alg]), raw);
  try {
    return await guard(subtle.importKey("pkcs8", der, { name: alg }, false, PRIVATE_USAGES[alg]));
  } finally {
    der.fill(0);
  }
}

function importPublic(alg, raw) {
  if (!(raw instanceof Uint8Array) || raw.length !== KEY_LEN) fail();
  return guard(subtle.importKey("raw", raw, { name: alg }, false, alg === "Ed25519" ? ["verify"] : []));
}

/** X25519(private, public); an all-zero result (low-order public key) is rejected. */
export async function x25519Shared(privateKey, publicRaw) {
  const params = { name: "X25519", public: await importPublic("X25519", publicRaw) };
  const shared = new Uint8Array(await guard(subtle.deriveBits(params, privateKey, 256)));
  if (shared.every((b) => b === 0)) fail();
  return shared;
}

const BASE_U = Uint8Array.from({ length: KEY_LEN }, (_, i) => (i === 0 ? 9 : 0));

/**
 * A raw X25519 private key as a non-extractable key, with its public key. WebCrypto cannot
 * export the public half of a non-extractable key, but X25519(k, 9) is exactly that public key.
 * @returns {Promise<{key: CryptoKey, publicKey: Uint8Array}>}
 */
export async function importX25519Private(raw) {
  const key = await importPkcs8("X25519", raw);
  return { key, publicKey: await x25519Shared(key, BASE_U) };
}

const P = 2n ** 255n - 19n;
const PROBE = new TextEncoder().encode("pairbook/v1/local-public-key-probe");

function modPow(base, exponent) {
  let result = 1n;
  for (let b = base % P, e = exponent; e > 0n; e >>= 1n, b = (b * b) % P) {
    if (e & 1n) result = (result * b) % P;
  }
  return result;
}

async function verifies(publicRaw, signature, message) {
  try {
    return await subtle.verify({ name: "Ed25519" }, await importPublic("Ed25519", publicRaw), signature, message);
  } catch {
    return false;
  }
}

/**
 * A raw Ed25519 seed as a non-extractable signing key, with its public key, without ever making
 * an extractable key. The public key is [a]B, a = clamp(SHA-512(seed)[0..32]); X25519 clamps the
 * same way, so X25519(a, 9) is the Montgomery u of that point and y = (u − 1)/(u + 1) mod p
 * (RFC 7748 §4.1). u loses the sign of x: of the two encodings, keep the one under which a
 * signature by the key verifies. Only public values go through the BigInt arithmetic.
 * @returns {Promise<{key: CryptoKey, publicKey: Uint8Array}>}
 */
export async function importEd25519Private(seed) {
  const key = await importPkcs8("Ed25519", seed);
  const digest = await sha("SHA-512", seed);
  const scalar = digest.slice(0, KEY_LEN);
  digest.fill(0);
  let montgomery;
  try {
    montgomery = await importX25519Private(scalar);
  } finally {
    scalar.fill(0);
  }
  let u = 0n;
  for (let i = KEY_LEN - 1; i >= 0; i -= 1) u = (u << 8n) | BigInt(montgomery.publicKey[i]);
  let y = (((u - 1n + P) % P) * modPow(u + 1n, P - 2n)) % P;
  const candidate = new Uint8Array(KEY_LEN);
  for (let i = 0; i < KEY_LEN; i += 1, y >>= 8n) candidate[i] = Number(y & 0xffn);
  const signature = await ed25519Sign(key, PROBE);
  for (const signBit of [0x00, 0x80]) {
    const publicKey = candidate.slice();
    publicKey[KEY_LEN - 1] |= signBit;
    if (await verifies(publicKey, signature, PROBE)) return { key, publicKey };
  }
  return fail();
}

/** @returns {Promise<Uint8Array>} 64-byte signature */
export async function ed25519Sign(privateKey, message) {
  return new Uint8Array(await guard(subtle.sign({ name: "Ed25519" }, privateKey, message)));
}

/** Throws CryptoError unless `signature` is valid for `message` under the raw public key. */
export async function ed25519Verify(publicRaw, signature, message) {
  if (!(signature instanceof Uint8Array) || signature.length !== SIG_LEN) fail();
  const key = await importPublic("Ed25519", publicRaw);
  if (!(await guard(subtle.verify({ name: "Ed25519" }, key, signature, message)))) fail();
}
