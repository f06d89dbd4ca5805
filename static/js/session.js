// The signed-in account on this device: signing in, and the keys it unlocks and keeps.
import * as p from "./crypto/index.js";
import { ApiError, api } from "./lib/api.js";
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

/**
 * Sign in: derive the keys here, send only the auth key, unlock the account and keep its keys.
 * With `as`, only as that user: a page whose session ended signs the same person in again, and
 * another account's passphrase is refused (ApiError 403). Resolves to the login answer (`user`)
 * and the unlocked `secrets`.
 */
export async function signIn(email, passphrase, { as = null } = {}) {
  const { kdf } = await api("POST", "/api/v1/prelogin", { email });
  const keys = await p.derivePassphraseKeys(passphrase, kdf);
  const user = await api("POST", "/api/v1/login", { email, auth_key: p.b64uEncode(keys.authKey) });
  if (as !== null && user.user_id !== as) throw new ApiError(403, null);
  const material = await api("GET", "/api/v1/me/keys");
  const secrets = await p.openKeyMaterial(keys.kek, material, user.user_id);
  // Another person's keys and drafts never stay; the same person's encrypted drafts and the
  // revisions they have seen (replay protection) survive signing in again.
  const previous = await keystore.loadSecrets();
  if (previous && previous.userId !== user.user_id) await keystore.clearAll();
  await keystore.saveSecrets(secrets);
  return { user, secrets };
}

/**
 * Where to go after signing in: `next`, else the role's home. `next` is only ever the path the
 * server vetted and rendered into the page (`data-next`, workspace/core/redirects.py: safe_next);
 * the browser makes no decision of its own, so the two can never disagree.
 */
export function home(role, next) {
  if (next) return next;
  return role === "organiser" ? "/organiser" : "/pairs";
}
