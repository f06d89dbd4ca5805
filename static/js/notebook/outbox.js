// Saves that did not settle on the page that made them (offline, the answer lost, the page
// left): each notebook page sends them once before it shows anything, so the entry is there
// and its draft is not offered back as if it had never been saved. The same entry id and
// revision go out again, so a save that had landed is recognised, never stored twice.
import { message } from "../lib/messages.js";
import { deleteDraft, loadDraft } from "../storage/drafts.js";
import { queuedSaves, unqueueSave } from "../storage/outbox.js";
import { sameBody } from "./core.js";
import { saveStatus } from "./status.js";

const settledFailure = (error) => error?.name === "ConflictError" || error?.name === "IntegrityError"
  || (error?.name === "ApiError" && error.status < 500 && ![401, 403, 408, 429].includes(error.status));

/** The draft kept for `scope` is the text that was just stored: it goes. */
async function dropLandedDraft(scope, entry, body) {
  const draft = await loadDraft(scope).catch(() => null);
  if (!draft) return;
  const kept = draft.value;
  if ((kept.entryId === entry.entry_id || !kept.entryId) && sameBody(kept.body, body)) {
    await deleteDraft(scope).catch(() => {});
  }
}

/**
 * Send this member's queued saves for the kinds of entry the page shows (`app.book.types`, none:
 * every kind); resolves with how many were stored. A save that still cannot go out stays
 * queued and is tried again when the connection comes back.
 */
export async function sendQueued(app) {
  const { book } = app;
  let queued;
  try {
    queued = await queuedSaves(app.scope(""));
  } catch {
    return 0;
  }
  let sent = 0;
  let waiting = false;
  for (const { scope, record } of queued) {
    if (book.types.length && !book.types.includes(record.type)) continue;
    const body = await book.openSealed(record);
    if (body === null) {
      await unqueueSave(scope, record.entryId);
      continue;
    }
    try {
      const entry = await book.send({ ...record, body });
      await unqueueSave(scope, record.entryId);
      await dropLandedDraft(scope, entry, body);
      sent += 1;
    } catch (error) {
      // A conflict or a refusal: the draft keeps the text, and its form offers it back.
      if (settledFailure(error)) await unqueueSave(scope, record.entryId);
      else waiting = true;
    }
  }
  if (sent) saveStatus.done(message("queued-sent"));
  if (waiting) window.addEventListener("online", () => sendQueued(app), { once: true });
  return sent;
}
