// What matching needs to find a new partner later: when pairs are created, the criteria-relevant
// answers of both members (never a name, an email or a free text) are kept on this device only,
// encrypted under a non-extractable key in the key store, so that the replacement screen can
// score the waiting list against the member who stays. Their sealed applications are deleted
// from the server once paired; signing out wipes this copy with every other key.
import * as keystore from "../storage/keystore.js";

const KEY_NAME = "matching-profiles";
const KEPT = ["languages", "field", "themes", "mode", "place", "times", "capacity"];
const encoder = new TextEncoder();

/** The answers score.js uses, and nothing else. */
export function profileOf(answers) {
  const out = {};
  for (const [key, value] of Object.entries(answers ?? {})) {
    if (KEPT.includes(key) || key.startsWith("q:")) out[key] = value;
  }
  return out;
}


const recordName = (programmeId, code, role) => `profile:${programmeId}:${code}:${role}`;

/** Keep each formed pair's two profiles: items [{code, role, answers}]. Failures are silent. */
export async function keepProfiles(programmeId, items) {
  try {
    const key = await keystore.localKey(KEY_NAME);
    for (const { code, role, answers } of items) {
      const name = recordName(programmeId, code, role);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = encoder.encode(JSON.stringify(profileOf(answers)));
      const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(name) }, key, data);
      await keystore.putRecord(name, { v: 1, iv, ct: new Uint8Array(ct) });
    }
  } catch {
    // No key store in this browser: the replacement screen then asks for the answers.
  }
}

/** The kept profile of the member in `role` of pair `code`, or null. */
export async function keptProfile(programmeId, code, role) {
  const name = recordName(programmeId, code, role);
  try {
    const record = await keystore.getRecord(name);
    if (!record) return null;
    const key = await keystore.localKey(KEY_NAME);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: record.iv, additionalData: encoder.encode(name) }, key, record.ct);
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    return null;
  }
}
