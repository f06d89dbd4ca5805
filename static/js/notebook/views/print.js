// The printable notebook: every entry, read-only.
import { $, clone } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { authorName, fillView, formatDate, integrityNotice, metaText } from "../display.js";
import { goalTitle, meetingTitle, newestFirst } from "./common.js";

/** Every kind of entry. */

/** The whole notebook on one page, for paper. */
export function show(app) {
  const { book } = app;
  const section = (id, entries, fill) => {
    const root = $(`#${id}`);
    $(".empty-list", root).hidden = entries.length > 0;
    for (const entry of entries) fill(root, entry);
  };
  // A section of one entry (the agreement, the summary), in its read view.
  const single = (root, entry) => {
    if (entry.failed) return root.append(integrityNotice());
    const slot = $(".entry-slot", root);
    fillView(slot, book, entry.body);
    slot.hidden = false;
  };
  section("print-agreement", book.byType("agreement"), (root, entry) => {
    single(root, entry);
    if (entry.failed) return;
    $(".entry-meta", root).textContent = message("version", {
      revision: entry.revision, date: formatDate(entry.updated_at.slice(0, 10)), author: authorName(book, entry.author_id),
    });
  });
  const item = (tpl, entry, title) => {
    const li = clone(tpl);
    $(".print-title", li).textContent = title;
    if (entry.failed) {
      $(".entry-view", li).replaceWith(integrityNotice());
      return li;
    }
    const meta = $(".entry-meta", li);
    if (meta) meta.textContent = metaText(book, entry);
    fillView(li, book, entry.body);
    return li;
  };
  section("print-goals", book.byType("goal"), (root, e) => $(".print-list", root).append(item("tpl-print-goal", e, e.failed ? message("goal-untitled") : goalTitle(e))));
  section("print-meetings", newestFirst(book, book.byType("meeting")).reverse(), (root, e) => $(".print-list", root).append(item("tpl-print-meeting", e, e.failed ? message("meeting-untitled") : meetingTitle(e))));
  section("print-evaluations", book.byType("evaluation"), (root, e) => $(".print-list", root).append(item("tpl-print-evaluation", e, message("evaluation-of", { author: authorName(book, e.author_id) }))));
  section("print-summary", book.byType("summary"), single);
  $("#print-button")?.addEventListener("click", () => window.print());
}
