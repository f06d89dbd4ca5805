// One form for one notebook entry: filled from the opened entry, kept as an encrypted draft
// while typing (drafts.js), saved with the revision it was based on and retried when the network
// or session fails (save.js), with both versions side by side when someone else saved first
// (conflict.js). Nothing typed is ever silently dropped.
import { $, $$ } from "../../lib/dom.js";
import { deleteDraft, prepareDrafts } from "../../storage/drafts.js";
import { sameBody } from "../core.js";
import { integrityNotice, metaText } from "../display.js";
import { showConflict } from "./conflict.js";
import { keepDraft, keepDraftNow, offerDraft } from "./drafts.js";
import { asShown, clearProblem, controls, fillBody, holdEnter, readBody, readDone, useActivity } from "./fields.js";
import { save } from "./save.js";

export class EntryForm {
  /**
   * @param form the <form> (controls carry data-field / data-kind, and no name)
   * @param options {book, entry (opened, failed, or null for new), scope, readOnly, signIn,
   *   onSaved(entry, form), onGone(form), defaults (a new entry's body), alwaysNew}
   */
  constructor(form, { book, entry = null, scope, readOnly = false, signIn, onSaved = () => {}, onGone = () => {}, defaults = {}, alwaysNew = false }) {
    Object.assign(this, { form, book, scope, readOnly, signIn, onSaved, onGone, defaults, alwaysNew });
    this.type = form.dataset.entryType;
    this.notices = $(".form-notices", form) ?? form;
    this.saving = false;
    this.saveAgain = false;
    this.drafting = null;
    this.draftAgain = false;
    this.offered = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    holdEnter(form);
    form.addEventListener("input", (event) => this.changed(event));
    form.addEventListener("change", (event) => this.changed(event));
    // Leaving the page (tab closed, app switched, reload): make sure the last keystrokes are kept.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.keepDraftNow();
    });
    window.addEventListener("pagehide", () => this.keepDraftNow());
    for (const button of $$("[data-activity]", form)) button.addEventListener("click", () => useActivity(button));
    this.load(entry);
    if (readOnly) for (const control of $$("input, select, textarea, button", form)) control.disabled = true;
    // The draft key is made now, not at the first keystroke: a page left right after typing
    // must not wait for it.
    else prepareDrafts();
  }

  controls() {
    return controls(this.form);
  }

  /** The body as the form shows it; empty fields are left out. */
  read() {
    return readBody(this.form);
  }

  /** `body` as this form would show and read it back. */
  asShown(body) {
    return asShown(this.form, body);
  }

  readDone() {
    return readDone(this.form);
  }

  fill(body, done = false) {
    fillBody(this.form, body, done);
  }

  /** Show an entry (or an empty form for a new one), then offer back any kept draft. */
  load(entry) {
    this.entry = entry;
    this.entryId = entry?.entry_id ?? null;
    this.base = entry?.revision ?? null;
    this.clearNotices();
    const meta = $(".entry-meta", this.form);
    if (entry?.failed) {
      this.notices.append(integrityNotice());
      this.fill({ ...this.defaults });
    } else {
      this.fill(entry ? entry.body : { ...this.defaults }, entry?.done);
    }
    if (meta) meta.textContent = entry && !entry.failed ? metaText(this.book, entry) : "";
    this.savedBody = this.read();
    this.savedDone = this.readDone();
    this.offered = null;
    if (!this.readOnly) offerDraft(this);
  }

  isDirty() {
    return !sameBody(this.read(), this.savedBody) || this.readDone() !== this.savedDone;
  }

  clearNotices() {
    for (const el of $$(".draft-offer, .conflict, .integrity-error, .recreated, .gone-offer", this.notices)) el.remove();
  }

  changed(event = null) {
    if (this.readOnly) return;
    const control = event?.target?.closest?.("[data-field], [data-done]");
    if (control?.getAttribute("aria-invalid") === "true") clearProblem(control);
    this.keepDraft();
  }

  /** Keep the draft now (encrypted); resolves once it is written. */
  keepDraft() {
    return keepDraft(this);
  }

  keepDraftNow() {
    return keepDraftNow(this);
  }

  save() {
    return save(this);
  }

  /** Their version (`current`) next to `mine`; `base` is the version both edits started from. */
  showConflict(current, mine, base = null) {
    showConflict(this, current, mine, base);
  }

  /** The entry was deleted here: this form saves and drafts no more, and its draft goes. */
  async close() {
    this.readOnly = true;
    this.offered = null;
    for (const control of $$("input, select, textarea, button", this.form)) control.disabled = true;
    await this.drafting;
    await deleteDraft(this.scope).catch(() => {});
  }
}
