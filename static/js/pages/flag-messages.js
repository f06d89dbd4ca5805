// Incident flags, shared by the member's report page and the organiser's flag list:
// seal one copy per recipient, open the copies sealed to me, show them with textContent only.
import * as p from "../crypto/index.js";
import { message } from "../lib/messages.js";
import { askForPassphrase } from "../lib/passphrase-form.js";
import { requireSecrets, unlockWithPassphrase } from "../session.js";
import * as keystore from "../storage/keystore.js";

/**
 * Verify a bundle from the server and hold it to the keys this browser saw first for that
 * user (trust on first use, kept in IndexedDB until sign-out): a changed key throws
 * CryptoError, so a substituted key is never sealed to nor trusted for a signature.
 */
export async function pinnedBundle(obj, userId) {
  const fresh = await p.verifyBundle(obj, userId);
  const name = `flag-pin:${userId}`;
  const stored = await keystore.getRecord(name);
  if (stored === null) {
    await keystore.putRecord(name, obj);
  } else if (!p.sameKeys(await p.verifyBundle(stored, userId), fresh)) {
    throw new p.CryptoError();
  }
  return fresh;
}

/** Verify and pin a list of `{user_id, bundle}`; any bad or changed bundle throws CryptoError. */
export async function verifyAll(items) {
  return Promise.all(items.map((o) => pinnedBundle(o.bundle, o.user_id)));
}

/** The senders whose bundles verify and match their pins (others' messages stay unopened). */
export async function trustedSenders(items) {
  const senders = new Map();
  await Promise.all(
    items.map(async (o) => {
      try {
        senders.set(o.user_id, await pinnedBundle(o.bundle, o.user_id));
      } catch (err) {
        if (err?.name !== "CryptoError") throw err;
      }
    }),
  );
  return senders;
}

/**
 * Seal `{text}` (and `phone`, when the member asks to be called) once for each recipient
 * bundle (de-duplicated by user id): the number travels and rests only inside the seal.
 */
export async function sealCopies(secrets, kind, programmeId, messageId, recipients, text, phone = null) {
  const unique = new Map();
  for (const bundle of recipients) unique.set(bundle.user, bundle);
  return Promise.all(
    [...unique.values()].map(async (bundle) => ({
      recipient_id: bundle.user,
      sealed: await p.sealMessage(
        secrets.identity,
        bundle,
        {
          msgType: `flag-${kind}`,
          programmeId,
          messageId,
          senderId: secrets.userId,
          recipientId: bundle.user,
        },
        phone ? { text, phone } : { text },
      ),
    })),
  );
}

/** Open every message of a flag sealed to me; `text` is null when a copy cannot be opened. */
export async function openFlagMessages(secrets, flag, senders) {
  return Promise.all(
    flag.messages.map(async (m) => {
      let text = null;
      let phone = null;
      const sender = senders.get(m.sender_id);
      if (sender) {
        try {
          const body = await p.openMessage(
            secrets.identity,
            sender,
            {
              msgType: `flag-${m.kind}`,
              programmeId: flag.programme_id,
              messageId: m.message_id,
              senderId: m.sender_id,
              recipientId: secrets.userId,
            },
            m.sealed,
          );
          if (typeof body.text === "string") text = body.text;
          if (typeof body.phone === "string" && body.phone) phone = body.phone;
        } catch (err) {
          if (err?.name !== "CryptoError") throw err;
        }
      }
      return { kind: m.kind, senderId: m.sender_id, createdAt: m.created_at, text, phone };
    }),
  );
}

const dateFormat = () => {
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: "medium",
      timeStyle: "short",
    });
  } catch {
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  }
};

/** The digits of a phone number with an optional leading "+", or null if it is not one. */
export function phoneNumber(text) {
  const trimmed = text.trim();
  if (!/^\+?[0-9 ()\-./]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/[^0-9]/g, "");
  if (digits.length < 6 || digits.length > 15) return null;
  return (trimmed.startsWith("+") ? "+" : "") + digits;
}

/** "Asks to be called: <number>", the number a tel: link (textContent and attributes only). */
function phoneLine(phone) {
  const line = document.createElement("p");
  line.className = "message-phone";
  const number = phoneNumber(phone);
  const value = document.createElement(number ? "a" : "span");
  if (number) value.href = `tel:${number}`;
  value.textContent = phone;
  line.append(`${message("call-me")} `, value);
  return line;
}

/** Show opened messages in a `.sealed-messages` container (textContent only). */
export function renderMessages(container, opened, whoLabel) {
  const format = dateFormat();
  const list = document.createElement("ol");
  list.className = "message-list";
  for (const m of opened) {
    const item = document.createElement("li");
    item.className = `message message-${m.kind}`;
    const meta = document.createElement("p");
    meta.className = "message-meta";
    const who = document.createElement("strong");
    who.textContent = whoLabel(m.senderId);
    meta.append(who, ` · ${message(`kind-${m.kind}`)}`);
    const when = new Date(m.createdAt);
    if (!Number.isNaN(when.getTime())) {
      const time = document.createElement("time");
      time.dateTime = m.createdAt;
      time.textContent = format.format(when);
      meta.append(" · ", time);
    }
    const text = document.createElement("p");
    if (m.text === null) {
      text.className = "message-text message-error";
      text.textContent = message("cannot-open");
    } else {
      text.className = "message-text preserve-lines";
      text.textContent = m.text;
    }
    item.append(meta);
    if (m.text !== "" || m.phone === null) item.append(text);
    if (m.phone) item.append(phoneLine(m.phone));
    list.append(item);
  }
  container.replaceChildren(...(opened.length ? [list] : []));
}

/** The user-facing text for an error from the API or the protocol. */
export function errorText(err) {
  if (err?.name === "NetworkError") return message("offline");
  if (err?.name === "CryptoError") return message("bad-key");
  if (err?.name === "ApiError" && typeof err.body?.message === "string" && err.status < 500) {
    return err.body.message;
  }
  return message("failed");
}

const unlockRefused = (err) => (err?.name === "CryptoError" ? message("unlock-failed") : errorText(err));

/**
 * The unlocked keys, or null after showing `#unlock-form`; `onUnlocked(secrets)` runs once
 * the member unlocks with their passphrase.
 */
export async function secretsOrUnlock(onUnlocked) {
  const secrets = await requireSecrets();
  if (secrets) return secrets;
  const form = document.getElementById("unlock-form");
  if (form) askForPassphrase(form, unlockWithPassphrase, { refused: unlockRefused }).then(onUnlocked);
  return null;
}

/** An action needs the keys: say so in `status`, show the unlock form and move focus to it. */
export function askToUnlock(status) {
  status.textContent = message("locked");
  const form = document.getElementById("unlock-form");
  if (!form) return;
  form.hidden = false;
  document.getElementById("unlock-passphrase")?.focus();
}

/**
 * The text of a message form (its textarea), or null once `status` said why it cannot go yet:
 * nothing written (`emptyId`), or the keys are locked (then the unlock form is shown).
 */
export function textToSend(form, status, emptyId, unlocked) {
  const textarea = form.querySelector("textarea");
  const text = textarea.value.trim();
  if (!text) {
    status.textContent = message(emptyId);
    textarea.setAttribute("aria-invalid", "true");
    textarea.focus();
    return null;
  }
  textarea.removeAttribute("aria-invalid");
  if (!unlocked) {
    askToUnlock(status);
    return null;
  }
  return text;
}

/** The message of `form` went: empty it, fold its <details>, say `text` in `status`. */
export function sent(form, status, text) {
  form.querySelector("textarea").value = "";
  const details = form.closest("details");
  details?.removeAttribute("open");
  status.textContent = text;
  details?.querySelector("summary")?.focus();
}
