// Talking to the server from pages: JSON with the CSRF header, the unlocked keys, messages.
import * as p from "./crypto/index.js";
import * as keystore from "./storage/keystore.js";

export class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.error ?? null;
    this.body = body ?? {};
  }
}

export class NetworkError extends Error {
  constructor() {
    super("network");
    this.name = "NetworkError";
  }
}

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

/** Call the JSON API; resolves to the parsed body or throws ApiError / NetworkError. */
export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    headers["X-CSRFToken"] = csrf();
    headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new NetworkError();
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** The translated text of <template id="msg-ID"> (or data-msg-ID on <body>). */
export function message(id, values = {}) {
  const template = document.getElementById(`msg-${id}`);
  let text = template ? template.content.textContent.trim() : document.body.dataset[`msg${id.replace(/(^|-)([a-z])/g, (_m, _d, c) => c.toUpperCase())}`] ?? id;
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(`{${key}}`, String(value));
  return text;
}

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
