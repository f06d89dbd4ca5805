// The organiser's applicant pages, shared: the applications and the copies sealed to me (from
// GET …/applications), opened on this device; the questions of each call (rendered by the
// server into #applicant-questions) to label the answers; sealed notes.
import { api } from "../lib/api.js";
import { message } from "../lib/messages.js";
import { noteSenders, openOrganiserNote, sealOrganiserNote } from "../pages/organiser-notes.js";
import { openOrNull } from "./sealing.js";

export const NOTE_TYPE = "applicant-note";
export const NOTE_FORMAT = "pairbook/applicant-note/v1";

const programmeId = () => document.body.dataset.programmeId;

export const applicationsPath = () =>
  `/api/v1/organiser/programmes/${encodeURIComponent(programmeId())}/applications`;

/** The questions of each role: `{mentor: [{key, kind, label, options}], mentee: […]}`. */
export function questions() {
  const holder = document.getElementById("applicant-questions");
  try {
    return JSON.parse(holder?.dataset.questions ?? "{}");
  } catch {
    return {};
  }
}

/** The list from the server. */
export const loadApplications = () => api("GET", applicationsPath());

// Below this many, opening on the page's thread is quicker than starting workers.
const WORKERS_FROM = 64;
// A long list is dealt out in parts (at most this many applications), two at a time to each
// worker and then the next to whichever answers first: a slower core (a phone's little one, or
// a busy one) takes fewer.
const PART = 60;
const IN_FLIGHT = 2;

const workerCount = () => Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 4));
const newOpener = () => new Worker(new URL("./open-worker.js", import.meta.url), { type: "module" });

// Workers started ahead by warmOpeners (their modules load meanwhile), for the next openAll.
const warm = [];

/**
 * Start the opening workers before a long list arrives (the matching page, while the keys and
 * the list load): the next openAll of a long list takes them. They hold nothing until then.
 */
export function warmOpeners() {
  if (typeof Worker !== "function") return;
  try {
    while (warm.length < workerCount()) {
      const worker = newOpener();
      // One that cannot start is dropped at once (openAll would wait for it in vain).
      worker.addEventListener("error", (event) => {
        event.preventDefault();
        if (warm.includes(worker)) warm.splice(warm.indexOf(worker), 1);
      });
      warm.push(worker);
    }
  } catch {
    // No module workers here: openAll opens on the page's thread.
  }
}

/** Open `apps` in a few module workers at once (open-worker.js): [[application id, answers]]. */
function openInWorkers(identity, apps, programme) {
  const size = Math.min(PART, Math.ceil(apps.length / (workerCount() * IN_FLIGHT)));
  // Only what opening needs is copied to the workers (not the emails, statuses or notes).
  const slim = apps.map(({ application_id, role, bundle, sealed }) => ({ application_id, role, bundle, sealed }));
  const parts = [];
  for (let i = 0; i < slim.length; i += size) parts.push(slim.slice(i, i + size));
  const count = Math.min(workerCount(), parts.length);
  const workers = warm.splice(0, count);
  while (workers.length < count) workers.push(newOpener());
  return new Promise((resolve, reject) => {
    const opened = [];
    let next = 0;
    let waiting = 0;
    let failed = false;
    const fail = (error) => {
      if (failed) return;
      failed = true;
      for (const worker of workers) worker.terminate();
      reject(error);
    };
    const told = new Set(); // the workers that have my identity already (it is sent once)
    const give = (worker) => {
      if (next < parts.length) {
        waiting += 1;
        worker.postMessage({ identity: told.has(worker) ? undefined : identity, apps: parts[next], programmeId: programme });
        told.add(worker);
        next += 1;
      }
    };
    for (const worker of workers) {
      worker.addEventListener("message", (event) => {
        if (failed) return;
        waiting -= 1;
        if (event.data.error) return fail(new Error(event.data.error));
        for (const pair of event.data.opened) opened.push(pair);
        give(worker);
        if (waiting === 0) {
          for (const w of workers) w.terminate();
          resolve(opened);
        }
      });
      worker.addEventListener("error", (event) => { event.preventDefault(); fail(new Error("worker")); });
    }
    for (let k = 0; k < IN_FLIGHT; k += 1) for (const worker of workers) give(worker);
  });
}

/**
 * Open my copy of each application: a Map from application id to its answers, or null when
 * no copy was sealed to me or it does not open (a CryptoError or a body of the wrong shape).
 * A long list is opened in workers, in parallel (a phone has several cores); a browser that
 * cannot start them opens it here.
 */
export async function openAll(secrets, applications) {
  const out = new Map();
  const sealed = applications.filter((app) => app.sealed && app.bundle);
  for (const app of applications) if (!app.sealed || !app.bundle) out.set(app.application_id, null);
  if (sealed.length >= WORKERS_FROM && typeof Worker === "function") {
    try {
      for (const [id, answers] of await openInWorkers(secrets.identity, sealed, programmeId())) out.set(id, answers);
      return out;
    } catch {
      // No module workers here (or one could not start): open them on this thread instead.
    }
  }
  await Promise.all(sealed.map(async (app) => {
    out.set(app.application_id, await openOrNull(secrets.identity, app, programmeId()));
  }));
  return out;
}

/** An answer as text: choices by their labels (one per line in lists), numbers as digits. */
export function answerText(question, value) {
  if (value === undefined || value === null || value === "") return "";
  const label = (v) => question?.options?.[v] ?? v;
  if (Array.isArray(value)) return value.map(label).join("; ");
  if (question?.kind === "one") return label(value);
  return String(value);
}

/** Every question of both roles once, in order (the CSV's columns: same key, same column). */
export function allQuestions(byRole) {
  const seen = new Map();
  for (const role of ["mentor", "mentee"]) {
    for (const q of byRole[role] ?? []) if (!seen.has(q.key)) seen.set(q.key, q);
  }
  return [...seen.values()];
}

const NOTE_KIND = { type: NOTE_TYPE, format: NOTE_FORMAT };

/** Seal `text` as a note once for every organiser bundle (mine from my own keys). */
export const sealNote = (secrets, organisers, text) =>
  sealOrganiserNote(secrets, organisers, NOTE_KIND, programmeId(), text);

/** Open the notes of one application: `{noteId, authorId, createdAt, text}`, text null if not. */
export async function openNotes(secrets, application, organisers) {
  const senders = await noteSenders(secrets, organisers);
  return Promise.all(
    application.notes.map(async (n) => ({
      noteId: n.note_id,
      authorId: n.author_id,
      createdAt: n.created_at,
      text: await openOrganiserNote(secrets, senders, NOTE_KIND, programmeId(), n),
    })),
  );
}

/** A date and time in the page's language. */
export function formatWhen(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: "medium", timeStyle: "short",
    }).format(when);
  } catch {
    return when.toISOString();
  }
}

/** A date in the page's language (for the CSV and the lists). */
export function formatDay(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "medium" }).format(when);
  } catch {
    return iso.slice(0, 10);
  }
}

/** The user-facing sentence for a failure. */
export function errorText(err) {
  if (err?.name === "NetworkError") return message("offline");
  if (err?.name === "CryptoError") return message("bad-key");
  if (err?.name === "ApiError" && typeof err.body?.message === "string" && err.status < 500) {
    return err.body.message;
  }
  return message("failed");
}
