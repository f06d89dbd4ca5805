// Notebook entries (crypto/entry.py; docs/PROTOCOL.md §7): sealed with a key derived from the
// notebook key, bound to their notebook, id, type, key version, revision and author.
import { b64uEncode, b64uField, checkBytes, checkId, checkInt, checkType, decodeBody, encodeBody, loadObject, pad, utf8 } from "./_codec.js";
import { KEY_LEN, NONCE_LEN, TAG_LEN, aesGcmDecrypt, aesGcmEncrypt, hkdfAesKey } from "./_primitives.js";
import { randomBytes } from "./_random.js";
import { fail } from "./errors.js";

const EMPTY = new Uint8Array(0);

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
