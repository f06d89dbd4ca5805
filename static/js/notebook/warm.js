// A notebook page drawn from what this device kept, before the network answers (issue 18,
// finding 13): the service worker serves the page itself from its cache (sw.js), this module
// draws the entries this device opened earlier (storage/opened.js) at once, then brings both up
// to date when the network answers: the listing's changes, and what the server renders around
// them (the phase, the counts, the notices, a fresh CSRF token). Only for the member whose
// unlocked keys this browser holds: without them nothing kept is shown. What the member is
// typing is never drawn over.
import { ApiError, api, useCsrf } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { announce, message } from "../lib/messages.js";
import * as keystore from "../storage/keystore.js";
import { NoKeyError, keptNotebook } from "./core.js";
import { saveStatus } from "./status.js";

// The same name as pagesOf() in sw.js: the pages kept for one member, per notebook.
const keptPages = (userId, base) => `pairbook-pages:${userId}:${base}`;
// What the server renders that stays as it is when the page is drawn again: the forms and
// regions the page's scripts hold on to.
const LIVE = new Set(["notebook-gate", "session-lost", "save-status", "notebook-messages", "notebook-templates"]);

/**
 * The notebook as this device kept it for this page, or null (not kept, or not the keys of the
 * member the page is for: then the page waits for the network as before).
 */
export async function openKept({ pairId, userId, types, prefetched }) {
  const secrets = await keystore.loadSecrets().catch(() => null);
  if (!secrets || secrets.userId !== userId) return null;
  const kept = await prefetched.kept;
  if (!kept || !sameAsPage(kept, types)) return null;
  return keptNotebook(pairId, secrets, { types, kept });
}

/**
 * Whether the kept entries of `types` (none: every kind) are those the page was rendered with
 * (<body data-entry-stamps>, notebook/pages.py entry_stamps: per kind, how many and the newest
 * change). A page newer than what was kept (a partner's entry it counts already) waits for the
 * network instead of drawing older entries and then moving them.
 */
function sameAsPage(kept, types) {
  let stamps;
  try {
    stamps = JSON.parse(document.body.dataset.entryStamps ?? "");
  } catch {
    return false;
  }
  const counts = {};
  const newest = {};
  for (const entry of kept.entries.values()) {
    counts[entry.type] = (counts[entry.type] ?? 0) + 1;
    if (!(entry.updated_at <= newest[entry.type])) newest[entry.type] = entry.updated_at;
  }
  const mine = Object.fromEntries(Object.keys(counts).map((kind) => [kind, `${counts[kind]}:${newest[kind]}`]));
  const kinds = types.length ? types : [...new Set([...Object.keys(stamps), ...Object.keys(mine)])];
  return kinds.every((kind) => (stamps[kind] ?? "") === (mine[kind] ?? ""));
}

/** The page as the server rendered it, to draw again from (views fill it in once). */
export function snapshot() {
  return $("#notebook-body").cloneNode(true);
}

/**
 * What the server renders for this page now, asked of the service worker that served it (see
 * sw.js): {state: "network" | "fresh" | "gone" | "failed", changed, html, csrf}.
 */
function freshPage() {
  const worker = navigator.serviceWorker?.controller;
  if (!worker) return Promise.resolve({ state: "network" });
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data ?? { state: "failed" });
    worker.postMessage({ type: "fresh-page", url: `${location.origin}${location.pathname}` }, [channel.port2]);
  });
}

/** Note when the member starts writing in the page (a field changed, or a key pressed in one). */
function watchWriting() {
  const typed = { value: false };
  const body = $("#notebook-body");
  const mark = (event) => {
    if (event.type === "input" || event.target.matches?.("input, textarea, select, [contenteditable]")) typed.value = true;
  };
  body.addEventListener("input", mark);
  body.addEventListener("keydown", mark);
  return typed;
}

/**
 * Put what the server renders now (`html`, the whole page) in place of the kept page's parts,
 * but for the live ones; returns the new notebook body to draw from, or null.
 */
function takeServerParts(html, app) {
  const fresh = new DOMParser().parseFromString(html, "text/html");
  const freshMain = fresh.getElementById("main");
  const freshBody = fresh.getElementById("notebook-body");
  if (!freshMain || !freshBody || fresh.body.dataset.userId !== document.body.dataset.userId) return null;
  const parts = [...freshMain.childNodes].map((node) => {
    const live = node.id && LIVE.has(node.id) ? document.getElementById(node.id) : null;
    return live ?? document.importNode(node, true);
  });
  for (const [name, value] of Object.entries(fresh.body.dataset)) {
    if (!name.startsWith("notebook")) document.body.dataset[name] = value;
  }
  app.readOnly = document.body.dataset.readOnly === "true";
  const pristine = parts.find((node) => node.id === "notebook-body");
  $("#main").replaceChildren(...parts);
  return pristine.cloneNode(true);
}

/** Draw `view` again from the server's page (`pristine`), the focus kept where it was. */
function redraw(app, view, pristine) {
  const old = $("#notebook-body");
  const focusedId = old?.contains(document.activeElement) ? document.activeElement.id : "";
  const fresh = pristine.cloneNode(true);
  fresh.hidden = false;
  fresh.removeAttribute("data-loading");
  old.replaceWith(fresh);
  view?.show(app);
  if (focusedId) document.getElementById(focusedId)?.focus({ preventScroll: true });
}

/**
 * Leave what was drawn from the device for what the server says now: the kept pages go (the
 * service worker would serve them again) and the page loads from the network, which signs in
 * again, or says the pair or the page is gone.
 */
async function leave({ base, userId, pairId }, { forgetEntries = false } = {}) {
  $("#notebook-body").hidden = true;
  $("#notebook-body").replaceChildren();
  try {
    const pages = await caches.open(keptPages(userId, base));
    for (const request of await pages.keys()) await pages.delete(request);
    if (forgetEntries) await keystore.deleteRecord(`opened:${userId}:${pairId}`);
  } catch {
    // Nothing kept here.
  }
  // Once only: should the kept page come back all the same, the page says it could not load.
  const marker = leftMarker();
  if (sessionStorage.getItem(marker)) {
    sessionStorage.removeItem(marker);
    $("#notebook-gate").hidden = false;
    $("#gate-loading").hidden = true;
    $("#load-error").hidden = false;
    return settle("left", { quiet: true });
  }
  sessionStorage.setItem(marker, "1");
  window.location.reload();
  return "left";
}

/** Settle the page's checking state: `state` on <body data-notebook-checked>, said politely. */
// Whether the page has said anything in its live region (#announce) since it was drawn.
const spoken = { value: false };
function listenForSpeech() {
  const region = document.getElementById("announce");
  if (region) new MutationObserver(() => { spoken.value = true; }).observe(region, { childList: true, characterData: true, subtree: true });
}

const leftMarker = () => `notebook-left:${location.pathname}`;

function settle(state, { quiet = false } = {}) {
  if (state !== "left") sessionStorage.removeItem(leftMarker());
  document.body.dataset.notebookChecked = state;
  delete document.body.dataset.notebookChecking;
  if (quiet) return state;
  if (state === "offline") {
    saveStatus.set(message("offline-reading"));
  } else if (state === "changes-waiting") {
    saveStatus.set(message("changes-waiting"));
  } else {
    // The page shows the change itself: said to screen readers, not kept on the screen, and
    // not over what the page says meanwhile (a draft offered back, a save): a moment later,
    // unless the page has said something since it was drawn.
    if ($("#save-status-text")?.textContent === message("checking")) saveStatus.clear();
    setTimeout(() => {
      if (!spoken.value) announce(message(state));
    }, 1000);
  }
  return state;
}

/**
 * Bring a page drawn from the device up to date: the session and the pair checked, the listing
 * applied, the saves queued by earlier pages sent (`sendQueued`), what the server renders now
 * taken in, and the view drawn again when something changed, unless the member is already
 * writing. Checking is shown in the page's polite status; then <body data-notebook-checked>
 * says "up-to-date", "updated", "changes-waiting" or "offline" (and "left" while the page
 * loads again from the network).
 */
export async function reconcile(app, view, { pristine, prefetched, page, sendQueued }) {
  listenForSpeech();
  const typed = watchWriting();
  document.body.dataset.notebookChecking = "true";
  saveStatus.set(message("checking"));
  const rendered = freshPage();
  const me = await api("GET", "/api/v1/me").catch((error) => error);
  if (me instanceof ApiError && me.status === 401) return leave(page);
  if (!(me instanceof Error) && me.user_id !== page.userId) return leave(page);
  let changed = false;
  try {
    changed = await app.book.reconcile(prefetched);
  } catch (error) {
    if (error instanceof NoKeyError) return leave(page, { forgetEntries: true });
    if (error instanceof ApiError && [401, 403, 404].includes(error.status)) {
      return leave(page, { forgetEntries: error.status !== 401 });
    }
    // Offline (or the server down): the page stays as this device last saw it.
    return settle("offline");
  }
  const server = await rendered;
  if (server.state === "gone") return leave(page);
  if (server.csrf) useCsrf(server.csrf);
  const sent = await sendQueued(app);
  return apply(app, view, { pristine, typed, server, changed: changed || sent > 0, sent });
}

/**
 * A page drawn from the network's entries, but served by the service worker from what it kept:
 * what the server renders around the entries (the phase, the counts, a fresh CSRF token) is
 * taken in once the worker's refresh is in. No-op for a page that came from the network.
 */
export async function catchUp(app, view, { pristine, page }) {
  listenForSpeech();
  sessionStorage.removeItem(leftMarker());
  if (!navigator.serviceWorker?.controller) return "network";
  const typed = watchWriting();
  document.body.dataset.notebookChecking = "true";
  const server = await freshPage();
  if (server.state === "gone") return leave(page);
  if (server.csrf) useCsrf(server.csrf);
  if (server.state !== "fresh" || !server.changed) {
    delete document.body.dataset.notebookChecking;
    return server.state;
  }
  return apply(app, view, { pristine, typed, server, changed: true, sent: 0 });
}

function apply(app, view, { pristine, typed, server, changed, sent }) {
  // The worker could not fetch the page: the answers came from what it kept (offline).
  const offline = !navigator.onLine || server.state === "failed";
  if (!changed && !server.changed) return settle(offline ? "offline" : "up-to-date");
  if (typed.value) return settle("changes-waiting");
  const parts = server.changed ? takeServerParts(server.html, app) : null;
  redraw(app, view, parts ?? pristine);
  if (offline) return settle("offline");
  // Saves sent from the queue said so already ("Saved. What you saved…").
  return settle("updated", { quiet: sent > 0 });
}
