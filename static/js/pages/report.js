// Member: report a problem to the programme's organisers. The message is sealed on this
// device once per organiser and once to me; the partner never sees the report.
// Without JavaScript the form still posts the category alone (server side).
import * as p from "../crypto/index.js";
import { ApiError, api } from "../lib/api.js";
import { busy, fieldError } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import {
  askToUnlock,
  errorText,
  openFlagMessages,
  phoneNumber,
  renderMessages,
  sealCopies,
  secretsOrUnlock,
  sent,
  textToSend,
  trustedSenders,
  verifyAll,
} from "./flag-messages.js";

const body = document.body;
const pairId = body.dataset.pairId;
let secrets = null;
let pendingFlagId = null; // kept across retries so a resend cannot create a second flag

const organisersPath = () => `/api/v1/pairs/${encodeURIComponent(pairId)}/organisers`;

/** Seal `text` (and `phone`) to every current organiser (verified, pinned) and to me. */
async function sealToOrganisers(kind, text, phone = null) {
  const data = await api("GET", organisersPath());
  const programmeId = data.programme_id;
  const bundles = await verifyAll(data.organisers);
  const messageId = p.newEntryId();
  const copies = await sealCopies(secrets, kind, programmeId, messageId, [
    ...bundles,
    secrets.identity.bundle,
  ], text, phone);
  return { message_id: messageId, copies };
}

/** Decrypt the messages of "Your reports" (mine, and the organisers' replies). */
async function showMessages() {
  const containers = document.querySelectorAll("#my-reports .sealed-messages[data-flag-id]");
  if (!containers.length || !secrets) return;
  const [{ flags }, orgs] = await Promise.all([
    api("GET", "/api/v1/me/flags"),
    api("GET", organisersPath()),
  ]);
  const senders = await trustedSenders(orgs.organisers);
  senders.set(secrets.userId, secrets.identity.bundle);
  const names = new Map(orgs.organisers.map((o) => [o.user_id, o.display_name]));
  const byId = new Map(flags.map((f) => [f.flag_id, f]));
  const whoLabel = (id) =>
    id === secrets.userId
      ? message("from-me")
      : names.get(id) || message("from-organiser");
  await Promise.all(
    [...containers].map(async (container) => {
      const flag = byId.get(container.dataset.flagId);
      if (!flag) return;
      renderMessages(container, await openFlagMessages(secrets, flag, senders), whoLabel);
    }),
  );
}

async function showMessagesSafely() {
  try {
    await showMessages();
  } catch (err) {
    document.getElementById("report-status").textContent = errorText(err);
  }
}

/** Fetch the server-rendered list of my reports again and swap it in. */
async function reloadList() {
  // The page answers a fragment request with the list alone (templates/flags/_my_reports.html).
  const response = await fetch(location.pathname, {
    credentials: "same-origin",
    headers: { Accept: "text/html", "HX-Request": "true" },
  });
  if (!response.ok) throw new ApiError(response.status, null);
  const fresh = new DOMParser()
    .parseFromString(await response.text(), "text/html")
    .getElementById("my-reports-area");
  const area = document.getElementById("my-reports-area");
  if (fresh && area) area.replaceWith(document.adoptNode(fresh));
  await showMessagesSafely();
}

/**
 * The number to be called on, null when "Please call me" is not ticked, or false once the
 * field said what is wrong with it.
 */
function askedToBeCalled() {
  if (!document.getElementById("call-me")?.checked) return null;
  const phone = document.getElementById("report-phone").value.trim();
  if (!phone) {
    fieldError("report-phone", message("phone-required"));
    return false;
  }
  if (phoneNumber(phone) === null) {
    fieldError("report-phone", message("phone-invalid"));
    return false;
  }
  fieldError("report-phone", null);
  return phone;
}

function flagStatus(flagId) {
  return document.getElementById(`flag-status-${flagId}`);
}

async function onReport(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const status = document.getElementById("report-status");
  const chosen = form.querySelector("input[name=category]:checked");
  const textarea = document.getElementById("report-message");
  const categoryError = document.getElementById("category-error");
  if (!chosen) {
    // Said at the choices themselves (on a phone the status line is off-screen) and announced.
    categoryError.textContent = message("choose-category");
    categoryError.hidden = false;
    status.textContent = message("choose-category");
    form.querySelector("input[name=category]")?.focus();
    return;
  }
  categoryError.hidden = true;
  categoryError.textContent = "";
  const text = textarea.value.trim();
  const phone = askedToBeCalled();
  if (phone === false) return;
  if ((text || phone) && !secrets) {
    askToUnlock(status);
    return;
  }
  await busy(form, async () => {
    status.textContent = message("sending");
    pendingFlagId ??= p.newEntryId();
    const request = { flag_id: pendingFlagId, category: chosen.value };
    try {
      if (text || phone) request.message = await sealToOrganisers("report", text, phone);
      try {
        await api("POST", `/api/v1/pairs/${encodeURIComponent(pairId)}/flags`, request);
      } catch (err) {
        // 409: an earlier attempt whose answer was lost did arrive.
        if (!(err?.name === "ApiError" && err.status === 409)) throw err;
      }
    } catch (err) {
      status.textContent = errorText(err);
      return;
    }
    pendingFlagId = null;
    form.reset();
    document.getElementById("phone-field").hidden = true;
    status.textContent = message("sent");
    try {
      await reloadList();
    } catch (err) {
      status.textContent = `${message("sent")} ${errorText(err)}`;
    }
  });
}

async function onAdd(form) {
  const flagId = form.dataset.flagId;
  const status = flagStatus(flagId);
  const text = textToSend(form, status, "addition-empty", Boolean(secrets));
  if (text === null) return;
  await busy(form, async () => {
    status.textContent = message("sending");
    try {
      const sealed = await sealToOrganisers("addition", text);
      await api("POST", `/api/v1/me/flags/${encodeURIComponent(flagId)}/messages`, sealed);
    } catch (err) {
      status.textContent = errorText(err);
      return;
    }
    sent(form, status, message("addition-sent"));
    await showMessagesSafely();
  });
}

async function onWithdraw(form) {
  const flagId = form.dataset.flagId;
  const status = flagStatus(flagId);
  await busy(form, async () => {
    try {
      await api("POST", `/api/v1/me/flags/${encodeURIComponent(flagId)}/withdraw`);
    } catch (err) {
      status.textContent = errorText(err);
      return;
    }
    try {
      await reloadList();
    } catch {
      // The list is stale but the withdrawal went through; say so below.
    }
    const card = document.getElementById(`flag-${flagId}`);
    card?.querySelector("h3")?.focus();
    const fresh = flagStatus(flagId);
    if (fresh) fresh.textContent = message("withdrawn");
    document.getElementById("report-status").textContent = message("withdrawn");
  });
}

async function start() {
  const form = document.getElementById("report-form");
  form?.addEventListener("submit", onReport);
  form?.addEventListener("change", (event) => {
    if (event.target.id === "call-me") {
      document.getElementById("phone-field").hidden = !event.target.checked;
      if (event.target.checked) document.getElementById("report-phone").focus();
      else fieldError("report-phone", null);
      return;
    }
    if (event.target.name !== "category") return;
    const error = document.getElementById("category-error");
    error.hidden = true;
    error.textContent = "";
  });
  // The list is replaced after each change, so listen on <main>.
  document.getElementById("main")?.addEventListener("submit", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLFormElement)) return;
    if (target.classList.contains("add-form")) {
      event.preventDefault();
      onAdd(target);
    } else if (target.classList.contains("withdraw-form")) {
      event.preventDefault();
      onWithdraw(target);
    }
  });
  secrets = await secretsOrUnlock(async (unlocked) => {
    secrets = unlocked;
    await showMessagesSafely();
  });
  if (secrets) await showMessagesSafely();
}

if (body.dataset.page === "report") start();
