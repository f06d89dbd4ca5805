// The notebook pages: unlock this device's keys, open the pair's notebook, fill in the view.
import { ApiError } from "../lib/api.js";
import { $ } from "../lib/dom.js";
import { message } from "../lib/messages.js";
import { askForPassphrase } from "../lib/passphrase-form.js";
import { requireSecrets, signIn, unlockWithPassphrase } from "../session.js";
import { NoKeyError, openNotebook, prefetchNotebook } from "./core.js";
import { sendQueued } from "./outbox.js";
import { saveStatus } from "./status.js";
import { loadView, TYPES } from "./views/index.js";

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

async function boot() {
  performance.mark("notebook-boot");
  // The page's view module comes (preloaded) while the keys and the entries do.
  const viewLoaded = loadView(data.view);
  const types = TYPES[data.view] ?? [];
  const prefetched = prefetchNotebook(data.pairId, types, data.userId);
  const gate = $("#notebook-gate");
  $("#load-error").hidden = true;
  $("#gate-loading").hidden = false;
  let secrets = await requireSecrets();
  const askedForPassphrase = !secrets;
  if (!secrets) secrets = await askUnlock();
  let book;
  let view;
  performance.mark("notebook-open");
  try {
    book = await openNotebook(data.pairId, secrets, { prefetched, types });
    view = await viewLoaded;
  } catch (error) {
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
  const app = {
    book,
    base: data.base,
    readOnly: data.readOnly === "true",
    scope: (key) => `${data.userId}:${data.pairId}:${key}`,
    signIn: signInAgain,
    formOptions(key) {
      return { book, scope: this.scope(key), readOnly: this.readOnly, signIn: this.signIn };
    },
  };
  // Saves left behind by an earlier page go out first, so that the page shows them as saved.
  await sendQueued(app);
  gate.hidden = true;
  $("#notebook-body").hidden = false;
  $("#notebook-body").removeAttribute("data-loading");
  document.body.dataset.notebookReady = "true";
  book.whenKept().then(() => { document.body.dataset.notebookKept = "true"; });
  view?.show(app);
  performance.mark("notebook-ready");
  if (askedForPassphrase) $("#main").focus();
  // Read from what this device kept: say so, and that saves go out once connected.
  if (!navigator.onLine) saveStatus.set(message("offline-reading"));
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
