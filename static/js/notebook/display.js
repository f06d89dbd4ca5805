// DOM helpers for the notebook: templates, read views, dates, the save status and sign-in again.
// Every decrypted value goes in with textContent; every word comes from the page (message()).
import { $, $$, clone, pageLanguage } from "/static/js/lib/dom.js";
import { message } from "/static/js/lib/messages.js";
import { askForPassphrase } from "/static/js/lib/passphrase-form.js";
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

// --- the save status: one polite live region, and a button while a retry waits ------------

export const status = {
  set(text, { retry = null } = {}) {
    const region = $("#save-status-text");
    const button = $("#save-retry-now");
    if (!region) return;
    region.textContent = text;
    const bar = region.closest("#save-status");
    bar.dataset.state = retry ? "waiting" : "idle";
    if (button) {
      button.hidden = !retry;
      button.onclick = retry;
    }
    // Sticky save buttons sit just above the bar, and focused fields scroll clear of both.
    document.documentElement.style.setProperty("--status-h", `${text ? bar.offsetHeight : 0}px`);
  },
  clear() {
    this.set("");
  },
  /** A passing message ("Saved."): it leaves the screen after a while unless replaced. */
  done(text) {
    this.set(text);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if ($("#save-status-text")?.textContent === text) this.clear();
    }, 8000);
  },
};

/** Wait `seconds`, counting down in the status; resolves early on "Try again now" or reconnecting. */
export function waitToRetry(seconds, offline, returnFocus = null) {
  return new Promise((resolve) => {
    let left = seconds;
    let timer = null;
    // The live region speaks once; the countdown is for the eyes only (not re-announced).
    const countdown = $("#save-retry-now .retry-countdown");
    const done = () => {
      clearInterval(timer);
      if (countdown) countdown.textContent = "";
      window.removeEventListener("online", done);
      const hadFocus = document.activeElement === $("#save-retry-now");
      status.set(message("saving"));
      if (hadFocus) returnFocus?.focus();
      resolve();
    };
    const tick = () => {
      if (countdown) countdown.textContent = offline ? "" : `\u00a0(${left}\u00a0s)`;
    };
    status.set(offline ? message("offline") : message("retrying"), { retry: done });
    tick();
    timer = setInterval(() => {
      left -= 1;
      if (left <= 0) done();
      else tick();
    }, 1000);
    window.addEventListener("online", done);
  });
}

// --- signed out while writing: sign in again on this page -----------------------------------

/** Show the sign-in form; resolves once `signIn(passphrase)` succeeds (shared by every save). */
export function askToSignInAgain(signIn) {
  status.set(message("session-lost"));
  return askForPassphrase($("#session-lost"), signIn, {
    refused: () => message("unlock-failed"),
    focus: $("#session-heading"),
  });
}
