// Organiser: import applicants from a CSV on this device. The file is read here, its columns
// mapped to the calls' questions on screen, every row checked (a preview with each row's
// problem) and sealed here with sealing.js; only then one POST sends them all, and the server
// stores all of them or none.
import { api } from "../lib/api.js";
import { CsvError, parseCsv } from "../lib/csv.js";
import { clone, uniquify } from "../lib/dom.js";
import { busy } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { askToUnlock, secretsOrUnlock, verifyAll } from "../pages/flag-messages.js";
import { allQuestions, applicationsPath, errorText, questions } from "./applicants-common.js";
import { checkRow, guessTarget, SPECIAL } from "./import-rows.js";
import { sealApplication } from "./sealing.js";

const body = document.body;
const programmeId = body.dataset.programmeId;
const maxRows = Number(body.dataset.maxRows || 500);
let secrets = null;
let table = null; // {header: [...], rows: [[...] with .line]}
let checked = []; // the preview: [{line, email, role, language, answers, errors}]

const byId = (id) => document.getElementById(id);
const say = (text) => {
  byId("applicants-status").textContent = text;
};

function textError(text) {
  const box = byId("import-text-error");
  const area = byId("import-text");
  box.textContent = text ?? "";
  box.hidden = !text;
  if (text) {
    area.setAttribute("aria-invalid", "true");
    area.focus();
  } else {
    area.removeAttribute("aria-invalid");
  }
}

async function onFile(event) {
  const file = event.target.files?.[0];
  if (!file) return;
  byId("import-text").value = await file.text();
  textError(null);
}

/** Read the list into a header and rows; false after saying what is wrong. */
function readTable() {
  const text = byId("import-text").value;
  if (!text.trim()) {
    textError(message("no-text"));
    return false;
  }
  let rows;
  try {
    rows = parseCsv(text);
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    textError(message("bad-csv", { line: err.line }));
    return false;
  }
  if (rows.length < 2) {
    textError(message("no-rows"));
    return false;
  }
  if (rows.length - 1 > maxRows) {
    textError(message("too-many", { max: maxRows }));
    return false;
  }
  textError(null);
  table = { header: rows[0].map((c) => c.trim()), rows: rows.slice(1) };
  return true;
}

function targets() {
  const out = [
    ["", message("map-ignore")],
    [SPECIAL.email, message("map-email")],
    [SPECIAL.role, message("map-role")],
    [SPECIAL.language, message("map-language")],
  ];
  for (const q of allQuestions(questions())) out.push([q.key, q.label]);
  return out;
}

/** One select per column, each preset to the question its header names (when one does). */
function showMapping() {
  const box = byId("mapping-fields");
  const choices = targets();
  const previous = new Map([...box.querySelectorAll("select")].map((s) => [s.dataset.header, s.value]));
  const fields = table.header.map((name, index) => {
    const field = uniquify(clone("mapping-field"), String(index));
    const label = field.querySelector("label");
    label.textContent = message("column", { name: name || String(index + 1) });
    const select = field.querySelector("select");
    select.dataset.header = name;
    for (const [value, text] of choices) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      select.append(option);
    }
    select.value = previous.get(name) ?? guessTarget(name, choices);
    return field;
  });
  box.replaceChildren(...fields);
  const form = byId("import-mapping");
  form.hidden = false;
  byId("mapping-heading").focus();
}

function mapping() {
  return [...byId("mapping-fields").querySelectorAll("select")].map((s) => s.value);
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function showPreview() {
  const tbody = byId("preview-rows");
  const rows = checked.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.line = String(r.line);
    if (r.errors.length) tr.className = "row-error";
    const problem = cell(r.errors.length ? r.errors.join(" ") : message("ok"));
    if (r.errors.length) problem.className = "error-text";
    tr.append(cell(String(r.line)), cell(r.email), cell(r.role ? message(`role-${r.role}`) : ""), cell(r.answers.name ?? ""), problem);
    return tr;
  });
  tbody.replaceChildren(...rows);
  const bad = checked.filter((r) => r.errors.length).length;
  byId("preview-summary").textContent = bad
    ? message("preview-bad", { bad, count: checked.length })
    : message("preview-ok", { count: checked.length });
  byId("import-send").hidden = bad > 0;
  byId("import-preview").hidden = false;
  byId("preview-heading").focus();
}

function onMapping(event) {
  event.preventDefault();
  // The list may have been fixed since the columns were read: read it again.
  if (!readTable()) return;
  const map = mapping();
  if (!map.includes(SPECIAL.email)) {
    say(message("need-email"));
    byId("map-0")?.focus();
    return;
  }
  say("");
  const defaults = {
    role: byId("import-role").value,
    language: body.dataset.programmeLanguage === "en" ? "en" : "fi",
  };
  const seen = new Map();
  checked = table.rows.map((cells) => checkRow(cells, map, questions(), defaults, seen));
  showPreview();
}

function onSource(event) {
  event.preventDefault();
  if (!readTable()) return;
  byId("import-preview").hidden = true;
  showMapping();
}

function showServerRows(rows) {
  for (const problem of rows) {
    const r = checked[problem.row - 1];
    if (r) r.errors.push(problem.message);
  }
  showPreview();
  byId("preview-summary").textContent = `${message("server-rows")} ${byId("preview-summary").textContent}`;
}

async function onSend(event) {
  const button = event.currentTarget;
  if (!secrets) {
    askToUnlock(byId("applicants-status"));
    return;
  }
  if (!checked.length || checked.some((r) => r.errors.length)) return;
  await busy(button.closest("section"), async () => {
    try {
      const data = await api("GET", applicationsPath());
      const pinned = await verifyAll(data.organisers);
      const organisers = pinned.map((bundle) => ({ user_id: bundle.user, bundle: bundle.json }));
      const applications = [];
      for (const [index, r] of checked.entries()) {
        say(message("sealing", { done: index + 1, count: checked.length }));
        const sealed = await sealApplication({ programmeId, role: r.role, answers: r.answers, organisers });
        applications.push({ ...sealed, role: r.role, email: r.email, language: r.language });
      }
      say(message("sending"));
      const answer = await api("POST", `${applicationsPath()}/import`, { applications });
      say(message("imported", { count: answer.imported }));
      checked = [];
      byId("import-text").value = "";
      byId("import-preview").hidden = true;
      byId("import-mapping").hidden = true;
      byId("import-done").hidden = false;
      byId("import-done").querySelector("a")?.focus();
    } catch (err) {
      if (err?.name === "ApiError" && err.status === 400 && Array.isArray(err.body?.rows)) {
        say(err.body.message ?? "");
        showServerRows(err.body.rows);
      } else if (err?.name === "ApiError" && err.status === 413) {
        say(message("too-large"));
      } else {
        say(errorText(err));
      }
    }
  });
}

async function start() {
  byId("import-file").addEventListener("change", onFile);
  byId("import-source").addEventListener("submit", onSource);
  byId("import-mapping").addEventListener("submit", onMapping);
  byId("import-send").addEventListener("click", onSend);
  secrets = await secretsOrUnlock(async (unlocked) => {
    secrets = unlocked;
    say("");
  });
}

if (body.dataset.page === "applicants-import") start();
