// Pins (crypto/pin.py; docs/PROTOCOL.md §4.1): my signed record of a partner's bundle, and whether
// we compared safety numbers.
import { b64uEncode, b64uField, checkId, checkInt, loadObject, utf8 } from "./_codec.js";
import { SIG_LEN, ed25519Sign, ed25519Verify } from "./_primitives.js";
import { fail } from "./errors.js";
import { verifyBundle } from "./identity.js";

/** @typedef {import("./identity.js").Identity} Identity @typedef {import("./identity.js").Bundle} Bundle */

const pinMessage = (owner, partner, verified) => utf8(
  `pairbook/v1/pin|owner=${checkId(owner)}|user=${checkId(partner.user)}`
  + `|x25519=${b64uEncode(partner.x25519)}|ed25519=${b64uEncode(partner.ed25519)}|verified=${verified ? 1 : 0}`,
);

/**
 * My signed pin of a partner's bundle; `verified` after comparing safety numbers.
 * @param {Identity} identity @param {Bundle} partner @param {boolean} verified
 */
export async function makePin(identity, partner, verified) {
  if (typeof verified !== "boolean") fail();
  const sig = await ed25519Sign(identity.edPrivate, pinMessage(identity.userId, partner, verified));
  return { v: 1, owner: identity.userId, bundle: partner.json, verified, sig: b64uEncode(sig) };
}

/**
 * Check my own pin of `partnerId` with my own key.
 * @param {Identity} identity @returns {Promise<{bundle: Bundle, verified: boolean}>}
 */
export async function openPin(identity, pin, partnerId) {
  const d = loadObject(pin, ["v", "owner", "bundle", "verified", "sig"]);
  if (checkInt(d.v) !== 1 || checkId(d.owner) !== identity.userId || typeof d.verified !== "boolean") fail();
  if (d.bundle === null || typeof d.bundle !== "object" || Array.isArray(d.bundle)) fail();
  const partner = await verifyBundle(d.bundle, partnerId);
  const sig = b64uField(d, "sig", SIG_LEN);
  await ed25519Verify(identity.bundle.ed25519, sig, pinMessage(identity.userId, partner, d.verified));
  return { bundle: partner, verified: d.verified };
}
