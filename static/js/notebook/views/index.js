// Each notebook page, filled in from the opened entries.
import { deleteDraft } from "../../storage/drafts.js";
import { EntryForm } from "../form/entry-form.js";
import { $, $$, clone, uniquify } from "/static/js/lib/dom.js";
import { message } from "/static/js/lib/messages.js";
import { authorName, fillView, formatDate, formatValue, integrityNotice, metaText, status } from "../display.js";

// Newest first: by the meeting's date, then by when it was written (ISO strings sort as text),
// then by the server's order (entries written in the same second).
const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
function newestFirst(book, entries) {
  const position = new Map(book.entries.map((e, i) => [e.entry_id, i]));
  const key = (e) => `${e.body?.date ?? ""}|${e.created_at}`;
  return [...entries].sort((a, b) => compare(key(b), key(a)) || position.get(b.entry_id) - position.get(a.entry_id));
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function goalTitle(entry) {
  return entry.body?.title || message("goal-untitled");
}

function meetingTitle(book, entry) {
  const parts = [formatDate(entry.body?.date) || message("meeting-untitled")];
  if (entry.body?.theme) parts.push(entry.body.theme);
  return parts.join(" · ");
}

// --- agreement --------------------------------------------------------------------------------

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
    author: authorFor(book, agreement),
  });
  const confirmed = book.confirmedBy(agreement);
  const mine = confirmed.has(book.me);
  const theirs = Boolean(book.partnerId) && confirmed.has(book.partnerId);
  const mark = (selector, userId, confirmed, messageId) => {
    const item = $(selector, panel);
    const earlier = confirmed || !userId ? null : book.earlierConfirmation(agreement, userId);
    item.dataset.confirmed = confirmed ? "true" : earlier ? "earlier" : "false";
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
        status.set(message("confirm-save-first"));
        $("button[type=submit]", form.form)?.focus();
        return;
      }
      try {
        await book.confirm(agreement);
        status.done(message("confirmed", { revision: agreement.revision }));
        renderConfirmations(app, agreement, form);
        $("#confirmations-heading").setAttribute("tabindex", "-1");
        $("#confirmations-heading").focus();
      } catch (error) {
        const reason = error?.body?.message ?? error?.status ?? error?.name ?? "";
        try {
          await book.refresh();
          const current = book.byType("agreement")[0] ?? null;
          if (!form.isDirty()) form.load(current);
          renderConfirmations(app, current, form);
        } catch {
          // Offline: the page stays as it was; the status says what happened.
        }
        status.set(error?.name === "NetworkError" ? message("offline-confirm") : message("save-error", { reason }));
      }
    };
  }
}

function authorFor(book, entry) {
  return authorName(book, entry.author_id);
}

function agreementView(app) {
  const { book } = app;
  const agreement = book.byType("agreement")[0] ?? null;
  const form = new EntryForm($("#agreement-form"), {
    ...app.formOptions("agreement"),
    entry: agreement,
    onSaved: (entry) => renderConfirmations(app, entry, form),
  });
  renderConfirmations(app, agreement, form);
}

// --- goals ------------------------------------------------------------------------------------

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

function goalsView(app) {
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

// --- meetings ---------------------------------------------------------------------------------

function meetingsView(app) {
  const { book } = app;
  const list = $("#meeting-list");
  const meetings = newestFirst(book, book.byType("meeting"));
  $("#meeting-empty").hidden = meetings.length > 0;
  const cards = document.createDocumentFragment();
  const bodies = new Map();
  list.addEventListener("click", (event) => {
    const more = event.target.closest(".meeting-more");
    if (!more) return;
    const full = document.getElementById(more.getAttribute("aria-controls"));
    if (!full.firstElementChild) full.append(fillView(clone("tpl-meeting-view"), book, bodies.get(full.id)));
    const open = more.getAttribute("aria-expanded") !== "true";
    more.setAttribute("aria-expanded", String(open));
    full.hidden = !open;
  });
  for (const entry of meetings) {
    const card = clone("tpl-meeting");
    card.id = `meeting-${entry.entry_id}`;
    const link = $(".meeting-edit", card);
    link.setAttribute("href", `${app.base}/meetings/${encodeURIComponent(entry.entry_id)}`);
    if (entry.failed) {
      $(".meeting-title", card).textContent = message("meeting-untitled");
      $(".meeting-more", card).remove();
      $(".meeting-full", card).remove();
      $(".meeting-meta", card).replaceWith(integrityNotice());
      $(".entry-meta", card).remove();
      link.closest("p").remove();
    } else {
      const title = meetingTitle(book, entry);
      $(".meeting-title", card).textContent = title;
      const meta = [formatValue(book, "mode", "select", entry.body.mode), formatValue(book, "minutes", "number", entry.body.minutes)]
        .filter(Boolean).join(" · ");
      $(".meeting-meta", card).textContent = meta;
      $(".meeting-meta", card).hidden = meta === "";
      $(".entry-meta", card).textContent = metaText(book, entry);
      for (const span of $$(".meeting-for", card)) span.textContent = `: ${title}`;
      // The full record is filled in when it is opened: a long log stays quick to show.
      const full = $(".meeting-full", card);
      full.id = `meeting-full-${entry.entry_id}`;
      $(".meeting-more", card).setAttribute("aria-controls", full.id);
      bodies.set(full.id, entry.body);
    }
    cards.append(card);
  }
  list.append(cards);
}

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

function meetingView(app) {
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
      const section = $("#meeting-delete");
      if (section) section.hidden = false;
    },
  });
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
      status.set(message("delete-wait"));
      return;
    }
    holdWhileDeleting(true);
    status.set(message("deleting"));
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
  status.clear();
  const gone = $("#meeting-deleted");
  gone.hidden = false;
  gone.focus();
}

/** The delete did not happen: say why, and put what changed in front of the member. */
function deleteRefused(app, form, section, error) {
  if (error?.name !== "ConflictError") {
    $("#delete-ask", section).focus();
    status.set(error?.name === "NetworkError" ? message("offline-delete") : message("save-error", { reason: error?.body?.message ?? error?.status ?? "" }));
    return;
  }
  const current = error.current;
  if (current.failed) {
    // A version this device cannot verify is never shown, and not deleted unread either.
    form.load(current);
    section.hidden = true;
    status.set(message("conflict-unverified"));
    return;
  }
  // Unsaved text stays: both versions side by side; otherwise the newer version is shown.
  if (form.isDirty()) form.showConflict(current, form.read(), form.savedBody);
  else {
    form.load(current);
    $("#delete-ask", section).focus();
  }
  status.set(message(current.author_id === app.book.me ? "delete-changed-me" : "delete-changed"));
}

// --- evaluation -------------------------------------------------------------------------------

function evaluationView(app) {
  const { book } = app;
  const evaluations = book.byType("evaluation");
  const mine = evaluations.find((e) => e.created_by === book.me) ?? null;
  new EntryForm($("#evaluation-form"), { ...app.formOptions("evaluation"), entry: mine });
  const theirs = evaluations.find((e) => e.created_by !== book.me) ?? null;
  const section = $("#partner-evaluation");
  if (theirs?.failed) section.append(integrityNotice());
  else if (theirs) {
    const slot = $(".entry-slot", section);
    fillView(slot, book, theirs.body);
    $(".entry-meta", slot).textContent = metaText(book, theirs);
    slot.hidden = false;
  }
  const summary = book.byType("summary")[0] ?? null;
  new EntryForm($("#summary-form"), { ...app.formOptions("summary"), entry: summary });
}

// --- overview and print -------------------------------------------------------------------------

function overviewView(app) {
  const { book } = app;
  const list = $("#overview-goal-list");
  if (list) {
    for (const goal of book.byType("goal")) {
      const item = document.createElement("li");
      item.textContent = goal.failed
        ? message("integrity")
        : [goalTitle(goal), formatValue(book, "status", "select", goal.body.status)].filter(Boolean).join(" · ");
      list.append(item);
    }
  }
  const next = $("#overview-next-meeting");
  const latest = newestFirst(book, book.byType("meeting").filter((m) => !m.failed))[0];
  if (next && latest && (latest.body.next_date || latest.body.next_topic || latest.body.prepare)) {
    fillView(next, book, latest.body);
    next.hidden = false;
  }
  const phaseForm = $("#phase-form");
  if (phaseForm) {
    const move = async (phase) => {
      try {
        await book.setPhase(phase);
        status.set(message("phase-saved"));
        window.location.reload();
      } catch (error) {
        status.set(message("save-error", { reason: error?.body?.message ?? error?.status ?? "" }));
      }
    };
    phaseForm.addEventListener("submit", (event) => {
      event.preventDefault();
      move($("#phase-select").value);
    });
    $("#phase-auto")?.addEventListener("click", () => move(null));
  }
}

function printView(app) {
  const { book } = app;
  const section = (id, entries, fill) => {
    const root = $(`#${id}`);
    $(".empty-list", root).hidden = entries.length > 0;
    for (const entry of entries) fill(root, entry);
  };
  section("print-agreement", book.byType("agreement"), (root, entry) => {
    if (entry.failed) return root.append(integrityNotice());
    const slot = $(".entry-slot", root);
    fillView(slot, book, entry.body);
    slot.hidden = false;
    $(".entry-meta", root).textContent = message("version", {
      revision: entry.revision, date: formatDate(entry.updated_at.slice(0, 10)), author: authorFor(book, entry),
    });
  });
  const item = (tpl, entry, title) => {
    const li = clone(tpl);
    if (entry.failed) {
      $(".print-title", li).textContent = title;
      $(".entry-view", li).replaceWith(integrityNotice());
      return li;
    }
    $(".print-title", li).textContent = title;
    const meta = $(".entry-meta", li);
    if (meta) meta.textContent = metaText(book, entry);
    fillView(li, book, entry.body);
    return li;
  };
  section("print-goals", book.byType("goal"), (root, e) => $(".print-list", root).append(item("tpl-print-goal", e, e.failed ? message("goal-untitled") : goalTitle(e))));
  section("print-meetings", newestFirst(book, book.byType("meeting")).reverse(), (root, e) => $(".print-list", root).append(item("tpl-print-meeting", e, e.failed ? message("meeting-untitled") : meetingTitle(book, e))));
  section("print-evaluations", book.byType("evaluation"), (root, e) => $(".print-list", root).append(item("tpl-print-evaluation", e, message("evaluation-of", { author: authorFor(book, e) }))));
  section("print-summary", book.byType("summary"), (root, entry) => {
    if (entry.failed) return root.append(integrityNotice());
    const slot = $(".entry-slot", root);
    fillView(slot, book, entry.body);
    slot.hidden = false;
  });
  $("#print-button")?.addEventListener("click", () => window.print());
}

export const VIEWS = {
  overview: overviewView,
  agreement: agreementView,
  goals: goalsView,
  meetings: meetingsView,
  meeting: meetingView,
  evaluation: evaluationView,
  print: printView,
};

/** The kinds of entry each page shows (none listed: every kind). */
export const VIEW_TYPES = {
  overview: ["goal", "meeting"],
  agreement: ["agreement"],
  goals: ["goal"],
  meetings: ["meeting", "goal"],
  meeting: ["goal", "meeting"],
  evaluation: ["evaluation", "summary"],
  print: [],
};
