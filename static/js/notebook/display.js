// Opened entries as words: dates, authors, option names, read views. Every decrypted value goes
// in with textContent; every word comes from the page (message()).
import { $, $$, clone, pageLanguage } from "../lib/dom.js";
import { message } from "../lib/messages.js";
import { FORMER_MEMBER } from "./core.js";

// Building an Intl formatter is costly; a page with hundreds of entries needs only two.
const formatters = new Map();
function formatter(kind) {
  if (!formatters.has(kind)) {
    const options = kind === "date" ? { dateStyle: "medium", timeZone: "UTC" } : { dateStyle: "medium", timeStyle: "short" };
    formatters.set(kind, new Intl.DateTimeFormat(pageLanguage(), options));
  }
  return formatters.get(kind);
}

export function formatDate(iso) {
  if (typeof iso !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso ?? "";
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return formatter("date").format(date);
}

export function formatStamp(stamp) {
  const date = new Date(stamp);
  if (Number.isNaN(date.getTime())) return String(stamp ?? "");
  return formatter("stamp").format(date);
}

export function authorName(book, authorId) {
  // On paper "you" names nobody: the printed notebook uses the member's name.
  if (authorId === book.me) return message(document.getElementById("msg-author-you-print") ? "author-you-print" : "author-you");
  if (authorId === FORMER_MEMBER) return message("author-former");
  return message("author-partner");
}

export function metaText(book, entry) {
  const author = authorName(book, entry.author_id);
  const date = formatStamp(entry.updated_at);
  // author_id is who sealed this version (bound to it); created_by is who wrote the first one.
  // created_by is the server's word (not sealed): it names only me or my partner, or nobody.
  const members = [book.me, book.partnerId].filter(Boolean);
  if (members.includes(entry.created_by) && entry.created_by !== entry.author_id) {
    return message("written-changed-by", { writer: authorName(book, entry.created_by), author, date });
  }
  if (!members.includes(entry.created_by) && entry.revision > 1) return message("changed-by", { author, date });
  return message("written-by", { author, date });
}

/** A stored value as words: dates, option names, minutes, goal titles. Always plain text. */
export function formatValue(book, field, kind, value) {
  if (value === undefined || value === null || value === "") return "";
  if (kind === "date") return formatDate(String(value));
  if (kind === "select") {
    const known = document.getElementById(`msg-opt-${field}-${value}`);
    return known ? message(`opt-${field}-${value}`) : String(value);
  }
  if (kind === "number") return message("minutes", { minutes: Number(value) });
  if (kind === "goals") {
    if (!Array.isArray(value)) return "";
    return value
      .map((id) => book.find(String(id)))
      .filter((g) => g && !g.failed)
      .map((g) => g.body.title || message("goal-untitled"))
      .join("\n");
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Fill a read view (<dd data-slot data-kind>) from a body; rows without a value are hidden. */
export function fillView(root, book, body) {
  for (const dd of $$("[data-slot]", root)) {
    const text = formatValue(book, dd.dataset.slot, dd.dataset.kind, body?.[dd.dataset.slot]);
    dd.textContent = text;
    const row = dd.closest(".dl-row");
    if (row) row.hidden = text === "";
  }
  return root;
}

export function integrityNotice() {
  const notice = clone("tpl-integrity");
  $(".integrity-text", notice).textContent = message("integrity");
  return notice;
}
