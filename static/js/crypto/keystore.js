// A small IndexedDB store for non-extractable CryptoKeys and records (cleared at sign-out).
const DB_NAME = "pairbook-keys";
const STORE = "items";

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
      const result = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export const putRecord = (name, value) => run("readwrite", (s) => s.put(value, name));
export const getRecord = async (name) => (await run("readonly", (s) => s.get(name))) ?? null;
export const deleteRecord = (name) => run("readwrite", (s) => s.delete(name));
export const clearAll = () => run("readwrite", (s) => s.clear());

/** Store a CryptoKey object as it is (structured clone keeps it non-extractable). */
export function putKey(name, key) {
  if (!(key instanceof CryptoKey) || key.extractable) throw new TypeError("only non-extractable keys");
  return putRecord(`key:${name}`, key);
}
export const getKey = (name) => getRecord(`key:${name}`);

/** Keep the unlocked account for this browser session. */
export function saveSecrets(secrets) {
  const { identity } = secrets;
  return putRecord("secrets", {
    userId: secrets.userId,
    accountKey: secrets.accountKey,
    identity: { userId: identity.userId, xPrivate: identity.xPrivate, edPrivate: identity.edPrivate, bundle: identity.bundle },
  });
}

export const loadSecrets = () => getRecord("secrets");
