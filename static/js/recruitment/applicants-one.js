// Organiser: one applicant. The answers sealed to me, labelled with the call's questions, and
// the organisers' sealed notes, opened here; a new note is sealed here for every organiser.
import { api } from "../lib/api.js";
import { busy } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { askToUnlock, secretsOrUnlock } from "../pages/flag-messages.js";
import {
  answerText, applicationsPath, errorText, formatWhen, loadApplications, openAll, openNotes, questions, sealNote,
} from "./applicants-common.js";

const applicationId = document.body.dataset.applicationId;
let secrets = null;

const say = (text) => {
  document.getElementById("applicants-status").textContent = text;
};

function showAnswers(app, answers) {
  const list = document.getElementById("answers");
  if (!list) return;
  if (answers === null) {
    const dd = document.createElement("p");
    dd.textContent = message(app.sealed ? "cannot-open" : "not-kept");
    list.replaceChildren(dd);
    return;
  }
  const items = [];
  for (const q of questions()[app.role] ?? []) {
    const dt = document.createElement("dt");
    dt.textContent = q.label;
    const dd = document.createElement("dd");
    const text = answerText(q, answers[q.key]);
    dd.textContent = text || message("not-answered");
    dd.className = text ? "preserve-lines" : "not-shared";
    items.push(dt, dd);
  }
  list.replaceChildren(...items);
}

function showNotes(notes) {
  const box = document.getElementById("notes");
  if (!box) return;
  const list = document.createElement("ol");
  list.className = "message-list";
  for (const n of notes) {
    const item = document.createElement("li");
    item.className = "message message-note";
    const meta = document.createElement("p");
    meta.className = "message-meta";
    const who = document.createElement("strong");
    who.textContent = message(n.authorId === secrets.userId ? "from-me" : "from-organiser");
    const time = document.createElement("time");
    time.dateTime = n.createdAt;
    time.textContent = formatWhen(n.createdAt);
    meta.append(who, " · ", time);
    const text = document.createElement("p");
    text.className = n.text === null ? "message-text message-error" : "message-text preserve-lines";
    text.textContent = n.text === null ? message("cannot-open") : n.text;
    item.append(meta, text);
    list.append(item);
  }
  box.replaceChildren(...(notes.length ? [list] : []));
}

async function load({ announce = false } = {}) {
  if (!secrets) return null;
  try {
    if (announce) say(message("loading"));
    const data = await loadApplications();
    const app = data.applications.find((a) => a.application_id === applicationId);
    if (!app) return null;
    const opened = await openAll(secrets, [app]);
    showAnswers(app, opened.get(applicationId));
    showNotes(await openNotes(secrets, app, data.organisers));
    if (announce) say(message("ready"));
    return data;
  } catch (err) {
    say(errorText(err));
    return null;
  }
}

async function onNote(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const textarea = document.getElementById("note-text");
  const status = document.getElementById("note-status");
  const error = document.getElementById("note-text-error");
  const text = textarea.value.trim();
  if (!text) {
    error.textContent = message("empty");
    error.hidden = false;
    textarea.setAttribute("aria-invalid", "true");
    textarea.focus();
    return;
  }
  error.hidden = true;
  textarea.removeAttribute("aria-invalid");
  if (!secrets) {
    askToUnlock(status);
    return;
  }
  await busy(form, async () => {
    status.textContent = message("sending");
    try {
      // Fresh: seal to the organisers of now.
      const data = await loadApplications();
      const note = await sealNote(secrets, data.organisers, text);
      await api("POST", `${applicationsPath()}/${encodeURIComponent(applicationId)}/notes`, note);
    } catch (err) {
      status.textContent = errorText(err);
      return;
    }
    textarea.value = "";
    status.textContent = message("note-saved");
    await load();
  });
}

async function start() {
  document.getElementById("note-form")?.addEventListener("submit", onNote);
  if (!document.getElementById("answers")) return;
  secrets = await secretsOrUnlock(async (unlocked) => {
    secrets = unlocked;
    await load({ announce: true });
  });
  if (secrets) await load({ announce: true });
}

if (document.body.dataset.page === "applicant") start();
