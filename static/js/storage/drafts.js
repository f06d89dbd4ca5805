// Drafts of notebook forms, kept in IndexedDB while someone types: always encrypted, with a
// non-extractable AES-GCM key that lives in the key store (cleared at sign-out with everything else).
import * as keystore from "./keystore.js";

const KEY_NAME = "notebook-drafts";
const encoder = new TextEncoder();

/** Make (or load) the draft key ahead of the first draft; failures are retried later. */
export function prepareDrafts() {
  keystore.localKey(KEY_NAME).catch(() => {});
}

const recordName = (scope) => `draft:${scope}`;

/** Encrypt and keep `value` (any JSON) for this form. */
export async function saveDraft(scope, value) {
  // When the text was read, not when the write lands: an older write landing late loses.
  const at = performance.timeOrigin + performance.now();
  const key = await keystore.localKey(KEY_NAME);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const name = recordName(scope);
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(name) },
    key,
    encoder.encode(JSON.stringify(value)),
  );
  await keystore.putRecordIfNewer(name, { v: 1, iv, ct: new Uint8Array(ct), at }, "at");
}

/** The kept draft `{value, at}` or null (a draft that fails to open is dropped). */
export async function loadDraft(scope) {
  const name = recordName(scope);
  const record = await keystore.getRecord(name);
  if (!record) return null;
  try {
    const key = await keystore.localKey(KEY_NAME);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: record.iv, additionalData: encoder.encode(name) },
      key,
      record.ct,
    );
    return { value: JSON.parse(new TextDecoder().decode(plain)), at: record.at };
  } catch {
    await keystore.deleteRecord(name);
    return null;
  }
}

export const deleteDraft = (scope) => keystore.deleteRecord(recordName(scope));
