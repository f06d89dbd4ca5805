// The goals page.
import { $, $$, clone, uniquify } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { deleteDraft } from "../../storage/drafts.js";
import { EntryForm } from "../form/entry-form.js";
import { goalTitle } from "./common.js";

export const types = ["goal"];

function goalCard(app, entry, index) {
  const card = uniquify(clone("tpl-goal"), `g${index}`);
  const form = $("form", card);
  form.id = `goal-form-g${index}`;
  const heading = $(".goal-title", card);
  form.setAttribute("aria-labelledby", heading.id);
  const setTitle = (e) => {
    heading.textContent = e.failed ? message("goal-untitled") : goalTitle(e);
    for (const span of $$(".goal-save-for", card)) span.textContent = `: ${heading.textContent}`;
  };
  setTitle(entry);
  const entryForm = new EntryForm(form, {
    ...app.formOptions(`goal:${entry.entry_id}`),
    entry,
    onSaved: setTitle,
  });
  return { card, form: entryForm, setTitle };
}

/** The goals page: a card per goal, each its own form, and a form for a new goal. */
export function show(app) {
  const { book } = app;
  const list = $("#goal-list");
  const goals = book.byType("goal");
  let count = 0;
  const empty = $("#goal-empty");
  const cards = new Map();
  const add = (entry) => {
    const existing = cards.get(entry.entry_id);
    if (existing) {
      // The new-goal form saved an edit of a goal already listed (a restored draft): update it.
      if (!existing.form.isDirty()) existing.form.load(entry);
      existing.setTitle(entry);
      return;
    }
    const made = goalCard(app, entry, count);
    cards.set(entry.entry_id, made);
    list.append(made.card);
    count += 1;
    empty.hidden = true;
  };
  empty.hidden = goals.length > 0;
  for (const entry of goals) add(entry);
  const newForm = $("#goal-new");
  if (newForm) {
    const form = new EntryForm(newForm, {
      ...app.formOptions("goal:new"),
      defaults: { status: "not_started" },
      onSaved: async (entry, self) => {
        // Text typed while the save was on its way edits this goal: it moves to the goal's own
        // card (unsaved there, with its draft), and this form is empty for the next goal.
        const pending = self.isDirty() ? self.read() : null;
        add(entry);
        if (pending) {
          const card = cards.get(entry.entry_id);
          card.form.fill(pending);
          await card.form.keepDraft();
        }
        await self.drafting;
        await deleteDraft(self.scope).catch(() => {});
        self.load(null);
      },
    });
    void form;
  }
}
