// The notebook pages: unlock this device's keys, open the pair's notebook, fill in the view.
import { ApiError } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { message } from "../lib/messages.js";
import { askForPassphrase } from "../lib/passphrase-form.js";
import { requireSecrets, signIn, unlockWithPassphrase } from "../session.js";
import { NoKeyError, openNotebook, prefetchNotebook, previewNotebook } from "./core.js";
import { sendQueued } from "./outbox.js";
import { saveStatus } from "./status.js";
import { loadView, TYPES } from "./views/index.js";
import { catchUp, openKept, reconcile, snapshot } from "./warm.js";

const data = document.body.dataset;
const signInAgain = (passphrase) => signIn(data.email, passphrase, { as: data.userId }).then(({ secrets }) => secrets);

/** Unlock with the passphrase; when the server session has ended too, sign in again first. */
async function unlock(passphrase) {
  try {
    return await unlockWithPassphrase(passphrase);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signInAgain(passphrase);
    throw error;
  }
}

async function askUnlock() {
  $("#gate-loading").hidden = true;
  const secrets = await askForPassphrase($("#unlock-form"), unlock, {
    refused: () => message("unlock-failed"),
    focus: $("#unlock-passphrase"),
  });
  $("#gate-loading").hidden = false;
  return secrets;
}

function makeApp(book) {
  return {
    book,
    base: data.base,
    readOnly: data.readOnly === "true",
    scope: (key) => `${data.userId}:${data.pairId}:${key}`,
    signIn: signInAgain,
    formOptions(key) {
      return { book, scope: this.scope(key), readOnly: this.readOnly, signIn: this.signIn };
    },
  };
}

/** Hide the gate and show the notebook's body, ready. */
function reveal() {
  $("#notebook-gate").hidden = true;
  $("#notebook-body").hidden = false;
  $("#notebook-body").removeAttribute("data-loading");
  document.body.dataset.notebookReady = "true";
}

async function boot() {
  performance.mark("notebook-boot");
  // The page's view module comes (preloaded) while the keys and the entries do.
  const viewLoaded = loadView(data.view);
  const types = TYPES[data.view] ?? [];
  const prefetched = prefetchNotebook(data.pairId, types, data.userId, firstPageAsked());
  $("#load-error").hidden = true;
  $("#gate-loading").hidden = false;
  $("#gate-loading").classList.remove("visually-hidden");
  // What this device opened before is drawn at once; the network's answers are applied after.
  const page = { pairId: data.pairId, userId: data.userId, base: data.base };
  const kept = await openKept({ ...page, types, prefetched }).catch(() => null);
  const keptView = kept ? await viewLoaded.catch(() => null) : null;
  if (kept && keptView) {
    prefetched.release();
    const view = keptView;
    const app = makeApp(kept);
    const pristine = snapshot();
    reveal();
    view?.show(app);
    performance.mark("notebook-ready");
    await reconcile(app, view, { pristine, prefetched, page, sendQueued });
    performance.mark("notebook-reconciled");
    kept.whenKept().then(() => { document.body.dataset.notebookKept = "true"; });
    return;
  }
  let secrets = await requireSecrets();
  const askedForPassphrase = !secrets;
  // The whole listing comes while the passphrase is typed: the first page is drawn after it.
  if (!secrets) prefetched.release();
  if (!secrets) secrets = await askUnlock();
  let book;
  let view;
  performance.mark("notebook-open");
  const preview = drawFirstPage(viewLoaded, secrets, prefetched);
  try {
    book = await openNotebook(data.pairId, secrets, { prefetched, types });
    view = await viewLoaded;
  } catch (error) {
    preview.stop();
    prefetched.release();
    $("#gate-loading").hidden = true;
    $("#notebook-body").hidden = true;
    if (error instanceof NoKeyError) {
      $("#no-key").hidden = false;
      $("#no-key-heading").focus();
    } else {
      $("#load-error").hidden = false;
    }
    return;
  }
  preview.stop();
  const app = makeApp(book);
  // Saves left behind by an earlier page go out first, so that the page shows them as saved.
  await sendQueued(app);
  const pristine = preview.pristine ?? snapshot();
  reveal();
  book.whenKept().then(() => { document.body.dataset.notebookKept = "true"; });
  view?.show(app);
  performance.mark("notebook-ready");
  if (askedForPassphrase) $("#main").focus();
  // Read from what this device kept: say so, and that saves go out once connected.
  if (!navigator.onLine) saveStatus.set(message("offline-reading"));
  // The page itself may have come from the service worker's cache: take in what changed.
  await catchUp(app, view, { pristine, page });
}

/** The page's first page to ask for first (<body data-first-page="meeting:20">), or null. */
function firstPageAsked() {
  const [kinds, count] = (data.firstPage ?? "").split(":");
  return kinds && Number(count) > 0 ? { types: kinds.split(","), count: Number(count) } : null;
}

/**
 * On a device that has kept nothing, a view with a first page (views/meetings.js firstPage)
 * draws the entries written last, then lets the whole listing come (prefetched.release);
 * nothing is drawn once `stop` is called (the whole notebook is open, or failed to).
 * `pristine`: the page as the server rendered it, before the preview drew in it.
 */
function drawFirstPage(viewLoaded, secrets, prefetched) {
  const state = { stopped: false, pristine: null, stop() { this.stopped = true; } };
  (async () => {
    const view = await viewLoaded.catch(() => null);
    const first = view?.firstPage;
    if (!first || state.stopped) return;
    const book = await previewNotebook(data.pairId, secrets, prefetched);
    if (!book || state.stopped) return;
    const pristine = snapshot();
    if (!first.draw(makeApp(book))) return;
    state.pristine = pristine;
    // The loading line stays for screen readers (the rest of the log is still coming), unseen
    // over the cards.
    $("#gate-loading").classList.add("visually-hidden");
    $("#notebook-body").removeAttribute("data-loading");
    performance.mark("notebook-first-page");
  })().catch(() => {}).finally(() => {
    // Drawn: the whole listing may come now, once the page is on the screen (a tenth of a
    // second after its frame: a phone's frame can take that long to show). Not drawn, or a tab
    // in the background (which draws no frames): at once.
    if (document.hidden || !state.pristine) prefetched.release();
    requestAnimationFrame(() => setTimeout(prefetched.release, 100));
    document.addEventListener("visibilitychange", prefetched.release, { once: true });
  });
  return state;
}

/**
 * The service worker keeps this notebook's pages, modules and sealed entries on the device, so
 * that the last-seen notebook opens without a connection (static/js/notebook/sw.js).
 */
function keepForOffline() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(`${data.base}/sw.js`, { scope: data.base }).catch(() => {});
}

$("#load-retry")?.addEventListener("click", () => boot());
keepForOffline();
window.addEventListener("offline", () => saveStatus.set(message("offline")));
boot();
