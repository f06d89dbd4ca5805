// Identities, bundles and safety numbers (crypto/identity.py; docs/PROTOCOL.md §4, §5).
import { b64uEncode, b64uField, checkId, checkInt, concat, equalBytes, loadObject, utf8 } from "./_codec.js";
import {
  KEY_LEN, SIG_LEN, ed25519Sign, ed25519Verify, importEd25519Private, importX25519Private, sha,
} from "./_primitives.js";
import { fail } from "./errors.js";
import { randomBytes } from "./_random.js";

/**
 * @typedef {{user: string, x25519: Uint8Array, ed25519: Uint8Array, sig: Uint8Array, json: object}} Bundle
 * @typedef {{userId: string, xPrivate: CryptoKey, edPrivate: CryptoKey, bundle: Bundle}} Identity
 */

const bundleMessage = (user, x, ed) =>
  utf8(`pairbook/v1/bundle|user=${checkId(user)}|x25519=${b64uEncode(x)}|ed25519=${b64uEncode(ed)}`);

/**
 * An identity from the raw X25519 private key and Ed25519 seed, as non-extractable keys with a
 * freshly signed bundle. The caller wipes the raw inputs.
 * @returns {Promise<Identity>}
 */
export async function identityFromPrivate(userId, xPrivateRaw, edSeedRaw) {
  checkId(userId);
  const x = await importX25519Private(xPrivateRaw);
  const ed = await importEd25519Private(edSeedRaw);
  const sig = await ed25519Sign(ed.key, bundleMessage(userId, x.publicKey, ed.publicKey));
  const json = {
    v: 1, user: userId, x25519: b64uEncode(x.publicKey), ed25519: b64uEncode(ed.publicKey), sig: b64uEncode(sig),
  };
  return {
    userId,
    xPrivate: x.key,
    edPrivate: ed.key,
    bundle: { user: userId, x25519: x.publicKey, ed25519: ed.publicKey, sig, json },
  };
}

/**
 * A fresh identity (crypto.new_identity): the X25519 private key drawn first, then the Ed25519
 * seed; the raw bytes are wiped once imported as non-extractable keys.
 * @param {string} userId @returns {Promise<Identity>}
 */
export async function newIdentity(userId) {
  checkId(userId);
  const xRaw = randomBytes(KEY_LEN);
  const edRaw = randomBytes(KEY_LEN);
  try {
    return await identityFromPrivate(userId, xRaw, edRaw);
  } finally {
    xRaw.fill(0);
    edRaw.fill(0);
  }
}

/**
 * A bundle whose self-signature verifies and whose `user` is the one asked for.
 * @param {object|string} obj @param {string} expectedUser @returns {Promise<Bundle>}
 */
export async function verifyBundle(obj, expectedUser) {
  const d = loadObject(obj, ["v", "user", "x25519", "ed25519", "sig"]);
  if (checkInt(d.v) !== 1 || checkId(d.user) !== checkId(expectedUser)) fail();
  const x = b64uField(d, "x25519", KEY_LEN);
  const ed = b64uField(d, "ed25519", KEY_LEN);
  const sig = b64uField(d, "sig", SIG_LEN);
  await ed25519Verify(ed, sig, bundleMessage(d.user, x, ed));
  return { user: d.user, x25519: x, ed25519: ed, sig, json: { v: 1, user: d.user, x25519: d.x25519, ed25519: d.ed25519, sig: d.sig } };
}

/** Same user and same two public keys (a difference is a key change, §4.1). @returns {boolean} */
export const sameKeys = (a, b) =>
  Boolean(a && b) && a.user === b.user && equalBytes(a.x25519, b.x25519) && equalBytes(a.ed25519, b.ed25519);

async function memberDigits(bundle) {
  const keys = concat(bundle.x25519, bundle.ed25519);
  let h = await sha("SHA-512", concat(Uint8Array.of(0, 1), keys, utf8(checkId(bundle.user))));
  for (let i = 0; i < 5200; i += 1) h = await sha("SHA-512", concat(h, keys));
  let out = "";
  for (let i = 0; i < 30; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j += 1) v = v * 256 + h[i + j];
    out += String(v % 100000).padStart(5, "0");
  }
  return out;
}

/** The 60 digits two members compare; the same whichever order. @param {Bundle} a @param {Bundle} b */
export async function safetyNumber(a, b) {
  return [await memberDigits(a), await memberDigits(b)].sort().join("");
}

/** "12345 67890 …": 12 groups of 5. */
export function formatSafetyNumber(digits) {
  if (typeof digits !== "string" || !/^[0-9]{60}$/.test(digits)) fail();
  return digits.match(/.{5}/g).join(" ");
}
