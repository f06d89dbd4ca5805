// Sealed messages (crypto/sealed.py; docs/PROTOCOL.md §8): one copy per recipient, signed by the
// sender.
import { b64uField, checkId, checkInt, checkType, decodeBody, encodeBody, loadObject, pad, utf8 } from "./_codec.js";
import { hybridOpen, hybridSeal } from "./_hybrid.js";
import { KEY_LEN, NONCE_LEN, SIG_LEN, TAG_LEN } from "./_primitives.js";
import { fail } from "./errors.js";

/**
 * @typedef {{msgType: string, programmeId: string, messageId: string, senderId: string,
 *   recipientId: string}} SealContext
 */

const sealInfo = (c) => utf8(
  `pairbook/v1/seal|type=${checkType(c.msgType)}|prog=${checkId(c.programmeId)}`
  + `|msg=${checkId(c.messageId)}|from=${checkId(c.senderId)}|to=${checkId(c.recipientId)}`,
);

/** Strict sealed-message parsing (§8). */
export function parseSealed(obj) {
  const d = loadObject(obj, ["v", "suite", "epk", "n", "ct", "sig"]);
  if (checkInt(d.v) !== 1 || checkInt(d.suite) !== 1) fail();
  const ct = b64uField(d, "ct");
  if (ct.length < TAG_LEN) fail();
  return { epk: b64uField(d, "epk", KEY_LEN), n: b64uField(d, "n", NONCE_LEN), ct, sig: b64uField(d, "sig", SIG_LEN) };
}

/**
 * Seal a body to one recipient's pinned bundle (one call per copy, §12).
 * @param {SealContext} ctx @returns {Promise<object>} the sealed object
 */
export async function sealMessage(senderIdentity, recipientBundle, ctx, body) {
  const info = sealInfo(ctx);
  if (ctx.senderId !== senderIdentity.userId || ctx.recipientId !== recipientBundle.user) fail();
  return { v: 1, suite: 1, ...(await hybridSeal(senderIdentity, recipientBundle.x25519, info, pad(encodeBody(body)))) };
}

/** @param {SealContext} ctx @returns {Promise<object>} the body, with `schema` */
export async function openMessage(recipientIdentity, senderPinnedBundle, ctx, sealed) {
  const info = sealInfo(ctx);
  if (ctx.recipientId !== recipientIdentity.userId || ctx.senderId !== senderPinnedBundle.user) fail();
  return decodeBody(await hybridOpen(recipientIdentity, senderPinnedBundle.ed25519, info, parseSealed(sealed)));
}
