// One form for one notebook entry: fill it from the opened entry, keep an encrypted draft while
// typing, save with the revision it was based on, retry when the network or session fails, and
// show both versions when someone else saved first. Nothing typed is ever silently dropped.
import { ApiError } from "/static/js/lib/api.js";
import { ConflictError, IntegrityError, sameBody } from "../core.js";
import { deleteDraft, loadDraft, prepareDrafts, saveDraft } from "../../storage/drafts.js";
import { $, $$, clone } from "/static/js/lib/dom.js";
import { message } from "/static/js/lib/messages.js";
import { askToSignInAgain, formatStamp, formatValue, integrityNotice, metaText, status, waitToRetry } from "../display.js";

// Values compared as canonical JSON.
const same = (a, b) => sameBody({ v: a ?? null }, { v: b ?? null });
const keysOf = (...bodies) => [...new Set(bodies.flatMap((b) => Object.keys(b ?? {})))].filter((k) => k !== "schema");

export class EntryForm {
  /**
   * @param form the <form> (controls carry data-field / data-kind, and no name)
   * @param options {book, type, entry (opened, failed, or null for new), scope, readOnly, signIn, onSaved}
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
    form.addEventListener("input", (event) => this.changed(event));
    form.addEventListener("change", (event) => this.changed(event));
    // Leaving the page (tab closed, app switched, reload): make sure the last keystrokes are kept.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.keepDraftNow();
    });
    window.addEventListener("pagehide", () => this.keepDraftNow());
    for (const button of $$("[data-activity]", form)) button.addEventListener("click", () => this.useActivity(button));
    this.load(entry);
    if (readOnly) for (const control of $$("input, select, textarea, button", form)) control.disabled = true;
    // The draft key is made now, not at the first keystroke: a page left right after typing
    // must not wait for it.
    else prepareDrafts();
  }

  controls() {
    return $$("[data-field]", this.form);
  }

  /** The body as the form shows it; empty fields are left out. */
  read() {
    const body = {};
    for (const el of this.controls()) {
      const { field, kind } = el.dataset;
      if (kind === "goals") {
        const ids = $$("input[type=checkbox]:checked", el).map((c) => c.value);
        if (ids.length) body[field] = ids;
      } else if (kind === "number") {
        if (el.value !== "" && Number.isFinite(Number(el.value))) body[field] = Number(el.value);
      } else if (el.value !== "") {
        body[field] = el.value;
      }
    }
    return body;
  }

  /** `body` as this form would show and read it back (a select shows its first option). */
  asShown(body) {
    const out = { ...body };
    for (const el of this.controls()) {
      if (el.tagName !== "SELECT") continue;
      const { field } = el.dataset;
      const wanted = body?.[field] === undefined || body?.[field] === null ? "" : String(body[field]);
      const value = [...el.options].some((o) => o.value === wanted) ? wanted : el.options[0]?.value ?? "";
      if (value === "") delete out[field];
      else out[field] = value;
    }
    return out;
  }

  readDone() {
    return $("[data-done]", this.form)?.checked ?? false;
  }

  fill(body, done = false) {
    for (const el of this.controls()) {
      const value = body?.[el.dataset.field];
      if (el.dataset.kind === "goals") {
        const ids = Array.isArray(value) ? value.map(String) : [];
        for (const box of $$("input[type=checkbox]", el)) box.checked = ids.includes(box.value);
      } else if (el.tagName === "SELECT") {
        const wanted = value === undefined || value === null ? "" : String(value);
        el.value = [...el.options].some((o) => o.value === wanted) ? wanted : el.options[0]?.value ?? "";
      } else {
        el.value = value === undefined || value === null ? "" : String(value);
      }
    }
    const doneBox = $("[data-done]", this.form);
    if (doneBox) doneBox.checked = Boolean(done);
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
    if (!this.readOnly) this.offerDraft();
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
    if (control?.getAttribute("aria-invalid") === "true") this.clearProblem(control);
    this.keepDraft();
  }

  /** What the member must fix before saving (nothing is sent while any remain). */
  problems(body, done) {
    const found = [];
    for (const el of this.controls()) {
      const { field, kind } = el.dataset;
      const value = body[field];
      if (el.hasAttribute("data-required") && (value === undefined || String(value).trim() === "")) {
        found.push({ el, text: message("error-required") });
      } else if (kind === "number" && (el.validity?.badInput
        || (value !== undefined && (!Number.isInteger(value) || value < Number(el.min) || value > Number(el.max))))) {
        found.push({ el, text: message("error-number", { min: el.min, max: el.max }) });
      } else if (el.dataset.after && value !== undefined) {
        const other = document.getElementById(el.dataset.after);
        if (other?.value && String(value) < other.value) {
          const label = $(`label[for="${other.id}"]`, this.form)?.textContent.trim() ?? "";
          found.push({ el, text: message("error-after", { other: label }) });
        }
      }
    }
    const words = this.controls().some((el) => el.dataset.kind === "text" && String(body[el.dataset.field] ?? "").trim());
    if (done && !words) found.push({ el: $("[data-done]", this.form), text: message("error-done-empty") });
    return found;
  }

  showProblems(found) {
    for (const el of $$("[aria-invalid=true]", this.form)) this.clearProblem(el);
    for (const { el, text } of found) {
      const error = document.createElement("p");
      error.className = "error-text field-error";
      error.id = `${el.id}-error`;
      error.textContent = text;
      (el.closest(".choice") ?? el).after(error);
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", [el.getAttribute("aria-describedby"), error.id].filter(Boolean).join(" "));
    }
    status.set(message("check-fields"));
    found[0].el.focus();
  }

  clearProblem(el) {
    const id = `${el.id}-error`;
    document.getElementById(id)?.remove();
    el.removeAttribute("aria-invalid");
    const rest = (el.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x && x !== id);
    if (rest.length) el.setAttribute("aria-describedby", rest.join(" "));
    else el.removeAttribute("aria-describedby");
  }

  /**
   * What is kept: the form; or, while a draft offer is unanswered, that draft with what was
   * typed since on top, still based on the version the draft was written on (so restoring it
   * over a newer version goes through the conflict view and undoes nobody's edits).
   */
  draftValue() {
    const form = this.read();
    const done = this.readDone();
    const o = this.offered;
    if (!o) return { entryId: this.entryId, base: this.base, baseBody: this.savedBody, body: form, done };
    const body = { ...o.body };
    for (const key of keysOf(this.savedBody, form)) {
      if (same(form[key], this.savedBody[key])) continue;
      if (form[key] === undefined) delete body[key];
      else body[key] = form[key];
    }
    // The draft's own entry and version, even when it was a new entry's (null): restored into a
    // form that has since saved an entry, it then goes through the conflict view too.
    return {
      entryId: o.entryId ?? null,
      base: o.base ?? null,
      baseBody: o.baseBody ?? this.savedBody,
      body,
      done: done === this.savedDone ? Boolean(o.done) : done,
    };
  }

  /**
   * The page is going away: write the draft at once, alongside any write still on its way
   * (which holds older text and most likely lands first), instead of queueing behind it.
   */
  keepDraftNow() {
    if (this.readOnly || !this.drafting) return this.keepDraft();
    if (!(this.isDirty() || this.offered)) return this.drafting;
    return saveDraft(this.scope, this.draftValue()).catch(() => {});
  }

  /**
   * Keep the draft after every change (encrypted in IndexedDB). Writes never overlap: changes
   * made during a write are kept by one more write right after it.
   */
  keepDraft() {
    if (this.readOnly) return Promise.resolve();
    if (this.drafting) {
      this.draftAgain = true;
      return this.drafting;
    }
    this.drafting = (async () => {
      do {
        this.draftAgain = false;
        try {
          if (this.isDirty() || this.offered) await saveDraft(this.scope, this.draftValue());
          else await deleteDraft(this.scope);
        } catch {
          // IndexedDB unavailable (private mode): the text stays in the form.
          break;
        }
      } while (this.draftAgain);
      this.drafting = null;
    })();
    return this.drafting;
  }

  async offerDraft() {
    let draft;
    try {
      draft = await loadDraft(this.scope);
    } catch {
      return;
    }
    if (!draft) return;
    const kept = draft.value;
    const sameAsShown = sameBody(kept.body, this.savedBody) && Boolean(kept.done) === this.savedDone;
    if (sameAsShown) {
      await deleteDraft(this.scope);
      return;
    }
    $(".draft-offer", this.notices)?.remove();
    // Until the member answers, typing keeps this draft's changes too (see draftValue).
    this.offered = kept;
    const offer = clone("tpl-draft-offer");
    const text = $(".draft-text", offer);
    text.id = `${this.form.id || "form"}-draft-text`;
    offer.setAttribute("aria-labelledby", text.id);
    text.textContent = message("draft-found", { time: formatStamp(draft.at) });
    status.set(message("draft-found", { time: formatStamp(draft.at) }));
    $("[data-draft=restore]", offer).addEventListener("click", () => {
      offer.remove();
      const shown = this.entry && !this.entry.failed ? this.entry : null;
      const restored = this.draftValue();
      this.offered = null;
      this.fill(restored.body, restored.done);
      if (!this.entryId && !this.alwaysNew) {
        this.entryId = restored.entryId ?? null;
        this.base = restored.base ?? null;
      } else if (shown && (restored.entryId !== this.entryId || (restored.base ?? null) !== this.base)) {
        // The draft was written on top of an older version: show both before anything is saved.
        this.showConflict(shown, restored.body, restored.baseBody ?? null);
        return;
      }
      this.keepDraft();
      status.set(message("draft-restored"));
      this.controls()[0]?.focus();
    });
    $("[data-draft=discard]", offer).addEventListener("click", async () => {
      offer.remove();
      this.offered = null;
      await this.keepDraft();
      status.set(message("draft-discarded"));
      this.form.querySelector("input, textarea, select")?.focus();
    });
    this.notices.prepend(offer);
  }

  /** The meeting was deleted (by the partner, say) while this form changed it: keep or let go. */
  offerGone() {
    $(".gone-offer", this.notices)?.remove();
    const offer = clone("tpl-gone");
    const text = $(".gone-text", offer);
    text.id = `${this.form.id || "form"}-gone-text`;
    offer.setAttribute("aria-labelledby", text.id);
    $("[data-gone=keep]", offer).addEventListener("click", () => {
      offer.remove();
      // Saved from scratch: every field is new, none is an edit of the deleted meeting.
      this.entry = null;
      this.entryId = null;
      this.base = null;
      this.savedBody = {};
      this.savedDone = false;
      this.recreated = true;
      this.save();
    });
    $("[data-gone=drop]", offer).addEventListener("click", async () => {
      offer.remove();
      await this.close();
      this.onGone(this);
    });
    this.notices.prepend(offer);
    status.set(text.textContent);
    $("[data-gone=keep]", offer).focus();
  }

  noteRecreated() {
    $(".recreated", this.notices)?.remove();
    const note = document.createElement("p");
    note.className = "notice recreated";
    note.textContent = message("recreated");
    this.notices.prepend(note);
  }

  /** The entry was deleted here: this form saves and drafts no more, and its draft goes. */
  async close() {
    this.readOnly = true;
    this.offered = null;
    for (const control of $$("input, select, textarea, button", this.form)) control.disabled = true;
    await this.drafting;
    await deleteDraft(this.scope).catch(() => {});
  }

  useActivity(button) {
    const target = document.getElementById(button.dataset.target);
    if (!target) return;
    const idea = button.textContent.trim();
    target.value = target.value.trim() ? `${target.value.trim()}, ${idea}` : idea;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
  }

  /** Save: seal once, then send until it is stored, refused, or in conflict. */
  async save() {
    if (this.readOnly || this.deleting) return;
    if (this.saving) {
      // Saved again while a save is still on its way: send the newer text right after it.
      this.saveAgain = true;
      return;
    }
    const body = this.read();
    const done = this.readDone();
    // A new entry with nothing but the form's defaults (today's date, a status) is not saved.
    if (!this.entryId && !this.isDirty()) {
      status.set(message("nothing-to-save"));
      return;
    }
    const found = this.problems(body, done);
    if (found.length) {
      this.showProblems(found);
      return;
    }
    // Everything is right now, including fields fixed without touching the one marked wrong.
    for (const el of $$("[aria-invalid=true]", this.form)) this.clearProblem(el);
    this.saving = true;
    let queued = false;
    const button = $("button[type=submit]", this.form);
    if (button) button.setAttribute("aria-disabled", "true");
    // Said before anything is awaited: a "Saved." from the last save must not stand for this one.
    status.set(message("saving"));
    try {
      await this.keepDraft();
      const sealed = await this.book.seal({ entryId: this.entryId, type: this.type, base: this.base, body, done });
      this.entryId = sealed.entryId;
      const entry = await this.sendUntilSettled(sealed, this.savedBody);
      if (!entry) {
        this.saveAgain = false;
        return;
      }
      this.entry = entry;
      this.base = entry.revision;
      this.savedBody = body;
      const recreated = this.recreated;
      if (recreated) this.noteRecreated();
      this.recreated = false;
      this.savedDone = done;
      $(".conflict", this.notices)?.remove();
      const meta = $(".entry-meta", this.form);
      if (meta) meta.textContent = metaText(this.book, entry);
      // Keep anything typed while the save was on its way (or an unanswered draft offer).
      await this.keepDraft();
      if (this.saveAgain && this.isDirty()) {
        // Saved again meanwhile: send the newer text as the next revision of this same entry
        // before the page treats the entry as done (a new-goal form, for one, empties itself).
        queued = true;
      } else {
        await this.onSaved(entry, this);
        status.done(message(recreated ? "recreated" : "saved"));
      }
    } finally {
      this.saving = false;
      if (button) button.removeAttribute("aria-disabled");
    }
    this.saveAgain = false;
    if (queued) await this.save();
  }

  async sendUntilSettled(sealed, baseBody) {
    let delay = 2;
    for (;;) {
      try {
        return await this.book.send(sealed);
      } catch (error) {
        if (error instanceof ConflictError) {
          // Mine is what the form holds now: text typed while this save waited stays.
          this.showConflict(error.current, this.read(), baseBody);
          return null;
        }
        if (error instanceof IntegrityError) {
          status.set(message("conflict-unverified"));
          return null;
        }
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          await askToSignInAgain(this.signIn);
          status.set(message("saving"));
          $("button[type=submit]", this.form)?.focus();
          continue;
        }
        if (error instanceof ApiError && error.status === 404 && sealed.base && this.type === "meeting") {
          // The partner deleted the meeting meanwhile: the member chooses between their
          // partner's clean-up and keeping what they wrote as a new meeting.
          this.offerGone();
          return null;
        }
        if (error instanceof ApiError && error.status === 404 && sealed.base) {
          // Gone with a member who left: the text stays in the form and in this device's draft.
          status.set(message("gone-kept"));
          return null;
        }
        if (error instanceof ApiError && error.status < 500 && error.status !== 429 && error.status !== 408) {
          status.set(message("save-error", { reason: error.body?.message ?? error.status }));
          return null;
        }
        // Offline, a server error or too many requests: wait and send the same sealed save again.
        await waitToRetry(delay, error?.name === "NetworkError" && !navigator.onLine, $("button[type=submit]", this.form));
        delay = Math.min(delay * 2, 60);
      }
    }
  }

  /**
   * Their version next to mine, field by field; the merged form saves on top of theirs. With the
   * version both edits started from (`base`), a field only one side changed is merged at once:
   * only fields both changed are shown to choose from.
   */
  showConflict(current, mine, base = null) {
    $(".conflict", this.notices)?.remove();
    this.entry = current;
    this.entryId = current.entry_id;
    this.base = current.revision;
    if (current.failed) {
      status.set(message("conflict-unverified"));
      return;
    }
    // Compared as the form shows them: a field the form cannot leave empty is not a difference.
    const theirs = this.asShown(current.body ?? {});
    // Their version is now the one this form edits: later saves and drafts build on it.
    this.savedBody = theirs;
    this.savedDone = Boolean(current.done);
    const view = clone("tpl-conflict");
    const heading = $(".conflict-heading", view);
    heading.id = `${this.form.id || "form"}-conflict-heading`;
    view.setAttribute("aria-labelledby", heading.id);
    $(".conflict-text", view).textContent = message("conflict");
    const list = $(".conflict-fields", view);
    const taken = [];
    for (const el of this.controls()) {
      const { field, kind } = el.dataset;
      if (field === "schema") continue;
      const a = theirs[field];
      const b = mine[field];
      if (same(a, b)) continue;
      const label = (kind === "goals" ? $("legend", el)?.textContent : $(`label[for="${el.id}"]`, this.form)?.textContent) ?? field;
      if (base && same(a, base[field])) continue;
      if (base && same(b, base[field])) {
        this.merge(el, kind, a, b, "theirs");
        taken.push(label.trim());
        continue;
      }
      const item = clone("tpl-conflict-field");
      $(".conflict-label", item).textContent = (label ?? field).trim();
      for (const span of $$(".conflict-for", item)) span.textContent = `: ${(label ?? field).trim()}`;
      $(".conflict-who-theirs", item).textContent = message("theirs");
      $(".conflict-who-yours", item).textContent = message("yours");
      $(".conflict-theirs", item).textContent = formatValue(this.book, field, kind, a) || message("empty-value");
      $(".conflict-yours", item).textContent = formatValue(this.book, field, kind, b) || message("empty-value");
      const both = $("[data-merge=both]", item);
      const canJoin = kind === "text" || kind === "goals";
      if (!canJoin || a === undefined || b === undefined) both.remove();
      both.addEventListener("click", () => {
        this.merge(el, kind, a, b, "both");
        this.resolved(item, el, message("merged"));
      });
      $("[data-merge=theirs]", item).addEventListener("click", () => {
        this.merge(el, kind, a, b, "theirs");
        this.resolved(item, el, message("took-theirs"));
      });
      $("[data-merge=mine]", item).addEventListener("click", () => {
        this.merge(el, kind, a, b, "mine");
        this.resolved(item, el, message("kept-mine"));
      });
      list.append(item);
    }
    const merged = $(".conflict-merged", view);
    if (merged) {
      merged.textContent = taken.length ? message("conflict-taken", { fields: taken.join(", ") }) : "";
      merged.hidden = taken.length === 0;
    }
    if (!list.children.length) {
      list.remove();
      $(".conflict-text", view).textContent = message("conflict-merged-all");
    }
    this.notices.prepend(view);
    status.set($(".conflict-text", view).textContent);
    heading.focus();
    this.keepDraft();
  }

  merge(el, kind, theirs, mine, how) {
    // The field already holds this member's version, with whatever they typed since: it stays.
    if (how === "mine") return;
    if (kind === "goals") {
      const ids = new Set([...(how === "both" && Array.isArray(mine) ? mine : []), ...(Array.isArray(theirs) ? theirs : [])].map(String));
      for (const box of $$("input[type=checkbox]", el)) box.checked = ids.has(box.value);
    } else if (how === "both") {
      const joiner = el.tagName === "TEXTAREA" ? "\n\n" : " / ";
      el.value = `${mine ?? ""}${joiner}${theirs ?? ""}`;
    } else {
      el.value = theirs === undefined || theirs === null ? "" : String(theirs);
    }
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }

  resolved(item, el, text) {
    const actions = $(".actions", item);
    const note = document.createElement("p");
    note.className = "conflict-resolved";
    note.textContent = text;
    actions.replaceWith(note);
    status.set(text);
    (el.dataset.kind === "goals" ? $("input", el) : el)?.focus();
  }
}
