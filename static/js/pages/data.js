// Data rights in the browser: the export is decrypted here; deletion re-seals shared entries.
import * as p from "../crypto/protocol.js";
import * as keystore from "../crypto/keystore.js";
import { ApiError, api, message, requireSecrets } from "../session.js";
import { $, busy, failure, fieldError, status } from "./forms.js";
import { zip } from "./zip.js";

const TITLES = { agreement: "Mentoring agreement", goal: "Goal", meeting: "Meeting", evaluation: "Closing evaluation", summary: "Shared summary" };

async function notebookKey(secrets, pairId) {
  const pair = await api("GET", `/api/v1/pairs/${pairId}`);
  const nb = pair.notebook;
  if (!nb || !nb.my_wrapped_key) return null;
  const raw = await p.unwrapNotebookKey(secrets.accountKey, nb.notebook_id, nb.key_version, nb.my_wrapped_key);
  const key = await p.importNotebookKey(raw);
  raw.fill(0);
  return { key, nb: nb.notebook_id, kv: nb.key_version, partner: pair.partner.user_id };
}

const ctxOf = (book, e) => ({ notebookId: book.nb, entryId: e.entry_id, entryType: e.type, kv: book.kv, rev: e.revision, authorId: e.author_id });

async function openPair(secrets, pair) {
  const book = pair.notebook ? await notebookKey(secrets, pair.pair_id) : null;
  const entries = [];
  if (book) {
    const rows = pair.notebook.entries;
    const opened = await p.openEntries(book.key, rows.map((e) => ({ ctx: ctxOf(book, e), envelope: e.envelope })));
    rows.forEach((e, i) => {
      const allowed = [secrets.userId, book.partner, p.FORMER_MEMBER].includes(e.author_id);
      if (opened[i].error || !allowed) entries.push({ entry_id: e.entry_id, error: "could not be verified" });
      else entries.push({ entry_id: e.entry_id, type: e.type, revision: e.revision, author_id: e.author_id, created_by: e.created_by, created_at: e.created_at, updated_at: e.updated_at, done: e.done, content: opened[i].body });
    });
  }
  return { pair_id: pair.pair_id, code: pair.code, my_role: pair.role, programme: pair.programme, entries };
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A readable page of the export; every value is escaped (it is a file, not this page). */
function page(data, name) {
  const out = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pairbook notebook export</title>',
    "<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;",
    "line-height:1.5}dt{font-weight:600}article{break-inside:avoid}</style></head><body>",
    `<h1>Pairbook notebook of ${escapeHtml(name ?? "")}</h1><p>Exported ${escapeHtml(data.exported_at)}</p>`,
  ];
  for (const pair of data.pairs) {
    out.push(`<h2>Pair ${escapeHtml(pair.code)} – ${escapeHtml(pair.programme.name)}</h2>`);
    if (!pair.entries.length) out.push("<p>No entries.</p>");
    for (const entry of pair.entries) {
      if (entry.error) {
        out.push("<p>One entry could not be verified and is left out.</p>");
        continue;
      }
      out.push(`<article><h3>${escapeHtml(TITLES[entry.type] ?? entry.type)}</h3><dl>`);
      for (const [key, value] of Object.entries(entry.content)) {
        if (key === "schema") continue;
        const text = typeof value === "string" ? value : JSON.stringify(value);
        out.push(`<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(text)}</dd>`);
      }
      out.push("</dl></article>");
    }
  }
  out.push("</body></html>");
  return out.join("");
}

const README = `Pairbook export

notebook.json     Your notebooks, decrypted on your own device (format: docs/EXPORT.md).
notebook.html     The same, as a page to read or print.
server-data.json  Everything the Pairbook server holds about you. Notebook entries and
                  messages in it are still encrypted; notebook.json has them opened.
`;

$("download").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    const secrets = await requireSecrets();
    if (!secrets) return status("download-status", message("unlock-first"));
    status("download-status", message("exporting"));
    const server = await api("GET", "/api/v1/me/export");
    const pairs = [];
    for (const pair of server.pairs) pairs.push(await openPair(secrets, pair));
    const data = { format: "pairbook-export", version: 1, exported_at: server.exported_at, user_id: server.account.user_id, pairs };
    const blob = zip([
      { name: "README.txt", text: README },
      { name: "notebook.json", text: JSON.stringify(data, null, 2) },
      { name: "notebook.html", text: page(data, server.account.display_name) },
      { name: "server-data.json", text: JSON.stringify(server, null, 2) },
    ]);
    const name = `pairbook-export-${server.exported_at.slice(0, 10)}.zip`;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    status("download-status", message("exported", { name }));
  } catch (error) {
    status("download-status", failure(error));
  } finally {
    button.disabled = false;
  }
});

$("delete-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  if (!$("delete-passphrase").value) return fieldError("delete-passphrase", message("required"));
  fieldError("delete-passphrase", null);
  if (!$("delete-confirm").checked) {
    $("delete-confirm-error").hidden = false;
    return $("delete-confirm").focus();
  }
  $("delete-confirm-error").hidden = true;
  await busy(form, async () => {
    status("delete-status", message("deleting"));
    try {
      const secrets = await requireSecrets();
      if (!secrets) throw new ApiError(401, {});
      const keys = await api("GET", "/api/v1/me/keys");
      const derived = await p.derivePassphraseKeys($("delete-passphrase").value, keys.kdf);
      const reseal = [];
      const books = new Map();
      for (const row of (await api("GET", "/api/v1/me/reseal")).entries) {
        if (!books.has(row.pair_id)) books.set(row.pair_id, await notebookKey(secrets, row.pair_id));
        const book = books.get(row.pair_id);
        const body = await p.openEntry(book.key, ctxOf(book, row), row.envelope);
        const envelope = await p.sealEntry(book.key, { ...ctxOf(book, row), rev: row.revision + 1, authorId: p.FORMER_MEMBER }, body);
        reseal.push({ entry_id: row.entry_id, base_revision: row.revision, envelope });
      }
      await api("POST", "/api/v1/me/delete", { auth_key: p.b64uEncode(derived.authKey), reseal });
      await keystore.clearAll();
      location.assign("/?deleted=1");
    } catch (error) {
      const wrong = error instanceof ApiError && error.status === 401;
      status("delete-status", wrong ? message("wrong-passphrase") : failure(error));
      $("delete-status").focus();
    }
  });
});
