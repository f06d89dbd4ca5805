// Shares (§6), notebook entries (§7) and sealed messages (§8).
import {
  b64uEncode, b64uField, checkBytes, checkId, checkInt, checkType, concat, decodeBody, encodeBody,
  fail, loadObject, pad, utf8,
} from "./_codec.js";
import {
  KEY_LEN, NONCE_LEN, SIG_LEN, TAG_LEN, aesGcmDecrypt, aesGcmEncrypt, ed25519Sign, ed25519Verify,
  hkdfAesKey, importX25519Private, randomBytes, x25519,
} from "./_primitives.js";

const EMPTY = new Uint8Array(0);

// --- the signed ephemeral-X25519 construction shared by §6 and §8 -------------------------

async function hybridSeal(identity, recipientX, info, plaintext) {
  const ephemeralRaw = randomBytes(KEY_LEN);
  let ephemeral;
  try {
    ephemeral = await importX25519Private(ephemeralRaw);
  } finally {
    ephemeralRaw.fill(0);
  }
  const shared = await x25519(ephemeral.key, recipientX);
  const k = await hkdfAesKey(shared, concat(ephemeral.publicKey, recipientX), info);
  shared.fill(0);
  const n = randomBytes(NONCE_LEN);
  const ct = await aesGcmEncrypt(k, n, plaintext, info);
  const sig = await ed25519Sign(identity.edPrivate, concat(info, ephemeral.publicKey, n, ct));
  return { epk: b64uEncode(ephemeral.publicKey), n: b64uEncode(n), ct: b64uEncode(ct), sig: b64uEncode(sig) };
}

async function hybridOpen(identity, senderEd, info, parts) {
  // The signature first: nothing unauthenticated reaches X25519 or AES.
  await ed25519Verify(senderEd, parts.sig, concat(info, parts.epk, parts.n, parts.ct));
  const shared = await x25519(identity.xPrivate, parts.epk);
  const k = await hkdfAesKey(shared, concat(parts.epk, identity.bundle.x25519), info);
  shared.fill(0);
  return aesGcmDecrypt(k, parts.n, parts.ct, info);
}

// --- shares ------------------------------------------------------------------------------------

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

// --- entries -----------------------------------------------------------------------------------

/**
 * @typedef {{notebookId: string, entryId: string, entryType: string, kv: number, rev: number,
 *   authorId: string}} EntryContext
 */

function entryAad(ctx) {
  return utf8(
    `pairbook/v1/entry|suite=1|nb=${checkId(ctx.notebookId)}|entry=${checkId(ctx.entryId)}`
    + `|type=${checkType(ctx.entryType)}|kv=${checkInt(ctx.kv)}|rev=${checkInt(ctx.rev)}|author=${checkId(ctx.authorId)}`,
  );
}

// Deriving the entry key is a WebCrypto round trip; a notebook of 300 entries needs it once.
// Only CryptoKeys are cached: raw bytes could change under the cache.
const entryKeys = new WeakMap();

function entryKey(notebookKey, nb, kv) {
  const label = `pairbook/v1/entry-key|nb=${checkId(nb)}|kv=${checkInt(kv)}`;
  if (!(notebookKey instanceof CryptoKey)) return hkdfAesKey(checkBytes(notebookKey, KEY_LEN), EMPTY, utf8(label));
  let byLabel = entryKeys.get(notebookKey);
  if (!byLabel) {
    byLabel = new Map();
    entryKeys.set(notebookKey, byLabel);
  }
  if (!byLabel.has(label)) byLabel.set(label, hkdfAesKey(notebookKey, EMPTY, utf8(label)));
  return byLabel.get(label);
}

/** Strict envelope parsing (§7): object, JSON text or UTF-8 bytes. @returns {{kv, n, ct}} */
export function parseEnvelope(obj) {
  const d = loadObject(obj, ["v", "suite", "kv", "n", "ct"]);
  if (checkInt(d.v) !== 1 || checkInt(d.suite) !== 1) fail();
  const kv = checkInt(d.kv);
  const n = b64uField(d, "n", NONCE_LEN);
  const ct = b64uField(d, "ct");
  if (ct.length < TAG_LEN) fail();
  return { kv, n, ct };
}

/** 16 random bytes as base64url (22 characters). */
export const newEntryId = () => b64uEncode(randomBytes(16));

/**
 * @param {CryptoKey|Uint8Array} notebookKey from importNotebookKey / openNotebookKey
 * @param {EntryContext} ctx @param {object} body @returns {Promise<object>} the envelope
 */
export async function sealEntry(notebookKey, ctx, body) {
  const aad = entryAad(ctx);
  const plaintext = pad(encodeBody(body));
  const key = await entryKey(notebookKey, ctx.notebookId, ctx.kv);
  const n = randomBytes(NONCE_LEN);
  const ct = await aesGcmEncrypt(key, n, plaintext, aad);
  return { v: 1, suite: 1, kv: ctx.kv, n: b64uEncode(n), ct: b64uEncode(ct) };
}

/**
 * The body (with `schema`), for the entry the server listed as `ctx`.
 * @param {EntryContext} ctx @returns {Promise<object>}
 */
export async function openEntry(notebookKey, ctx, envelope) {
  const aad = entryAad(ctx);
  const env = parseEnvelope(envelope);
  if (env.kv !== ctx.kv) fail();
  const key = await entryKey(notebookKey, ctx.notebookId, ctx.kv);
  return decodeBody(await aesGcmDecrypt(key, env.n, env.ct, aad));
}

/**
 * Open many entries at once (WebCrypto runs them concurrently): `items` are `{ctx, envelope}`;
 * the result has, in order, `{body}` or `{error: CryptoError}` for each.
 */
export function openEntries(notebookKey, items) {
  return Promise.all(items.map(({ ctx, envelope }) => openEntry(notebookKey, ctx, envelope)
    .then((body) => ({ body }), (error) => ({ error }))));
}

// --- sealed messages ---------------------------------------------------------------------------

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
