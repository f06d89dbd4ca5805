// Account flows (crypto/account.py; docs/PROTOCOL.md §11): registration, unlock, passphrase change
// and recovery. The account key lives only as a non-extractable AES-GCM key; the flows that must
// re-wrap it unwrap its bytes for that moment from the stored wrap and wipe them afterwards.
import { b64uEncode, checkId } from "./_codec.js";
import { KEY_LEN, aesKey } from "./_primitives.js";
import { randomBytes } from "./_random.js";
import { fail } from "./errors.js";
import { identityFromPrivate, sameKeys, verifyBundle } from "./identity.js";
import { derivePassphraseKeys, newKdfParams } from "./kdf.js";
import { formatRecoveryCode, parseRecoveryCode, recoveryAuth, recoveryKey } from "./recovery.js";
import {
  LABEL_ACCOUNT_KEK, LABEL_ACCOUNT_RECOVERY, LABEL_ED25519, LABEL_X25519, unwrapKey, unwrapToKey, wrapKey,
} from "./wrap.js";

/** @typedef {{userId: string, accountKey: CryptoKey, identity: import("./identity.js").Identity}} Secrets */

const ACCOUNT_KEY_USAGES = ["encrypt", "decrypt", "unwrapKey"];

function material(keyMaterial, name) {
  if (keyMaterial === null || typeof keyMaterial !== "object" || typeof keyMaterial[name] !== "string") fail();
  return keyMaterial[name];
}

async function secretsFrom(accountKey, keyMaterial, userId) {
  checkId(userId);
  const x = await unwrapKey(accountKey, material(keyMaterial, "wrapped_x25519"), LABEL_X25519);
  let identity;
  try {
    const ed = await unwrapKey(accountKey, material(keyMaterial, "wrapped_ed25519"), LABEL_ED25519);
    try {
      identity = await identityFromPrivate(userId, x, ed);
    } finally {
      ed.fill(0);
    }
  } finally {
    x.fill(0);
  }
  if (keyMaterial.bundle !== undefined) {
    // The server must not be able to swap my own public keys either (§11.2 step 4).
    const stored = await verifyBundle(keyMaterial.bundle, userId);
    if (!sameKeys(stored, identity.bundle)) fail();
    identity.bundle = stored;
  }
  return { userId, accountKey, identity };
}

async function recoveryWrap(accountRaw) {
  const code = randomBytes(16);
  try {
    const wrapped = await wrapKey(await recoveryKey(code), accountRaw, LABEL_ACCOUNT_RECOVERY);
    const body = { recovery_wrapped_key: wrapped, recovery_auth: b64uEncode(await recoveryAuth(code)) };
    return { recoveryCode: await formatRecoveryCode(code), body };
  } finally {
    code.fill(0);
  }
}

async function passphraseWrap(accountRaw, passphrase) {
  const kdf = newKdfParams();
  const keys = await derivePassphraseKeys(passphrase, kdf.json);
  const wrapped = await wrapKey(keys.kek, accountRaw, LABEL_ACCOUNT_KEK);
  return { kdf: kdf.json, auth_key: b64uEncode(keys.authKey), wrapped_account_key: wrapped };
}

/**
 * New account keys (§11.1). `registration` is the body of `POST /api/v1/register` (Python's
 * `Registration.to_server_json()`); `recoveryCode` is the display form, for the member's eyes
 * only, or null. Random draws in the order of §16.
 * @returns {Promise<{secrets: Secrets, registration: object, recoveryCode: string|null}>}
 */
export async function createAccount(passphrase, userId, { withRecovery = true } = {}) {
  checkId(userId);
  const kdf = newKdfParams();
  const keys = await derivePassphraseKeys(passphrase, kdf.json);
  const accountRaw = randomBytes(KEY_LEN);
  const xRaw = randomBytes(KEY_LEN);
  const edRaw = randomBytes(KEY_LEN);
  try {
    const accountKey = await aesKey(accountRaw);
    const identity = await identityFromPrivate(userId, xRaw, edRaw);
    const keyMaterial = {
      wrapped_account_key: await wrapKey(keys.kek, accountRaw, LABEL_ACCOUNT_KEK),
      wrapped_x25519: await wrapKey(accountKey, xRaw, LABEL_X25519),
      wrapped_ed25519: await wrapKey(accountKey, edRaw, LABEL_ED25519),
    };
    const registration = {
      kdf: kdf.json, auth_key: b64uEncode(keys.authKey), key_material: keyMaterial, bundle: identity.bundle.json,
    };
    let recoveryCode = null;
    if (withRecovery) {
      const recovery = await recoveryWrap(accountRaw);
      recoveryCode = recovery.recoveryCode;
      keyMaterial.recovery_wrapped_key = recovery.body.recovery_wrapped_key;
      registration.recovery_auth = recovery.body.recovery_auth;
    }
    return { secrets: { userId, accountKey, identity }, registration, recoveryCode };
  } finally {
    accountRaw.fill(0);
    xRaw.fill(0);
    edRaw.fill(0);
  }
}

/**
 * Unwrap the account key with an already derived KEK, then the identity; checks my own
 * bundle when `keyMaterial.bundle` is there. @returns {Promise<Secrets>}
 */
export async function openKeyMaterial(kek, keyMaterial, userId) {
  const blob = material(keyMaterial, "wrapped_account_key");
  const accountKey = await unwrapToKey(kek, blob, LABEL_ACCOUNT_KEK, "AES-GCM", ACCOUNT_KEY_USAGES);
  return secretsFrom(accountKey, keyMaterial, userId);
}

/** derivePassphraseKeys + openKeyMaterial. @returns {Promise<Secrets>} */
export async function unlockAccount(passphrase, kdf, keyMaterial, userId) {
  const keys = await derivePassphraseKeys(passphrase, kdf);
  return openKeyMaterial(keys.kek, keyMaterial, userId);
}

/**
 * New KDF params, auth key and account-key wrap for a passphrase change (§11.3):
 * `{kdf, auth_key, wrapped_account_key}`. Needs the current KEK because the account key in
 * `secrets` cannot be exported (Python takes the secrets instead).
 */
export async function rewrapForNewPassphrase(kek, keyMaterial, newPassphrase) {
  const accountRaw = await unwrapKey(kek, material(keyMaterial, "wrapped_account_key"), LABEL_ACCOUNT_KEK);
  try {
    return await passphraseWrap(accountRaw, newPassphrase);
  } finally {
    accountRaw.fill(0);
  }
}

/**
 * The body of `POST /api/v1/me/passphrase`: `{auth_key (current), kdf, new_auth_key,
 * wrapped_account_key}`.
 */
export async function changePassphrase(currentPassphrase, kdf, keyMaterial, newPassphrase) {
  const current = await derivePassphraseKeys(currentPassphrase, kdf);
  const fresh = await rewrapForNewPassphrase(current.kek, keyMaterial, newPassphrase);
  return {
    auth_key: b64uEncode(current.authKey),
    kdf: fresh.kdf,
    new_auth_key: fresh.auth_key,
    wrapped_account_key: fresh.wrapped_account_key,
  };
}

/**
 * A fresh recovery code (display form) and `{recovery_wrapped_key, recovery_auth}` (§11.4
 * step 4), given the current KEK. @returns {Promise<{recoveryCode: string, body: object}>}
 */
export async function rewrapForNewRecoveryCode(kek, keyMaterial) {
  const accountRaw = await unwrapKey(kek, material(keyMaterial, "wrapped_account_key"), LABEL_ACCOUNT_KEK);
  try {
    return await recoveryWrap(accountRaw);
  } finally {
    accountRaw.fill(0);
  }
}

/** Unlock the account key with the recovery code instead of the passphrase. @returns {Promise<Secrets>} */
export async function recoverAccount(codeText, keyMaterial, userId) {
  const wrappingKey = await recoveryKey(await parseRecoveryCode(codeText));
  const blob = material(keyMaterial, "recovery_wrapped_key");
  const accountKey = await unwrapToKey(wrappingKey, blob, LABEL_ACCOUNT_RECOVERY, "AES-GCM", ACCOUNT_KEY_USAGES);
  return secretsFrom(accountKey, keyMaterial, userId);
}

/**
 * Recovery in one step (§11.4): recoverAccount and rewrapForNewPassphrase in one, because the
 * account key recoverAccount returns cannot be exported; this unwraps its bytes once for both and
 * wipes them (Python calls the two in turn). `grant` is the answer of `POST /api/v1/recovery` (key
 * material and `user_id`); `body` (+ the grant token) goes to `POST /api/v1/recovery/complete`.
 * @returns {Promise<{secrets: Secrets, body: object}>}
 */
export async function recoverWithNewPassphrase(codeText, grant, newPassphrase) {
  const wrappingKey = await recoveryKey(await parseRecoveryCode(codeText));
  const accountRaw = await unwrapKey(wrappingKey, material(grant, "recovery_wrapped_key"), LABEL_ACCOUNT_RECOVERY);
  try {
    const body = await passphraseWrap(accountRaw, newPassphrase);
    const secrets = await secretsFrom(await aesKey(accountRaw), grant, grant.user_id);
    return { secrets, body };
  } finally {
    accountRaw.fill(0);
  }
}
