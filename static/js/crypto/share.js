// Notebook-key shares (crypto/share.py; docs/PROTOCOL.md §6): the key sealed to a partner's pinned
// bundle.
import { b64uField, checkBytes, checkId, checkInt, loadObject, utf8 } from "./_codec.js";
import { hybridOpen, hybridSeal } from "./_hybrid.js";
import { KEY_LEN, NONCE_LEN, SIG_LEN, TAG_LEN } from "./_primitives.js";
import { fail } from "./errors.js";

const shareInfo = (nb, from, to, kv) =>
  utf8(`pairbook/v1/share|nb=${checkId(nb)}|from=${checkId(from)}|to=${checkId(to)}|kv=${checkInt(kv)}`);

/** Strict share parsing (§6). */
export function parseShare(obj) {
  const d = loadObject(obj, ["v", "suite", "nb", "from", "to", "kv", "epk", "n", "ct", "sig"]);
  if (checkInt(d.v) !== 1 || checkInt(d.suite) !== 1) fail();
  const parts = {
    epk: b64uField(d, "epk", KEY_LEN),
    n: b64uField(d, "n", NONCE_LEN),
    ct: b64uField(d, "ct", KEY_LEN + TAG_LEN),
    sig: b64uField(d, "sig", SIG_LEN),
  };
  return { nb: checkId(d.nb), from: checkId(d.from), to: checkId(d.to), kv: checkInt(d.kv), parts };
}

/**
 * Share a notebook key with a partner's **pinned** bundle. Draws the ephemeral key, then `n`.
 * @param {Uint8Array} notebookKey raw 32 bytes @returns {Promise<object>} the share object
 */
export async function shareNotebookKey(identity, recipientBundle, nb, kv, notebookKey) {
  checkBytes(notebookKey, KEY_LEN);
  const info = shareInfo(nb, identity.userId, recipientBundle.user, kv);
  const sealed = await hybridSeal(identity, recipientBundle.x25519, info, notebookKey);
  return { v: 1, suite: 1, nb, from: identity.userId, to: recipientBundle.user, kv, ...sealed };
}

/**
 * The raw notebook key from a share, checked against what I expect and the sender's pinned
 * bundle. Re-wrap it with wrapNotebookKey. @returns {Promise<Uint8Array>}
 */
export async function acceptShare(identity, senderPinnedBundle, share, nb, kv) {
  const info = shareInfo(nb, senderPinnedBundle.user, identity.userId, kv);
  const s = parseShare(share);
  if (s.nb !== nb || s.from !== senderPinnedBundle.user || s.to !== identity.userId || s.kv !== kv) fail();
  return checkBytes(await hybridOpen(identity, senderPinnedBundle.ed25519, info, s.parts), KEY_LEN);
}
