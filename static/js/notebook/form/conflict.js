// Someone saved first: their version next to mine, field by field. A field only one side
// changed since the version both started from is merged at once; the member chooses for the
// rest, and the merged form then saves on top of their version.
import { $, $$, clone } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { sameValue } from "../core.js";
import { formatValue } from "../display.js";
import { saveStatus } from "../status.js";

/**
 * Their version next to mine, field by field; the merged form saves on top of theirs. With the
 * version both edits started from (`base`), a field only one side changed is merged at once:
 * only fields both changed are shown to choose from.
 */
export function showConflict(form, current, mine, base = null) {
  $(".conflict", form.notices)?.remove();
  form.entry = current;
  form.entryId = current.entry_id;
  form.base = current.revision;
  if (current.failed) {
    saveStatus.set(message("conflict-unverified"));
    return;
  }
  // Compared as the form shows them: a field the form cannot leave empty is not a difference.
  const theirs = form.asShown(current.body ?? {});
  // Their version is now the one this form edits: later saves and drafts build on it.
  form.savedBody = theirs;
  form.savedDone = Boolean(current.done);
  const view = clone("tpl-conflict");
  const heading = $(".conflict-heading", view);
  heading.id = `${form.form.id || "form"}-conflict-heading`;
  view.setAttribute("aria-labelledby", heading.id);
  $(".conflict-text", view).textContent = message("conflict");
  const list = $(".conflict-fields", view);
  const taken = [];
  for (const el of form.controls()) {
    const { field, kind } = el.dataset;
    if (field === "schema") continue;
    const a = theirs[field];
    const b = mine[field];
    if (sameValue(a, b)) continue;
    const label = (kind === "goals" ? $("legend", el)?.textContent : $(`label[for="${el.id}"]`, form.form)?.textContent) ?? field;
    if (base && sameValue(a, base[field])) continue;
    if (base && sameValue(b, base[field])) {
      merge(el, kind, a, b, "theirs");
      taken.push(label.trim());
      continue;
    }
    const item = clone("tpl-conflict-field");
    $(".conflict-label", item).textContent = (label ?? field).trim();
    for (const span of $$(".conflict-for", item)) span.textContent = `: ${(label ?? field).trim()}`;
    $(".conflict-who-theirs", item).textContent = message("theirs");
    $(".conflict-who-yours", item).textContent = message("yours");
    $(".conflict-theirs", item).textContent = formatValue(form.book, field, kind, a) || message("empty-value");
    $(".conflict-yours", item).textContent = formatValue(form.book, field, kind, b) || message("empty-value");
    const both = $("[data-merge=both]", item);
    const canJoin = kind === "text" || kind === "goals";
    if (!canJoin || a === undefined || b === undefined) both.remove();
    both.addEventListener("click", () => {
      merge(el, kind, a, b, "both");
      resolved(item, el, message("merged"));
    });
    $("[data-merge=theirs]", item).addEventListener("click", () => {
      merge(el, kind, a, b, "theirs");
      resolved(item, el, message("took-theirs"));
    });
    $("[data-merge=mine]", item).addEventListener("click", () => {
      merge(el, kind, a, b, "mine");
      resolved(item, el, message("kept-mine"));
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
  form.notices.prepend(view);
  saveStatus.notice($(".conflict-text", view).textContent);
  heading.focus();
  form.keepDraft();
}

function merge(el, kind, theirs, mine, how) {
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

function resolved(item, el, text) {
  const actions = $(".actions", item);
  const note = document.createElement("p");
  note.className = "conflict-resolved";
  note.textContent = text;
  actions.replaceWith(note);
  saveStatus.set(text);
  (el.dataset.kind === "goals" ? $("input", el) : el)?.focus();
}
