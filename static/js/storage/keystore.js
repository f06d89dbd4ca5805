// A small IndexedDB store (database "pairbook-keys") for non-extractable CryptoKeys and small
// records such as pinned bundles. CryptoKeys go in as objects (structured clone keeps them
// non-extractable), never as bytes. clearAll() at sign-out.
const DB_NAME = "pairbook-keys";
const STORE = "items";
// One promise per key name, so that two callers on a page never make two keys.
const localKeys = new Map();

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, fn) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** @param {string} name @param {*} value anything structured-cloneable */
export const putRecord = (name, value) => run("readwrite", (s) => s.put(value, name)).then(() => undefined);
/**
 * Put `value` unless the stored record's `field` is already at least `value[field]`: of two
 * writes racing to the same name, the newer one stays whichever lands last.
 */
export const putRecordIfNewer = (name, value, field) => run("readwrite", (s) => {
  const current = s.get(name);
  current.onsuccess = () => {
    if (!(current.result?.[field] >= value[field])) s.put(value, name);
  };
  return current;
}).then(() => undefined);
/**
 * Put `value` only while the key `keyName` (putKey's name) is still stored, in one transaction:
 * a write that was under way when clearAll() ran at sign-out leaves nothing behind.
 */
export const putRecordWhileKey = (name, value, keyName) => run("readwrite", (s) => {
  const key = s.get(`key:${keyName}`);
  key.onsuccess = () => {
    if (key.result !== undefined) s.put(value, name);
  };
  return key;
}).then(() => undefined);
/** @returns {Promise<*>} the record, or null */
export const getRecord = async (name) => (await run("readonly", (s) => s.get(name))) ?? null;
export const deleteRecord = (name) => run("readwrite", (s) => s.delete(name)).then(() => undefined);
/** @returns {Promise<string[]>} the names of the records that start with `prefix` */
export const recordNames = async (prefix) => (await run("readonly", (s) => s.getAllKeys()))
  .map(String).filter((name) => name.startsWith(prefix));
/**
 * Empty the store: every key and record of this browser is gone, and so is what the notebook's
 * service worker kept for reading offline (pages and sealed entries: static/js/notebook/sw.js).
 */
export const clearAll = () => (localKeys.clear(), Promise.all([
  run("readwrite", (s) => s.clear()),
  forgetOfflineCopies(),
]).then(() => undefined));

async function forgetOfflineCopies() {
  try {
    if (globalThis.caches) {
      for (const name of await caches.keys()) if (name.startsWith("pairbook-")) await caches.delete(name);
    }
    const registrations = await navigator.serviceWorker?.getRegistrations?.() ?? [];
    await Promise.all(registrations.map((r) => r.unregister()));
  } catch {
    // Nothing kept, or no service workers here.
  }
}

/** Store a non-extractable CryptoKey (an extractable one is refused with a TypeError). */
export function putKey(name, key) {
  if (!(key instanceof CryptoKey) || key.extractable) {
    return Promise.reject(new TypeError("only non-extractable CryptoKeys are stored"));
  }
  return putRecord(`key:${name}`, key);
}
/** @returns {Promise<CryptoKey|null>} */
export const getKey = (name) => getRecord(`key:${name}`);
export const deleteKey = (name) => deleteRecord(`key:${name}`);


/**
 * A non-extractable AES-GCM key kept in this store under `name` (made on first use), for what
 * this device keeps encrypted at rest: drafts, opened entries, matching's profiles. It goes with
 * everything else at clearAll(); a failure is retried on the next call.
 * @returns {Promise<CryptoKey>}
 */
export function localKey(name) {
  if (!localKeys.has(name)) {
    const made = (async () => {
      const existing = await getKey(name);
      if (existing) return existing;
      const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
      await putKey(name, key);
      return key;
    })();
    made.catch(() => localKeys.delete(name));
    localKeys.set(name, made);
  }
  return localKeys.get(name);
}

/** Keep the unlocked account (from openKeyMaterial & co.) for this browser. */
export function saveSecrets(secrets) {
  const { identity } = secrets;
  return putRecord("secrets", {
    userId: secrets.userId,
    accountKey: secrets.accountKey,
    identity: { userId: identity.userId, xPrivate: identity.xPrivate, edPrivate: identity.edPrivate, bundle: identity.bundle },
  });
}

/** @returns {Promise<object|null>} what saveSecrets stored */
export const loadSecrets = () => getRecord("secrets");
