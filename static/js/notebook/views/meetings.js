// The meeting log.
import { $, $$, clone } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { fillView, formatValue, integrityNotice, metaText } from "../display.js";
import { meetingTitle, newestFirst } from "./common.js";

export const types = ["meeting", "goal"];

/** The meeting log: newest first, each meeting's full record opened on demand. */
export function show(app) {
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
      const title = meetingTitle(entry);
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
