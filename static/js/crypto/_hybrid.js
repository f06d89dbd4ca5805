// The signed ephemeral-X25519 construction shared by shares (§6) and sealed messages (§8)
// (crypto/_hybrid.py).
import { b64uEncode, concat } from "./_codec.js";
import { KEY_LEN, NONCE_LEN, aesGcmDecrypt, aesGcmEncrypt, ed25519Sign, ed25519Verify, hkdfAesKey, importX25519Private, x25519Shared } from "./_primitives.js";
import { randomBytes } from "./_random.js";

/**
 * Seal `plaintext` to `recipientX` (raw X25519 public key) with a fresh ephemeral key, signed by
 * `identity`; draws the ephemeral key, then the nonce. @returns {Promise<{epk, n, ct, sig}>} b64u
 */
export async function hybridSeal(identity, recipientX, info, plaintext) {
  const ephemeralRaw = randomBytes(KEY_LEN);
  let ephemeral;
  try {
    ephemeral = await importX25519Private(ephemeralRaw);
  } finally {
    ephemeralRaw.fill(0);
  }
  const shared = await x25519Shared(ephemeral.key, recipientX);
  const k = await hkdfAesKey(shared, concat(ephemeral.publicKey, recipientX), info);
  shared.fill(0);
  const n = randomBytes(NONCE_LEN);
  const ct = await aesGcmEncrypt(k, n, plaintext, info);
  const sig = await ed25519Sign(identity.edPrivate, concat(info, ephemeral.publicKey, n, ct));
  return { epk: b64uEncode(ephemeral.publicKey), n: b64uEncode(n), ct: b64uEncode(ct), sig: b64uEncode(sig) };
}

/** The plaintext of `parts` (`{epk, n, ct, sig}` as bytes), once `senderEd` signed it. */
export async function hybridOpen(identity, senderEd, info, parts) {
  // The signature first: nothing unauthenticated reaches X25519 or AES.
  await ed25519Verify(senderEd, parts.sig, concat(info, parts.epk, parts.n, parts.ct));
  const shared = await x25519Shared(identity.xPrivate, parts.epk);
  const k = await hkdfAesKey(shared, concat(parts.epk, identity.bundle.x25519), info);
  shared.fill(0);
  return aesGcmDecrypt(k, parts.n, parts.ct, info);
}
