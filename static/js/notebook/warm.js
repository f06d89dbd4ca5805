// A notebook page drawn from what this device kept, before the network answers (issue 18,
// finding 13): the service worker serves the page itself from its cache (sw.js), this module
// draws the entries this device opened earlier (storage/opened.js) at once, then brings them
// up to date from the listing when it arrives. Only for the member whose unlocked keys this
// browser holds: without them nothing kept is shown. Nothing typed is redrawn over.
import { ApiError, api, useCsrf } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { message } from "../lib/messages.js";
import * as keystore from "../storage/keystore.js";
import { NoKeyError, keptNotebook } from "./core.js";
import { saveStatus } from "./status.js";

// A page served from the device carries the CSRF token it was rendered with; the service worker
// sends the fresh page's token once its background fetch is in. Listened for as this module is
// evaluated: the worker's message may come before the page has finished loading.
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "csrf-token") useCsrf(event.data.token);
});

// The same name as pagesOf() in sw.js: the pages kept for one member, per notebook.
const keptPages = (userId, base) => `pairbook-pages:${userId}:${base}`;

/**
 * The notebook as this device kept it for this page, or null (not kept, or not the keys of the
 * member the page is for: then the page waits for the network as before).
 */
export async function openKept({ pairId, userId, types, prefetched }) {
  const secrets = await keystore.loadSecrets().catch(() => null);
  if (!secrets || secrets.userId !== userId) return null;
  const kept = await prefetched.kept;
  if (!kept) return null;
  return keptNotebook(pairId, secrets, { types, kept });
}

/** The page as the server rendered it, to draw again from (views fill it in once). */
export function snapshot() {
  return $("#notebook-body").cloneNode(true);
}

/** Whether the member is writing: a field changed or focused since the page was drawn. */
function writing(body, typed) {
  const focused = document.activeElement;
  return typed.value || Boolean(focused && body.contains(focused) && focused.matches("input, textarea, select, [contenteditable]"));
}

/** Draw `view` again from the server's page (`pristine`), the focus kept where it was. */
function redraw(app, view, pristine) {
  const old = $("#notebook-body");
  const focusedId = old.contains(document.activeElement) ? document.activeElement.id : "";
  const fresh = pristine.cloneNode(true);
  fresh.hidden = false;
  fresh.removeAttribute("data-loading");
  old.replaceWith(fresh);
  view?.show(app);
  if (focusedId) document.getElementById(focusedId)?.focus({ preventScroll: true });
  return fresh;
}

/**
 * Leave what was drawn from the device for what the server says now: the kept page goes (the
 * service worker would serve it again) and the page loads from the network, which signs in
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
  window.location.reload();
}

/**
 * Bring a page drawn from the device up to date: the session and the pair checked, the listing
 * applied, the saves queued by earlier pages sent (`sendQueued`), and the view drawn again
 * from `pristine` when something changed, unless the member is already writing. Announced in
 * the page's polite status: checking, then up to date or updated.
 */
export async function reconcile(app, view, { pristine, prefetched, page, sendQueued }) {
  const body = $("#notebook-body");
  const typed = { value: false };
  body.addEventListener("input", () => { typed.value = true; }, { once: true });
  saveStatus.set(message("checking"));
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
    saveStatus.set(message("offline-reading"));
    return false;
  }
  const sent = await sendQueued(app);
  if (changed || sent) {
    if (writing($("#notebook-body") ?? body, typed)) {
      saveStatus.set(message("changes-waiting"));
    } else {
      redraw(app, view, pristine);
      if (!sent) saveStatus.done(message("updated"));
    }
  } else {
    saveStatus.done(message("up-to-date"));
  }
  if (!navigator.onLine) saveStatus.set(message("offline-reading"));
  return true;
}
