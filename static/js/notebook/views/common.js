// What several notebook pages share: titles, and meetings newest first.
import { message } from "../../lib/messages.js";
import { formatDate } from "../display.js";

// Newest first: by the meeting's date, then by when it was written (ISO strings sort as text),
// then by the server's order (entries written in the same second).
const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
export function newestFirst(book, entries) {
  const position = new Map(book.entries.map((e, i) => [e.entry_id, i]));
  const key = (e) => `${e.body?.date ?? ""}|${e.created_at}`;
  return [...entries].sort((a, b) => compare(key(b), key(a)) || position.get(b.entry_id) - position.get(a.entry_id));
}

/** Today's date on this device, as an ISO date (a new meeting's default). */
export function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A goal's title, or the words for a goal without one. */
export function goalTitle(entry) {
  return entry.body?.title || message("goal-untitled");
}

/** A meeting's date and theme. */
export function meetingTitle(entry) {
  const parts = [formatDate(entry.body?.date) || message("meeting-untitled")];
  if (entry.body?.theme) parts.push(entry.body.theme);
  return parts.join(" · ");
}
