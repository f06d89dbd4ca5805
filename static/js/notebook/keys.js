// A notebook's key versions in the browser (docs/PROTOCOL.md §13): the member's own wraps of
// every version (old entries stay sealed under the version they were written with), and the
// rotation the remaining member's device makes when a member has left. Mirrors
// memberclient/client.py (_unwrap_held, rotate_key).
import * as p from "../crypto/index.js";
import { ApiError, NetworkError, api } from "../lib/api.js";

/** My wraps from the pair's `notebook` (`my_wrapped_keys`; an older server: the one wrap). */
export function heldWraps(meta) {
  if (Array.isArray(meta?.my_wrapped_keys)) return meta.my_wrapped_keys;
  return meta?.my_wrapped_key ? [{ key_version: meta.key_version, wrapped_key: meta.my_wrapped_key }] : [];
}

/**
 * Every key version I hold, opened as non-extractable keys: a Map of kv → CryptoKey. A wrap
 * that does not open is left out (its entries show as not verifiable).
 */
export async function openHeldKeys(accountKey, meta) {
  const keys = new Map();
  await Promise.all(heldWraps(meta).map(async (w) => {
    try {
      keys.set(w.key_version, await p.openNotebookKey(accountKey, meta.notebook_id, w.key_version, w.wrapped_key));
    } catch (error) {
      if (error?.name !== "CryptoError") throw error;
    }
  }));
  return keys;
}

/**
 * When the server says the notebook is due for a new key (a member left) and I hold the
 * current one: draw the next key (kv + 1) and store my wrap of it. True if the pair should be
 * looked at again (mine landed, or another device of mine rotated first); false offline, where
 * the notebook opens on the keys it has (the server refuses no read, and a save sealed under the
 * old key is sealed again once it can go out).
 */
export async function renewIfDue(pairBase, accountKey, meta) {
  if (!meta?.rotation_due || !heldWraps(meta).some((w) => w.key_version === meta.key_version)) return false;
  const kv = meta.key_version + 1;
  const raw = p.newNotebookKey();
  try {
    const wrapped = await p.wrapNotebookKey(accountKey, meta.notebook_id, kv, raw);
    await api("POST", `${pairBase}/notebook/rotate`, { key_version: kv, wrapped_key: wrapped });
  } catch (error) {
    if (error instanceof NetworkError) return false;
    if (!(error instanceof ApiError && error.status === 409)) throw error;
  } finally {
    raw.fill(0);
  }
  return true;
}
