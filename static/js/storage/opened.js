// Entries this device has opened, kept for the next notebook page of the same session, so that a
// tab switch asks the server only for what changed and opens only that (issue 18, finding 13).
// Never in plaintext at rest: one record per member and pair, encrypted with a non-extractable
// AES-GCM key from the key store (as drafts are), which goes with everything else at sign-out
// (keystore.clearAll). Each kept entry is trusted only at the revision and author it was opened
// at; the listing says which those are now (core.js checks every one).
import * as keystore from "./keystore.js";

const KEY_NAME = "notebook-opened";
const encoder = new TextEncoder();

const recordName = (me, pairId) => `opened:${me}:${pairId}`;

/**
 * What this device kept of the pair's notebook: `{notebookId, kv, entries, pair, views}`
 * (entries: a Map of entry id → the opened entry as a page showed it, `{entry_id, revision,
 * author_id, updated_at, type, body, envelope?, …}`; pair: the pair's API answer; views: per
 * kinds listed, what the listing said besides its entries, for drawing the next page before the
 * network answers), or null.
 */
export async function loadOpened(me, pairId) {
  const name = recordName(me, pairId);
  const record = await keystore.getRecord(name).catch(() => null);
  if (!record) return null;
  try {
    const key = await keystore.localKey(KEY_NAME);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: record.iv, additionalData: encoder.encode(name) },
      key,
      record.ct,
    );
    const value = JSON.parse(new TextDecoder().decode(plain));
    return {
      notebookId: value.notebookId,
      kv: value.kv,
      entries: new Map(value.entries),
      pair: value.pair ?? null,
      views: value.views ?? {},
    };
  } catch {
    await keystore.deleteRecord(name).catch(() => {});
    return null;
  }
}

/** Keep `kept` (as loadOpened returns it), encrypted, for this member's next page. */
export async function saveOpened(me, pairId, kept) {
  const name = recordName(me, pairId);
  const key = await keystore.localKey(KEY_NAME);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const value = {
    notebookId: kept.notebookId,
    kv: kept.kv,
    entries: [...kept.entries],
    pair: kept.pair ?? null,
    views: kept.views ?? {},
  };
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(name) },
    key,
    encoder.encode(JSON.stringify(value)),
  );
  await keystore.putRecordWhileKey(name, { v: 1, iv, ct: new Uint8Array(ct) }, KEY_NAME);
}

/**
 * The newest change among the kept entries of `types` (none: every kind), "since" for the
 * listing; null when none of them is kept (then every entry of those kinds comes sealed, as a
 * kind this device has not listed yet must).
 */
export function keptSince(kept, types = []) {
  let since = null;
  for (const entry of kept?.entries?.values() ?? []) {
    if (types.length && !types.includes(entry.type)) continue;
    if (!since || entry.updated_at > since) since = entry.updated_at;
  }
  return since;
}
