// The signed-in account on this device: signing in and out, and the keys it unlocks.
import * as p from "./crypto/index.js";
import { api } from "./lib/api.js";
import * as keystore from "./storage/keystore.js";

/** The unlocked account from IndexedDB, or null when it must be unlocked again. */
export async function requireSecrets() {
  try {
    const me = api("GET", "/api/v1/me");
    me.catch(() => {});
    const stored = await keystore.loadSecrets();
    if (!stored) return null;
    return stored.userId === (await me).user_id ? stored : null;
  } catch {
    return null;
  }
}

/** Re-derive the keys from the passphrase for the signed-in account and keep them. */
export async function unlockWithPassphrase(passphrase) {
  const me = await api("GET", "/api/v1/me");
  const material = await api("GET", "/api/v1/me/keys");
  const keys = await p.derivePassphraseKeys(passphrase, material.kdf);
  const secrets = await p.openKeyMaterial(keys.kek, material, me.user_id);
  await keystore.saveSecrets(secrets);
  return secrets;
}

/** Sign in: derive locally, send only the auth key, unlock and keep the keys. */
export async function signIn(email, passphrase) {
  const { kdf } = await api("POST", "/api/v1/prelogin", { email });
  const keys = await p.derivePassphraseKeys(passphrase, kdf);
  const result = await api("POST", "/api/v1/login", { email, auth_key: p.b64uEncode(keys.authKey) });
  const material = await api("GET", "/api/v1/me/keys");
  const secrets = await p.openKeyMaterial(keys.kek, material, result.user_id);
  // Another person's keys and drafts never stay; the same person's encrypted drafts and the
  // revisions they have seen (replay protection) survive signing in again.
  const previous = await keystore.loadSecrets();
  if (previous && previous.userId !== result.user_id) await keystore.clearAll();
  await keystore.saveSecrets(secrets);
  return result;
}

/** Forget every key in this browser and end the session on the server. */
export async function signOutEverywhere() {
  await keystore.clearAll();
  try {
    await api("POST", "/api/v1/logout");
  } catch {
    // The local keys are gone either way; the server session times out.
  }
}

/** Where to go after signing in: `next` when it is a path on this site, else the role's home. */
export function home(role, next) {
  if (next && next.startsWith("/") && !next.startsWith("//")) return next;
  return role === "organiser" ? "/organiser" : "/pairs";
}
