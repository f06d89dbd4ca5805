// Organiser: the planning checklist's notes. Each item's note is opened here from the copies
// sealed to me and sealed here again, for every organiser, when it is saved; the note's words
// never go to the server, and never with the item's form (its textarea has no name). The rest
// of each item is a plain form that htmx posts.
import { api } from "../lib/api.js";
import { busy } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { askToUnlock, errorText, secretsOrUnlock } from "../pages/flag-messages.js";
import { noteSenders, openOrganiserNote, sealOrganiserNote } from "../pages/organiser-notes.js";

const KIND = { type: "planning-note", format: "pairbook/planning-note/v1" };
const programmeId = document.body.dataset.programmeId;
const notesPath = `/api/v1/organiser/programmes/${encodeURIComponent(programmeId)}/planning`;
let secrets = null;
// What each item's note said when opened (or last saved): "" when it has none.
const saved = new Map();
const kept = new Set();

const textarea = (item) => document.getElementById(`note-${item}`);
const status = (item) => document.getElementById(`note-${item}-status`);
const say = (text) => {
  document.getElementById("planning-status").textContent = text;
};

async function load() {
  say(message("loading"));
  try {
    const data = await api("GET", `${notesPath}/notes`);
    const senders = await noteSenders(secrets, data.organisers);
    for (const form of document.querySelectorAll("form.plan-note")) {
      const box = textarea(form.dataset.item);
      box.disabled = false;
      saved.set(form.dataset.item, "");
    }
    for (const note of data.notes) {
      const box = textarea(note.item);
      if (!box) continue;
      kept.add(note.item);
      const text = await openOrganiserNote(secrets, senders, KIND, programmeId, note);
      if (text === null) {
        status(note.item).textContent = message(note.sealed ? "cannot-open" : "not-sealed");
        continue;
      }
      box.value = text;
      saved.set(note.item, text);
    }
    say(message("ready"));
  } catch (err) {
    say(errorText(err));
  }
}

async function onSave(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const item = form.dataset.item;
  const line = status(item);
  if (!secrets) {
    askToUnlock(line);
    return;
  }
  const text = textarea(item).value.trim();
  if (text === saved.get(item) && (text || !kept.has(item))) {
    line.textContent = message(text ? "note-saved" : "empty");
    return;
  }
  await busy(form, async () => {
    line.textContent = message("sending");
    try {
      if (text) {
        // Fresh: sealed to the organisers of now.
        const { organisers } = await api("GET", `${notesPath}/notes`);
        const note = await sealOrganiserNote(secrets, organisers, KIND, programmeId, text);
        await api("PUT", `${notesPath}/${encodeURIComponent(item)}/note`, note);
        kept.add(item);
      } else {
        await api("DELETE", `${notesPath}/${encodeURIComponent(item)}/note`);
        kept.delete(item);
      }
    } catch (err) {
      line.textContent = errorText(err);
      return;
    }
    saved.set(item, text);
    line.textContent = message(text ? "note-saved" : "note-removed");
    // The progress and the item's state come again from the server (htmx, metadata only).
    document.body.dispatchEvent(new CustomEvent("planning-changed"));
  });
}

async function start() {
  for (const form of document.querySelectorAll("form.plan-note")) form.addEventListener("submit", onSave);
  secrets = await secretsOrUnlock(async (unlocked) => {
    secrets = unlocked;
    await load();
  });
  if (secrets) await load();
}

if (document.body.dataset.page === "planning") start();
