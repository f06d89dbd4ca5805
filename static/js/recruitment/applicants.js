// Organiser: the applicant list. The server lists email, role, status and dates; this module
// opens the answers sealed to me (the names in the list) and builds the CSV export here. Status
// changes and filters are server forms (htmx or plain posts) and need no keys.
import { message } from "../lib/messages.js";
import { downloadCsv, writeCsv } from "../lib/csv.js";
import { secretsOrUnlock } from "../pages/flag-messages.js";
import {
  allQuestions, answerText, errorText, formatDay, loadApplications, openAll, questions,
} from "./applicants-common.js";

let secrets = null;
let opened = new Map();
let data = null;

const say = (text) => {
  document.getElementById("applicants-status").textContent = text;
};

/** Put the decrypted names in the shown rows (textContent only). */
function showNames() {
  for (const row of document.querySelectorAll(".applicant-row")) {
    const link = row.querySelector(".applicant-name");
    if (!link) continue;
    const id = row.dataset.applicationId;
    if (!opened.has(id)) continue;
    const answers = opened.get(id);
    if (answers === null) {
      link.textContent = message(data?.applications.find((a) => a.application_id === id)?.sealed ? "cannot-open" : "not-kept");
    } else {
      link.textContent = typeof answers.name === "string" && answers.name.trim() ? answers.name : message("no-name");
    }
  }
}

async function decrypt({ announce = false } = {}) {
  if (!secrets) return;
  try {
    if (announce) say(message("loading"));
    data = await loadApplications();
    opened = await openAll(secrets, data.applications);
    showNames();
    if (announce) say(message("ready"));
  } catch (err) {
    say(errorText(err));
  }
}

/** The CSV of the rows shown (the filters apply), with every answer under its question. */
function exportCsv() {
  if (!secrets || !data) {
    say(message("export-locked"));
    document.getElementById("unlock-form")?.removeAttribute("hidden");
    document.getElementById("unlock-passphrase")?.focus();
    return;
  }
  const byRole = questions();
  const columns = allQuestions(byRole);
  const header = ["col-email", "col-role", "col-status", "col-applied", "col-source"].map((id) => message(id));
  const rows = [[...header, ...columns.map((q) => q.label)]];
  const shown = [...document.querySelectorAll(".applicant-row")];
  for (const row of shown) {
    const id = row.dataset.applicationId;
    const app = data.applications.find((a) => a.application_id === id);
    if (!app) continue;
    const answers = opened.get(id) ?? {};
    const own = new Map((byRole[app.role] ?? []).map((q) => [q.key, q]));
    rows.push([
      app.email,
      message(`role-${app.role}`),
      message(`status-${app.status}`),
      formatDay(app.created_at),
      message(`source-${app.source}`),
      ...columns.map((q) => answerText(own.get(q.key) ?? q, answers[q.key])),
    ]);
  }
  const name = (document.body.dataset.programmeName || "programme").replace(/[^\p{L}\p{N}]+/gu, "-");
  downloadCsv(`applicants-${name}.csv`, writeCsv(rows));
  say(message("exported", { count: rows.length - 1 }));
}

function pickAll(event) {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.id !== "pick-all") return;
  for (const pick of document.querySelectorAll("#applicant-rows .pick")) pick.checked = box.checked;
}

async function start() {
  document.getElementById("export-csv")?.addEventListener("click", exportCsv);
  document.getElementById("main").addEventListener("change", pickAll);
  // The rows come again after a filter or a status change: name them from what is opened,
  // and fetch afresh (a status change may have removed copies).
  document.body.addEventListener("htmx:afterSettle", () => {
    if (!document.getElementById("applicant-rows")) return;
    showNames();
    decrypt();
  });
  secrets = await secretsOrUnlock(async (unlocked) => {
    secrets = unlocked;
    await decrypt({ announce: true });
  });
  if (secrets) await decrypt({ announce: true });
}

if (document.body.dataset.page === "applicants") start();
