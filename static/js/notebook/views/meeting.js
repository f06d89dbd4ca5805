// One meeting: write it (a new one gets its own address once saved), or delete it for both
// members.
import { $, $$, clone } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { deleteDraft } from "../../storage/drafts.js";
import { EntryForm } from "../form/entry-form.js";
import { saveStatus } from "../status.js";
import { goalTitle, today } from "./common.js";

/** The meeting form's goal choices: one box per goal of the pair. */
function goalChecks(app, form) {
  const box = $("[data-kind=goals]", form);
  if (!box) return;
  const list = $(".goal-check-list", box);
  const goals = app.book.byType("goal").filter((g) => !g.failed);
  goals.forEach((goal, i) => {
    const item = clone("tpl-goal-check");
    const input = $("input", item);
    input.id = `${form.id}-goal-${i}`;
    input.value = goal.entry_id;
    const label = $("label", item);
    label.htmlFor = input.id;
    label.textContent = goalTitle(goal);
    list.append(item);
  });
  $(".goal-check-empty", box).hidden = goals.length > 0;
  list.hidden = goals.length === 0;
}

/** A value in a part of the form the quick log does not show (a select's default does not count). */
function usesFullForm(formEl) {
  return $$("[data-field]", formEl).some((el) => {
    if (el.closest(".field")?.hasAttribute("data-quick")) return false;
    if (el.dataset.kind === "goals") return Boolean($("input:checked", el));
    if (el.tagName === "SELECT") return el.selectedIndex > 0;
    return el.value !== "";
  });
}

/**
 * The quick log (date, length, notes, next meeting) unless the meeting uses more; the whole
 * three-part structure is one tap away, and opens by itself when there is more to show.
 */
function quickLog(formEl) {
  const toggle = $("#meeting-structure");
  if (!toggle) return () => {};
  const set = (full) => {
    formEl.classList.toggle("quick-log", !full);
    toggle.setAttribute("aria-expanded", String(full));
  };
  toggle.addEventListener("click", () => set(toggle.getAttribute("aria-expanded") !== "true"));
  const fit = () => {
    if (usesFullForm(formEl) || $(".conflict", formEl)) set(true);
  };
  // Text put back from a draft, or a conflict to settle, may be in any part.
  formEl.addEventListener("click", (event) => {
    if (event.target.closest("[data-draft=restore], [data-merge]")) fit();
  });
  new MutationObserver(fit).observe($(".form-notices", formEl) ?? formEl, { childList: true });
  set(usesFullForm(formEl));
  return fit;
}

/** The page is about a saved meeting now: its heading and title say so, the first-meeting tips go. */
function nowSaved() {
  const heading = $("#meeting-heading");
  const words = message("meeting-heading");
  if (heading && heading.textContent !== words) {
    heading.textContent = words;
    document.title = document.title.replace(/^[^–]*–/, `${words} –`);
  }
  $("#first-meeting")?.remove();
}

/** One meeting's page: its form (new or saved), and deleting it. */
export function show(app) {
  const { book } = app;
  const formEl = $("#meeting-form");
  goalChecks(app, formEl);
  const entryId = document.body.dataset.entryId;
  const entry = entryId ? book.find(entryId) : null;
  let shown = entryId || null;
  const form = new EntryForm(formEl, {
    ...app.formOptions(formEl.dataset.formKey),
    entry,
    defaults: { date: today(), mode: "in_person" },
    onGone: () => showDeleted(app, formEl),
    // The page of a deleted meeting: text restored here is saved as a new meeting.
    alwaysNew: Boolean($("#meeting-gone")),
    onSaved: async (saved, self) => {
      if (saved.entry_id !== shown) {
        // A new meeting (or one saved again after the partner deleted it) now has its own
        // address; later saves edit it, and its draft moves with it (the form it came from must
        // not offer this meeting's text again).
        shown = saved.entry_id;
        history.replaceState(null, "", `${app.base}/meetings/${encodeURIComponent(saved.entry_id)}`);
        const before = self.scope;
        self.scope = app.scope(`meeting:${saved.entry_id}`);
        await deleteDraft(before).catch(() => {});
        await self.keepDraft();
      }
      nowSaved();
      const section = $("#meeting-delete");
      if (section) section.hidden = false;
    },
  });
  quickLog(formEl);
  meetingDelete(app, form, entry);
}

/** "Delete this meeting": asked once more, then gone for both members. */
function meetingDelete(app, form, entry) {
  const section = $("#meeting-delete");
  if (!section) return;
  section.hidden = !entry || Boolean(entry.failed);
  const ask = $("#delete-ask", section);
  const question = $("#delete-question", section);
  const yes = $("#delete-yes", section);
  const no = $("#delete-no", section);
  const closeQuestion = () => {
    question.hidden = true;
    ask.hidden = false;
  };
  // While the delete is on its way, nothing else may be sent from this page (a save landing
  // after it would bring the meeting back; one landing before it would make it a conflict).
  const holdWhileDeleting = (on) => {
    form.deleting = on;
    for (const button of [yes, no, $("button[type=submit]", form.form)]) {
      if (!button) continue;
      if (on) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    }
  };
  ask.addEventListener("click", () => {
    $("#delete-unsaved", section).hidden = !(form.isDirty() || form.offered);
    ask.hidden = true;
    question.hidden = false;
    no.focus();
  });
  no.addEventListener("click", () => {
    if (form.deleting) return;
    closeQuestion();
    ask.focus();
  });
  yes.addEventListener("click", async () => {
    if (form.deleting) return;
    if (form.saving || !form.entryId) {
      saveStatus.set(message("delete-wait"));
      return;
    }
    holdWhileDeleting(true);
    saveStatus.set(message("deleting"));
    try {
      await app.book.deleteEntry(form.entryId, form.base);
    } catch (error) {
      if (!(error?.name === "ApiError" && error.status === 404)) {
        holdWhileDeleting(false);
        closeQuestion();
        deleteRefused(app, form, section, error);
        return;
      }
      // Already gone (the partner deleted it too): the same outcome.
    }
    await form.close();
    showDeleted(app, form.form);
  });
}

/** The meeting is gone (deleted here, or let go after the partner deleted it). */
function showDeleted(app, formEl) {
  formEl.hidden = true;
  const section = $("#meeting-delete");
  if (section) section.hidden = true;
  // A reload now shows the meeting log, not a meeting that is gone.
  history.replaceState(null, "", `${app.base}/meetings`);
  saveStatus.clear();
  const gone = $("#meeting-deleted");
  gone.hidden = false;
  gone.focus();
}

/** The delete did not happen: say why, and put what changed in front of the member. */
function deleteRefused(app, form, section, error) {
  if (error?.name !== "ConflictError") {
    $("#delete-ask", section).focus();
    saveStatus.set(error?.name === "NetworkError" ? message("offline-delete") : message("save-error", { reason: error?.body?.message ?? error?.status ?? "" }));
    return;
  }
  const current = error.current;
  if (current.failed) {
    // A version this device cannot verify is never shown, and not deleted unread either.
    form.load(current);
    section.hidden = true;
    saveStatus.set(message("conflict-unverified"));
    return;
  }
  // Unsaved text stays: both versions side by side; otherwise the newer version is shown.
  if (form.isDirty()) form.showConflict(current, form.read(), form.savedBody);
  else {
    form.load(current);
    $("#delete-ask", section).focus();
  }
  saveStatus.set(message(current.author_id === app.book.me ? "delete-changed-me" : "delete-changed"));
}
