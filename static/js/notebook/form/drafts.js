// A form's draft while typing: every change is kept, encrypted, on this device
// (storage/drafts.js), and offered back when the form opens again. Writes never overlap, and the
// last keystrokes are written at once when the page goes away.
import { $, clone } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { deleteDraft, loadDraft, saveDraft } from "../../storage/drafts.js";
import { sameBody, sameValue } from "../core.js";
import { formatStamp } from "../display.js";
import { saveStatus } from "../status.js";

const keysOf = (...bodies) => [...new Set(bodies.flatMap((b) => Object.keys(b ?? {})))].filter((k) => k !== "schema");

/**
 * What is kept: the form; or, while a draft offer is unanswered, that draft with what was
 * typed since on top, still based on the version the draft was written on (so restoring it
 * over a newer version goes through the conflict view and undoes nobody's edits).
 */
export function draftValue(form) {
  const typed = form.read();
  const done = form.readDone();
  const o = form.offered;
  if (!o) return { entryId: form.entryId, base: form.base, baseBody: form.savedBody, body: typed, done };
  const body = { ...o.body };
  for (const key of keysOf(form.savedBody, typed)) {
    if (sameValue(typed[key], form.savedBody[key])) continue;
    if (typed[key] === undefined) delete body[key];
    else body[key] = typed[key];
  }
  // The draft's own entry and version, even when it was a new entry's (null): restored into a
  // form that has since saved an entry, it then goes through the conflict view too.
  return {
    entryId: o.entryId ?? null,
    base: o.base ?? null,
    baseBody: o.baseBody ?? form.savedBody,
    body,
    done: done === form.savedDone ? Boolean(o.done) : done,
  };
}

/**
 * The page is going away: write the draft at once, alongside any write still on its way
 * (which holds older text and most likely lands first), instead of queueing behind it.
 */
export function keepDraftNow(form) {
  if (form.readOnly || !form.drafting) return keepDraft(form);
  if (!(form.isDirty() || form.offered)) return form.drafting;
  return saveDraft(form.scope, draftValue(form)).catch(() => {});
}

/**
 * Keep the draft after every change (encrypted in IndexedDB). Writes never overlap: changes
 * made during a write are kept by one more write right after it.
 */
export function keepDraft(form) {
  if (form.readOnly) return Promise.resolve();
  if (form.drafting) {
    form.draftAgain = true;
    return form.drafting;
  }
  form.drafting = (async () => {
    do {
      form.draftAgain = false;
      try {
        if (form.isDirty() || form.offered) await saveDraft(form.scope, draftValue(form));
        else await deleteDraft(form.scope);
      } catch {
        // IndexedDB unavailable (private mode): the text stays in the form.
        break;
      }
    } while (form.draftAgain);
    form.drafting = null;
  })();
  return form.drafting;
}

/** A draft kept from before: offer to put it back, or to let it go. */
export async function offerDraft(form) {
  let draft;
  try {
    draft = await loadDraft(form.scope);
  } catch {
    return;
  }
  if (!draft) return;
  const kept = draft.value;
  const sameAsShown = sameBody(kept.body, form.savedBody) && Boolean(kept.done) === form.savedDone;
  // The text was saved (from a page that then went away before it heard back): nothing to offer.
  const stored = kept.entryId ? form.book.find(kept.entryId) : null;
  const landed = stored && !stored.failed && sameBody(stored.body, kept.body) && Boolean(stored.done) === Boolean(kept.done);
  if (sameAsShown || landed) {
    await deleteDraft(form.scope);
    return;
  }
  $(".draft-offer", form.notices)?.remove();
  // Until the member answers, typing keeps this draft's changes too (see draftValue).
  form.offered = kept;
  const offer = clone("tpl-draft-offer");
  const text = $(".draft-text", offer);
  text.id = `${form.form.id || "form"}-draft-text`;
  offer.setAttribute("aria-labelledby", text.id);
  text.textContent = message("draft-found", { time: formatStamp(draft.at) });
  saveStatus.notice(text.textContent);
  $("[data-draft=restore]", offer).addEventListener("click", () => {
    offer.remove();
    const shown = form.entry && !form.entry.failed ? form.entry : null;
    const restored = draftValue(form);
    form.offered = null;
    form.fill(restored.body, restored.done);
    if (!form.entryId && !form.alwaysNew) {
      form.entryId = restored.entryId ?? null;
      form.base = restored.base ?? null;
    } else if (shown && (restored.entryId !== form.entryId || (restored.base ?? null) !== form.base)) {
      // The draft was written on top of an older version: show both before anything is saved.
      form.showConflict(shown, restored.body, restored.baseBody ?? null);
      return;
    }
    keepDraft(form);
    saveStatus.set(message("draft-restored"));
    form.controls()[0]?.focus();
  });
  $("[data-draft=discard]", offer).addEventListener("click", async () => {
    offer.remove();
    form.offered = null;
    await keepDraft(form);
    saveStatus.set(message("draft-discarded"));
    form.form.querySelector("input, textarea, select")?.focus();
  });
  form.notices.prepend(offer);
}
