// Data rights in the browser (docs/EXPORT.md): the export archive is built and decrypted on
// this device, the same four files as memberclient/archive.py; deletion re-seals the shared entries
// I wrote as the former member, as Client.delete_account does, with my choice per kind of what
// stays for my partner, then erases the account.
import * as p from "../crypto/index.js";
import { ApiError, api } from "../lib/api.js";
import { byId, offerDownload, pageLanguage, setText } from "../lib/dom.js";
import { busy, failure, fieldError } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { askForPassphrase } from "../lib/passphrase-form.js";
import { FORMER_MEMBER } from "../notebook/core.js";
import { openHeldKeys } from "../notebook/keys.js";
import { requireSecrets, unlockWithPassphrase } from "../session.js";
import * as keystore from "../storage/keystore.js";
import { openFlagMessages, trustedSenders } from "./flag-messages.js";
import { zip } from "./zip.js";

const TYPES = ["agreement", "goal", "meeting", "evaluation", "summary"];

async function notebookKey(secrets, pairId) {
  const pair = await api("GET", `/api/v1/pairs/${encodeURIComponent(pairId)}`);
  const nb = pair.notebook;
  if (!nb || !nb.my_wrapped_key) return null;
  // Every version I hold: each entry opens under the key it was sealed with (§13).
  const keys = await openHeldKeys(secrets.accountKey, nb);
  return { keys, key: keys.get(nb.key_version), nb: nb.notebook_id, kv: nb.key_version, partner: pair.partner.user_id };
}

const ctxOf = (book, e) => ({
  notebookId: book.nb, entryId: e.entry_id, entryType: e.type, kv: e.key_version ?? book.kv, rev: e.revision, authorId: e.author_id,
});

/** Open `rows`, each under the key of its own version; `{body}` or `{error}` for each. */
function openUnderOwnKeys(book, rows) {
  return Promise.all(rows.map((e) => {
    const key = book.keys.get(ctxOf(book, e).kv);
    if (!key) return { error: new p.CryptoError() };
    return p.openEntry(key, ctxOf(book, e), e.envelope).then((body) => ({ body }), (error) => ({ error }));
  }));
}

/** One pair of notebook.json: every entry opened here, or `{entry_id, error}`. */
async function openPair(secrets, pair) {
  const book = pair.notebook ? await notebookKey(secrets, pair.pair_id) : null;
  const entries = [];
  if (book) {
    const rows = pair.notebook.entries;
    const opened = await openUnderOwnKeys(book, rows);
    rows.forEach((e, i) => {
      const allowed = [secrets.userId, book.partner, FORMER_MEMBER].includes(e.author_id);
      if (opened[i].error || !allowed) {
        entries.push({ entry_id: e.entry_id, error: "could not be verified" });
      } else {
        entries.push({
          entry_id: e.entry_id, type: e.type, revision: e.revision, author_id: e.author_id,
          created_by: e.created_by ?? null, created_at: e.created_at ?? null, updated_at: e.updated_at ?? null,
          done: e.done ?? false, content: opened[i].body,
        });
      }
    });
  }
  return { pair_id: pair.pair_id, code: pair.code, my_role: pair.role, programme: pair.programme, entries };
}

/** The flags I raised get `opened_messages`, decrypted here (as memberclient/archive.py does). */
async function openFlags(secrets, server) {
  if (!server.flags?.length) return;
  let mine = [];
  try {
    mine = (await api("GET", "/api/v1/me/flags")).flags;
  } catch {
    mine = [];
  }
  const sendersByPair = new Map();
  for (const flag of server.flags) {
    const full = mine.find((f) => f.flag_id === flag.id);
    flag.opened_messages = [];
    if (!full) continue;
    try {
      if (!sendersByPair.has(full.pair_id)) {
        const data = await api("GET", `/api/v1/pairs/${encodeURIComponent(full.pair_id)}/organisers`);
        const senders = await trustedSenders(data.organisers);
        senders.set(secrets.userId, secrets.identity.bundle);
        sendersByPair.set(full.pair_id, senders);
      }
      const opened = await openFlagMessages(secrets, full, sendersByPair.get(full.pair_id));
      flag.opened_messages = opened.map((m) => (m.text === null
        ? { kind: m.kind, sender_id: m.senderId, error: "could not be verified" }
        : { kind: m.kind, sender_id: m.senderId, text: m.text }));
    } catch {
      // The sealed copies stay in the export regardless.
    }
  }
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The fields of an entry type in the order the forms show them: [{key, label, kind}]. */
function fieldsOf(type) {
  const prefix = `msg-field-${type}-`;
  return [...document.querySelectorAll(`template[id^="${prefix}"]`)].map((t) => ({
    key: t.id.slice(prefix.length), label: t.content.textContent.trim(), kind: t.dataset.kind,
  }));
}

/** A stored value in words: option labels, dates in the page's language, goal titles. */
function inWords(kind, key, value, goalTitles) {
  if (kind === "select" && document.getElementById(`msg-opt-${key}-${value}`)) return message(`opt-${key}-${value}`);
  if (kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(String(value))) {
    return new Intl.DateTimeFormat(pageLanguage(), { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${value}T00:00:00Z`));
  }
  if (kind === "goals" && Array.isArray(value)) return value.map((id) => goalTitles.get(String(id)) ?? String(id)).join("\n");
  return typeof value === "string" ? value : JSON.stringify(value);
}

const stampOf = (iso) => new Intl.DateTimeFormat(pageLanguage(), { dateStyle: "long", timeStyle: "short" }).format(new Date(iso));

/** A readable page of the export; every value is escaped (it is a file, not this page). */
function page(data, name) {
  const stamp = stampOf(data.exported_at);
  const out = [
    `<!doctype html><html lang="${escapeHtml(pageLanguage())}"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(message("export-title"))}</title><style>`,
    "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;",
    "line-height:1.5;overflow-wrap:anywhere}h2{border-bottom:1px solid #ccc}dt{font-weight:600}",
    "dd{white-space:pre-wrap;margin:0 0 0.75rem}",
    "article{break-inside:avoid;margin-bottom:1.5rem}",
    "</style></head><body>",
    `<h1>${escapeHtml(message("export-heading", { name: name ?? "" }))}</h1>`,
    `<p>${escapeHtml(message("export-date", { date: stamp }))}</p>`,
  ];
  for (const pair of data.pairs) {
    out.push(`<h2>${escapeHtml(message("export-pair", { code: pair.code, programme: pair.programme?.name ?? "" }))}</h2>`);
    if (!pair.entries.length) out.push(`<p>${escapeHtml(message("export-empty"))}</p>`);
    const goalTitles = new Map(pair.entries.filter((e) => e.type === "goal" && e.content?.title)
      .map((e) => [e.entry_id, e.content.title]));
    for (const entry of pair.entries) {
      if (entry.error) {
        out.push(`<p>${escapeHtml(message("export-unverified"))}</p>`);
        continue;
      }
      const title = TYPES.includes(entry.type) ? message(`export-type-${entry.type}`) : entry.type;
      out.push(`<article><h3>${escapeHtml(title)}</h3>`);
      // Two evaluations, two versions of a goal: whose words these are, and when they were saved.
      const who = entry.author_id === data.user_id ? "you" : entry.author_id === FORMER_MEMBER ? "former" : "partner";
      const by = message(`export-by-${who}`);
      const line = entry.updated_at ? message("export-by", { who: by, date: stampOf(entry.updated_at) }) : message("export-by-only", { who: by });
      out.push(`<p>${escapeHtml(line)}</p><dl>`);
      const known = fieldsOf(entry.type);
      const extra = Object.keys(entry.content).filter((k) => k !== "schema" && !known.some((f) => f.key === k));
      for (const { key, label, kind } of [...known, ...extra.map((k) => ({ key: k, label: k, kind: "text" }))]) {
        const value = entry.content[key];
        if (value === undefined || value === null || value === "") continue;
        out.push(`<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(inWords(kind, key, value, goalTitles))}</dd>`);
      }
      out.push("</dl></article>");
    }
  }
  out.push("</body></html>");
  return out.join("");
}

async function download(secrets) {
  setText("download-status", message("exporting"));
  const server = await api("GET", "/api/v1/me/export");
  const pairs = [];
  for (const pair of server.pairs) pairs.push(await openPair(secrets, pair));
  await openFlags(secrets, server);
  const data = {
    format: "pairbook-export", version: 1, exported_at: server.exported_at, user_id: server.account.user_id, pairs,
  };
  const blob = zip([
    { name: "README.txt", text: `${message("export-readme")}\n` },
    { name: "notebook.json", text: JSON.stringify(data, null, 2) },
    { name: "notebook.html", text: page(data, server.account.display_name) },
    { name: "server-data.json", text: JSON.stringify(server, null, 2) },
  ]);
  const name = `pairbook-export-${server.exported_at.slice(0, 10)}.zip`;
  offerDownload(blob, name);
  setText("download-status", message("exported", { name }));
}

let unlocking = null;

/** Ask for the passphrase instead of the download button; once it unlocks, download. */
function showUnlock() {
  byId("download").hidden = true;
  unlocking ??= askForPassphrase(byId("unlock-form"), unlockWithPassphrase, { required: message("required") })
    .then(async (secrets) => {
      unlocking = null;
      byId("download").hidden = false;
      try {
        await download(secrets);
      } catch (error) {
        setText("download-status", failure(error));
      }
      byId("download-status").focus();
    });
}

byId("download").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    const secrets = await requireSecrets();
    if (!secrets) {
      showUnlock();
      setText("download-status", message("unlock-needed"));
      byId("unlock-passphrase").focus();
      return;
    }
    await download(secrets);
  } catch (error) {
    setText("download-status", failure(error));
    byId("download-status").focus();
  } finally {
    button.disabled = false;
  }
});

/** The passphrase re-entered for deletion: the auth key, and the keys (so no unlock is needed). */
async function confirmPassphrase(passphrase) {
  const me = await api("GET", "/api/v1/me");
  const material = await api("GET", "/api/v1/me/keys");
  const derived = await p.derivePassphraseKeys(passphrase, material.kdf);
  // A wrong passphrase fails here, on this device, before anything is sent.
  const secrets = await p.openKeyMaterial(derived.kek, material, me.user_id);
  return { authKey: p.b64uEncode(derived.authKey), secrets };
}

/** Per kind (meetings, goals): whether what I created stays for my partner (the default). */
function keepChoices() {
  const keep = {};
  for (const set of document.querySelectorAll("#delete-form fieldset[id^='keep-']")) {
    keep[set.id.slice("keep-".length)] = !set.querySelector("input[value='remove']").checked;
  }
  return keep;
}

/** Entries I wrote last, re-sealed as the former member at revision + 1. */
async function resealed(secrets) {
  const reseal = [];
  const books = new Map();
  for (const row of (await api("GET", "/api/v1/me/reseal")).entries) {
    if (!books.has(row.pair_id)) books.set(row.pair_id, await notebookKey(secrets, row.pair_id));
    const book = books.get(row.pair_id);
    if (!book || !book.key) throw new p.CryptoError();
    const [opened] = await openUnderOwnKeys(book, [row]);
    if (opened.error) throw opened.error;
    const body = opened.body;
    // Sealed again under the newest key: the server takes new revisions only under it.
    const ctx = { ...ctxOf(book, row), kv: book.kv, rev: row.revision + 1, authorId: FORMER_MEMBER };
    reseal.push({ entry_id: row.entry_id, base_revision: row.revision, envelope: await p.sealEntry(book.key, ctx, body) });
  }
  return reseal;
}

byId("delete-confirm").addEventListener("change", (event) => {
  if (event.currentTarget.checked) {
    byId("delete-confirm-error").hidden = true;
    event.currentTarget.removeAttribute("aria-invalid");
  }
});

byId("delete-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const input = byId("delete-passphrase");
  if (!input.value) return fieldError("delete-passphrase", message("required"));
  fieldError("delete-passphrase", null);
  const box = byId("delete-confirm");
  if (!box.checked) {
    byId("delete-confirm-error").hidden = false;
    box.setAttribute("aria-invalid", "true");
    box.focus();
    return;
  }
  await busy(form, async () => {
    setText("delete-status", message("deleting"));
    let confirmed;
    try {
      confirmed = await confirmPassphrase(input.value);
    } catch (error) {
      setText("delete-status", "");
      fieldError("delete-passphrase", error.name === "CryptoError" ? message("wrong-passphrase") : failure(error));
      return;
    }
    try {
      const reseal = await resealed(confirmed.secrets);
      await api("POST", "/api/v1/me/delete", { auth_key: confirmed.authKey, reseal, keep: keepChoices() });
      input.value = "";
      await keystore.clearAll();
      location.assign("/?deleted=1");
    } catch (error) {
      let text = failure(error, { 409: "notebook-changed" });
      if (error instanceof ApiError && error.status === 401) text = message("wrong-passphrase");
      else if (error.name === "CryptoError") text = message("integrity");
      setText("delete-status", text);
      byId("delete-status").focus();
    }
  });
});

if (!(await requireSecrets())) showUnlock();
