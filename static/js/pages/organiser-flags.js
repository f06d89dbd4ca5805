// Organiser: read the sealed messages of a programme's flags on this device, reply to the
// reporter (sealed for the reporter and every organiser) or keep a private note (organisers).
// Status changes use the server-rendered form and need no JavaScript.
import * as p from "../crypto/index.js";
import { ApiError, api } from "../lib/api.js";
import { busy } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import {
  errorText,
  openFlagMessages,
  pinnedBundle,
  renderMessages,
  sealCopies,
  secretsOrUnlock,
  sent,
  textToSend,
  trustedSenders,
  verifyAll,
} from "./flag-messages.js";

const body = document.body;
const programmeId = body.dataset.programmeId;
let secrets = null;

const flagsPath = () =>
  `/api/v1/organiser/programmes/${encodeURIComponent(programmeId)}/flags`;

function globalStatus(text) {
  document.getElementById("flags-status").textContent = text;
}

/** Decrypt and show every flag's messages sealed to me. */
async function showMessages() {
  if (!secrets) return;
  const containers = document.querySelectorAll(".sealed-messages[data-flag-id]");
  if (!containers.length) return;
  const data = await api("GET", flagsPath());
  const organisers = await trustedSenders(data.organisers);
  const byId = new Map(data.flags.map((f) => [f.flag_id, f]));
  await Promise.all(
    [...containers].map(async (container) => {
      const flag = byId.get(container.dataset.flagId);
      if (!flag) return;
      // Messages from a sender whose bundle does not verify show as "could not be opened".
      const senders = new Map([
        ...organisers,
        ...(await trustedSenders([{ user_id: flag.reporter_id, bundle: flag.reporter_bundle }])),
      ]);
      const whoLabel = (id) => {
        if (id === secrets.userId) return message("from-me");
        if (id === flag.reporter_id) {
          return message(flag.reporter_role ? `from-${flag.reporter_role}` : "from-participant");
        }
        return message("from-organiser");
      };
      renderMessages(container, await openFlagMessages(secrets, flag, senders), whoLabel);
    }),
  );
}

async function showMessagesSafely({ announce = false } = {}) {
  try {
    if (announce) globalStatus(message("loading"));
    await showMessages();
    if (announce) globalStatus("");
  } catch (err) {
    globalStatus(errorText(err));
  }
}

async function onMessage(form) {
  const flagId = form.dataset.flagId;
  const kind = form.dataset.kind === "reply" ? "reply" : "note";
  const status = document.getElementById(`flag-status-${flagId}`);
  const text = textToSend(form, status, "empty", Boolean(secrets));
  if (text === null) return;
  await busy(form, async () => {
    status.textContent = message("sending");
    try {
      // Fresh lists: seal to the organisers of now, and the reporter the server names.
      const data = await api("GET", flagsPath());
      const flag = data.flags.find((f) => f.flag_id === flagId);
      if (!flag) throw new ApiError(404, null);
      // My own copy goes to the keys I hold, whatever the server lists for me.
      const others = data.organisers.filter((o) => o.user_id !== secrets.userId);
      const recipients = [...(await verifyAll(others)), secrets.identity.bundle];
      if (kind === "reply") {
        recipients.push(await pinnedBundle(flag.reporter_bundle, flag.reporter_id));
      }
      const messageId = p.newEntryId();
      const copies = await sealCopies(secrets, kind, programmeId, messageId, recipients, text);
      await api("POST", `/api/v1/organiser/flags/${encodeURIComponent(flagId)}/messages`, {
        kind,
        message_id: messageId,
        copies,
      });
    } catch (err) {
      status.textContent = errorText(err);
      return;
    }
    sent(form, status, message(kind === "reply" ? "reply-sent" : "note-sent"));
    await showMessagesSafely();
  });
}

async function start() {
  document.getElementById("main")?.addEventListener("submit", (event) => {
    const target = event.target;
    if (target instanceof HTMLFormElement && target.classList.contains("organiser-message-form")) {
      event.preventDefault();
      onMessage(target);
    }
  });
  if (!document.querySelector(".sealed-messages[data-flag-id]")) return;
  secrets = await secretsOrUnlock(async (unlocked) => {
    secrets = unlocked;
    await showMessagesSafely();
  });
  if (secrets) await showMessagesSafely({ announce: true });
}

if (body.dataset.page === "organiser-flags") start();
