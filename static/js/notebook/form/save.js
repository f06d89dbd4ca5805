// Saving one form: seal once, then send until it is stored, refused or in conflict. A network
// or server failure waits and sends the same sealed save again; an ended session asks to sign in
// again on the page; a meeting the partner deleted meanwhile is offered back as a new one.
import { ApiError } from "../../lib/api.js";
import { $, clone } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { askForPassphrase } from "../../lib/passphrase-form.js";
import { queueSave, unqueueSave } from "../../storage/outbox.js";
import { ConflictError, IntegrityError } from "../core.js";
import { metaText } from "../display.js";
import { saveStatus, waitToRetry } from "../status.js";
import { clearProblems, problems, showProblems } from "./fields.js";

/** Save: seal once, then send until it is stored, refused, or in conflict. */
export async function save(form) {
  if (form.readOnly || form.deleting) return;
  if (form.saving) {
    // Saved again while a save is still on its way: send the newer text right after it.
    form.saveAgain = true;
    return;
  }
  const body = form.read();
  const done = form.readDone();
  // What must be filled in is said at its field first (an empty new goal's title, say).
  const found = problems(form.form, body, done);
  if (found.length) {
    showProblems(form.form, found);
    return;
  }
  // A new entry with nothing but the form's defaults (today's date, a status) is not saved.
  if (!form.entryId && !form.isDirty()) {
    saveStatus.set(message("nothing-to-save"));
    return;
  }
  // Everything is right now, including fields fixed without touching the one marked wrong.
  clearProblems(form.form);
  form.saving = true;
  let queued = false;
  const button = $("button[type=submit]", form.form);
  if (button) button.setAttribute("aria-disabled", "true");
  // Said before anything is awaited: a "Saved." from the last save must not stand for this one.
  saveStatus.set(message("saving"));
  try {
    await form.keepDraft();
    const sealed = await form.book.seal({ entryId: form.entryId, type: form.type, base: form.base, body, done });
    form.entryId = sealed.entryId;
    // Queued until it settles, and the draft now names the entry it becomes: if this page goes
    // before the answer comes, the next notebook page sends it once (notebook/outbox.js), and
    // the draft is never offered back as a second, new entry.
    const scope = form.scope;
    await Promise.all([queueSave(scope, sealed).catch(() => {}), form.keepDraft()]);
    const entry = await sendUntilSettled(form, sealed, form.savedBody);
    await unqueueSave(scope, sealed.entryId).catch(() => {});
    if (!entry) {
      form.saveAgain = false;
      return;
    }
    form.entry = entry;
    form.base = entry.revision;
    form.savedBody = body;
    const recreated = form.recreated;
    if (recreated) noteRecreated(form);
    form.recreated = false;
    form.savedDone = done;
    $(".conflict", form.notices)?.remove();
    const meta = $(".entry-meta", form.form);
    if (meta) meta.textContent = metaText(form.book, entry);
    // Keep anything typed while the save was on its way (or an unanswered draft offer).
    await form.keepDraft();
    if (form.saveAgain && form.isDirty()) {
      // Saved again meanwhile: send the newer text as the next revision of this same entry
      // before the page treats the entry as done (a new-goal form, for one, empties itself).
      queued = true;
    } else {
      await form.onSaved(entry, form);
      // A meeting saved anew says so in its notice; the status says only that it is saved.
      saveStatus.done(message("saved"));
    }
  } finally {
    form.saving = false;
    if (button) button.removeAttribute("aria-disabled");
  }
  form.saveAgain = false;
  if (queued) await save(form);
}

/** The stored entry once `sealed` lands; null when it settled otherwise (the status says how). */
async function sendUntilSettled(form, sealed, baseBody) {
  let delay = 2;
  for (;;) {
    try {
      return await form.book.send(sealed);
    } catch (error) {
      if (error instanceof ConflictError) {
        // Mine is what the form holds now: text typed while this save waited stays.
        form.showConflict(error.current, form.read(), baseBody);
        return null;
      }
      if (error instanceof IntegrityError) {
        saveStatus.set(message("conflict-unverified"));
        return null;
      }
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        await askToSignInAgain(form.signIn);
        saveStatus.set(message("saving"));
        $("button[type=submit]", form.form)?.focus();
        continue;
      }
      if (error instanceof ApiError && error.status === 404 && sealed.base && form.type === "meeting") {
        // The partner deleted the meeting meanwhile: the member chooses between their
        // partner's clean-up and keeping what they wrote as a new meeting.
        offerGone(form);
        return null;
      }
      if (error instanceof ApiError && error.status === 404 && sealed.base) {
        // Gone with a member who left: the text stays in the form and in this device's draft.
        saveStatus.set(message("gone-kept"));
        return null;
      }
      if (error instanceof ApiError && error.status < 500 && error.status !== 429 && error.status !== 408) {
        // A refusal about one field (finishing an evaluation too early, say) is said at it.
        const field = error.body?.field;
        const el = field === "done" ? $("[data-done]", form.form) : field ? $(`[data-field="${CSS.escape(field)}"]`, form.form) : null;
        if (el && error.body?.message) showProblems(form.form, [{ el, text: error.body.message }]);
        else saveStatus.set(message("save-error", { reason: error.body?.message ?? error.status }));
        return null;
      }
      // Offline, a server error or too many requests: wait and send the same sealed save again.
      await waitToRetry(delay, error?.name === "NetworkError" && !navigator.onLine, $("button[type=submit]", form.form));
      delay = Math.min(delay * 2, 60);
    }
  }
}

/** The meeting was deleted (by the partner, say) while this form changed it: keep or let go. */
function offerGone(form) {
  $(".gone-offer", form.notices)?.remove();
  const offer = clone("tpl-gone");
  const text = $(".gone-text", offer);
  text.id = `${form.form.id || "form"}-gone-text`;
  offer.setAttribute("aria-labelledby", text.id);
  $("[data-gone=keep]", offer).addEventListener("click", () => {
    offer.remove();
    // Saved from scratch: every field is new, none is an edit of the deleted meeting.
    form.entry = null;
    form.entryId = null;
    form.base = null;
    form.savedBody = {};
    form.savedDone = false;
    form.recreated = true;
    save(form);
  });
  $("[data-gone=drop]", offer).addEventListener("click", async () => {
    offer.remove();
    await form.close();
    form.onGone(form);
  });
  form.notices.prepend(offer);
  saveStatus.notice(text.textContent);
  $("[data-gone=keep]", offer).focus();
}

/** Say that what was written is now a new meeting. */
function noteRecreated(form) {
  $(".recreated", form.notices)?.remove();
  const note = document.createElement("p");
  note.className = "notice recreated";
  note.textContent = message("recreated");
  form.notices.prepend(note);
}

/** Show the sign-in form; resolves once `signIn(passphrase)` succeeds (shared by every save). */
function askToSignInAgain(signIn) {
  // The sign-in form says it (its heading takes the focus): not the status bar as well.
  saveStatus.notice(message("session-lost"));
  return askForPassphrase($("#session-lost"), signIn, {
    refused: () => message("unlock-failed"),
    focus: $("#session-heading"),
  });
}
