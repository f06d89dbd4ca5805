// Saves sealed on this device that the server has not confirmed yet: kept in IndexedDB so that a
// save made offline, or whose answer was lost, goes out once from the next notebook page even
// when the page that made it is gone. Only the sealed envelope and its metadata are kept: no
// plaintext (the envelope opens only with the notebook key).
import * as keystore from "./keystore.js";

const recordName = (scope) => `outbox:${scope}`;

/** Keep `sealed` (from Notebook.seal) for the form `scope` until it settles. */
export function queueSave(scope, sealed) {
  const { entryId, type, base, done, envelope } = sealed;
  return keystore.putRecord(recordName(scope), { v: 1, entryId, type, base, done, envelope });
}

/** The save of `entryId` for `scope` settled (stored, refused or in conflict): let it go. */
export async function unqueueSave(scope, entryId) {
  const name = recordName(scope);
  const record = await keystore.getRecord(name);
  // A newer save of another entry from the same form may have taken its place.
  if (record && record.entryId === entryId) await keystore.deleteRecord(name);
}

/** Every queued save whose scope starts with `prefix`: `[{scope, record}]`. */
export async function queuedSaves(prefix) {
  const names = await keystore.recordNames(recordName(prefix));
  const out = [];
  for (const name of names) {
    const record = await keystore.getRecord(name);
    if (record) out.push({ scope: name.slice("outbox:".length), record });
  }
  return out;
}
