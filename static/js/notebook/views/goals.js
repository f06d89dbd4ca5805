// The goals page: each goal read as text, with Edit and Remove; at the end of the mentoring,
// each open goal asks how it ended.
import { $, $$, clone, uniquify } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { deleteDraft, loadDraft } from "../../storage/drafts.js";
import { formatValue, metaText } from "../display.js";
import { EntryForm } from "../form/entry-form.js";
import { saveStatus } from "../status.js";
import { goalTitle } from "./common.js";

const ENDED = new Set(["reached", "partly", "dropped"]);
const ending = (book) => ["closing", "completed"].includes(book.phase?.current);

function goalCard(app, entry, index, { onRemoved, onChanged }) {
  const { book } = app;
  const card = uniquify(clone("tpl-goal"), `g${index}`);
  const form = $("form", card);
  form.id = `goal-form-g${index}`;
  const heading = $(".goal-title", card);
  form.setAttribute("aria-labelledby", heading.id);
  const outcome = $(".goal-outcome", card);
  const editing = (on, { focus = false } = {}) => {
    form.hidden = !on;
    $(".goal-read", card).hidden = on;
    const actions = $(".goal-actions", card);
    if (actions) actions.hidden = on;
    if (on) $(".goal-remove-question", card)?.setAttribute("hidden", "");
    if (focus) (on ? $("[data-field=title]", form) : $(".goal-edit", card))?.focus();
  };
  const show = (e) => {
    heading.textContent = e.failed ? message("goal-untitled") : goalTitle(e);
    for (const span of $$(".goal-save-for", card)) span.textContent = `: ${heading.textContent}`;
    const status = e.failed ? "" : e.body?.status ?? "";
    const statusLine = $(".goal-status", card);
    statusLine.dataset.status = status;
    statusLine.textContent = e.failed ? message("integrity") : formatValue(book, "status", "select", status || "not_started");
    const notes = $(".goal-notes", card);
    notes.textContent = e.failed ? "" : e.body?.notes ?? "";
    notes.hidden = !notes.textContent;
    $(".entry-meta", card).textContent = e.failed ? "" : metaText(book, e);
    // At the end, a goal still open asks how it ended (instead of reading "In progress").
    if (outcome) outcome.hidden = e.failed || !ending(book) || ENDED.has(status);
  };
  show(entry);
  const entryForm = new EntryForm(form, {
    ...app.formOptions(`goal:${entry.entry_id}`),
    entry,
    onSaved: (saved) => {
      show(saved);
      editing(false);
      heading.focus();
      onChanged();
    },
  });
  editing(false);
  if (!app.readOnly) {
    // Unsaved text from before: the goal opens for editing, with the offer to put it back.
    loadDraft(entryForm.scope).then((draft) => {
      if (draft) editing(true);
    }).catch(() => {});
    $(".goal-edit", card).addEventListener("click", () => editing(true, { focus: true }));
    $(".goal-cancel", card).addEventListener("click", async () => {
      entryForm.load(entryForm.entry);
      await entryForm.keepDraft();
      editing(false, { focus: true });
    });
    for (const button of $$("[data-outcome]", card)) {
      button.addEventListener("click", () => {
        $("[data-field=status]", form).value = button.dataset.outcome;
        entryForm.changed();
        entryForm.save();
      });
    }
    removal(app, card, entryForm, onRemoved);
  }
  return { card, form: entryForm, setTitle: show, edit: () => editing(true) };
}

/** "Remove": asked once more, then gone for both members, from the version this page shows. */
function removal(app, card, form, onRemoved) {
  const ask = $(".goal-remove", card);
  const question = $(".goal-remove-question", card);
  const yes = $(".goal-remove-yes", card);
  ask.addEventListener("click", () => {
    question.hidden = false;
    $(".goal-remove-no", card).focus();
  });
  $(".goal-remove-no", card).addEventListener("click", () => {
    question.hidden = true;
    ask.focus();
  });
  yes.addEventListener("click", async () => {
    if (form.saving || form.deleting) return;
    form.deleting = true;
    saveStatus.set(message("deleting"));
    try {
      await app.book.deleteEntry(form.entryId, form.base);
    } catch (error) {
      form.deleting = false;
      question.hidden = true;
      if (error?.name === "ConflictError") {
        if (!form.isDirty()) form.load(error.current);
        saveStatus.set(message("goal-remove-changed"));
        card.querySelector(".goal-title").focus();
        return;
      }
      if (!(error?.name === "ApiError" && error.status === 404)) {
        ask.focus();
        saveStatus.set(error?.name === "NetworkError" ? message("offline-remove") : message("save-error", { reason: error?.body?.message ?? error?.status ?? "" }));
        return;
      }
      // Already gone: the same outcome.
    }
    await form.close();
    onRemoved(form.entryId, card);
  });
}

/** The goals page: a card per goal, read first and edited on request, and a form for a new goal. */
export function show(app) {
  const { book } = app;
  const list = $("#goal-list");
  const goals = book.byType("goal");
  let count = 0;
  const empty = $("#goal-empty");
  const cards = new Map();
  const intro = $("#goal-outcome-intro");
  const openOutcomes = () => {
    if (intro) intro.hidden = !book.byType("goal").some((g) => !g.failed && !ENDED.has(g.body?.status));
  };
  const onRemoved = (entryId, card) => {
    cards.delete(entryId);
    card.remove();
    empty.hidden = cards.size > 0;
    saveStatus.clear();
    const removed = $("#goal-removed");
    removed.hidden = false;
    removed.focus();
    openOutcomes();
  };
  const add = (entry) => {
    const existing = cards.get(entry.entry_id);
    if (existing) {
      // The new-goal form saved an edit of a goal already listed (a restored draft): update it.
      if (!existing.form.isDirty()) existing.form.load(entry);
      existing.setTitle(entry);
      return;
    }
    const made = goalCard(app, entry, count, { onRemoved, onChanged: openOutcomes });
    cards.set(entry.entry_id, made);
    list.append(made.card);
    count += 1;
    empty.hidden = true;
  };
  empty.hidden = goals.length > 0;
  for (const entry of goals) add(entry);
  openOutcomes();
  const newForm = $("#goal-new");
  if (newForm) {
    new EntryForm(newForm, {
      ...app.formOptions("goal:new"),
      defaults: { status: "not_started" },
      onSaved: async (entry, self) => {
        // Text typed while the save was on its way edits this goal: it moves to the goal's own
        // card (unsaved there, with its draft, open for editing), and this form is empty for
        // the next goal.
        const pending = self.isDirty() ? self.read() : null;
        add(entry);
        $("#goal-removed").hidden = true;
        if (pending) {
          const card = cards.get(entry.entry_id);
          card.form.fill(pending);
          card.edit();
          await card.form.keepDraft();
        }
        await self.drafting;
        await deleteDraft(self.scope).catch(() => {});
        self.load(null);
      },
    });
  }
}
