// The agreement page: both members write one agreement, then each confirms the exact version
// they read (a signature, docs/PROTOCOL.md §7.1). The agreement is read in full first, with the
// confirm button after it; editing is a deliberate step (it voids both confirmations).
import { $ } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { loadDraft } from "../../storage/drafts.js";
import { authorName, fillView, formatDate, integrityNotice } from "../display.js";
import { EntryForm } from "../form/entry-form.js";
import { saveStatus } from "../status.js";

function renderConfirmations(app, agreement, form) {
  const { book } = app;
  const panel = $("#agreement-confirmations");
  const has = agreement && !agreement.failed;
  $(".confirm-none", panel).hidden = Boolean(agreement);
  $(".confirm-version", panel).hidden = !has;
  $(".confirm-list", panel).hidden = !has;
  const button = $("#confirm-button", panel);
  const hint = $("#confirm-hint", panel);
  if (!has) {
    $(".confirm-both", panel).hidden = true;
    if (button) button.hidden = true;
    if (hint) hint.hidden = true;
    if (agreement?.failed) {
      $(".integrity-error", panel)?.remove();
      panel.append(integrityNotice());
    }
    return;
  }
  $(".confirm-version", panel).textContent = message("version", {
    revision: agreement.revision,
    date: formatDate(agreement.updated_at.slice(0, 10)),
    author: authorName(book, agreement.author_id),
  });
  const confirmed = book.confirmedBy(agreement);
  const mine = confirmed.has(book.me);
  const theirs = Boolean(book.partnerId) && confirmed.has(book.partnerId);
  const mark = (selector, userId, done, messageId) => {
    const item = $(selector, panel);
    const earlier = done || !userId ? null : book.earlierConfirmation(agreement, userId);
    item.dataset.confirmed = done ? "true" : earlier ? "earlier" : "false";
    $(".confirm-earlier", item).textContent = earlier ? message(messageId, { revision: earlier }) : "";
  };
  mark(".confirm-me", book.me, mine, "confirmed-earlier-me");
  mark(".confirm-partner", book.partnerId, theirs, "confirmed-earlier-partner");
  // Listed but not signed with the keys this member compared: say why it does not count.
  if (!theirs && book.partnerId && book.uncheckedConfirmations(agreement).has(book.partnerId)) {
    $(".confirm-partner", panel).dataset.confirmed = "unchecked";
  }
  if (!book.partnerId) $(".confirm-partner", panel).dataset.confirmed = "left";
  $(".confirm-both", panel).hidden = !(mine && theirs);
  if (button) {
    button.hidden = mine;
    if (hint) hint.hidden = mine;
    button.onclick = async () => {
      if (form.isDirty()) {
        saveStatus.set(message("confirm-save-first"));
        $("button[type=submit]", form.form)?.focus();
        return;
      }
      try {
        await book.confirm(agreement);
        saveStatus.done(message("confirmed", { revision: agreement.revision }));
        renderConfirmations(app, agreement, form);
        $("#confirmations-heading").setAttribute("tabindex", "-1");
        $("#confirmations-heading").focus();
      } catch (error) {
        const reason = error?.body?.message ?? error?.status ?? error?.name ?? "";
        try {
          await book.refresh();
          const current = book.byType("agreement")[0] ?? null;
          if (!form.isDirty()) form.load(current);
          showText(app, current);
          renderConfirmations(app, current, form);
        } catch {
          // Offline: the page stays as it was; the status says what happened.
        }
        saveStatus.set(error?.name === "NetworkError" ? message("offline-confirm") : message("save-error", { reason }));
      }
    };
  }
}

/** The agreement as text, every part in full (parts left empty are not shown). */
function showText(app, agreement) {
  const read = $("#agreement-read");
  const has = Boolean(agreement && !agreement.failed);
  if (has) fillView(read, app.book, agreement.body);
  read.hidden = !has;
}

/**
 * Reading or editing. Without an agreement (or with unsaved text kept on this device) the form
 * is open; otherwise it opens only when the member asks for it.
 */
function setMode(editing, { focus = false } = {}) {
  const form = $("#agreement-form");
  const step = $("#agreement-edit-step");
  form.hidden = !editing;
  if (step) step.hidden = editing;
  const cancel = $("#agreement-cancel");
  if (cancel) cancel.hidden = !editing || !document.body.dataset.agreementSaved;
  if (!focus) return;
  if (editing) $("textarea, input", form)?.focus();
  else $("#agreement-edit")?.focus();
}

/** The agreement page: the agreement to read, who confirmed which version, and its form. */
export function show(app) {
  const { book } = app;
  let agreement = book.byType("agreement")[0] ?? null;
  const saved = () => {
    if (agreement && !agreement.failed) document.body.dataset.agreementSaved = "true";
  };
  saved();
  const form = new EntryForm($("#agreement-form"), {
    ...app.formOptions("agreement"),
    entry: agreement,
    onSaved: (entry) => {
      agreement = entry;
      saved();
      showText(app, entry);
      renderConfirmations(app, entry, form);
      setMode(false);
      $("#agreement-read-heading").focus();
    },
  });
  showText(app, agreement);
  renderConfirmations(app, agreement, form);
  const writable = !app.readOnly;
  setMode(writable && !(agreement && !agreement.failed));
  if (!writable) return;
  // Unsaved text from before: the form opens with the offer to put it back.
  loadDraft(form.scope).then((draft) => {
    if (draft) setMode(true);
  }).catch(() => {});
  $("#agreement-edit")?.addEventListener("click", () => setMode(true, { focus: true }));
  $("#agreement-cancel")?.addEventListener("click", async () => {
    // Stopping is deliberate too: the form goes back to the saved version, and nothing changed.
    form.load(agreement);
    await form.keepDraft();
    saveStatus.clear();
    setMode(false, { focus: true });
  });
}
