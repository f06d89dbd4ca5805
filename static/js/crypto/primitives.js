// The only module that calls crypto.subtle / getRandomValues. Every failure becomes CryptoError.
import { CryptoError, concat, fail } from "./encoding.js";

const subtle = globalThis.crypto.subtle;
let fixedRandom = null;

/** Random bytes; a test can queue exact draws with withFixedRandom. */
export function randomBytes(length) {
  if (fixedRandom) {
    const next = fixedRandom.shift();
    if (!next || next.length !== length) throw new Error("fixed random draw of the wrong size");
    return next.slice();
  }
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** Run `fn` with the given draws (Uint8Arrays, in order) instead of real randomness. */
export async function withFixedRandom(draws, fn) {
  fixedRandom = draws.map((d) => d.slice());
  try {
    return await fn();
  } finally {
    fixedRandom = null;
  }
}

async function guard(promise) {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw new CryptoError();
  }
}

export const KEY_LEN = 32;
export const NONCE_LEN = 12;
export const TAG_LEN = 16;
export const SIG_LEN = 64;

export async function pbkdf2(secret, salt, iterations) {
  const base = await guard(subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]));
  return new Uint8Array(
    await guard(subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 256)),
  );
}

/** HKDF key material (non-extractable) from raw bytes. */
export function hkdfKey(ikm) {
  return guard(subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits", "deriveKey"]));
}

export async function hkdfBits(keyOrBytes, salt, info, length = 32) {
  const key = keyOrBytes instanceof Uint8Array ? await hkdfKey(keyOrBytes) : keyOrBytes;
  return new Uint8Array(
    await guard(subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, length * 8)),
  );
}

/** A non-extractable AES-256-GCM key derived with HKDF. */
export async function hkdfAesKey(keyOrBytes, salt, info) {
  const key = keyOrBytes instanceof Uint8Array ? await hkdfKey(keyOrBytes) : keyOrBytes;
  return guard(
    subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt, info },
      key,
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt", "decrypt"],
    ),
  );
}

export function aesKey(raw) {
  return guard(subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
}

async function asAesKey(key) {
  return key instanceof Uint8Array ? aesKey(key) : key;
}

export async function aesGcmEncrypt(key, nonce, plaintext, aad) {
  const k = await asAesKey(key);
  return new Uint8Array(
    await guard(subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: aad }, k, plaintext)),
  );
}

export async function aesGcmDecrypt(key, nonce, ciphertext, aad) {
  if (ciphertext.length < TAG_LEN || nonce.length !== NONCE_LEN) fail();
  const k = await asAesKey(key);
  return new Uint8Array(
    await guard(subtle.decrypt({ name: "AES-GCM", iv: nonce, additionalData: aad }, k, ciphertext)),
  );
}

export async function sha(name, data) {
  return new Uint8Array(await guard(subtle.digest(name, data)));
}

const PKCS8 = {
  X25519: Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]),
  Ed25519: Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]),
};
const USAGES = { X25519: ["deriveBits"], Ed25519: ["sign"] };

/**
 * Import a raw 32-byte X25519 private key or Ed25519 seed as a non-extractable key, with its
 * public key. WebCrypto cannot compute a public key from a private one directly, so the key is
 * imported once as extractable to read `x` from its JWK and then dropped.
 */
export async function importPrivate(alg, raw) {
  if (!(raw instanceof Uint8Array) || raw.length !== KEY_LEN) fail();
  const pkcs8 = concat(PKCS8[alg], raw);
  const temporary = await guard(subtle.importKey("pkcs8", pkcs8, { name: alg }, true, USAGES[alg]));
  const jwk = await guard(subtle.exportKey("jwk", temporary));
  const key = await guard(subtle.importKey("pkcs8", pkcs8, { name: alg }, false, USAGES[alg]));
  pkcs8.fill(0);
  const x = jwk.x.replace(/=+$/, "");
  return { key, publicKey: Uint8Array.from(atob(x.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)) };
}

function importPublic(alg, raw) {
  if (!(raw instanceof Uint8Array) || raw.length !== KEY_LEN) fail();
  return guard(subtle.importKey("raw", raw, { name: alg }, false, alg === "Ed25519" ? ["verify"] : []));
}

export async function x25519Shared(privateKey, publicRaw) {
  const pub = await importPublic("X25519", publicRaw);
  const shared = new Uint8Array(await guard(subtle.deriveBits({ name: "X25519", public: pub }, privateKey, 256)));
  if (shared.every((b) => b === 0)) fail();
  return shared;
}

export async function ed25519Sign(privateKey, message) {
  return new Uint8Array(await guard(subtle.sign({ name: "Ed25519" }, privateKey, message)));
}

export async function ed25519Verify(publicRaw, signature, message) {
  if (!(signature instanceof Uint8Array) || signature.length !== SIG_LEN) fail();
  const pub = await importPublic("Ed25519", publicRaw);
  const ok = await guard(subtle.verify({ name: "Ed25519" }, pub, signature, message));
  if (!ok) fail();
}
