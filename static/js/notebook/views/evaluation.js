// The evaluation page.
import { $ } from "../../lib/dom.js";
import { fillView, integrityNotice, metaText } from "../display.js";
import { EntryForm } from "../form/entry-form.js";

/** The evaluation page: my evaluation, my partner's to read, and our shared summary. */
export function show(app) {
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
