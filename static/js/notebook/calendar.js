// "Add to calendar" for the next meeting: an .ics built in this page from the date and topic the
// member sees in the form (decrypted on this device). Nothing is sent anywhere: the file is made
// here and handed to the browser as a download, so the server never learns when or what.
import { $, byId, offerDownload } from "../lib/dom.js";
import { message } from "../lib/messages.js";

const CRLF = "\r\n";

/** Text as an iCalendar TEXT value: backslash, semicolon, comma and line breaks escaped. */
export function icsText(text) {
  return String(text)
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** One content line folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character. */
export function fold(line) {
  const encoder = new TextEncoder();
  const parts = [];
  let current = "";
  let size = 0;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    const limit = parts.length === 0 ? 75 : 74;
    if (size + n > limit) {
      parts.push(current);
      current = "";
      size = 0;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

const compactDate = (iso) => iso.replaceAll("-", "");

function nextDay(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d + 1));
  return day.toISOString().slice(0, 10);
}

function stamp(now) {
  return `${now.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;
}

/** The .ics text of an all-day event on `date` (YYYY-MM-DD) called `title`, with a UID that
 * stays the same for the same pair and day (adding it again updates the entry). */
export function buildIcs({ date, title, description = "", uid, now = new Date() }) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error("not a date");
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Pairbook//Next meeting//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${uid}`,
    `DTSTAMP:${stamp(now)}`,
    `DTSTART;VALUE=DATE:${compactDate(date)}`,
    `DTEND;VALUE=DATE:${compactDate(nextDay(date))}`,
    `SUMMARY:${icsText(title)}`,
  ];
  if (description) lines.push(`DESCRIPTION:${icsText(description)}`);
  lines.push("END:VEVENT", "END:VCALENDAR");
  return lines.map(fold).join(CRLF) + CRLF;
}

/** Hand the text to the browser as a file download (no request: a blob: address). */
function download(text, filename) {
  offerDownload(new Blob([text], { type: "text/calendar;charset=utf-8" }), filename);
}

/** Wire the button of templates/notebook/_calendar.html to the form around it. */
export function attach(button) {
  const form = button.closest("form");
  const status = byId("calendar-status");
  if (!form) return;
  button.addEventListener("click", () => {
    const dateInput = $('[data-field="next_date"]', form);
    const topic = ($('[data-field="next_topic"]', form)?.value || "").trim();
    const date = dateInput?.value || "";
    if (!date) {
      if (status) status.textContent = message("calendar-no-date");
      dateInput?.focus();
      return;
    }
    const title = topic
      ? `${message("calendar-title")}: ${topic}`
      : message("calendar-title");
    const pair = document.body.dataset.pairId || "pair";
    const text = buildIcs({
      date,
      title,
      description: message("calendar-description"),
      uid: `next-meeting-${pair}-${date}@pairbook.invalid`,
    });
    download(text, "next-meeting.ics");
    if (status) status.textContent = message("calendar-made");
  });
}

for (const button of document.querySelectorAll("[data-calendar-button]")) attach(button);
