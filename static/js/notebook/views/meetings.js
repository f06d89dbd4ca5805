// The meeting log.
import { $, $$, clone } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { fillView, formatValue, integrityNotice, metaText } from "../display.js";
import { meetingTitle, newestFirst } from "./common.js";

/**
 * The meeting log: newest first, a page of meetings at a time (the first page takes the room
 * the server reserved for it), each meeting's full record opened on demand.
 */
export function show(app) {
  const { book } = app;
  const list = $("#meeting-list");
  const meetings = newestFirst(book, book.byType("meeting"));
  $("#meeting-empty").hidden = meetings.length > 0;
  const bodies = new Map();
  const size = Number(list.dataset.pageSize) || 20;
  let shown = 0;
  const older = $("#meeting-older");
  const more = () => {
    const first = renderCards(app, list, meetings.slice(shown, shown + size), bodies, shown > 0);
    shown = Math.min(meetings.length, shown + size);
    const left = meetings.length - shown;
    older.closest(".meeting-pages").hidden = left <= 0;
    older.textContent = message("meetings-older", { count: left });
    return first;
  };
  older.addEventListener("click", () => {
    // The focus goes to the first meeting just shown, so the keyboard carries on from there.
    more()?.querySelector(".meeting-title")?.focus();
  });
  list.addEventListener("click", (event) => {
    const toggle = event.target.closest(".meeting-more");
    if (!toggle) return;
    const full = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!full.firstElementChild) full.append(fillView(clone("tpl-meeting-view"), book, bodies.get(full.id)));
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    full.hidden = !open;
  });
  // The first visit's preview (firstPage) gives way to the whole log's first page, in one task.
  for (const card of $$(".meeting-preview", list)) card.remove();
  list.removeAttribute("aria-busy");
  for (const placeholder of $$(".meeting-placeholder", list)) placeholder.remove();
  more();
}

/**
 * A first visit on a slow connection: the cards of the meetings written last (core.js
 * previewNotebook; asked for only when the log is longer than a page, <body data-first-page>)
 * take their room at once, while the whole log downloads; `show` then draws the first page again
 * from every meeting. Only the links work meanwhile. `draw` returns whether it drew.
 */
export const firstPage = {
  draw(app) {
    const list = $("#meeting-list");
    const size = Number(list.dataset.pageSize) || 20;
    const meetings = newestFirst(app.book, app.book.byType("meeting")).slice(0, size);
    const room = $$(".meeting-placeholder", list);
    if (!meetings.length || room.length < meetings.length) return false;
    const first = renderCards(app, list, meetings, new Map(), false);
    for (let card = first; card; card = card.nextElementSibling) {
      card.classList.add("meeting-preview");
      $(".meeting-more", card)?.setAttribute("disabled", "");
    }
    // Where the placeholders stood: the first ones give their room to the cards.
    room[0].before(...$$(".meeting-preview", list));
    for (const placeholder of room.slice(0, meetings.length)) placeholder.remove();
    list.setAttribute("aria-busy", "true");
    return true;
  },
};

/** Cards for `entries` at the end of the list (`older`: a page shown on request); returns the first one. */
function renderCards(app, list, entries, bodies, older) {
  const { book } = app;
  const cards = document.createDocumentFragment();
  for (const entry of entries) {
    const card = clone("tpl-meeting");
    card.id = `meeting-${entry.entry_id}`;
    card.classList.toggle("older-page", older);
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
  const first = cards.firstElementChild;
  list.append(cards);
  return first;
}
